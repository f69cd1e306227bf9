"""SizeEstimate: immutable, tidy, printable."""

from __future__ import annotations

import dataclasses
import math

import pandas as pd
import pytest

import micropop as mp
from micropop.size import SizeEstimate


def make(**changes) -> SizeEstimate:
    fields = dict(estimate=1000.0, se=50.0, ci_low=900.0, ci_high=1100.0, ci_level=0.95,
                  ci_method="normal", method="test <b>", assumptions=["Closed & stable."],
                  inputs={"n1": 10}, extra={"table": pd.DataFrame({"x": [1]})})
    return SizeEstimate(**{**fields, **changes})


def test_frozen_and_read_only() -> None:
    est = make()
    with pytest.raises(dataclasses.FrozenInstanceError):
        est.estimate = 5.0
    with pytest.raises(TypeError):
        est.inputs["n1"] = 11
    with pytest.raises(TypeError):
        est.extra["new"] = 1
    assert est.assumptions == ("Closed & stable.",)


def test_inputs_are_copied() -> None:
    source = {"n1": 10}
    est = make(inputs=source)
    source["n1"] = 99
    assert est.inputs["n1"] == 10


def test_to_frame_columns_are_stable() -> None:
    frame = make(assumptions=("A.", "B.")).to_frame()
    assert frame.columns.tolist() == ["estimate", "se", "ci_low", "ci_high", "ci_level",
                                      "method", "ci_method", "assumptions"]
    assert frame.loc[0, "assumptions"] == "A. | B."
    assert len(frame) == 1


def test_summary_and_repr() -> None:
    est = make(ci_high=math.inf)
    text = est.summary()
    assert "estimate 1,000.0 (SE 50.0)" in text and "[900.0, inf]" in text
    assert "- Closed & stable." in text and "n1=10" in text
    assert repr(est).startswith("<SizeEstimate test <b>: estimate 1,000.0")


def test_summary_without_se() -> None:
    assert "(SE" not in make(se=math.nan).summary()


def test_html_is_escaped() -> None:
    page = make()._repr_html_()
    assert "test &lt;b&gt;" in page and "Closed &amp; stable." in page
    assert "<b>" not in page


def test_level_is_checked() -> None:
    with pytest.raises(mp.errors.OptionError, match="level=95 is not a coverage"):
        make(ci_level=95)


def test_public_names() -> None:
    for name in mp.size.__all__:
        assert getattr(mp.size, name).__doc__
    assert isinstance(mp.size.chapman(10, 10, 5), SizeEstimate)
