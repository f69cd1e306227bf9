"""One coverage keyword, ``level``; the old ``conf_level=`` still works, with a warning."""

from __future__ import annotations

import inspect

import pytest

import micropop as mp
from micropop import earnings
from micropop.errors import OptionError
from micropop.profile import profile

RENAMED = {
    "earnings_shares": lambda des, **kw: earnings.earnings_shares(des, **kw),
    "below_minimum_wage": lambda des, **kw: earnings.below_minimum_wage(des, **kw),
    "hourly_quantile": lambda des, **kw: earnings.hourly_quantile(des, **kw),
    "below_poverty_line": lambda des, **kw: earnings.below_poverty_line(des, **kw),
    "profile": lambda des, **kw: profile(des, "sex", **kw),
}


@pytest.fixture(scope="module")
def des() -> mp.SurveyDesign:
    return mp.SurveyDesign(mp.datasets.load_worker_survey(), weights="weight")


@pytest.mark.parametrize("name", RENAMED)
def test_conf_level_is_the_deprecated_name_of_level(des, name) -> None:
    call = RENAMED[name]
    new = call(des, level=0.9).to_frame()
    with pytest.warns(DeprecationWarning, match=r"conf_level=\.\.\.\) is deprecated: use level="):
        old = call(des, conf_level=0.9).to_frame()
    assert old.equals(new)
    assert not new.equals(call(des).to_frame())  # 0.95 by default
    with pytest.raises(OptionError, match="both conf_level= and level="):
        call(des, level=0.9, conf_level=0.9)


@pytest.mark.parametrize("func", [earnings.earnings_shares, earnings.below_minimum_wage,
                                  earnings.hourly_quantile, earnings.below_poverty_line,
                                  profile])
def test_signatures_show_level_only(func) -> None:
    parameters = inspect.signature(func).parameters
    assert parameters["level"].default == 0.95 and "conf_level" not in parameters
