"""coef_forest: the coefficients of a model, drawn as they are in its table (micropop.plotting)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import dataclasses

import numpy as np
import pytest
from matplotlib.figure import Figure

import micropop as mp
from micropop import plotting
from micropop.errors import FigureInputError, MicropopError


def new_ax():
    return Figure().subplots()


@pytest.fixture(scope="module")
def des():
    data = mp.datasets.load_worker_survey()
    data["regular"] = data["frequency"].isin(["weekly", "monthly"]).astype(float)
    return mp.SurveyDesign(data, weights="weight")


@pytest.fixture(scope="module")
def logit(des):
    return des.glm("regular ~ sex + C(age_group) + log(hours_week)", family="quasibinomial")


@pytest.fixture(scope="module")
def counts(des):
    return des.glm("n_platforms ~ sex + hours_week", family="quasipoisson")


def _ticks(ax):
    return [t.get_text() for t in ax.get_yticklabels()]


def test_one_row_per_coefficient_without_the_intercept(logit):
    ax = plotting.coef_forest(logit, ax=new_ax())
    table = logit.to_frame(exp=True).drop(index="(Intercept)")
    assert _ticks(ax) == list(table.index)
    assert ax.get_yticks().tolist() == list(range(len(table)))[::-1]
    # the points and intervals are the table's numbers, first term on top
    points = ax.lines[0].get_xdata()
    np.testing.assert_allclose(points, table["estimate"], rtol=1e-12)
    segments = ax.collections[0].get_segments()
    np.testing.assert_allclose([s[0][0] for s in segments], table["ci_low"], rtol=1e-12)
    np.testing.assert_allclose([s[1][0] for s in segments], table["ci_high"], rtol=1e-12)
    assert ax.get_xscale() == "log"
    assert ax.get_xlabel() == "Odds ratio"
    reference = ax.lines[1]
    assert list(reference.get_xdata()) == [1.0, 1.0]


def test_intercept_on_request_and_labels(logit):
    ax = plotting.coef_forest(logit, ax=new_ax(), intercept=True, labels={"sexmale": "men"})
    assert _ticks(ax)[0] == "(Intercept)"
    assert "men" in _ticks(ax) and "sexmale" not in _ticks(ax)


def test_coefficients_on_the_link_scale(logit):
    ax = plotting.coef_forest(logit, exp=False, ax=new_ax(), level=0.9)
    table = logit.to_frame(level=0.9).drop(index="(Intercept)")
    np.testing.assert_allclose(ax.lines[0].get_xdata(), table["estimate"], rtol=1e-12)
    np.testing.assert_allclose([s[0][0] for s in ax.collections[0].get_segments()],
                               table["ci_low"], rtol=1e-12)
    assert ax.get_xscale() == "linear"
    assert ax.get_xlabel() == "Coefficient"
    assert list(ax.lines[1].get_xdata()) == [0.0, 0.0]
    assert "90%" in ax.get_title()


def test_rate_ratio_under_a_log_link(counts):
    assert plotting.coef_forest(counts, ax=new_ax()).get_xlabel() == "Rate ratio"
    assert plotting.coef_forest(counts, ax=new_ax(), lang="fr").get_xlabel() == "Rapport de taux"


def test_french_labels_and_numbers(logit):
    ax = plotting.coef_forest(logit, ax=new_ax(), lang="fr")
    assert ax.get_xlabel() == "Rapport de cotes"
    assert ax.get_title() == "Coefficients du modèle et leurs intervalles à 95 %"
    ax.figure.canvas.draw()
    ticks = [t.get_text() for t in ax.get_xticklabels() if t.get_text()]
    assert ticks and not any("." in t for t in ticks)
    formatter = ax.xaxis.get_major_formatter()
    assert formatter(0.5, 0) == "0,5"


def test_ratios_are_read_at_half_one_and_two(logit):
    ax = plotting.coef_forest(logit, ax=new_ax())
    low, high = ax.get_xlim()
    shown = [t for t in ax.xaxis.get_majorticklocs() if low <= t <= high]
    assert 1.0 in shown and len(shown) >= 2, (shown, low, high)  # not 1 alone on the axis


def test_an_ordinal_model_is_drawn_as_its_coefficients(des):
    fit = des.olr("frequency ~ sex + hours_week")
    ax = plotting.coef_forest(fit, ax=new_ax())
    assert _ticks(ax) == ["sexmale", "hours_week"] and ax.get_xlabel() == "Odds ratio"
    assert _ticks(plotting.coef_forest(fit, ax=new_ax(), intercept=True))[2:] == [
        "weekly|monthly", "monthly|less_often"]
    probit = plotting.coef_forest(des.olr("frequency ~ sex", method="probit"), ax=new_ax())
    assert probit.get_xlabel() == "exp(coefficient)"


def test_gaussian_model_is_drawn_as_coefficients():
    data = mp.datasets.load_worker_survey()
    data["log_earnings"] = np.log1p(data["earnings_month"])
    fit = mp.SurveyDesign(data, weights="weight").glm("log_earnings ~ sex + hours_week")
    ax = plotting.coef_forest(fit, exp=False, ax=new_ax())
    assert ax.get_xlabel() == "Coefficient"
    assert plotting.coef_forest(fit, ax=new_ax()).get_xlabel() == "exp(coefficient)"


@pytest.mark.parametrize("bad", [None, "fit", 1.0, mp.datasets.load_worker_survey()])
def test_not_a_model_is_refused(bad):
    with pytest.raises(FigureInputError, match="GLMResult"):
        plotting.coef_forest(bad, ax=new_ax())


@pytest.mark.parametrize("value", [np.nan, np.inf])
def test_non_finite_limits_are_refused_by_term(logit, value):
    vcov = logit.vcov.copy()
    vcov[1, 1] = value
    broken = dataclasses.replace(logit, vcov=vcov)
    with pytest.raises(FigureInputError, match="not a finite number") as error:
        plotting.coef_forest(broken, ax=new_ax())
    assert logit.names[1] in str(error.value)


def test_only_an_intercept_is_refused(des):
    fit = des.glm("regular ~ 1", family="quasibinomial")
    with pytest.raises(FigureInputError, match="intercept"):
        plotting.coef_forest(fit, ax=new_ax())
    assert _ticks(plotting.coef_forest(fit, ax=new_ax(), intercept=True)) == ["(Intercept)"]


@pytest.mark.parametrize("kwargs", [{"lang": "de"}, {"level": 1.5}, {"level": float("nan")}])
def test_bad_options_are_refused(logit, kwargs):
    with pytest.raises(MicropopError):
        plotting.coef_forest(logit, ax=new_ax(), **kwargs)


def test_a_new_figure_when_no_axes(logit):
    import matplotlib.pyplot as plt

    ax = plotting.coef_forest(logit)
    assert ax.get_xlabel() == "Odds ratio"
    plt.close(ax.figure)
