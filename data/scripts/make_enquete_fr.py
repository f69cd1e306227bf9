"""The French example ``examples/enquete_fr/``: a SYNTHETIC survey as a French Excel exports it.

Made from the synthetic demo worker survey (``micropop.datasets.load_worker_survey()``,
itself made by ``data/scripts/generate.py``; no real respondent): its columns renamed in
French (sexe, age, tranche_age, diplome, situation, heures_semaine, gains_mois,
revenu_menage, ...), recoded with French codes, and written the way Excel writes a CSV on a
French Windows: Windows-1252 (cp1252) bytes, ``;`` between fields, a decimal comma. Like a
real survey it has income non-response (about 8 % of ``revenu_menage`` left blank) and a few
respondents who report zero hours but positive earnings.

Files written into ``examples/enquete_fr/`` (the names the guide uses):

- ``enquete.csv``: the survey (cp1252, ``;``, decimal comma);
- ``enquete.codebook.yaml``: the codebook (types, French value labels, English in the
  descriptions; ``id: id_repondant``);
- ``marges.csv``: weighting margins, targets written with French thousands separators
  (a space, a no-break space U+00A0, a narrow no-break space U+202F), UTF-8 with a
  byte-order mark as Excel's "CSV UTF-8" (cp1252 has no U+202F).

``analysis.toml`` and ``README.md`` are written by hand and kept beside them.

Run from the repository root (same seed, same bytes)::

    python data/scripts/make_enquete_fr.py [--seed 2026] [--out examples/enquete_fr]
"""

from __future__ import annotations

import argparse
import codecs
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["main", "make", "SEED", "SEXES", "DIPLOMAS", "SITUATIONS", "FREQUENCIES", "BANDS"]

SEED = 2026
#: Demo sex -> French code, and the codes' labels.
SEXES = {"female": "F", "male": "H"}
SEX_LABELS = {"F": "Femme", "H": "Homme"}
#: Demo education -> diploma code 1-4, and the codes' labels.
DIPLOMAS = {"below_bac": 1, "bac": 2, "bac+2": 3, "above_bac+2": 4}
DIPLOMA_LABELS = {1: "Inférieur au bac", 2: "Baccalauréat", 3: "Bac+2", 4: "Bac+3 ou plus"}
#: Demo employment -> French situation code, and the codes' labels.
SITUATIONS = {"cdi": "cdi", "cdd_temp": "cdd", "civil_servant": "fonct",
              "self_employed": "indep", "unemployed": "chom", "student": "etud",
              "retired": "retr", "inactive": "inact"}
SITUATION_LABELS = {"cdi": "Salarié en CDI", "cdd": "Salarié en CDD, intérim ou contrat aidé",
                    "fonct": "Fonctionnaire", "indep": "Indépendant", "chom": "Chômeur",
                    "etud": "Étudiant", "retr": "Retraité", "inact": "Inactif (au foyer, autre)"}
#: Demo frequency -> French code, and the codes' labels.
FREQUENCIES = {"weekly": "hebdo", "monthly": "mensuel", "less_often": "moins"}
FREQUENCY_LABELS = {"hebdo": "Chaque semaine", "mensuel": "Chaque mois",
                    "moins": "Moins souvent"}
#: The survey's 10-year age bands (18-24 first) and the INSEE 5-year bands each holds.
BANDS = {"18-24": ["15-19", "20-24"], "25-34": ["25-29", "30-34"],
         "35-44": ["35-39", "40-44"], "45-54": ["45-49", "50-54"],
         "55-64": ["55-59", "60-64"], "65-74": ["65-69", "70-74"]}
#: Share of household incomes left blank (non-response) and of rows given zero hours.
MISSING_INCOME, ZERO_HOURS = 0.08, 0.03


def _band(age: int) -> str:
    return next(band for band in BANDS if int(band[:2]) <= age <= int(band[3:]))


def make(seed: int = SEED) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The French survey (as the CSV shows it) and its margins, from the demo survey.

    Parameters
    ----------
    seed : int
        Seed of the income non-response and zero hours drawn.

    Returns
    -------
    (pandas.DataFrame, pandas.DataFrame)
        The survey with French names and codes, and the margins (variable,
        level, target) of the ``frequence`` column.

    Examples
    --------
    >>> survey, margins = make()
    >>> survey.columns[:4].tolist(), int(survey["revenu_menage"].isna().sum())
    (['id_repondant', 'sexe', 'age', 'tranche_age'], 80)
    """
    from micropop import datasets

    demo = datasets.load_worker_survey()
    rng = np.random.default_rng(seed)
    n = len(demo)
    income = demo["hh_income_month"].astype(float).to_numpy().copy()
    income[rng.choice(n, size=round(MISSING_INCOME * n), replace=False)] = np.nan
    hours = demo["hours_week"].astype(float).to_numpy().copy()
    paid = np.flatnonzero(demo["earnings_month"].to_numpy() > 0)
    hours[rng.choice(paid, size=round(ZERO_HOURS * n), replace=False)] = 0.0
    survey = pd.DataFrame({
        "id_repondant": demo["id"].to_numpy(),
        "sexe": demo["sex"].astype(str).map(SEXES).to_numpy(),
        "age": demo["age"].to_numpy(),
        "tranche_age": [_band(int(a)) for a in demo["age"]],
        "diplome": demo["education"].astype(str).map(DIPLOMAS).to_numpy(),
        "situation": demo["employment"].astype(str).map(SITUATIONS).to_numpy(),
        "region": demo["region"].astype(str).to_numpy(),
        "taille_menage": demo["household_size"].to_numpy(),
        "enfants_moins14": demo["children_under14"].to_numpy(),
        "revenu_menage": income,
        "nb_plateformes": demo["n_platforms"].to_numpy(),
        "frequence": demo["frequency"].astype(str).map(FREQUENCIES).to_numpy(),
        "heures_semaine": hours.round(1),
        "gains_mois": demo["earnings_month"].astype(float).round(2).to_numpy(),
        "poids": demo["weight"].astype(float).round(4).to_numpy(),
    })
    totals = survey.groupby("frequence")["poids"].sum()
    margins = pd.DataFrame({"variable": "frequence",
                            "level": [FREQUENCY_LABELS[code] for code in FREQUENCIES.values()],
                            "target": [round(totals[code], -2) for code in FREQUENCIES.values()]})
    return survey, margins


def _french(value: float) -> str:
    """A number as French Excel writes it in a CSV: decimal comma, no thousands separator."""
    if np.isnan(value):
        return ""
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def _codebook() -> str:
    def mapping(labels: dict[object, str]) -> str:
        return "{" + ", ".join(f'{k if isinstance(k, int) else repr(k)}: "{v}"'
                               for k, v in labels.items()) + "}"

    bands = ", ".join(f'"{band}"' for band in BANDS)
    return f"""\
dataset: enquete_fr
description: "SYNTHETIC example data, not real responses (données SYNTHÉTIQUES, pas de vrais répondants): the demo worker survey of micropop with French column names and codes, written as a French Excel export (cp1252, ';', decimal comma); made by data/scripts/make_enquete_fr.py"
id: id_repondant
variables:
  id_repondant: {{type: integer, description: "Identifiant du répondant (respondent id)"}}
  sexe: {{type: categorical, levels: {mapping(SEX_LABELS)}, description: "Sexe (sex): F = Femme (female), H = Homme (male)"}}
  age: {{type: integer, range: [18, 74], description: "Âge en années révolues (age in years)"}}
  tranche_age: {{type: ordered, levels: [{bands}], description: "Tranche d'âge (age band)"}}
  diplome: {{type: ordered, levels: {mapping(DIPLOMA_LABELS)}, description: "Diplôme le plus élevé (highest diploma): 1 below the baccalauréat (none, brevet, CAP, BEP), 2 baccalauréat, 3 bac+2 (BTS, DUT, DEUG), 4 bac+3 or more"}}
  situation: {{type: categorical, levels: {mapping(SITUATION_LABELS)}, description: "Situation principale hors micro-travail (main situation besides micro-work)"}}
  region: {{type: string, description: "Région de résidence (region of residence)"}}
  taille_menage: {{type: integer, range: [1, 12], description: "Nombre de personnes du ménage (household size)"}}
  enfants_moins14: {{type: integer, range: [0, 10], description: "Enfants de moins de 14 ans dans le ménage (children under 14)"}}
  revenu_menage: {{type: numeric, range: [0, null], description: "Revenu disponible du ménage, euros par mois (household income, EUR per month); about 8 % non-response, left blank"}}
  nb_plateformes: {{type: integer, range: [1, 10], description: "Nombre de plateformes utilisées (number of platforms)"}}
  frequence: {{type: ordered, levels: {mapping(FREQUENCY_LABELS)}, description: "Fréquence du micro-travail (how often): hebdo weekly, mensuel monthly, moins less often"}}
  heures_semaine: {{type: numeric, range: [0, 168], description: "Heures de micro-travail par semaine (hours per week); some are 0 with earnings above 0"}}
  gains_mois: {{type: numeric, range: [0, null], description: "Gains du micro-travail, euros par mois (monthly earnings, EUR)"}}
  poids: {{type: numeric, range: [0, null], description: "Poids de sondage (probability weight)"}}
"""


def main(argv: list[str] | None = None) -> None:
    """Write ``enquete.csv``, ``enquete.codebook.yaml`` and ``marges.csv``.

    Parameters
    ----------
    argv : list of str, optional
        ``--seed`` and ``--out``.
    """
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--out", type=Path,
                        default=Path(__file__).resolve().parents[2] / "examples" / "enquete_fr")
    args = parser.parse_args(argv)
    survey, margins = make(args.seed)
    args.out.mkdir(parents=True, exist_ok=True)
    lines = [";".join(survey.columns)]
    for row in survey.itertuples(index=False):
        lines.append(";".join(_french(v) if isinstance(v, float) else str(v) for v in row))
    (args.out / "enquete.csv").write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))
    (args.out / "enquete.codebook.yaml").write_text(_codebook(), encoding="utf-8")
    spaces = [" ", "\u202f", "\u00a0"]  # as typed, as Excel's French format, as pasted
    rows = ["variable;level;target"] + [
        f"{row.variable};{row.level};{f'{int(row.target):,}'.replace(',', spaces[i % 3])}"
        for i, row in enumerate(margins.itertuples(index=False))]
    (args.out / "marges.csv").write_bytes(codecs.BOM_UTF8
                                          + ("\r\n".join(rows) + "\r\n").encode("utf-8"))


if __name__ == "__main__":
    main()
