"""Every key of ``analysis.toml``, with what it means: the one declaration of the config.

:func:`micropop.report.config.load_config` accepts exactly these keys (an
unknown key is refused, naming the closest valid one), and the documentation's
configuration reference is generated from this table, so the two cannot drift.
Add a key here, with its description, when the reader learns to use it.

Examples
--------
>>> KEYS["earnings"]["hours"]
'Weekly hours of micro-work (a column): hourly earnings against the SMIC.'
>>> sorted(KEYS)[:3]
['', 'earnings', 'profile']
"""

from __future__ import annotations

__all__ = ["KEYS", "TABLES"]

_DESIGN = {
    "file": "The data file, relative to the configuration file: csv, tsv, parquet, dta, sav "
            "or xlsx.",
    "codebook": "Optional codebook (YAML or JSON): labels, types, missing codes, checks.",
    "weights": "The column of probability weights (required).",
    "strata": "Stratum column, as SurveyDesign(strata=) takes it.",
    "psu": "Sampling-unit column, or a list of columns, one per stage.",
    "fpc": "Finite population correction column(s), one per stage: population sizes or "
           "sampling fractions.",
    "nest": "true when PSU labels repeat across strata (R's nest=TRUE).",
    "lonely_psu": "What to do with a stratum of one PSU: fail (default, as R), remove, "
                  "certainty, adjust or average.",
}

#: Dotted table name (``""`` for the top level) -> {key: what it means}.
KEYS: dict[str, dict[str, str]] = {
    "": {
        "title": "The report's title.",
        "survey": "The worker survey (required table).",
        "weighting": "Re-weight the worker survey before every estimate.",
        "profile": "Who the workers are: shares, and against France.",
        "earnings": "What micro-work pays: earnings, hourly pay, living standards.",
        "size": "How many workers: survey circles, platform figures, capture-recapture.",
    },
    "survey": dict(_DESIGN),
    "weighting": {
        "method": "rake, calibrate or poststratify.",
        "margins": "A margins file (columns variable, level, target) or an inline table "
                   "{ variable = { level = count } }.",
        "calibration": "calibrate only: linear, raking or logit distance.",
        "bounds": "calibrate only: [low, high] bounds on the ratios of new to old weights.",
    },
    "profile": {
        "variables": "Categorical columns tabulated in the profile.",
        "compare_with_france": "true to set the workers against INSEE's census (sex, age) "
                               "and education shares.",
    },
    "earnings": {
        "variable": "Monthly micro-work earnings in euros (a column).",
        "hours": "Weekly hours of micro-work (a column): hourly earnings against the SMIC.",
        "minimum_wage_year": "The year of the SMIC hourly earnings are set against.",
        "household_income": "Monthly household income (a column): standard of living "
                            "against INSEE's poverty line.",
        "household_size": "Number of people in the household (a column).",
        "children_under14": "Number of children under 14 in the household (a column).",
        "poverty_line_year": "The year of INSEE's poverty line.",
    },
    "size": {
        "published": "A published figure of the regular circle, marked on the forest plot.",
        "published_source": "Its source, named in the forest plot's legend.",
        "survey": "A general-population survey asking about micro-work.",
        "platforms": "Platform figures divided by the workers' mean number of platforms.",
        "captures": "0/1 capture histories of the regular workers on several lists.",
    },
    "size.survey": dict(_DESIGN, **{
        "frequency": "The column saying how often the respondent micro-works.",
        "circles": "Circle name -> the frequency codes it counts, widest first (nested).",
        "regular": "The circle that counts as regular work, compared across methods.",
    }),
    "size.platforms": {
        "file": "The platform figures file (columns platform and one column per circle).",
        "multiplicity": "The worker survey's column of the number of platforms each uses.",
    },
    "size.captures": {
        "file": "The capture histories file: one row per person, one 0/1 column per list.",
        "codebook": "Optional codebook of that file.",
        "lists": "The list columns (at least two).",
    },
}

#: The tables of the configuration, in the order the documentation shows them.
TABLES = tuple(KEYS)
