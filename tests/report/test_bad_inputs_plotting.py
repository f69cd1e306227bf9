"""Bad inputs to micropop.plotting: text from the data is drawn as plain text, and a figure
never draws NaN or inf silently (#11).

Characters that the font lacks are drawn as boxes, with matplotlib's warning: that is
the font's limit, not the figure's, and these tests ignore that warning.
"""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from matplotlib.figure import Figure
from matplotlib.text import Text

import micropop as mp
from micropop import plotting
from micropop.describe import binned
from micropop.errors import FigureInputError, MicropopError
from micropop.plotting._style import fit  # moved from plotting._fit (#12)
from micropop.profile import insee_population

#: Labels that break matplotlib when drawn as mathtext or TeX, or that are hard to draw.
HOSTILE = ["$x^$", "$_$", "a $\\frac$ b", "US$ 5 - 10 $", "50%", "a_b^c", "{x}", "\\", "\\$",
           "&#<>~", "x" * 500, "è€ 中文 😀", "tab\there", "new\nline", "nul\x00bell\x07",
           " "]

labels = st.one_of(st.sampled_from(HOSTILE),
                   st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)),
                           min_size=1, max_size=60),
                   st.text(alphabet="$\\^_{}%#&~ ab", min_size=1, max_size=12))


pytestmark = pytest.mark.filterwarnings("ignore:Glyph .* missing from font")


def _save(ax) -> None:
    """Draw the figure as the report does (PNG and SVG), so that every text is laid out."""
    for fmt in ("png", "svg"):
        ax.figure.savefig(io.BytesIO(), format=fmt, dpi=40, bbox_inches="tight")


def _assert_plain(ax) -> None:
    texts = ax.findobj(Text)
    assert texts and all(not t.get_parse_math() and not t.get_usetex() for t in texts)


def _ticks(ax, axis: str) -> list[str]:
    getter = ax.get_xticklabels if axis == "x" else ax.get_yticklabels
    return [t.get_text() for t in getter()]


@pytest.fixture(scope="module")
def des():
    return mp.SurveyDesign(mp.datasets.load_worker_survey(), weights="weight")


# --- text from the data is plain text ---------------------------------------------------


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(labels, min_size=2, max_size=4, unique_by=str))
def test_histogram_and_forest_draw_any_label_as_written(names):
    edges = list(range(len(names)))
    table = binned(pd.Series([e + 0.5 for e in edges]), edges, labels=names)
    ax = plotting.earnings_histogram(table, ax=Figure().subplots())
    _save(ax)
    _assert_plain(ax)
    assert _ticks(ax, "x") == [fit(n, plotting.TICK_WIDTH) for n in names]
    sizes = pd.DataFrame({"estimate": 10.0, "ci_low": 5.0, "ci_high": np.inf},
                         index=pd.Index(names))
    ax = plotting.size_forest(sizes, ax=Figure().subplots(), reference=8,
                              reference_label=names[0])
    _save(ax)
    _assert_plain(ax)
    legend = ax.get_legend().get_texts()[0].get_text()  # even "_x", which matplotlib hides
    assert legend.removeprefix("\u200b") == fit(names[0])


@pytest.mark.parametrize("label", ["$x^$", "a_b^c {x} 50% \\", "x" * 500, "nul\x00 中文"])
def test_levels_reach_every_figure_that_shows_them(label, des):
    survey = mp.datasets.load_worker_survey().copy()
    survey["sex"] = survey["sex"].cat.rename_categories({"female": label})
    design = mp.SurveyDesign(survey, weights="weight")
    prof = mp.profile(design, ["sex"], reference={"sex": {label: 0.5, "male": 0.5}})
    summary = design.rake({"sex": {label: 500.0, "male": 500.0}}).weight_summary()
    for ax in (plotting.profile_dots(prof, ax=Figure().subplots()),
               plotting.weighting_diagnostics(summary, ax=Figure().subplots())):
        _save(ax)
        _assert_plain(ax)
        drawn = {fit(text, plotting.TICK_WIDTH) for text in (label, f"sex: {label}")}
        assert drawn & set(_ticks(ax, "y"))
    bands = pd.DataFrame({"sex": ["male", "female"], "age_band": [label, label],
                          "share": [1.0, 1.0]})
    ax = plotting.pyramid(bands, {"men": pd.Series({label: 3.0}),
                                  "women": pd.Series({label: 4.0})}, ax=Figure().subplots())
    _save(ax)
    assert _ticks(ax, "y") == [fit(label, plotting.TICK_WIDTH)]


def test_text_is_plain_even_when_the_user_turned_tex_on():
    """With text.usetex, '%' and '_' would go to LaTeX (not even installed here)."""
    table = binned(pd.Series([0.5, 1.5]), [0, 1], labels=["50%_of $x$", "{y}^2 #1"])
    with matplotlib.rc_context({"text.usetex": True}):
        fig = Figure()
        ax = plotting.earnings_histogram(table, ax=fig.subplots())
        _save(ax)
    _assert_plain(ax)


def test_a_very_long_label_is_wrapped_and_cut_not_drawn_metres_wide():
    table = binned(pd.Series([0.5, 1.5]), [0, 1], labels=["word " * 2000, "short"])
    fig = Figure(figsize=(7, 4), layout="constrained")
    ax = plotting.earnings_histogram(table, ax=fig.subplots())
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100, bbox_inches="tight")
    width = int.from_bytes(buffer.getvalue()[16:20], "big")  # the PNG header
    assert width < 2000
    first = _ticks(ax, "x")[0]
    assert first.endswith("…") and len(first.split("\n")) == plotting.LABEL_LINES
    assert _ticks(ax, "x")[1] == "short"


def test_control_characters_are_shown_not_written_into_the_svg():
    table = binned(pd.Series([0.5]), [0], labels=["a\x00b\x1bc"])
    ax = plotting.earnings_histogram(table, ax=Figure().subplots())
    buffer = io.StringIO()
    ax.figure.savefig(buffer, format="svg")
    assert "\x00" not in buffer.getvalue() and "\x1b" not in buffer.getvalue()
    assert _ticks(ax, "x") == ["a\ufffdb\ufffdc"]


# --- numbers: finite, or refused by column and row ----------------------------------------


def _sizes(**change):
    table = pd.DataFrame({"estimate": [100.0, 50.0], "ci_low": [80.0, 40.0],
                          "ci_high": [120.0, 60.0]}, index=["survey", "platforms"])
    for column, value in change.items():
        table.loc["platforms", column] = value
    return table


@pytest.mark.parametrize("column", ["estimate", "ci_low", "ci_high"])
@pytest.mark.parametrize("value", [np.nan, -np.inf, "many"])
def test_forest_refuses_what_it_cannot_draw_by_column_and_row(column, value):
    table = _sizes().astype(object)
    table.loc["platforms", column] = value
    with pytest.raises(FigureInputError, match=rf"{column} is not a finite number in row "
                                               r"'platforms'"):
        plotting.size_forest(table, ax=Figure().subplots())


def test_forest_draws_an_interval_open_upwards_but_not_an_infinite_estimate():
    ax = plotting.size_forest(_sizes(ci_high=np.inf), ax=Figure().subplots())
    assert np.isfinite(ax.get_xlim()).all()
    with pytest.raises(FigureInputError, match="estimate is not a finite number"):
        plotting.size_forest(_sizes(estimate=np.inf), ax=Figure().subplots())
    for reference in (np.nan, np.inf, "52000", True):
        with pytest.raises(MicropopError, match="reference="):
            plotting.size_forest(_sizes(), ax=Figure().subplots(), reference=reference)


@settings(max_examples=20, deadline=None)
@given(st.lists(st.floats(allow_nan=True, allow_infinity=True, width=32), min_size=3,
                max_size=3))
def test_histogram_draws_finite_shares_or_refuses_them(shares):
    table = pd.DataFrame({"label": ["a", "b", "c"], "weighted_share": shares})
    if np.isfinite(shares).all():
        ax = plotting.earnings_histogram(table, ax=Figure().subplots())
        assert [p.get_height() for p in ax.patches] == pytest.approx(
            [100 * s for s in shares], nan_ok=False)
    else:
        bad = next(lab for lab, s in zip("abc", shares, strict=True) if not np.isfinite(s))
        with pytest.raises(FigureInputError, match=f"weighted_share is not a finite number "
                                                   f"in rows? '{bad}'"):
            plotting.earnings_histogram(table, ax=Figure().subplots())


def test_ecdf_refuses_an_undefined_share_at_zero_by_its_row(des):
    """Earnings with no zero: the share at 0 is 0 and its logit interval NaN (as in R)."""
    survey = mp.datasets.load_worker_survey().copy()
    survey["earnings_month"] += 1.0
    shifted = mp.SurveyDesign(survey, weights="weight")
    quantiles = shifted.quantile("earnings_month", [0.1, 0.5, 0.9])
    zeros = mp.earnings.earnings_shares(shifted)
    with pytest.raises(FigureInputError, match=r"zeros: ci_low is not a finite number in row "
                                               r"'earnings_month = 0' \(value: nan\)"):
        plotting.earnings_ecdf(quantiles, zeros=zeros, ax=Figure().subplots())
    ax = plotting.earnings_ecdf(quantiles, ax=Figure().subplots())  # without the bar at 0
    assert not ax.patches


def test_ecdf_refuses_negative_amounts_instead_of_drawing_them_at_zero(des):
    table = des.quantile("earnings_month", [0.1, 0.5, 0.9]).to_frame()
    table.iloc[0, table.columns.get_loc("estimate")] = -3.0
    table.iloc[0, table.columns.get_loc("ci_low")] = -5.0
    with pytest.raises(FigureInputError, match="negative amounts"):
        plotting.earnings_ecdf(table, ax=Figure().subplots())


def test_curves_refuse_nan_and_domains(des):
    lorenz = mp.lorenz(des, "earnings_month").to_frame()
    lorenz.iloc[2, lorenz.columns.get_loc("ci_high")] = np.nan
    with pytest.raises(FigureInputError, match=r"ci_high is not a finite number in row"):
        plotting.lorenz_curve(lorenz, ax=Figure().subplots())
    hourly = mp.earnings.hourly_quantile(des, [0.25, 0.5])
    for wage in (np.nan, np.inf, 0, -1, True, "10.03"):
        with pytest.raises(MicropopError, match="minimum_wage="):
            plotting.hourly_vs_minimum_wage(hourly, wage, ax=Figure().subplots())
    by_sex = des.quantile("earnings_month", [0.25, 0.5], by="sex")
    for draw in (plotting.earnings_ecdf, lambda e, ax: plotting.hourly_vs_minimum_wage(e, 10, ax)):
        with pytest.raises(FigureInputError, match="draws one curve, the estimate has domains"):
            draw(by_sex, ax=Figure().subplots())


def test_profile_dots_refuse_an_undefined_interval_by_level(des):
    survey = mp.datasets.load_worker_survey()
    survey = survey[survey["age_band"] != "65-69"]
    design = mp.SurveyDesign(survey, weights="weight")
    prof = mp.profile(design, ["age_band"],
                      reference={"age_band": insee_population("age_band", ages=(18, 74))})
    with pytest.raises(FigureInputError, match=r"the profile: ci_low is not a finite number in "
                                               r"row 'age_band / 65-69'"):
        plotting.profile_dots(prof, ax=Figure().subplots())


def test_pyramid_tables_are_checked_not_filled_with_nan():
    bands = pd.DataFrame({"sex": ["male", "female", "male", "female"],
                          "age_band": ["18-24", "18-24", "25-34", "25-34"],
                          "share": [0.4, 0.5, 0.6, 0.5]})
    reference = {"male": pd.Series({"18-24": 3.0, "25-34": 5.0}),
                 "female": pd.Series({"18-24": 4.0, "25-34": 4.0})}
    ax = plotting.pyramid(bands, reference, ax=Figure().subplots())
    assert not ax.collections  # no interval lines (they were NaN, silently not drawn)
    with pytest.raises(FigureInputError, match="ci_low without its other end"):
        plotting.pyramid(bands.assign(ci_low=0.1), reference, ax=Figure().subplots())
    with pytest.raises(FigureInputError, match=r"row 'male / 18-24' twice"):
        plotting.pyramid(pd.concat([bands, bands.iloc[:1]]), reference, ax=Figure().subplots())
    with pytest.raises(FigureInputError, match=r"share is not a finite number in row "
                                               r"'female / 25-34'"):
        plotting.pyramid(bands.assign(share=[0.4, 0.5, 0.6, np.nan]), reference,
                         ax=Figure().subplots())
    for counts, message in ((pd.Series({"18-24": "many", "25-34": 5.0}), "not a finite number"),
                            (pd.Series({"18-24": 0.0, "25-34": 0.0}), "add up to 0"),
                            (pd.Series({"18-24": -3.0, "25-34": 5.0}), "negative")):
        with pytest.raises(FigureInputError, match=message):
            plotting.pyramid(bands, {**reference, "male": counts}, ax=Figure().subplots())


def test_circles_truth_must_be_finite(des):
    result = mp.size.platform_circles(mp.datasets.load_platforms(), des)
    for value in (np.nan, np.inf, "1000"):
        with pytest.raises(MicropopError, match=r"truth\['regular'\]="):
            plotting.circles(result, truth={"regular": value}, ax=Figure().subplots())


def test_weighting_ratios_in_the_title_must_be_numbers():
    pdes = mp.SurveyDesign(mp.datasets.load_worker_survey(), weights="weight")
    summary = pdes.rake({"sex": {"female": 500.0, "male": 500.0}}).weight_summary()
    summary.statistics["ratio_max"] = np.nan
    with pytest.raises(MicropopError, match="the summary's ratio_max=nan is not a number"):
        plotting.weighting_diagnostics(summary, ax=Figure().subplots())
