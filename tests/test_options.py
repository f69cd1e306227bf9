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
}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_choice_raises_option_error(case):
    call, named = CASES[case]
    with pytest.raises(OptionError) as err:
        call()
    assert str(err.value).startswith(named)
    assert isinstance(err.value, ValueError)  # as numpy and pandas raise for bad arguments
