"""Reference tables of published facts (INSEE), written to ``data/reference/``.

Nothing here is random or synthetic: every number below was transcribed from
the publication named in the row's ``source`` column, with its year. The
``status`` column says whether the figure is ``published`` as is, or an
``approximation`` (and then how it was derived). ``seed`` is accepted only so
that every generator module shares the signature ``generate(outdir, seed)``.

Run through ``data/scripts/generate.py``; see ``data/README.md``.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

__all__ = ["generate", "TABLES"]

# --------------------------------------------------------------------------
# INSEE, census RP2018 (exploitation principale, geography at 01/01/2021),
# France entière, table POP1B "Population par sexe et âge en 2018", 5-year
# age bands. Published 30/06/2021 at https://www.insee.fr/fr/statistiques/5397445
# (geo=FE-1). INSEE publishes these counts rounded to the unit from a
# weighted exploitation, so men + women may differ from "Ensemble" by 1, and
# the band rows sum to 32,280,579 / 34,451,956 / 66,732,540 against the
# published totals 32,280,580 / 34,451,958 / 66,732,538.
# --------------------------------------------------------------------------
RP2018_URL = "https://www.insee.fr/fr/statistiques/5397445?geo=FE-1&sommaire=5397467"
RP2018_SOURCE = ("INSEE, RP2018 exploitation principale, geographie au 01/01/2021, "
                 "POP1B France entiere (published 30/06/2021)")
RP2018_BANDS = [
    # label, age_min, age_max, men, women, total (Ensemble)
    ("0-4", 0, 4, 1912032, 1834890, 3746923),
    ("5-9", 5, 9, 2103205, 2012989, 4116194),
    ("10-14", 10, 14, 2118169, 2023976, 4142145),
    ("15-19", 15, 19, 2121599, 2007360, 4128959),
    ("20-24", 20, 24, 1891915, 1841407, 3733322),
    ("25-29", 25, 29, 1894988, 1939465, 3834453),
    ("30-34", 30, 34, 1977553, 2080811, 4058365),
    ("35-39", 35, 39, 2047307, 2132161, 4179467),
    ("40-44", 40, 44, 2078773, 2131118, 4209891),
    ("45-49", 45, 49, 2230818, 2280135, 4510953),
    ("50-54", 50, 54, 2193469, 2277705, 4471175),
    ("55-59", 55, 59, 2090242, 2218884, 4309126),
    ("60-64", 60, 64, 1947372, 2136018, 4083391),
    ("65-69", 65, 69, 1861206, 2079172, 3940378),
    ("70-74", 70, 74, 1406107, 1625770, 3031877),
    ("75-79", 75, 79, 962304, 1216917, 2179222),
    ("80-84", 80, 84, 758101, 1125544, 1883645),
    ("85-89", 85, 89, 464287, 871288, 1335575),
    ("90-94", 90, 94, 180987, 463804, 644792),
    ("95-99", 95, 99, 36409, 135150, 171559),
    ("100+", 100, "", 3736, 17392, 21128),
]
#: Published "Ensemble" row of POP1B (men, women, total).
RP2018_TOTALS = (32280580, 34451958, 66732538)

# --------------------------------------------------------------------------
# Standard of living (niveau de vie), ERFS, metropolitan France, people in
# ordinary households; poverty line = 60 % of the median. Monthly euros.
# --------------------------------------------------------------------------
POVERTY_ROWS = [
    # year, median, line, rate, rate_status, gini, source
    (2015, 1692, 1015, "14.2", "published", "",
     "INSEE, ERFS 2015 (Les niveaux de vie en 2015, Insee Premiere)"),
    (2016, 1710, 1026, "14.0", "published", "0.288",
     "INSEE, ERFS 2016 (Les niveaux de vie en 2016, Insee Premiere); poverty benchmark "
     "of the DiPLab report 'Le micro-travail en France' (2019)"),
    (2017, 1735, 1041, "14.1", "published", "0.289",
     "INSEE, ERFS 2017 (Insee Premiere no 1772, September 2019, "
     "https://www.insee.fr/fr/statistiques/4208956)"),
    (2018, 1771, 1063, "14.8", "published", "",
     "INSEE, ERFS 2018 (Les niveaux de vie en 2018, Insee Premiere)"),
    (2019, 1837, 1102, "14.6", "published", "",
     "INSEE, ERFS 2019 (Les niveaux de vie en 2019, Insee Premiere)"),
]

# --------------------------------------------------------------------------
# Highest diploma of people aged 25-64, by age and sex, in %.
# (a) 2023, full table: INSEE, enquete Emploi 2023, "Diplome le plus eleve
#     selon l'age et le sexe", chiffres-cles published 13/03/2024,
#     https://www.insee.fr/fr/statistiques/2416872 ; France hors Mayotte,
#     people living in ordinary households aged 25 to 64.
# (b) 2018, the figures quoted in the text of INSEE, France portrait social
#     2019, fiche "Niveau d'education de la population" (19/11/2019),
#     https://www.insee.fr/fr/statistiques/4238409 (enquete Emploi 2018).
# INSEE categories map onto the micropop survey levels (``level`` column):
# no diploma/brevet and CAP-BEP -> below_bac; baccalaureat -> bac;
# bac + 2 -> bac+2; above bac + 2 -> above_bac+2.
# --------------------------------------------------------------------------
EDU_2023_URL = "https://www.insee.fr/fr/statistiques/2416872"
EDU_2023_SOURCE = ("INSEE, enquete Emploi 2023, Diplome le plus eleve selon l'age et le "
                   "sexe (published 13/03/2024); France hors Mayotte, ages 25-64")
EDU_CATEGORIES = [
    ("no_diploma_or_brevet", "Aucun diplôme, brevet des collèges", "below_bac"),
    ("cap_bep", "CAP, BEP ou équivalent", "below_bac"),
    ("baccalaureat", "Baccalauréat ou équivalent", "bac"),
    ("bac_plus_2", "Bac + 2", "bac+2"),
    ("above_bac_plus_2", "Supérieur à Bac + 2", "above_bac+2"),
    ("not_determined", "Non déterminé", ""),
]
EDU_2023 = {
    # (age_group, sex): shares in the order of EDU_CATEGORIES
    ("25-34", "female"): (9.5, 12.9, 21.6, 12.2, 43.5, 0.4),
    ("25-34", "male"): (12.0, 16.3, 23.7, 12.0, 35.7, 0.3),
    ("25-34", "all"): (10.7, 14.6, 22.6, 12.1, 39.6, 0.3),
    ("35-44", "female"): (12.1, 15.0, 19.7, 18.2, 34.8, 0.2),
    ("35-44", "male"): (13.8, 21.6, 21.3, 14.1, 28.9, 0.4),
    ("35-44", "all"): (12.9, 18.2, 20.5, 16.2, 31.9, 0.3),
    ("45-54", "female"): (15.7, 20.0, 18.8, 18.0, 27.2, 0.1),
    ("45-54", "male"): (17.1, 25.8, 17.7, 14.8, 24.5, 0.1),
    ("45-54", "all"): (16.4, 22.9, 18.3, 16.4, 25.9, 0.1),
    ("55-64", "female"): (25.5, 28.6, 15.9, 13.9, 16.0, 0.1),
    ("55-64", "male"): (23.3, 37.6, 12.1, 10.3, 16.7, 0.1),
    ("55-64", "all"): (24.5, 32.9, 14.1, 12.2, 16.3, 0.1),
    ("25-64", "female"): (16.0, 19.4, 18.9, 15.7, 29.9, 0.2),
    ("25-64", "male"): (16.7, 25.5, 18.6, 12.8, 26.2, 0.2),
    ("25-64", "all"): (16.3, 22.4, 18.8, 14.3, 28.1, 0.2),
}
EDU_2018_URL = "https://www.insee.fr/fr/statistiques/4238409"
EDU_2018_SOURCE = ("INSEE, France portrait social 2019, Niveau d'education de la "
                   "population (19/11/2019), text figures for 2018 (enquete Emploi)")
EDU_2018 = [
    # age_group, sex, category, insee label, level, share
    ("25-34", "all", "no_diploma_or_brevet", "Aucun diplôme ou seulement le brevet des collèges",
     "below_bac", 13.0),
    ("55-64", "all", "no_diploma_or_brevet", "Aucun diplôme ou seulement le brevet des collèges",
     "below_bac", 32.0),
    ("25-34", "all", "bac_or_above", "Bacheliers ou plus", "bac_or_above", 69.0),
    ("55-64", "all", "bac_or_above", "Bacheliers ou plus", "bac_or_above", 37.0),
    ("25-34", "all", "above_bac_plus_2", "Supérieur à bac + 2", "above_bac+2", 33.0),
    ("55-64", "all", "above_bac_plus_2", "Supérieur à bac + 2", "above_bac+2", 13.0),
    ("25-34", "female", "no_diploma_or_brevet",
     "Aucun diplôme ou seulement le brevet des collèges", "below_bac", 12.0),
    ("25-34", "male", "no_diploma_or_brevet",
     "Aucun diplôme ou seulement le brevet des collèges", "below_bac", 14.0),
    ("25-34", "female", "higher_education", "Diplômé du supérieur", "bac+2_or_above", 51.0),
    ("25-34", "male", "higher_education", "Diplômé du supérieur", "bac+2_or_above", 43.0),
]

# --------------------------------------------------------------------------
# Labour market 2018: INSEE, enquete Emploi 2018, France hors Mayotte,
# annual averages, as published in "Une photo du marche du travail en 2018"
# (Insee Premiere, March 2019).
# --------------------------------------------------------------------------
LABOUR_SOURCE = ("INSEE, enquete Emploi 2018, France hors Mayotte, annual average "
                 "(Une photo du marche du travail en 2018, Insee Premiere, March 2019)")
LABOUR_ROWS = [
    ("activity_rate_15_64", "Share of people aged 15-64 who are active (ILO)", 71.9, "%"),
    ("unemployment_rate", "ILO unemployment rate, annual average", 9.1, "%"),
    ("employees_permanent_contract", "Share of employees on a permanent contract "
     "(emploi a duree indeterminee)", 84.7, "%"),
]

# --------------------------------------------------------------------------
# French minimum wage (SMIC), gross hourly amount, metropolitan France and the
# overseas departments except Mayotte, set each 1 January by decree (JORF):
# - 2018: Decret no 2017-1719 du 20 decembre 2017 portant relevement du salaire
#   minimum de croissance (JORF no 0297 du 21 decembre 2017, NOR MTRX1735634D):
#   9,88 EUR/hour, 1 498,47 EUR/month for the legal 35 hours a week (+1.23 %);
#   read in the decree's summary at affaires-publiques.org (the Legifrance
#   text itself was not in the stored pages);
# - 2019: Decret no 2018-1173 du 19 decembre 2018 (JORF no 0294 du 20 decembre
#   2018, NOR MTRX1833925D): 10,03 EUR/hour, 1 521,22 EUR/month (+1.5 %),
#   https://www.legifrance.gouv.fr/eli/decret/2018/12/19/2018-1173/jo/texte
# --------------------------------------------------------------------------
SMIC_ROWS = [
    # year, gross hourly EUR, gross monthly EUR (35 h/week), in force from, source, url
    (2018, "9.88", "1498.47", "2018-01-01",
     "Decret no 2017-1719 du 20 decembre 2017 portant relevement du salaire minimum de "
     "croissance (JORF no 0297 du 21 decembre 2017, NOR MTRX1735634D)",
     "http://affaires-publiques.org/textof/TO/17/14219-1217.htm"),
    (2019, "10.03", "1521.22", "2019-01-01",
     "Decret no 2018-1173 du 19 decembre 2018 portant relevement du salaire minimum de "
     "croissance (JORF no 0294 du 20 decembre 2018, NOR MTRX1833925D)",
     "https://www.legifrance.gouv.fr/eli/decret/2018/12/19/2018-1173/jo/texte"),
]

#: Reference table name -> file name in ``data/reference/``.
TABLES = {
    "insee_rp2018_sex_age": "insee_rp2018_sex_age.csv",
    "insee_poverty_2015_2019": "insee_poverty_2015_2019.csv",
    "education_attainment": "education_attainment.csv",
    "labour_market_2018": "labour_market_2018.csv",
    "smic_hourly": "smic_hourly.csv",
}


def _write(path: Path, header: list[str], rows: list[list]) -> Path:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.write_bytes(buf.getvalue().encode("utf-8"))
    return path


def _sex_age(outdir: Path) -> Path:
    header = ["year", "age_band", "age_min", "age_max", "men", "women", "total",
              "status", "source", "url"]
    rows = [[2018, label, lo, hi, m, f, t, "published", RP2018_SOURCE, RP2018_URL]
            for label, lo, hi, m, f, t in RP2018_BANDS]
    return _write(outdir / TABLES["insee_rp2018_sex_age"], header, rows)


def _poverty(outdir: Path) -> Path:
    header = ["year", "median_standard_of_living_eur_month", "poverty_line_60pct_eur_month",
              "poverty_rate_pct", "gini", "field", "status", "source"]
    rows = [[year, med, line, rate, gini, "metropolitan France, ordinary households",
             status, source]
            for year, med, line, rate, status, gini, source in POVERTY_ROWS]
    return _write(outdir / TABLES["insee_poverty_2015_2019"], header, rows)


def _education(outdir: Path) -> Path:
    header = ["year", "age_group", "sex", "category", "insee_label", "level", "share_pct",
              "status", "source", "url"]
    rows: list[list] = []
    for (age_group, sex), shares in EDU_2023.items():
        for (cat, label, level), share in zip(EDU_CATEGORIES, shares, strict=True):
            rows.append([2023, age_group, sex, cat, label, level, f"{share:.1f}",
                         "published", EDU_2023_SOURCE, EDU_2023_URL])
    for age_group, sex, cat, label, level, share in EDU_2018:
        rows.append([2018, age_group, sex, cat, label, level, f"{share:.1f}",
                     "published (rounded to the unit in the text)", EDU_2018_SOURCE,
                     EDU_2018_URL])
    return _write(outdir / TABLES["education_attainment"], header, rows)


def _labour(outdir: Path) -> Path:
    header = ["year", "indicator", "description", "value", "unit", "status", "source"]
    rows = [[2018, name, desc, f"{value:.1f}", unit, "published", LABOUR_SOURCE]
            for name, desc, value, unit in LABOUR_ROWS]
    return _write(outdir / TABLES["labour_market_2018"], header, rows)


def _smic(outdir: Path) -> Path:
    header = ["year", "smic_hourly_gross_eur", "smic_monthly_gross_35h_eur", "in_force_from",
              "field", "status", "source", "url"]
    rows = [[year, hourly, monthly, start,
             "metropolitan France and overseas departments except Mayotte", "published",
             source, url]
            for year, hourly, monthly, start, source, url in SMIC_ROWS]
    return _write(outdir / TABLES["smic_hourly"], header, rows)


def generate(outdir: Path, seed: int) -> list[Path]:
    """Write the reference tables into ``outdir / "reference"``.

    Parameters
    ----------
    outdir : pathlib.Path
        The data folder; tables go to its ``reference`` sub-folder.
    seed : int
        Unused (the tables are facts); kept for the common signature.

    Returns
    -------
    list of pathlib.Path
        The files written.
    """
    refdir = Path(outdir) / "reference"
    refdir.mkdir(parents=True, exist_ok=True)
    return [_sex_age(refdir), _poverty(refdir), _education(refdir), _labour(refdir),
            _smic(refdir)]
