"""An argument given a value outside its choices raises OptionError naming it and the choices."""

import pandas as pd
import pytest

import micropop as mp
from micropop import earnings, size
from micropop.errors import OptionError

WORKERS = mp.SurveyDesign(mp.datasets.load_worker_survey(), weights="weight")
HISTORIES = pd.DataFrame({"a": [1, 0, 1, 1, 0, 1], "b": [0, 1, 1, 1, 1, 0],
                          "c": [1, 1, 0, 1, 0, 1]})

CASES = {
    "list_datasets kind": (lambda: mp.datasets.list_datasets("tables"), "kind='tables'"),
    "hourly_earnings zero_hours": (
        lambda: earnings.hourly_earnings(WORKERS, zero_hours="drop"), "zero_hours='drop'"),
    "model_search criterion": (lambda: size.model_search(HISTORIES, criterion="DIC"),
                               "criterion='DIC'"),
    "model_search max_order": (lambda: size.model_search(HISTORIES, max_order=3),
                               "max_order=3"),
    "chapman ci": (lambda: size.chapman(10, 10, 5, ci="wald"), "ci='wald'"),
    "chapman level": (lambda: size.chapman(10, 10, 5, level=95), "level=95"),
    "proportion ci": (lambda: WORKERS.proportion("sex", level="female", ci="exact"),
                      "ci='exact'"),
    "mean conf_level": (lambda: WORKERS.proportion("sex", level="female", conf_level=95),
                        "conf_level=95"),
    "mean deff": (lambda: WORKERS.mean("age", deff="srs"), "deff='srs'"),
    "quantile probabilities": (lambda: WORKERS.quantile("age", [0.5, 50]),
                               "quantiles=50 is out of range"),
    "quantile interval_type": (lambda: WORKERS.quantile("age", 0.5, interval_type="wald"),
                               "interval_type='wald'"),
    "Estimate.ci dist": (lambda: WORKERS.mean("age").ci(dist="z"), "dist='z'"),
    "Estimate.ci level": (lambda: WORKERS.mean("age").ci(level=1.5), "level=1.5"),
    "Estimate.ci level of a fixed interval": (
        lambda: WORKERS.quantile("age", 0.5).ci(level=0.9),
        "this quantile interval was computed at level 0.95, not 0.9"),
    "contrast names": (lambda: WORKERS.mean("age", by="sex").contrast([1, -1], names=["a", "b"]),
                       "2 names for 1 contrasts"),
    "contrast shape": (lambda: WORKERS.mean("age", by="sex").contrast([1, -1, 0]),
                       "contrast coefficients have shape (3,)"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_choice_raises_option_error(case):
    call, named = CASES[case]
    with pytest.raises(OptionError) as err:
        call()
    assert str(err.value).startswith(named)
    assert isinstance(err.value, ValueError)  # as numpy and pandas raise for bad arguments


def test_unknown_contrast_label_is_a_key_error_naming_the_labels():
    est = WORKERS.mean("age", by="sex")
    with pytest.raises(mp.errors.UnknownLabelError, match="'n' is not one estimate's label") as err:
        est.contrast({"n": 1})
    assert isinstance(err.value, KeyError)
    assert "female" in str(err.value)
