"""Figures of micropop.plotting: they draw on the Axes given the numbers they are given."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

import micropop as mp
from micropop import plotting
from micropop.errors import MicropopError
from micropop.plotting import _style  # the label table moved there (#12)
from micropop.profile import insee_population


def new_ax():
    return Figure().subplots()


@pytest.fixture(scope="module")
def des():
    return mp.SurveyDesign(mp.datasets.load_worker_survey(), weights="weight")


@pytest.fixture(scope="module")
def result_circles(des):
    return mp.size.platform_circles(mp.datasets.load_platforms(), des)


@pytest.fixture(scope="module")
def prof(des):
    return mp.profile(des, ["sex", "age_band"],
                      reference={"sex": insee_population("sex", ages=(18, 74)),
                                 "age_band": insee_population("age_band", ages=(18, 74))})


@pytest.fixture(scope="module")
def summary():
    pdes = mp.SurveyDesign(mp.datasets.load_population_survey(), weights="weight",
                           strata="region", psu=["commune_id", "household_id"],
                           fpc=["fpc1", "fpc2"])
    return pdes.rake(mp.weighting.demo_margins("population")).weight_summary()


def test_every_text_in_both_languages():
    assert set(_style.TEXT["en"]) == set(_style.TEXT["fr"])
    assert all(_style.TEXT["fr"].values())


def test_unknown_language_is_refused(result_circles):
    with pytest.raises(MicropopError, match="language"):
        plotting.circles(result_circles, ax=new_ax(), lang="de")


# circles -----------------------------------------------------------------------------

def test_circles_bars_are_the_estimates(result_circles):
    ax = new_ax()
    assert plotting.circles(result_circles, ax=ax) is ax
    table = result_circles.to_frame()
    np.testing.assert_allclose([p.get_width() for p in ax.patches], table["estimate"])
    assert [t.get_text() for t in ax.get_yticklabels()] == list(table.index)
    texts = " ".join(t.get_text() for t in ax.texts)
    for low in table["ci_low"]:
        assert f"{low:,.0f}" in texts
    intervals = ax.collections[0].get_segments()
    np.testing.assert_allclose([seg[0][0] for seg in intervals], table["ci_low"])
    np.testing.assert_allclose([seg[1][0] for seg in intervals], table["ci_high"])


def test_circles_truth_and_french(result_circles):
    ax = plotting.circles(result_circles, ax=new_ax(), lang="fr",
                          truth={"regular": 50_000.0})
    assert ax.get_xlabel() == "Nombre de personnes"
    assert list(ax.lines[-1].get_xdata()) == [50_000.0]
    assert "chiffre publié" in [t.get_text() for t in ax.get_legend().get_texts()]


def test_circles_bad_input(result_circles):
    with pytest.raises(MicropopError, match="Circles"):
        plotting.circles(result_circles.to_frame(), ax=new_ax())
    with pytest.raises(MicropopError, match="'weekly'"):
        plotting.circles(result_circles, ax=new_ax(), truth={"weekly": 1.0})


# profile_dots ------------------------------------------------------------------------

def test_profile_dots_draw_the_shares_and_references(prof):
    ax = new_ax()
    assert plotting.profile_dots(prof, ax=ax) is ax
    table = prof.to_frame()
    np.testing.assert_allclose(ax.lines[0].get_xdata(), 100 * table["share"])
    np.testing.assert_allclose(ax.lines[1].get_xdata(), 100 * table["reference_share"])
    segments = ax.collections[0].get_segments()
    np.testing.assert_allclose([s[0][0] for s in segments], 100 * table["ci_low"])
    np.testing.assert_allclose([s[1][0] for s in segments], 100 * table["ci_high"])
    assert ax.get_yticklabels()[0].get_text() == "sex: female"
    assert ax.get_xlabel() == "Share (%)"
    assert plotting.profile_dots(prof, ax=new_ax(), lang="fr").get_xlabel() == "Part (%)"


def test_profile_dots_needs_reference_shares(des):
    bare = mp.profile(des, ["sex", "frequency"],
                      reference={"sex": insee_population("sex", ages=(18, 74))})
    with pytest.raises(MicropopError, match="no reference shares for 'frequency'"):
        plotting.profile_dots(bare, ax=new_ax())
    with pytest.raises(MicropopError, match="Profile"):
        plotting.profile_dots(bare.to_frame(), ax=new_ax())


# pyramid -----------------------------------------------------------------------------

def test_pyramid_bars_are_the_workers_shares(des):
    est = des.mean("age_band", by="sex")
    france = mp.datasets.load_reference("insee_rp2018_sex_age")
    ax = new_ax()
    assert plotting.pyramid(est, france, ax=ax) is ax
    frame = est.to_frame()
    male = frame.xs("male", level="domain")["estimate"].to_numpy()
    female = frame.xs("female", level="domain")["estimate"].to_numpy()
    widths = np.array(_bars(ax))
    np.testing.assert_allclose(widths[:len(male)], -100 * male)
    np.testing.assert_allclose(widths[len(male):], 100 * female)
    # the reference outline: each sex's counts over its total on the workers' bands
    bands = [t.get_text() for t in ax.get_yticklabels()]
    men = france.set_index("age_band").loc[bands, "men"]
    np.testing.assert_allclose(_stairs(ax)[0], -100 * men / men.sum())
    assert ax.get_ylabel() == "Age band"
    assert plotting.pyramid(est, france, ax=new_ax(), lang="fr").get_ylabel() == "Tranche d'âge"


def _bars(ax):
    from matplotlib.patches import Rectangle
    return [p.get_width() for p in ax.patches if isinstance(p, Rectangle)]


def _stairs(ax):
    from matplotlib.patches import StepPatch
    return [p.get_data().values for p in ax.patches if isinstance(p, StepPatch)]


def test_pyramid_takes_a_tidy_table_and_references():
    tidy = pd.DataFrame({"sex": ["men", "men", "women", "women"],
                         "age_band": ["20-24", "25-29", "20-24", "25-29"],
                         "share": [0.4, 0.6, 0.3, 0.7]})
    ref = {"male": pd.Series({"20-24": 10.0, "25-29": 30.0}),
           "female": insee_population("age_band", ages=(20, 29), sex="women")}
    ax = plotting.pyramid(tidy, ref, ax=new_ax())
    np.testing.assert_allclose(_bars(ax), [-40, -60, 30, 70])
    np.testing.assert_allclose(_stairs(ax)[0], [-25, -75])


def test_pyramid_bad_input(des):
    france = mp.datasets.load_reference("insee_rp2018_sex_age")
    with pytest.raises(MicropopError, match=r"column\(s\) 'share' not in the workers table\. "
                                            r".*there are 2 columns"):
        plotting.pyramid(pd.DataFrame({"sex": ["male"], "age_band": ["20-24"]}), france,
                         ax=new_ax())
    with pytest.raises(MicropopError, match="age band 99-100"):
        plotting.pyramid(pd.DataFrame({"sex": ["male"], "age_band": ["99-100"],
                                       "share": [1.0]}), france, ax=new_ax())
    with pytest.raises(MicropopError, match="domain"):
        plotting.pyramid(des.mean("age_band"), france, ax=new_ax())


# earnings_ecdf -----------------------------------------------------------------------

def test_earnings_ecdf_draws_zeros_apart_and_positive_quantiles(des):
    probs = [0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95]
    q = des.quantile("earnings_month", probs)
    shares = mp.earnings.earnings_shares(des)
    ax = new_ax()
    assert plotting.earnings_ecdf(q, zeros=shares, ax=ax) is ax
    assert ax.get_xscale() == "log"
    zero = shares.to_frame().iloc[0]
    assert ax.patches[0].get_height() == pytest.approx(100 * zero["estimate"])
    np.testing.assert_allclose(ax.collections[0].get_segments()[0][:, 1],
                               [100 * zero["ci_low"], 100 * zero["ci_high"]])
    value = q.to_frame()["estimate"].to_numpy()
    positive = value > 0
    np.testing.assert_allclose(ax.lines[0].get_xdata(), value[positive])
    np.testing.assert_allclose(ax.lines[0].get_ydata(), 100 * np.array(probs)[positive])
    assert ax.get_xticklabels()[0].get_text() == "0"
    fr = plotting.earnings_ecdf(q, zeros=shares, ax=new_ax(), lang="fr")
    assert fr.get_xlabel().startswith("Revenus mensuels")


def test_earnings_ecdf_bad_input(des):
    q = des.quantile("earnings_month", [0.25, 0.5])
    with pytest.raises(MicropopError, match="share at 0"):
        plotting.earnings_ecdf(q, zeros=mp.earnings.earnings_shares(des, thresholds=[5, 10])
                               .to_frame().iloc[1:], ax=new_ax())
    with pytest.raises(MicropopError, match="no positive quantile"):
        plotting.earnings_ecdf(des.quantile("earnings_month", [0.05]), ax=new_ax())
    with pytest.raises(MicropopError, match="Estimate"):
        plotting.earnings_ecdf([1.0, 2.0], ax=new_ax())


# lorenz_curve ------------------------------------------------------------------------

def test_lorenz_curve_draws_the_ordinates_and_the_gini(des):
    shares = [0.2, 0.4, 0.6, 0.8]
    est = mp.lorenz(des, "earnings_month", shares=shares)
    g = mp.gini(des, "earnings_month")
    ax = new_ax()
    assert plotting.lorenz_curve(est, g, ax=ax) is ax
    np.testing.assert_allclose(ax.lines[0].get_xdata(), [20, 40, 60, 80])
    np.testing.assert_allclose(ax.lines[0].get_ydata(), 100 * est.estimate)
    row = g.to_frame().iloc[0]
    text = ax.get_legend().get_texts()[0].get_text()
    assert f"{row['estimate']:.3f}" in text and f"{row['ci_low']:.3f}" in text
    assert f"{row['ci_high']:.3f}" in text
    fr = plotting.lorenz_curve(est, g, ax=new_ax(), lang="fr")
    assert fr.get_legend().get_texts()[0].get_text().startswith("courbe de Lorenz, Gini")


def test_lorenz_curve_bad_input(des):
    est = mp.lorenz(des, "earnings_month", shares=[0.5])
    with pytest.raises(MicropopError, match="2 rows"):
        plotting.lorenz_curve(est, mp.gini(des, "earnings_month", by="sex"), ax=new_ax())
    with pytest.raises(MicropopError,
                       match=r"column\(s\) 'ci_low', 'ci_high' not in the Lorenz estimate"):
        plotting.lorenz_curve(pd.DataFrame({"estimate": [0.1]}), ax=new_ax())


# hourly_vs_minimum_wage --------------------------------------------------------------

def test_hourly_quantiles_against_smic(des):
    q = mp.earnings.hourly_quantile(des, [0.25, 0.5, 0.75, 0.9])
    smic = mp.earnings.minimum_wage(2019)
    ax = new_ax()
    assert plotting.hourly_vs_minimum_wage(q, smic, ax=ax) is ax
    np.testing.assert_allclose(ax.lines[0].get_xdata(), q.estimate)
    assert list(ax.lines[1].get_xdata()) == [smic, smic]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["P25", "P50", "P75", "P90"]
    assert any("10.03" in t.get_text() for t in ax.get_legend().get_texts())
    fr = plotting.hourly_vs_minimum_wage(q, smic, ax=new_ax(), lang="fr")
    assert fr.get_xlabel() == "Revenus horaires du micro-travail (EUR)"
    with pytest.raises(MicropopError, match="minimum_wage"):
        plotting.hourly_vs_minimum_wage(q, None, ax=new_ax())


# weighting_diagnostics ---------------------------------------------------------------

def test_weighting_diagnostics_targets_and_achieved(summary):
    ax = new_ax()
    assert plotting.weighting_diagnostics(summary, ax=ax) is ax
    np.testing.assert_allclose([p.get_width() for p in ax.patches], summary.margins["target"])
    np.testing.assert_allclose(ax.lines[0].get_xdata(), summary.margins["achieved"])
    assert f"{summary.statistics['ratio_max']:.3f}" in ax.get_title()
    assert ax.get_yticklabels()[0].get_text() == "sex: female"
    fr = plotting.weighting_diagnostics(summary, ax=new_ax(), lang="fr")
    assert fr.get_title().startswith("Marges atteintes")


def test_weighting_diagnostics_needs_margins():
    unweighted = mp.SurveyDesign(pd.DataFrame({"w": [1.0, 2.0]}), weights="w")
    with pytest.raises(MicropopError, match="no margins"):
        plotting.weighting_diagnostics(unweighted.weight_summary(), ax=new_ax())
    with pytest.raises(MicropopError, match="WeightSummary"):
        plotting.weighting_diagnostics(pd.DataFrame(), ax=new_ax())
