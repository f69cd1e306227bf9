"""Synthetic general-population survey of adults aged 18-64 in metropolitan France,
its finite-population truth, and three capture lists of micro-workers.

SYNTHETIC DATA.  Nothing here is a real survey response.  The generator builds an
explicit finite population (13 metropolitan regions, ~16,000 communes, ~22 million
households, ~38.5 million adults aged 18-64, one array element per person), draws
micro-work in the last 12 months and its frequency for every person, and then

* draws a stratified two-stage sample (stratum = region; stage 1: communes by simple
  random sampling without replacement; stage 2: households by SRSWOR in each
  sampled commune, m_i = max(2, round(12 * M_i / mean M in the region)) of its M_i
  households, so that weights are nearly constant within a region; every adult
  aged 18-64 of a sampled household is interviewed),
  which R's ``survey`` expresses exactly as
  ``svydesign(id = ~commune_id + household_id, strata = ~region,
  fpc = ~fpc1 + fpc2, data = d)``;
* records the exact counts of the finite population (not expectations) in
  ``population_truth.csv``;
* draws three overlapping capture lists (two survey waves and a platform roster)
  from the population's "regular" circle (micro-work at least monthly).

Writes four files: ``population_survey.csv``, ``population_survey.codebook.yaml``,
``population_truth.csv``, ``capture_histories.csv``.  Pure numpy/pandas, seeded by
``numpy.random.default_rng``; the output is bit-for-bit reproducible for a seed.

Usage::

    python data/scripts/population.py --out data --seed 20190501

or, from ``generate.py``: ``population.generate(pathlib.Path("data"), seed)``.
"""

from __future__ import annotations

import argparse
import json
import pathlib
import sys

import numpy as np
import pandas as pd
from value_labels import value_labels

# ---------------------------------------------------------------------------
# Fixed inputs (the "published figures" the synthetic population is shaped on)
# ---------------------------------------------------------------------------

#: INSEE region code, name, and the synthetic target number of adults aged 18-64.
#: Targets are roughly proportional to INSEE's 1 January 2018 regional population
#: estimates (times ~0.585, ~0.615 in Ile-de-France); they are round synthetic
#: targets, not official figures.
REGIONS: list[tuple[int, str, int]] = [
    (11, "Île-de-France", 7_510_000),
    (24, "Centre-Val de Loire", 1_500_000),
    (27, "Bourgogne-Franche-Comté", 1_640_000),
    (28, "Normandie", 1_950_000),
    (32, "Hauts-de-France", 3_510_000),
    (44, "Grand Est", 3_250_000),
    (52, "Pays de la Loire", 2_220_000),
    (53, "Bretagne", 1_950_000),
    (75, "Nouvelle-Aquitaine", 3_500_000),
    (76, "Occitanie", 3_460_000),
    (84, "Auvergne-Rhône-Alpes", 4_700_000),
    (93, "Provence-Alpes-Côte d'Azur", 2_950_000),
    (94, "Corse", 195_000),
]

#: Target counts of the three nested circles (Le Ludec, Tubaro & Casilli 2019).
TARGET_12M = 266_126
TARGET_MONTHLY = 52_337
TARGET_WEEKLY = 14_903

#: Mean number of adults 18-64 per commune (sets the number of communes).
ADULTS_PER_COMMUNE = 2_400
#: Number of adults aged 18-64 in a household (households with at least one).
HH_ADULTS_P = np.array([0.40, 0.47, 0.09, 0.04])  # 1, 2, 3, 4 adults -> mean 1.77
#: Spread of the (log-normal) commune size distribution and its floor.
COMMUNE_LOG_SD = 0.9
COMMUNE_MIN_HH = 60

#: INSEE RP2018, France entiere, persons by 5-year age band (POP1B, men + women;
#: reference/insee_rp2018_sex_age.csv).  Each single year of age in a band gets
#: one fifth of the band; 18 and 19 take their fifths of the 15-19 band.
RP2018_BANDS = {15: 4_128_959, 20: 3_733_322, 25: 3_834_453, 30: 4_058_365,
                35: 4_179_467, 40: 4_209_891, 45: 4_510_953, 50: 4_471_175,
                55: 4_309_126, 60: 4_083_391}
AGES = np.arange(18, 65)
AGE_W = np.array([RP2018_BANDS[a - a % 5] / 5 for a in AGES], dtype=float)
AGE_W = AGE_W / AGE_W.sum()
P_FEMALE = 0.507  # RP2018, share of women among the 15-64 (DOMAIN.md)

#: Output age variables: INSEE 5-year bands (labelled as in the reference table and
#: the worker survey; "15-19" holds the 18-19 year olds only) and broad groups.
AGE_BAND_LABELS = ["15-19", "20-24", "25-29", "30-34", "35-39", "40-44", "45-49",
                   "50-54", "55-59", "60-64"]
AGE_GROUP_LABELS = ["18-24", "25-44", "45-64"]
#: Internal model bands for micro-work and education (not written out).
AGE_BANDS = ["18-24", "25-34", "35-44", "45-54", "55-64"]
AGE_BREAKS = np.array([25, 35, 45, 55])  # band index = searchsorted(breaks, age, 'right')
EDUCATION = ["below_bac", "bac", "bac+2", "above_bac+2"]
SEX = ["female", "male"]
FREQ = ["none", "less_often", "monthly", "weekly"]

#: P(education | model age band) outside Ile-de-France.  25-64: INSEE, enquete
#: Emploi 2023, highest diploma by age (reference/education_attainment.csv, "all"
#: sexes, rescaled without "not determined").  18-24 (many still studying): a
#: synthetic guess.
EDU_P = np.array([
    [30.0, 45.0, 15.0, 10.0],
    [25.3, 22.6, 12.1, 39.6],
    [31.1, 20.5, 16.2, 31.9],
    [39.3, 18.3, 16.4, 25.9],
    [57.4, 14.1, 12.2, 16.3],
])
EDU_P = EDU_P / EDU_P.sum(axis=1, keepdims=True)
#: Ile-de-France is more educated (synthetic shift: -8 points below bac, +8 above bac+2).
EDU_P_IDF = EDU_P + np.array([-0.08, 0.0, 0.0, 0.08])

# Log-odds of micro-work in the last 12 months (intercept calibrated to TARGET_12M).
B_FEMALE = 0.22
B_AGE = np.array([0.55, 0.85, 0.60, 0.0, -0.70])
B_EDU = np.array([0.0, 0.30, 0.45, 0.65])
B_REGION = {11: 0.45, 84: 0.10, 93: 0.10}
SD_COMMUNE = 0.35      # commune random effect
B_COMMUNE_SIZE = 0.15  # per SD of log commune size (larger = more urban)
SD_HOUSEHOLD = 0.60    # household random effect (micro-work spreads within homes)
# Log-odds of "at least monthly" among 12-month workers, and of "weekly" among
# monthly-or-more workers (intercepts calibrated to TARGET_MONTHLY, TARGET_WEEKLY).
C_MONTHLY_FEMALE, C_MONTHLY_LOWEDU, C_MONTHLY_25_44 = 0.20, 0.30, 0.20
C_WEEKLY_FEMALE, C_WEEKLY_LOWEDU = 0.15, 0.30
#: P(number of platforms = 1, 2, 3, 4 | frequency less_often / monthly / weekly).
PLATFORMS_P = np.array([
    [0.84, 0.13, 0.025, 0.005],
    [0.62, 0.28, 0.08, 0.02],
    [0.45, 0.35, 0.15, 0.05],
])

# Sample design.
N_COMMUNES_SAMPLED = 960
#: Stage-2 take: m_i = max(MIN_TAKE, round(MEAN_TAKE * M_i / mean M of the region)),
#: a fixed function of the commune's size (known from the frame), i.e. a constant
#: stage-2 sampling fraction within a region (self-weighting within strata).
MEAN_TAKE = 12
MIN_TAKE = 2
OVERSAMPLE = {11: 1.5}  # Ile-de-France communes sampled at 1.5 x the proportional rate
MIN_COMMUNES_SAMPLED = 4

# Capture lists, drawn from the "regular" circle (micro-work at least monthly).
# logit P(capture) = a_list + b_weekly * weekly + b_z * z (+ b_dep * wave1 for wave 2),
# z ~ N(0, 1) an individual catchability shared by all lists; intercepts are
# calibrated to the target marginal capture rates.
CAPTURE_LISTS = ["survey_wave1", "survey_wave2", "platform_roster"]
CAPTURE_RATE = {"survey_wave1": 0.025, "survey_wave2": 0.020, "platform_roster": 0.040}
CAPTURE_B_WEEKLY = {"survey_wave1": 0.6, "survey_wave2": 0.6, "platform_roster": 0.9}
CAPTURE_B_Z = {"survey_wave1": 0.4, "survey_wave2": 0.4, "platform_roster": 0.25}
CAPTURE_B_WAVE1_ON_WAVE2 = 0.3  # panel follow-up: wave-1 respondents re-contacted

FILES = ("population_survey.csv", "population_survey.codebook.yaml",
         "population_truth.csv", "capture_histories.csv")


# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------

def _expit(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def _calibrate_intercept(eta: np.ndarray, target: float, scale: float = 1.0) -> float:
    """Intercept a such that scale * sum(expit(a + eta)) == target (Newton)."""
    a = np.log(target / (scale * eta.size)) - np.mean(eta)
    for _ in range(50):
        p = _expit(a + eta)
        f = scale * p.sum() - target
        step = f / (scale * np.sum(p * (1.0 - p)))
        a -= step
        if abs(step) < 1e-12:
            break
    return float(a)


def _draw_categorical(rng: np.random.Generator, probs: np.ndarray) -> np.ndarray:
    """One categorical draw per row of ``probs`` (rows sum to one)."""
    cum = np.cumsum(probs, axis=1)
    u = rng.random(probs.shape[0])
    return (u[:, None] >= cum[:, :-1]).sum(axis=1).astype(np.int8)


#: Resolution of the look-up tables used for the (many) per-person categorical draws:
#: probabilities are rounded to multiples of 1/RES before drawing.
RES = 10_000


def _table(probs: np.ndarray) -> np.ndarray:
    """Look-up table of length RES: value k appears round(RES * probs[k]) times."""
    probs = np.asarray(probs, dtype=float)
    exact = probs / probs.sum() * RES
    counts = np.floor(exact).astype(np.int64)
    short = RES - counts.sum()
    counts[np.argsort(-(exact - counts), kind="stable")[:short]] += 1
    return np.repeat(np.arange(probs.size, dtype=np.int8), counts)


# ---------------------------------------------------------------------------
# Finite population
# ---------------------------------------------------------------------------

def build_population(seed: int) -> dict:
    """Build the finite population.  Returns a dict of numpy arrays.

    Communes, households and persons are numbered 1..N in (region, commune,
    household, person) order; these numbers are the ids in all output files.
    Per-person categorical draws use look-up tables at resolution 1/RES.
    """
    ss = np.random.SeedSequence(seed)
    rng_struct, rng_person, rng_work = (np.random.default_rng(s) for s in ss.spawn(3))

    region_code = np.array([r[0] for r in REGIONS])
    adults_target = np.array([r[2] for r in REGIONS], dtype=float)
    hh_mean_adults = float(np.dot(np.arange(1, 5), HH_ADULTS_P))

    # communes: log-normal sizes (households), rescaled to the region's household target
    n_comm = np.rint(adults_target / ADULTS_PER_COMMUNE).astype(np.int64)
    comm_region = np.repeat(np.arange(len(REGIONS)), n_comm)
    raw = np.exp(COMMUNE_LOG_SD * rng_struct.standard_normal(comm_region.size))
    hh_target = adults_target / hh_mean_adults
    raw_sum = np.bincount(comm_region, weights=raw)
    comm_hh = np.maximum(COMMUNE_MIN_HH,
                         np.rint(raw * (hh_target / raw_sum)[comm_region])).astype(np.int64)
    log_size = np.log(comm_hh)
    size_z = (log_size - log_size.mean()) / log_size.std()
    comm_effect = SD_COMMUNE * rng_struct.standard_normal(comm_region.size) \
        + B_COMMUNE_SIZE * size_z

    # households
    n_hh = int(comm_hh.sum())
    hh_commune = np.repeat(np.arange(comm_region.size, dtype=np.int32), comm_hh)
    hh_adults = _table(HH_ADULTS_P)[rng_struct.integers(0, RES, n_hh, dtype=np.int16)] + 1
    # commune + household random effects on the log-odds of micro-work
    hh_effect = (SD_HOUSEHOLD * rng_struct.standard_normal(n_hh, dtype=np.float32)
                 + comm_effect.astype(np.float32)[hh_commune])

    # persons
    p_household = np.repeat(np.arange(n_hh, dtype=np.int32), hh_adults)
    n_pers = p_household.size
    p_commune = hh_commune[p_household]
    p_region = comm_region.astype(np.int8)[p_commune]
    female = rng_person.integers(0, RES, n_pers, dtype=np.int16) < round(P_FEMALE * RES)
    age = (_table(AGE_W) + np.int8(AGES[0]))[rng_person.integers(0, RES, n_pers,
                                                                 dtype=np.int16)]
    band = np.searchsorted(AGE_BREAKS, np.arange(AGES[-1] + 1),
                           side="right").astype(np.int8)[age]
    idf = (region_code == 11).astype(np.int8)[p_region]
    edu_tab = np.concatenate([_table(p) for p in EDU_P] + [_table(p) for p in EDU_P_IDF])
    g = (band + np.int8(len(AGE_BANDS)) * idf).astype(np.int32) * RES
    g += rng_person.integers(0, RES, n_pers, dtype=np.int16)
    edu = edu_tab[g]
    del g, idf

    # micro-work in the last 12 months: logit p = a + cell effect + commune + household.
    # cell = (region, sex [0 female, 1 male], single year of age, education), int16
    cell = p_region.astype(np.int16) * 2 + (~female)
    cell *= AGES.size
    cell += age - np.int8(AGES[0])
    cell *= len(EDUCATION)
    cell += edu
    b_region = np.array([B_REGION.get(c, 0.0) for c in region_code])
    b_age = B_AGE[np.searchsorted(AGE_BREAKS, AGES, side="right")]
    cell_eta = (b_region[:, None, None, None]
                + B_FEMALE * np.array([1.0, 0.0])[None, :, None, None]
                + b_age[None, None, :, None] + B_EDU[None, None, None, :]).ravel()
    eta = cell_eta.astype(np.float32)[cell] + hh_effect[p_household]
    stride = 8  # calibrate on a systematic 1-in-8 subset (fast, deterministic)
    sub = eta[::stride].astype(np.float64)
    a12 = _calibrate_intercept(sub, TARGET_12M, scale=n_pers / sub.size)
    eta += np.float32(a12)
    np.negative(eta, out=eta)
    np.exp(eta, out=eta)
    eta += np.float32(1.0)       # eta is now 1 / p
    work = rng_work.random(n_pers, dtype=np.float32) * eta < np.float32(1.0)
    del eta
    widx = np.flatnonzero(work)
    w_female, w_band, w_edu = female[widx], band[widx], edu[widx]
    lowedu = w_edu <= 1
    eta_m = (C_MONTHLY_FEMALE * w_female + C_MONTHLY_LOWEDU * lowedu
             + C_MONTHLY_25_44 * ((w_band == 1) | (w_band == 2)))
    am = _calibrate_intercept(eta_m, TARGET_MONTHLY)
    monthly = rng_work.random(widx.size) < _expit(am + eta_m)
    eta_w = C_WEEKLY_FEMALE * w_female + C_WEEKLY_LOWEDU * (w_edu == 0)
    aw = _calibrate_intercept(eta_w[monthly], TARGET_WEEKLY)
    weekly = monthly & (rng_work.random(widx.size) < _expit(aw + eta_w))
    w_freq = (1 + monthly + weekly).astype(np.int8)  # 1 less_often, 2 monthly, 3 weekly
    freq = np.zeros(n_pers, dtype=np.int8)
    freq[widx] = w_freq
    nplat = np.zeros(n_pers, dtype=np.int8)
    nplat[widx] = 1 + _draw_categorical(rng_work, PLATFORMS_P[w_freq - 1])

    return dict(
        region_code=region_code, comm_region=comm_region, comm_hh=comm_hh,
        hh_commune=hh_commune, hh_adults=hh_adults,
        p_household=p_household, p_commune=p_commune, p_region=p_region,
        female=female, age=age, band=band, edu=edu, freq=freq, nplat=nplat, cell=cell,
        intercepts=(a12, am, aw),
    )


# ---------------------------------------------------------------------------
# Sample
# ---------------------------------------------------------------------------

def stage2_take(pop: dict) -> np.ndarray:
    """Households to sample in each commune if it is drawn (fixed by the frame)."""
    M = pop["comm_hh"]
    r = pop["comm_region"]
    mean_M = np.bincount(r, weights=M) / np.bincount(r)
    return np.maximum(MIN_TAKE, np.rint(MEAN_TAKE * M / mean_M[r])).astype(np.int64)


def draw_sample(pop: dict, rng: np.random.Generator) -> pd.DataFrame:
    """Stratified two-stage SRSWOR sample; all adults of sampled households."""
    region_code = pop["region_code"]
    n_regions = region_code.size
    N_h = np.bincount(pop["comm_region"], minlength=n_regions)
    adults_h = np.bincount(pop["p_region"], minlength=n_regions).astype(float)
    alloc = adults_h * np.array([OVERSAMPLE.get(c, 1.0) for c in region_code])
    n_h = np.maximum(MIN_COMMUNES_SAMPLED,
                     np.rint(N_COMMUNES_SAMPLED * alloc / alloc.sum())).astype(np.int64)
    comm_start = np.concatenate([[0], np.cumsum(N_h)[:-1]])
    take = stage2_take(pop)
    hh_start = np.concatenate([[0], np.cumsum(pop["comm_hh"])[:-1]])

    sampled_comm = np.concatenate([
        comm_start[h] + np.sort(rng.choice(N_h[h], size=n_h[h], replace=False))
        for h in range(n_regions)
    ])
    sampled_hh = np.concatenate([
        hh_start[c] + np.sort(rng.choice(pop["comm_hh"][c], size=take[c], replace=False))
        for c in sampled_comm
    ])
    # persons of sampled households (persons are contiguous within households)
    hh_first = np.concatenate([[0], np.cumsum(pop["hh_adults"], dtype=np.int64)[:-1]])
    k = pop["hh_adults"][sampled_hh].astype(np.int64)
    pidx = np.repeat(hh_first[sampled_hh], k) + (
        np.arange(k.sum()) - np.repeat(np.cumsum(k) - k, k))

    c = pop["p_commune"][pidx]
    h = pop["comm_region"][c]
    fpc1 = N_h[h]
    fpc2 = pop["comm_hh"][c]
    weight = (fpc1 / n_h[h]) * (fpc2 / take[c])
    names = {r[0]: r[1] for r in REGIONS}
    freq = pop["freq"][pidx]
    df = pd.DataFrame({
        "person_id": pidx + 1,
        "region_code": region_code[h],
        "region": [names[x] for x in region_code[h]],
        "commune_id": c + 1,
        "household_id": pop["p_household"][pidx] + 1,
        "fpc1": fpc1,
        "fpc2": fpc2,
        "weight": weight,
        "hh_adults": pop["hh_adults"][pop["p_household"][pidx]].astype(np.int64),
        "sex": np.where(pop["female"][pidx], "female", "male"),
        "age": pop["age"][pidx].astype(np.int64),
        "age_band": np.array(AGE_BAND_LABELS)[(pop["age"][pidx] // 5) - 3],
        "age_group": np.array(AGE_GROUP_LABELS)[
            np.searchsorted([25, 45], pop["age"][pidx], side="right")],
        "education": np.array(EDUCATION)[pop["edu"][pidx]],
        "microwork_12m": (freq > 0).astype(np.int64),
        "microwork_freq": np.array(FREQ)[freq],
        "n_platforms": pop["nplat"][pidx].astype(np.int64),
    })
    df.attrs["n_h"] = n_h
    df.attrs["N_h"] = N_h
    return df


# ---------------------------------------------------------------------------
# Capture lists
# ---------------------------------------------------------------------------

def draw_captures(pop: dict, rng: np.random.Generator) -> tuple[pd.DataFrame, dict]:
    """Three dependent, heterogeneous lists drawn from the at-least-monthly circle."""
    members = np.flatnonzero(pop["freq"] >= 2)
    weekly = (pop["freq"][members] == 3).astype(float)
    z = rng.standard_normal(members.size)
    caught = {}
    for name in CAPTURE_LISTS:
        eta = CAPTURE_B_WEEKLY[name] * weekly + CAPTURE_B_Z[name] * z
        if name == "survey_wave2":
            eta = eta + CAPTURE_B_WAVE1_ON_WAVE2 * caught["survey_wave1"]
        a = _calibrate_intercept(eta, CAPTURE_RATE[name] * members.size)
        caught[name] = rng.random(members.size) < _expit(a + eta)
    any_caught = np.logical_or.reduce([caught[n] for n in CAPTURE_LISTS])
    df = pd.DataFrame({"person_id": members[any_caught] + 1})
    for name in CAPTURE_LISTS:
        df[name] = caught[name][any_caught].astype(np.int64)
    info = {"N": int(members.size), "N_weekly": int(weekly.sum()),
            "observed": int(any_caught.sum())}
    return df, info


# ---------------------------------------------------------------------------
# Truth
# ---------------------------------------------------------------------------

def true_ht_se(pop: dict, n_h: np.ndarray, hh: np.ndarray, yh: np.ndarray) -> float:
    """Exact design standard error of the HT estimator of a national total.

    ``hh``, ``yh``: household indices and household totals of the variable (only
    households with a non-zero total need be given).  Two-stage SRSWOR, households
    taken whole (Sarndal, Swensson & Wretman 1992, result 4.3.1):
    V = sum_h N_h^2 (1 - n_h/N_h) S2_{Y,h} / n_h
        + sum_h (N_h / n_h) sum_{i in h} M_i^2 (1 - m/M_i) S2_{y,i} / m,
    with S2_{Y,h} the variance of commune totals in region h and S2_{y,i} the
    variance of household totals in commune i (both over the whole population).
    """
    m = stage2_take(pop).astype(float)
    M = pop["comm_hh"].astype(float)
    n_comm = M.size
    c = pop["hh_commune"][hh]
    Y = np.bincount(c, weights=yh, minlength=n_comm)
    Y2 = np.bincount(c, weights=yh * yh, minlength=n_comm)
    s2_within = np.maximum(Y2 - Y * Y / M, 0.0) / (M - 1.0)
    v2_comm = M * M * (1.0 - m / M) * s2_within / m
    r = pop["comm_region"]
    N = np.bincount(r).astype(float)
    Ysum = np.bincount(r, weights=Y)
    Ysq = np.bincount(r, weights=Y * Y)
    S2_between = np.maximum(Ysq - Ysum * Ysum / N, 0.0) / (N - 1.0)
    v1 = N * N * (1.0 - n_h / N) * S2_between / n_h
    v2 = (N / n_h) * np.bincount(r, weights=v2_comm)
    return float(np.sqrt(v1.sum() + v2.sum()))


def _household_totals(pop: dict, mask: np.ndarray, value: np.ndarray | None = None):
    """Household indices and totals of ``value`` (default 1) over persons in ``mask``."""
    idx = np.flatnonzero(mask)
    hh, inv = np.unique(pop["p_household"][idx], return_inverse=True)
    w = None if value is None else value[idx].astype(float)
    return hh, np.bincount(inv, weights=w, minlength=hh.size).astype(float)


def population_truth(pop: dict, sample: pd.DataFrame, capture_info: dict) -> pd.DataFrame:
    rows: list[tuple[str, str, object]] = []
    region_code = pop["region_code"]
    freq = pop["freq"]
    n12, nm, nw = (int(np.count_nonzero(freq >= k)) for k in (1, 2, 3))
    nreg = region_code.size

    def add(q, dom, v):
        rows.append((q, dom, v))

    add("population_18_64", "all", int(freq.size))
    add("households", "all", int(pop["hh_commune"].size))
    add("communes", "all", int(pop["comm_region"].size))
    add("microwork_12m", "all", n12)
    add("microwork_monthly_plus", "all", nm)
    add("microwork_weekly", "all", nw)
    n_reg = int(pop["nplat"].sum(dtype=np.int64))
    add("platform_registrations", "all", n_reg)
    add("mean_platforms_per_worker", "all", f"{n_reg / n12:.6f}")
    # one pass over the population: counts by region x sex x age x education x freq
    dims = (nreg, 2, AGES.size, len(EDUCATION), len(FREQ))
    code = pop["cell"].astype(np.int32) * len(FREQ) + freq
    cube = np.bincount(code, minlength=int(np.prod(dims))).reshape(dims)
    del code
    band_of_age = (AGES // 5) - 3
    group_of_age = np.searchsorted([25, 45], AGES, side="right")
    margins = [("sex", SEX, 1, None), ("age_band", AGE_BAND_LABELS, 2, band_of_age),
               ("age_group", AGE_GROUP_LABELS, 2, group_of_age),
               ("education", EDUCATION, 3, None),
               ("region", [r[1] for r in REGIONS], 0, None)]
    for var, levels, axis, collapse in margins:
        other = tuple(a for a in range(4) if a != axis)
        by_freq = cube.sum(axis=other)  # levels (or single ages) x freq
        if collapse is not None:
            by_freq = np.stack([by_freq[collapse == k].sum(axis=0)
                                for k in range(len(levels))])
        counts = {
            "population_18_64": by_freq.sum(axis=1),
            "microwork_12m": by_freq[:, 1:].sum(axis=1),
            "microwork_monthly_plus": by_freq[:, 2:].sum(axis=1),
            "microwork_weekly": by_freq[:, 3],
        }
        for q, cnt in counts.items():
            for lev, v in zip(levels, cnt, strict=True):
                add(q, f"{var}={lev}", int(v))
    # design parameters
    n_h, N_h = sample.attrs["n_h"], sample.attrs["N_h"]
    hh_h = np.bincount(pop["comm_region"], weights=pop["comm_hh"], minlength=nreg)
    s_hh = sample.groupby("region_code")["household_id"].nunique()
    s_pers = sample.groupby("region_code").size()
    for h, code in enumerate(region_code):
        dom = f"region={REGIONS[h][1]}"
        add("design_communes", dom, int(N_h[h]))
        add("design_communes_sampled", dom, int(n_h[h]))
        add("design_households", dom, int(hh_h[h]))
        add("design_households_sampled", dom, int(s_hh.loc[code]))
        add("design_persons_sampled", dom, int(s_pers.loc[code]))
    add("design_mean_take", "all", MEAN_TAKE)
    add("design_min_take", "all", MIN_TAKE)
    # exact design SE of the HT estimator of each national total (for checking
    # estimated SEs and coverage); rounded to 0.1 person
    indicators = [
        ("population_18_64",
         (np.arange(pop["hh_adults"].size), pop["hh_adults"].astype(float))),
        ("microwork_12m", _household_totals(pop, freq >= 1)),
        ("microwork_monthly_plus", _household_totals(pop, freq >= 2)),
        ("microwork_weekly", _household_totals(pop, freq == 3)),
        ("platform_registrations", _household_totals(pop, freq >= 1, pop["nplat"])),
    ]
    for q, (hh, yh) in indicators:
        add(f"design_true_se_ht_{q}", "all", f"{true_ht_se(pop, n_h, hh, yh):.1f}")
    # capture-recapture
    add("capture_population_N", "microwork_monthly_plus", capture_info["N"])
    add("capture_population_N", "microwork_weekly", capture_info["N_weekly"])
    add("capture_observed", "at_least_one_list", capture_info["observed"])
    # integers as integers, the one ratio with 6 decimals
    return pd.DataFrame([(q, d, str(v)) for q, d, v in rows],
                        columns=["quantity", "domain", "value"])


# ---------------------------------------------------------------------------
# Codebook
# ---------------------------------------------------------------------------

def _q(s: str) -> str:
    return json.dumps(s, ensure_ascii=False)


def codebook_yaml() -> str:
    reg_levels = ", ".join(_q(r[1]) for r in REGIONS)
    lev = lambda xs: "[" + ", ".join(_q(x) for x in xs) + "]"  # noqa: E731
    v = [
        ("person_id", f"{{type: integer, description: {_q('Person id: rank of the person in the synthetic finite population (1..N, ordered by region, commune, household); same id space as capture_histories.csv.')}}}"),
        ("region_code", f"{{type: integer, description: {_q('INSEE code of the metropolitan region (2016 regions); same information as region.')}}}"),
        ("region", f"{{type: categorical, levels: [{reg_levels}], description: {_q('Metropolitan region (INSEE name); the sampling STRATUM.')}}}"),
        ("commune_id", f"{{type: integer, description: {_q('Synthetic commune id, unique nationally; the primary sampling unit (stage 1, SRSWOR within region).')}}}"),
        ("household_id", f"{{type: integer, description: {_q('Synthetic household id, unique nationally; the secondary sampling unit (stage 2, SRSWOR within commune).')}}}"),
        ("fpc1", f"{{type: integer, range: [1, null], description: {_q('Stage-1 population size: number of communes in the region (stratum).')}}}"),
        ("fpc2", f"{{type: integer, range: [1, null], description: {_q('Stage-2 population size: number of households (with at least one adult aged 18-64) in the commune.')}}}"),
        ("weight", f"{{type: numeric, range: [0, null], description: {_q('Design weight (probability weight) = (fpc1 / communes sampled in the region) * (fpc2 / households sampled in the commune); persons represented.')}}}"),
        ("hh_adults", f"{{type: integer, range: [1, 4], description: {_q('Number of adults aged 18-64 in the household (all are interviewed).')}}}"),
        ("sex", f"{{type: categorical, levels: {lev(SEX)}, description: {_q('Sex.')}}}"),
        ("age", f"{{type: integer, range: [18, 64], description: {_q('Age in completed years.')}}}"),
        ("age_band", f"{{type: ordered, levels: {lev(AGE_BAND_LABELS)}, description: {_q('5-year age band, labelled as in reference/insee_rp2018_sex_age.csv and the worker survey (15-19 holds the 18-19 year olds only).')}}}"),
        ("age_group", f"{{type: ordered, levels: {lev(AGE_GROUP_LABELS)}, description: {_q('Broad age group, as in the worker survey; 25-44 is the band of the published 63.4 % of micro-workers.')}}}"),
        ("education", f"{{type: ordered, levels: {lev(EDUCATION)}, description: {_q('Highest diploma: below the baccalaureat, bac, bac+2, above bac+2.')}}}"),
        ("microwork_12m", f"{{type: integer, range: [0, 1], description: {_q('1 if the person did paid micro-work on a platform in the last 12 months (the casual circle), else 0.')}}}"),
        ("microwork_freq", f"{{type: ordered, levels: {lev(FREQ)}, description: {_q('How often the person micro-worked in the last 12 months; nested circles: weekly within monthly-or-more within 12 months.')}}}"),
        ("n_platforms", f"{{type: integer, range: [0, 4], description: {_q('Number of micro-work platforms the person is registered on (0 for non-workers); multiplicity for the weight-share method.')}}}"),
    ]
    lines = [
        "dataset: population_survey",
        "description: " + _q(
            "SYNTHETIC general-population survey of adults aged 18-64 in metropolitan "
            "France (not real responses), drawn from a synthetic finite population whose "
            "true counts are in population_truth.csv. Stratified two-stage design: "
            "strata = region; stage 1 communes by SRSWOR; stage 2 households by SRSWOR (about 12 per commune, proportional to its size); "
            "all adults 18-64 of sampled households. R: svydesign(id = ~commune_id + "
            "household_id, strata = ~region, fpc = ~fpc1 + fpc2, data = d)."),
        "id: person_id",
        "variables:",
    ]
    lines += [f"  {name}: {spec[:-1]}{value_labels(name)}}}" for name, spec in v]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------
# Entry points
# ---------------------------------------------------------------------------

def generate(outdir: pathlib.Path, seed: int) -> list[pathlib.Path]:
    """Write the four files into ``outdir`` and return their paths."""
    outdir = pathlib.Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    pop = build_population(seed)
    ss = np.random.SeedSequence([seed, 1])
    rng_sample, rng_capture = (np.random.default_rng(s) for s in ss.spawn(2))
    sample = draw_sample(pop, rng_sample)
    captures, capture_info = draw_captures(pop, rng_capture)
    truth = population_truth(pop, sample, capture_info)

    paths = [outdir / f for f in FILES]
    sample.to_csv(paths[0], index=False, lineterminator="\n", float_format="%.10f",
                  encoding="utf-8")
    paths[1].write_text(codebook_yaml(), encoding="utf-8", newline="\n")
    truth.to_csv(paths[2], index=False, lineterminator="\n", encoding="utf-8")
    captures.to_csv(paths[3], index=False, lineterminator="\n", encoding="utf-8")
    return paths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=pathlib.Path,
                        default=pathlib.Path(__file__).resolve().parents[1])
    parser.add_argument("--seed", type=int, default=20190501)
    args = parser.parse_args(argv)
    for p in generate(args.out, args.seed):
        print(p)
    return 0


if __name__ == "__main__":
    sys.exit(main())
