"""Every result type follows one protocol (micropop.result.Result).

Frozen; ``to_frame()`` a DataFrame indexed by the result's labels, with
``estimate``, ``se``, ``ci_low``, ``ci_high`` where they apply; ``summary()``
and ``repr()`` text that starts with the title; ``_repr_html_()`` in which a
hostile label is text, never markup. Built from the demo data, with one
level (and one column) renamed to a hostile label.
"""

from __future__ import annotations

import dataclasses
import warnings
from html.parser import HTMLParser

import pandas as pd
import pytest

import micropop as mp
from micropop.estimation.association import goodness_of_fit
from micropop.models import glm
from micropop.profile import profile
from micropop.result import Result

HOSTILE = '<script>alert(1)</script> & "'
INTERVAL = ["estimate", "se", "ci_low", "ci_high"]


@pytest.fixture(scope="module")
def des() -> mp.SurveyDesign:
    pop = mp.datasets.load_population_survey()
    pop = pop.assign(sex=pop["sex"].astype(str).replace("female", HOSTILE),
                     microwork_freq=pop["microwork_freq"].astype(str).replace("weekly", HOSTILE),
                     **{HOSTILE: pop["microwork_12m"]})
    return mp.SurveyDesign(pop, weights="weight", strata="region",
                           psu=["commune_id", "household_id"], fpc=["fpc1", "fpc2"])


SHARES = {HOSTILE: 0.51, "male": 0.49}


def _logit(d: mp.SurveyDesign):
    data = d.data
    X = pd.DataFrame({"(Intercept)": 1.0, "age": data["age"].astype(float),
                      HOSTILE: (data["sex"] == HOSTILE).astype(float)})
    return glm(d, data["microwork_12m"].astype(float), X, family="quasibinomial")


def _ordinal(d: mp.SurveyDesign):
    freq = pd.Categorical(d.data["microwork_freq"], ordered=True,
                          categories=["none", "less_often", "monthly", HOSTILE])
    return d.assign(freq=freq).olr("freq ~ age")


def _domains(result) -> list:
    return list(result.domains)


# name -> (build from the design, expected labels, columns that must be there)
CASES = {
    "Estimate mean by": (lambda d: d.mean("age", by="sex"), lambda r: list(r.index), INTERVAL),
    "Estimate quantile": (lambda d: d.quantile("age", [0.25, 0.5], by="sex"),
                          lambda r: list(r.index), INTERVAL),
    "Estimate contrast": (lambda d: d.mean("age", by="sex").contrast({"male": 1, HOSTILE: -1},
                                                                     names=[HOSTILE]),
                          lambda r: [HOSTILE], INTERVAL),
    "SizeEstimate": (lambda d: mp.size.survey_count(d, HOSTILE), lambda r: [0],
                     INTERVAL),
    "SizeEstimate by": (lambda d: mp.size.survey_count(d, "microwork_12m", by="sex"),
                        _domains, INTERVAL),
    "Circles": (lambda d: mp.size.survey_circles(
        d, "microwork_freq", levels_in_order=["less_often", "monthly", HOSTILE]),
        lambda r: list(r.estimates), INTERVAL),
    "ChisqTest": (lambda d: d.chisq("sex", HOSTILE), lambda r: [f"sex ~ {HOSTILE}"],
                  ["statistic", "p_value"]),
    "GoodnessOfFit": (lambda d: goodness_of_fit(d, "sex", SHARES),
                      lambda r: ["Pearson X2 (population counts)", "Rao-Scott first order",
                                 "Rao-Scott second order (Satterthwaite)", "Rao-Scott F"],
                      ["statistic", "p_value"]),
    "WeightSummary": (lambda d: d.poststratify("sex", {HOSTILE: 19_400_000,
                                                       "male": 18_943_299}).weight_summary(),
                      lambda r: [(1, "sex", HOSTILE), (1, "sex", "male")],
                      ["target", "achieved"]),
    "TTest": (lambda d: d.ttest("age", "sex"), lambda r: [f"age: male - {HOSTILE}"],
              INTERVAL + ["t", "df", "p"]),
    "Estimate corr by": (lambda d: d.corr(["age", HOSTILE], by="sex"), lambda r: list(r.index),
                         INTERVAL),
    "GLMResult": (_logit, lambda r: ["(Intercept)", "age", HOSTILE], INTERVAL + ["t", "p"]),
    "TermTest": (lambda d: _logit(d).wald_test([HOSTILE, "age"]), lambda r: [f"{HOSTILE} + age"],
                 ["statistic", "df", "ddf", "chisq", "p"]),
    "OLRResult": (_ordinal, lambda r: ["age", "none|less_often", "less_often|monthly",
                                       f"monthly|{HOSTILE}"], INTERVAL + ["t", "p"]),
    "AnovaTable": (lambda d: _logit(d).anova(), lambda r: ["age", HOSTILE],
                   ["statistic", "deff", "df", "ddf", "chisq", "p"]),
    "TermPredictions": (lambda d: d.glm(f"age ~ sex + `{HOSTILE}`").predict(
        d.data.head(2), type="terms"),
        lambda r: [(k, t) for k in (0, 1) for t in ("sex", f"`{HOSTILE}`")], INTERVAL),
    "Prediction": (lambda d: _logit(d).predict(pd.DataFrame(
        {"(Intercept)": 1.0, "age": [30.0, 50.0], HOSTILE: [1.0, 0.0]}, index=[HOSTILE, "male"]),
        type="response"), lambda r: [HOSTILE, "male"], INTERVAL),
    # a Profile's rows are numbered (variable, level, domain are columns) and its
    # estimate column is named ``share``: both kept for its existing users
    "Profile": (lambda d: profile(d, "sex", reference={"sex": SHARES}),
                lambda r: list(range(2)), ["share", "se", "ci_low", "ci_high"]),
}


@pytest.fixture(scope="module")
def results(des) -> dict:
    with warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)  # nothing here is deprecated
        return {name: build(des) for name, (build, _, _) in CASES.items()}


@pytest.mark.parametrize("name", CASES)
def test_is_a_frozen_result(results, name) -> None:
    result = results[name]
    assert isinstance(result, Result) and dataclasses.is_dataclass(result)
    field = dataclasses.fields(result)[0].name
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(result, field, None)
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.anything_new = 1


@pytest.mark.parametrize("name", CASES)
def test_to_frame_is_indexed_by_labels(results, name) -> None:
    result, (_, labels, columns) = results[name], CASES[name]
    frame = result.to_frame()
    assert isinstance(frame, pd.DataFrame)
    assert list(frame.index) == labels(result)
    assert set(columns) <= set(frame.columns)


@pytest.mark.parametrize("name", CASES)
def test_text_starts_with_the_title(results, name) -> None:
    result = results[name]
    title = result.title
    assert isinstance(title, str) and title and "\n" not in title
    text = result.summary()
    assert isinstance(text, str) and text.startswith(title + "\n")
    if isinstance(result, mp.size.SizeEstimate):  # one line, kept: <SizeEstimate method: ...>
        assert repr(result).startswith(f"<SizeEstimate {result.method}: estimate ")
    else:
        assert repr(result) == text


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:
        self.tags.append(tag)

    def handle_data(self, data) -> None:
        self.text.append(data)


@pytest.mark.parametrize("name", CASES)
def test_html_shows_a_hostile_label_as_text(results, name) -> None:
    result = results[name]
    assert HOSTILE in result.summary()  # the label is shown...
    page = result._repr_html_()
    assert "<script" not in page and "&lt;script&gt;alert(1)&lt;/script&gt; &amp;" in page
    reader = _Reader()
    reader.feed(page)
    reader.close()
    assert "script" not in reader.tags  # ...as text, never markup
    assert HOSTILE in "".join(reader.text)
    assert result.title in "".join(reader.text)
    assert "table" in reader.tags or "pre" in reader.tags


def _subclasses(cls: type) -> set[type]:
    return {sub for direct in cls.__subclasses__() for sub in {direct, *_subclasses(direct)}}


def test_every_result_type_is_checked(results) -> None:
    """A new result type joins CASES: the protocol covers all of them."""
    package = {cls for cls in _subclasses(Result) if cls.__module__.startswith("micropop.")}
    assert package <= {type(result) for result in results.values()}
    assert len(package) >= 7
