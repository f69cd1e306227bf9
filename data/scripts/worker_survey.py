"""SYNTHETIC worker survey ``data/worker_survey.csv`` and its codebook.

About 1,000 respondents shaped like the DiPLab questionnaire run on Foule
Factory (report "Le micro-travail en France", May 2019). The rows are drawn
with a seed, then adjusted deterministically so that the published profile
figures hold exactly (unweighted) and, through calibration of the base
weight, weighted as well:

==============================================  ========
indicator                                       target
==============================================  ========
women                                           56.1 %
aged 25-44                                      63.4 %
above bac+2, among the 25-64                    43.5 %
below the 2016 poverty line (1,026 EUR/CU)      22 %
no other job                                    27.9 %
permanent contract (CDI)                        40 %
full-time, among CDI                            71 %
main motive "money"                             44.9 %
mean monthly micro-work earnings                21 EUR
mean hours per week                             3 h
mean number of platforms                        1.27
==============================================  ========

Exact counts are obtained by "top-k" selection: every respondent gets a
score (a covariate effect plus Gumbel noise from the seeded generator) and
the k highest scores get the attribute, so counts are exact while
attributes stay correlated with the covariates (for instance the poor are
more often without another job and more often work for the money).

The base weight starts as N/n (N = 266,126, the DiPLab casual circle, used
here as a convenient population size) times a non-response-style factor by
region x sex and a small individual noise, then is raked (exponential
calibration) so that the weighted figures above equal their targets too.
Weights therefore vary (by region, sex and more) while the weighted profile
stays on target.

None of these rows is a real response.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
from platforms import PLATFORMS
from value_labels import value_labels

__all__ = ["generate", "TARGETS", "POVERTY_LINE_2016", "POPULATION_SIZE", "N"]

N = 1000
#: Sum of the base weights: the DiPLab casual circle (registered workers).
POPULATION_SIZE = 266126
#: INSEE 2016 poverty line, EUR per month per consumption unit.
POVERTY_LINE_2016 = 1026.0

#: Published figures (DiPLab report, 2019) the file is calibrated to.
TARGETS = {
    "female": 0.561,
    "age_25_44": 0.634,
    "above_bac2_25_64": 0.435,
    "below_poverty_line": 0.22,
    "no_other_job": 0.279,
    "cdi": 0.40,
    "cdi_full_time": 0.71,
    "money_motive": 0.449,
    "earnings_month": 21.0,
    "hours_week": 3.0,
    "n_platforms": 1.27,
}

REGIONS = [  # INSEE code, name, rough share of the adult population (for drawing only)
    (11, "Île-de-France", 0.185),
    (24, "Centre-Val de Loire", 0.038),
    (27, "Bourgogne-Franche-Comté", 0.042),
    (28, "Normandie", 0.049),
    (32, "Hauts-de-France", 0.088),
    (44, "Grand Est", 0.082),
    (52, "Pays de la Loire", 0.056),
    (53, "Bretagne", 0.051),
    (75, "Nouvelle-Aquitaine", 0.091),
    (76, "Occitanie", 0.089),
    (84, "Auvergne-Rhône-Alpes", 0.120),
    (93, "Provence-Alpes-Côte d'Azur", 0.079),
    (94, "Corse", 0.005),
]
AGE_BANDS = ["15-19", "20-24", "25-29", "30-34", "35-39", "40-44", "45-49", "50-54",
             "55-59", "60-64", "65-69", "70-74"]
AGE_GROUPS = ["18-24", "25-44", "45-64", "65-74"]
EDUCATION = ["below_bac", "bac", "bac+2", "above_bac+2"]
ISCED = {"below_bac": "isced_0-3", "bac": "isced_3", "bac+2": "isced_5",
         "above_bac+2": "isced_6-8"}
EMPLOYMENT = ["cdi", "cdd_temp", "civil_servant", "self_employed",
              "unemployed", "student", "retired", "inactive"]
NOT_EMPLOYED = ["unemployed", "student", "retired", "inactive"]
WORKING_TIME = ["full_time", "part_time", "not_applicable"]
FREQUENCY = ["weekly", "monthly", "less_often"]
MOTIVES = ["money", "flexibility", "interest", "pass_time", "learning", "other"]

# Exact counts out of N = 1,000.
COUNTS = {
    "female": 561,
    "age_group": {"18-24": 125, "25-44": 634, "45-64": 221, "65-74": 20},
    "employment": {"cdi": 400, "cdd_temp": 170, "civil_servant": 61, "self_employed": 90,
                   "unemployed": 110, "student": 80, "retired": 30, "inactive": 59},
    "cdi_full_time": 284,
    "poor": 220,
    "money": 449,
    "n_platforms": {1: 805, 2: 140, 3: 40, 4: 12, 5: 3},
}


def _gumbel(rng: np.random.Generator, n: int) -> np.ndarray:
    """Seeded Gumbel noise: top-k of (score + noise) is a weighted draw without replacement."""
    return rng.gumbel(size=n)


def _top_k(score: np.ndarray, k: int, eligible: np.ndarray | None = None) -> np.ndarray:
    """Boolean mask of the k highest scores among the eligible rows."""
    s = np.where(eligible, score, -np.inf) if eligible is not None else score.copy()
    order = np.argsort(-s, kind="stable")
    chosen = np.zeros(len(score), dtype=bool)
    chosen[order[:k]] = True
    if eligible is not None and not np.all(eligible[chosen]):
        raise ValueError(f"fewer than {k} eligible rows")
    return chosen


def _draw_categorical(rng: np.random.Generator, probs: np.ndarray,
                      labels: list[str]) -> np.ndarray:
    """One draw per row from row-specific probabilities (rows sum to 1)."""
    cum = np.cumsum(probs, axis=1)
    u = rng.random(len(probs))[:, None]
    idx = (u > cum).sum(axis=1)
    return np.asarray(labels, dtype=object)[np.minimum(idx, len(labels) - 1)]


def _scale_to_mean(x: np.ndarray, target: float, decimals: int,
                   minimum: float = 0.0) -> np.ndarray:
    """Rescale positive values so that their rounded mean equals ``target``."""
    factor = target / x.mean()
    out = x
    for _ in range(50):
        out = np.round(x * factor, decimals)
        out = np.where(x > 0, np.maximum(out, minimum), 0.0)
        mean = out.mean()
        if abs(mean - target) < 0.5 * 10.0 ** (-decimals):
            break
        factor *= target / mean
    return out


def _rake(d: np.ndarray, z: np.ndarray, totals: np.ndarray,
          tol: float = 1e-10, max_iter: int = 100) -> np.ndarray:
    """Exponential (raking) calibration: w = d exp(z @ lam) with z' w = totals."""
    lam = np.zeros(z.shape[1])
    for _ in range(max_iter):
        w = d * np.exp(z @ lam)
        resid = totals - z.T @ w
        if np.max(np.abs(resid) / np.maximum(np.abs(totals), 1.0)) < tol:
            return w
        hess = (z * w[:, None]).T @ z
        lam += np.linalg.solve(hess, resid)
    raise RuntimeError("raking of the base weight did not converge")


def build(seed: int) -> pd.DataFrame:
    """Draw and calibrate the synthetic worker survey.

    Parameters
    ----------
    seed : int
        Seed of the numpy generator; the same seed gives the same frame.

    Returns
    -------
    pandas.DataFrame
        One row per respondent, columns as in the codebook.
    """
    rng = np.random.default_rng(seed)
    n = N
    ids = np.arange(1, n + 1)

    # --- age: exact counts per broad group, ages drawn within ------------
    group = np.repeat(list(COUNTS["age_group"]), list(COUNTS["age_group"].values()))
    group = rng.permutation(group)
    age = np.empty(n, dtype=int)
    for g, (lo, hi) in {"18-24": (18, 24), "25-44": (25, 44), "45-64": (45, 64),
                        "65-74": (65, 74)}.items():
        m = group == g
        span = np.arange(lo, hi + 1)
        if g == "25-44":   # more in the early thirties
            p = np.exp(-0.5 * ((span - 33) / 7.0) ** 2)
        elif g == "45-64":  # thinning out with age
            p = np.exp(-(span - lo) / 10.0)
        else:
            p = np.ones(len(span))
        age[m] = rng.choice(span, size=m.sum(), p=p / p.sum())
    age_band = np.array([AGE_BANDS[(a - 15) // 5] for a in age], dtype=object)

    # --- sex: exactly 561 women, slightly more among the 25-44 ------------
    female = _top_k(0.3 * (group == "25-44") + _gumbel(rng, n), COUNTS["female"])
    sex = np.where(female, "female", "male").astype(object)

    # --- education: 43.5 % above bac+2 among the 25-64 --------------------
    in_25_64 = (age >= 25) & (age <= 64)
    k_high = int(round(TARGETS["above_bac2_25_64"] * in_25_64.sum()))
    high = _top_k(-0.03 * age + 0.2 * female + _gumbel(rng, n), k_high, in_25_64)
    education = np.empty(n, dtype=object)
    education[high] = "above_bac+2"
    rest_25_64 = in_25_64 & ~high
    education[rest_25_64] = rng.choice(["below_bac", "bac", "bac+2"], size=rest_25_64.sum(),
                                       p=[0.30, 0.34, 0.36])
    young = age < 25
    education[young] = rng.choice(EDUCATION, size=young.sum(), p=[0.16, 0.42, 0.28, 0.14])
    old = age > 64
    education[old] = rng.choice(EDUCATION, size=old.sum(), p=[0.35, 0.2, 0.2, 0.25])
    edu_rank = np.array([EDUCATION.index(e) for e in education])

    # --- employment: exact counts; 27.9 % without another job -------------
    c = COUNTS["employment"]
    status = np.full(n, "", dtype=object)
    free = np.ones(n, dtype=bool)
    retired = _top_k(0.5 * age + _gumbel(rng, n), c["retired"], age >= 58)
    status[retired] = "retired"
    free &= ~retired
    student = _top_k(-0.6 * age + _gumbel(rng, n), c["student"], free & (age <= 30))
    status[student] = "student"
    free &= ~student
    unemployed = _top_k(-0.4 * edu_rank + _gumbel(rng, n), c["unemployed"], free)
    status[unemployed] = "unemployed"
    free &= ~unemployed
    inactive = _top_k(0.8 * female - 0.2 * edu_rank + _gumbel(rng, n), c["inactive"], free)
    status[inactive] = "inactive"
    free &= ~inactive
    cdi = _top_k(0.35 * edu_rank - 0.002 * (age - 42) ** 2 + _gumbel(rng, n), c["cdi"], free)
    status[cdi] = "cdi"
    free &= ~cdi
    civil = _top_k(0.3 * edu_rank + 0.03 * age + _gumbel(rng, n), c["civil_servant"], free)
    status[civil] = "civil_servant"
    free &= ~civil
    selfemp = _top_k(0.03 * age + _gumbel(rng, n), c["self_employed"], free)
    status[selfemp] = "self_employed"
    free &= ~selfemp
    status[free] = "cdd_temp"
    assert (status == "cdd_temp").sum() == c["cdd_temp"]
    employed = ~np.isin(status, NOT_EMPLOYED)

    # --- working time: 71 % of CDI full-time ------------------------------
    working_time = np.full(n, "not_applicable", dtype=object)
    cdi_ft = _top_k(0.9 * ~female + _gumbel(rng, n), COUNTS["cdi_full_time"], cdi)
    working_time[cdi] = np.where(cdi_ft[cdi], "full_time", "part_time")
    other_emp = employed & ~cdi
    p_ft = np.where(status == "civil_servant", 0.8, np.where(status == "cdd_temp", 0.55, 0.65))
    working_time[other_emp] = np.where(rng.random(n) < p_ft, "full_time",
                                       "part_time")[other_emp]

    # --- household: adults (14+) and children under 14 --------------------
    adults = 1 + rng.choice([0, 1, 2, 3], size=n, p=[0.30, 0.52, 0.13, 0.05])
    adults = np.where(status == "student", np.maximum(adults, 1 + rng.integers(0, 4, n)),
                      adults)
    child_age = (age >= 22) & (age <= 52)
    children = np.where(child_age, rng.choice([0, 1, 2, 3, 4], size=n,
                                              p=[0.42, 0.24, 0.22, 0.09, 0.03]), 0)
    children = np.where(adults == 1, np.minimum(children, rng.integers(0, 3, n)), children)
    household_size = adults + children
    cu = 1.0 + 0.5 * (adults - 1) + 0.3 * children

    # --- income: exactly 22 % below the 2016 poverty line ------------------
    emp_effect = {"cdi": 0.25, "civil_servant": 0.25, "cdd_temp": -0.05, "self_employed": 0.0,
                  "unemployed": -0.5, "student": -0.35, "retired": 0.05, "inactive": -0.35}
    mu = (np.log(1650.0) + np.array([emp_effect[s] for s in status])
          + 0.12 * (edu_rank - 1.5) + 0.1 * (adults >= 2))
    latent = mu + 0.45 * rng.standard_normal(n)
    order = np.sort(latent)
    k = COUNTS["poor"]
    cut = 0.5 * (order[k - 1] + order[k])
    ipcu = POVERTY_LINE_2016 * np.exp(latent - cut)
    hh_income = np.round(ipcu * cu).astype(int)
    hh_income = np.maximum(hh_income, 150)
    income_per_cu = np.round(hh_income / cu, 2)
    poor_latent = latent < cut
    # rounding must not move anyone across the line
    fix_up = ~poor_latent & (income_per_cu < POVERTY_LINE_2016)
    hh_income[fix_up] = np.ceil(POVERTY_LINE_2016 * cu[fix_up]).astype(int)
    fix_down = poor_latent & (income_per_cu >= POVERTY_LINE_2016)
    hh_income[fix_down] = np.floor(POVERTY_LINE_2016 * cu[fix_down] - 1).astype(int)
    income_per_cu = np.round(hh_income / cu, 2)
    below = (income_per_cu < POVERTY_LINE_2016).astype(int)
    assert below.sum() == k

    # --- region: drawn with population-like shares ------------------------
    reg_p = np.array([r[2] for r in REGIONS])
    reg_idx = rng.choice(len(REGIONS), size=n, p=reg_p / reg_p.sum())
    region_code = np.array([REGIONS[i][0] for i in reg_idx])
    region = np.array([REGIONS[i][1] for i in reg_idx], dtype=object)

    # --- motive: 44.9 % money, more among the poor and those without a job -
    money = _top_k(1.0 * below + 0.6 * ~employed + _gumbel(rng, n), COUNTS["money"])
    others = rng.choice(MOTIVES[1:], size=n, p=[0.27, 0.25, 0.25, 0.11, 0.12])
    motive = np.where(money, "money", others).astype(object)

    # --- platforms: everybody on Foule Factory (recruitment), mean 1.27 ----
    n_pf = np.repeat(list(COUNTS["n_platforms"]), list(COUNTS["n_platforms"].values()))
    n_pf = rng.permutation(n_pf)
    pf_ids = [p[0] for p in PLATFORMS]
    others_ids = pf_ids[1:]
    vis = np.array([p[5] for p in PLATFORMS[1:]], dtype=float)
    pf = np.zeros((n, len(pf_ids)), dtype=int)
    pf[:, 0] = 1
    for i in np.flatnonzero(n_pf > 1):
        pick = rng.choice(len(others_ids), size=n_pf[i] - 1, replace=False, p=vis / vis.sum())
        pf[i, 1 + pick] = 1
    assert np.array_equal(pf.sum(axis=1), n_pf)

    # --- frequency, hours, earnings ---------------------------------------
    base = np.array([0.28, 0.34, 0.38])
    shift = 0.10 * money + 0.08 * ~employed + 0.05 * (n_pf > 1)
    probs = np.column_stack([base[0] + shift, np.full(n, base[1]), base[2] - shift])
    frequency = _draw_categorical(rng, probs, FREQUENCY)
    med_h = np.select([frequency == "weekly", frequency == "monthly"], [5.0, 1.3], 0.35)
    hours_raw = med_h * np.exp(0.55 * rng.standard_normal(n)) * (1 + 0.15 * (n_pf - 1))
    hours = _scale_to_mean(hours_raw, TARGETS["hours_week"], 1, minimum=0.1)
    rate = 1.45 * np.exp(0.7 * rng.standard_normal(n))          # EUR per hour
    p_zero = np.select([frequency == "weekly", frequency == "monthly"], [0.02, 0.08], 0.25)
    zero = rng.random(n) < p_zero
    earn_raw = np.where(zero, 0.0, rate * hours * 52 / 12)
    earnings = _scale_to_mean(earn_raw, TARGETS["earnings_month"], 2)

    has_other_job = employed.astype(int)

    # --- base weight: N/n x region-sex non-response factor, then raked ----
    reg_factor = np.exp(rng.uniform(-0.35, 0.35, len(REGIONS)))[reg_idx]
    sex_factor = np.where(female, 0.9, 1.15)
    d = POPULATION_SIZE / n * reg_factor * sex_factor * np.exp(0.15 * rng.standard_normal(n))
    t = TARGETS
    z = np.column_stack([
        np.ones(n),
        female - t["female"],
        (group == "25-44") - t["age_25_44"],
        in_25_64 * ((education == "above_bac+2") - t["above_bac2_25_64"]),
        below - t["below_poverty_line"],
        (1 - has_other_job) - t["no_other_job"],
        cdi - t["cdi"],
        cdi * ((working_time == "full_time") - t["cdi_full_time"]),
        money - t["money_motive"],
        (earnings - t["earnings_month"]) / 10.0,
        (hours - t["hours_week"]) / 3.0,
        n_pf - t["n_platforms"],
    ]).astype(float)
    totals = np.zeros(z.shape[1])
    totals[0] = POPULATION_SIZE
    w = _rake(d, z, totals)
    weight = np.round(w, 2)
    # put the rounding residual on the largest weight so the sum is exact
    weight[np.argmax(weight)] += round(POPULATION_SIZE - weight.sum(), 2)
    weight = np.round(weight, 2)

    df = pd.DataFrame({
        "id": ids,
        "sex": sex,
        "age": age,
        "age_band": age_band,
        "age_group": group.astype(object),
        "education": education,
        "isced": np.array([ISCED[e] for e in education], dtype=object),
        "employment": status,
        "has_other_job": has_other_job,
        "working_time": working_time,
        "household_size": household_size,
        "children_under14": children,
        "consumption_units": np.round(cu, 2),
        "hh_income_month": hh_income,
        "income_per_cu": income_per_cu,
        "below_poverty_line": below,
        "region": region,
        "region_code": region_code,
        "n_platforms": n_pf,
    })
    for j, pid in enumerate(pf_ids):
        df[pid] = pf[:, j]
    df["frequency"] = frequency
    df["hours_week"] = hours
    df["earnings_month"] = earnings
    df["main_motive"] = motive
    df["weight"] = weight
    return df


def _q(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def _levels(levels: list) -> str:
    return "[" + ", ".join(_q(str(x)) for x in levels) + "]"


def codebook_text() -> str:
    """The YAML codebook of the worker survey, as text (stable byte for byte)."""
    pf_vars = [(p[0], "integer", {"range": "[0, 1]"},
                f"1 if the respondent uses {p[1]} (see platforms.csv), else 0")
               for p in PLATFORMS]
    regions = [r[1] for r in REGIONS]
    variables = [
        ("id", "integer", {}, "Respondent identifier"),
        ("sex", "categorical", {"levels": _levels(["female", "male"])}, "Sex"),
        ("age", "integer", {"range": "[18, 74]"}, "Age in years"),
        ("age_band", "ordered", {"levels": _levels(AGE_BANDS)},
         "5-year age band, labelled as in reference/insee_rp2018_sex_age.csv "
         "(15-19 holds the 18-19 year olds only)"),
        ("age_group", "ordered", {"levels": _levels(AGE_GROUPS)},
         "Broad age group; 25-44 is the band of the published 63.4 %"),
        ("education", "ordered", {"levels": _levels(EDUCATION)},
         "Highest diploma: below_bac = no diploma, brevet, CAP/BEP; bac = baccalaureat; "
         "bac+2 = BTS/DUT/DEUG; above_bac+2 = licence and above"),
        ("isced", "ordered", {"levels": _levels(list(ISCED.values()))},
         "ISCED 2011 equivalent of education: below_bac -> 0-3 (0-2 and vocational "
         "CAP/BEP 353), bac -> 3 (344/354), bac+2 -> 5 (short-cycle tertiary), "
         "above_bac+2 -> 6-8"),
        ("employment", "categorical", {"levels": _levels(EMPLOYMENT)},
         "Main situation besides micro-work: cdi = permanent contract; cdd_temp = fixed-term, "
         "temporary agency or subsidised contract; civil_servant; self_employed; "
         "unemployed; student; retired; inactive (home-maker, other)"),
        ("has_other_job", "integer", {"range": "[0, 1]"},
         "1 if employed besides micro-work (cdi, cdd_temp, civil_servant, self_employed), "
         "0 if no other job"),
        ("working_time", "categorical", {"levels": _levels(WORKING_TIME)},
         "Working time of the other job; not_applicable without one"),
        ("household_size", "integer", {"range": "[1, 12]"}, "Persons in the household"),
        ("children_under14", "integer", {"range": "[0, 10]"},
         "Children under 14 in the household"),
        ("consumption_units", "numeric", {"range": "[1, null]"},
         "OECD-modified scale: 1 + 0.5 per other person aged 14+ + 0.3 per child under 14"),
        ("hh_income_month", "integer", {"range": "[0, null]"},
         "Household disposable income, EUR per month"),
        ("income_per_cu", "numeric", {"range": "[0, null]"},
         "Standard of living: hh_income_month / consumption_units, EUR per month"),
        ("below_poverty_line", "integer", {"range": "[0, 1]"},
         "1 if income_per_cu < 1026 EUR, the INSEE 2016 poverty line (60 % of the median)"),
        ("region", "categorical", {"levels": _levels(regions)},
         "Region of residence (13 metropolitan regions, INSEE names)"),
        ("region_code", "integer", {"range": "[11, 94]"}, "INSEE region code"),
        ("n_platforms", "integer", {"range": "[1, 10]"},
         "Number of micro-work platforms used (equals the sum of the platform columns)"),
        *pf_vars,
        ("frequency", "ordered", {"levels": _levels(FREQUENCY)},
         "How often the respondent micro-works"),
        ("hours_week", "numeric", {"range": "[0, null]"},
         "Hours per week spent on micro-tasks"),
        ("earnings_month", "numeric", {"range": "[0, null]"},
         "Monthly micro-work earnings (EUR)"),
        ("main_motive", "categorical", {"levels": _levels(MOTIVES)},
         "Main motive for micro-working"),
        ("weight", "numeric", {"range": "[0, null]"},
         "Base probability weight; sums to 266,126 (DiPLab casual circle), raked so "
         "that the weighted published figures hold (see data/README.md)"),
    ]
    lines = [
        "dataset: worker_survey",
        "description: " + _q(
            "SYNTHETIC demo data, not real responses: 1,000 micro-workers shaped like the "
            "DiPLab Foule Factory survey (Le micro-travail en France, 2019) and calibrated to "
            "its published figures; made by data/scripts/generate.py"),
        "id: id",
        "variables:",
    ]
    for name, vtype, extra, desc in variables:
        parts = [f"type: {vtype}"]
        for key, val in extra.items():
            parts.append(f"{key}: {val}")
        parts.append(f"description: {_q(desc)}")
        lines.append(f"  {name}: {{{', '.join(parts)}{value_labels(name)}}}")
    return "\n".join(lines) + "\n"


def generate(outdir: Path, seed: int) -> list[Path]:
    """Write ``worker_survey.csv`` and ``worker_survey.codebook.yaml``.

    Parameters
    ----------
    outdir : pathlib.Path
        Destination folder.
    seed : int
        Seed of the random draws.

    Returns
    -------
    list of pathlib.Path
        The files written.
    """
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    df = build(seed)
    csv_path = outdir / "worker_survey.csv"
    text = df.to_csv(index=False, lineterminator="\n", float_format="%.2f")
    csv_path.write_bytes(text.encode("utf-8"))
    yaml_path = outdir / "worker_survey.codebook.yaml"
    yaml_path.write_bytes(codebook_text().encode("utf-8"))
    return [csv_path, yaml_path]
