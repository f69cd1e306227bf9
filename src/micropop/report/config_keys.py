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
['', 'earnings', 'models.NAME']
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
                  "certainty, adjust (as R survey >= 4.4), adjust_legacy (as survey <= 4.2) or "
                  "average.",
}

_READING = {
    "encoding": "Encoding of a text file, e.g. \"cp1252\" for a French Excel export (default: "
                "UTF-8, or Windows-1252 when the file is not UTF-8); the report says which "
                "was used.",
    "sep": "Field separator of a text file, e.g. \";\" (default: guessed from the first "
           "lines).",
    "decimal": "Decimal mark of a text file's numbers, \".\" or \",\" (default: guessed).",
}

_NA_RM = ("true to leave out the rows with a missing value of the columns used (as the "
          "Python API's na_rm=True); the report says how many. Default false: missing values "
          "are refused.")

#: Dotted table name (``""`` for the top level) -> {key: what it means}.
KEYS: dict[str, dict[str, str]] = {
    "": {
        "title": "The report's title.",
        "survey": "The worker survey (required table).",
        "weighting": "Re-weight the worker survey before every estimate.",
        "profile": "Who the workers are: shares, and against France.",
        "earnings": "What micro-work pays: earnings, hourly pay, living standards.",
        "size": "How many workers: survey circles, platform figures, capture-recapture.",
        "models": "Regression models of the worker survey (what goes with regular work and "
                  "with low pay), one sub-table [models.NAME] each; NAME names its files "
                  "(model_NAME.csv, model_NAME.png).",
    },
    "survey": dict(_DESIGN, **_READING, engine=(
        "pandas (default) or dask: with dask, file is a folder, a glob such as "
        "\"census/*.parquet\" or one file, of Parquet or CSV files with the same columns, read "
        "with Dask and checked file by file (needs pip install 'micropop[dask]'); the rows are "
        "then gathered in memory for the report's sections, as a note of the report says.")),
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
        "na_rm": _NA_RM,
        "france": "Your columns and codes for the comparison with France (default: the demo's "
                  "sex, age, age_band and education, coded as in its codebook).",
    },
    "profile.france": {
        "sex": "The sex column.",
        "sex_levels": "Your sex codes -> female or male, e.g. { F = \"female\", H = \"male\" }.",
        "age": "The age column, in whole years: the census is taken over the ages given by "
               "ages, and education is compared for the respondents aged 25-64.",
        "ages": "The survey's age range [first, last], both included (default [18, 74]).",
        "age_band": "The column of 5-year age bands.",
        "age_band_levels": "Your age bands -> INSEE's 5-year bands (\"15-19\", \"20-24\", ..., "
                           "\"70-74\"), a band or a list of bands each (default: the same "
                           "labels).",
        "education": "The highest-diploma column.",
        "education_levels": "Your diploma codes -> below_bac, bac, bac+2 or above_bac+2, "
                            "e.g. { \"1\" = \"below_bac\", \"2\" = \"bac\" }.",
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
        "na_rm": _NA_RM,
        "zero_hours": "Rows with zero hours have no hourly earnings: \"error\" (default) refuses "
                      "them, \"exclude\" leaves them out of the hourly figures (the report "
                      "says how many).",
    },
    "size": {
        "published": "A published figure of the regular circle, marked on the forest plot.",
        "published_source": "Its source, named in the forest plot's legend.",
        "survey": "A general-population survey asking about micro-work.",
        "platforms": "Platform figures divided by the workers' mean number of platforms.",
        "captures": "0/1 capture histories of the regular workers on several lists.",
    },
    "size.survey": dict(_DESIGN, **_READING, na_rm=_NA_RM, **{
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
        **_READING,
    },
    "models.NAME": {
        "formula": "The model, in R's spelling: \"log(earnings_month) ~ sex + C(age_group, "
                   "treatment)\" (C(x, treatment) gives an ordered column one coefficient per "
                   "level); read on the worker survey (a column absent is named, with the "
                   "closest one).",
        "family": "gaussian (default), binomial, quasibinomial (logistic, as R users fit "
                  "svyglm), poisson, quasipoisson, Gamma, or ordinal (proportional odds of an "
                  "ordered response, as R's svyolr).",
        "link": "identity, logit, probit, log, cloglog or inverse (default: the family's "
                "canonical link); logit (default) or probit for an ordinal model.",
        "exp": "true to show exponentiated coefficients (odds or rate ratios); default true "
               "under a logit or log link.",
        "na_rm": _NA_RM,
        "subset": "A condition on the rows, e.g. \"earnings_month > 0\": the model describes "
                  "that domain, the whole design kept for the standard errors (the report "
                  "says how many rows are left out).",
        "title": "The model's heading in the report (default: its formula).",
    },
}

#: The tables of the configuration, in the order the documentation shows them.
TABLES = tuple(KEYS)
