"""GLMResult.predict: new data coded with the fit's levels, the delta method, and refusals."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from micropop.design import SurveyDesign
from micropop.errors import (
    FormulaError,
    InvalidLevelError,
    MicropopError,
    MissingColumnError,
    MissingValuesError,
    OptionError,
    OutOfRangeError,
)
from micropop.models import glm
from micropop.models.formula import model_frame, model_matrix
from micropop.models.predict import Prediction, predict

RNG = np.random.default_rng(14)
N = 120
DATA = pd.DataFrame({
    "regular": RNG.integers(0, 2, N).astype(float),
    "pay": RNG.gamma(3.0, 2.0, N),
    "sex": RNG.choice(["female", "male"], N),
    "age_group": pd.Categorical(RNG.choice(["18-24", "25-44", "45+"], N),
                                categories=["18-24", "25-44", "45+"]),
    "hours": RNG.uniform(1, 40, N),
    "psu": np.repeat(np.arange(30), 4),
    "w": RNG.uniform(1, 3, N),
})
DES = SurveyDesign(DATA, weights="w", psu="psu")
LOGIT = glm(DES, "regular ~ sex * hours + age_group", family="quasibinomial")
GAMMA = glm(DES, "pay ~ log(hours) + C(age_group, ref='45+')", family="Gamma", link="log")
NEW = pd.DataFrame({"sex": ["male", "female", "male"], "hours": [5.0, 20.0, 39.0],
                    "age_group": ["45+", "18-24", "25-44"]}, index=["a", "b", "c"])


@pytest.mark.parametrize("fit", [LOGIT, GAMMA])
def test_without_new_data_the_fitted_rows(fit) -> None:
    link, response = fit.predict(), fit.predict(type="response")
    np.testing.assert_allclose(link.estimate, fit.linear_predictor, rtol=1e-12)
    np.testing.assert_allclose(response.estimate, fit.fitted, rtol=1e-12)
    assert isinstance(link, Prediction) and link.type == "link"


@pytest.mark.parametrize("fit", [LOGIT, GAMMA])
def test_new_data_is_coded_as_the_fit(fit) -> None:
    """Predicting the fitted rows as new data (one by one, shuffled) gives the fitted values."""
    rows = DATA.sample(frac=1, random_state=3)
    pred = fit.predict(rows, type="response")
    np.testing.assert_allclose(pred.estimate, pd.Series(fit.fitted, DATA.index)[rows.index],
                               rtol=1e-12)
    one = fit.predict(rows.iloc[[7]], type="response")  # a single level of each factor
    np.testing.assert_allclose(one.estimate, pred.estimate[[7]], rtol=1e-12)


def test_link_and_delta_method() -> None:
    X = model_matrix(LOGIT.model, NEW)
    assert list(X.columns) == list(LOGIT.names) and list(X.index) == ["a", "b", "c"]
    link = LOGIT.predict(NEW, vcov=True)
    x = X.to_numpy()
    np.testing.assert_allclose(link.estimate, x @ LOGIT.params, rtol=1e-12)
    np.testing.assert_allclose(link.vcov, x @ LOGIT.vcov @ x.T, rtol=1e-12)
    response = LOGIT.predict(NEW, type="response")
    p = 1 / (1 + np.exp(-link.estimate))
    np.testing.assert_allclose(response.estimate, p, rtol=1e-12)
    np.testing.assert_allclose(response.se, p * (1 - p) * link.se, rtol=1e-12)
    frame = response.to_frame()
    assert list(frame.columns) == ["estimate", "se", "ci_low", "ci_high"]
    z = 1.959963984540054  # R's confint of a svystat: normal quantiles
    np.testing.assert_allclose(frame["ci_high"] - frame["estimate"], z * frame["se"], rtol=1e-12)


def test_no_se() -> None:
    pred = predict(GAMMA, NEW, type="response", se=False)
    assert np.isnan(pred.se).all() and pred.vcov is None


def test_a_matrix_fit_predicts_from_a_matrix() -> None:
    mf = model_frame(DATA, "regular ~ sex * hours + age_group")
    fit = glm(DES, mf.y, mf.X, family="quasibinomial")
    X = model_matrix(LOGIT.model, NEW)
    ours = fit.predict(X[list(reversed(X.columns))], type="response")  # any column order
    np.testing.assert_allclose(ours.estimate, LOGIT.predict(NEW, type="response").estimate,
                               rtol=1e-10)
    with pytest.raises(OptionError, match="newdata"):
        fit.predict()
    with pytest.raises(MissingColumnError, match="sexmale"):
        fit.predict(X.rename(columns={"sexmale": "sex_male"}))
    with pytest.raises(MissingValuesError, match="row"):
        fit.predict(X.assign(hours=[1.0, np.nan, 2.0]))


def test_unseen_level_is_refused_by_column_and_level() -> None:
    with pytest.raises(InvalidLevelError, match=r"'age_group'.*'65\+'"):
        LOGIT.predict(NEW.assign(age_group=["65+", "45+", "45+"]))


def test_missing_column_is_refused_with_the_closest_name() -> None:
    with pytest.raises(MissingColumnError, match="hours"):
        LOGIT.predict(NEW.rename(columns={"hours": "Hours"}))


def test_missing_values_are_refused_by_rows() -> None:
    with pytest.raises(MissingValuesError, match=r"'hours' at data row 2 \(id b\)"):
        LOGIT.predict(NEW.assign(hours=[1.0, np.nan, 3.0]))


def test_bad_options_and_types() -> None:
    with pytest.raises(OptionError, match="response"):
        LOGIT.predict(NEW, type="risk")  # type: ignore[call-overload]
    with pytest.raises(MicropopError):
        LOGIT.predict(NEW, level=1.5)
    with pytest.raises(FormulaError, match="factor"):
        LOGIT.predict(NEW.assign(sex=[1.0, 0.0, 1.0]))
    with pytest.raises(FormulaError, match="DataFrame"):
        LOGIT.predict(NEW.to_dict())  # type: ignore[arg-type]
    with pytest.raises(FormulaError, match="no rows"):
        LOGIT.predict(NEW.iloc[:0])


def test_an_overflowing_mean_is_refused() -> None:
    with pytest.raises(OutOfRangeError, match="type='link'"):
        fit = glm(DES, "pay ~ hours", family="Gamma", link="log")
        fit.predict(NEW.assign(hours=1e6 / fit.params[1] * 10), type="response")


def test_summary_shows_the_predictions() -> None:
    text = LOGIT.predict(NEW, type="response").summary()
    assert text.startswith("Predictions of a survey GLM (mean response, 3 rows)")


@settings(max_examples=60, deadline=None)
@given(sex=st.lists(st.sampled_from(["male", "female", "Male", "", "male ", "<b>x</b>"]),
                    min_size=1, max_size=5),
       hours=st.floats(allow_nan=True, allow_infinity=True))
def test_hostile_new_data_is_predicted_or_refused(sex: list[str], hours: float) -> None:
    new = pd.DataFrame({"sex": sex, "hours": hours, "age_group": "25-44"})
    try:
        pred = LOGIT.predict(new, type="response")
    except OutOfRangeError as error:  # so far out that x V x' overflows
        assert abs(hours) > 1e100 and "overflows" in str(error)
        return
    except MicropopError:
        assert not (set(sex) <= {"male", "female"} and np.isfinite(hours))
        return
    assert set(sex) <= {"male", "female"} and np.isfinite(hours)
    assert np.isfinite(pred.se).all()
    assert np.isfinite(pred.estimate).all() and ((pred.estimate >= 0) & (pred.estimate <= 1)).all()
