"""Every bad capture–recapture input raises a MicropopError naming what and where."""

from __future__ import annotations

import math

import pandas as pd
import pytest

import micropop.size as size
from micropop.errors import (
    CaptureRecaptureError,
    EmptyCapturePatternError,
    InconsistentCountsError,
    InvalidCountError,
    MicropopError,
    NonBinaryHistoryError,
    NoRecaptureError,
    TooFewListsError,
    UnknownListError,
)

THREE = pd.DataFrame({"a": [1, 0, 1], "b": [0, 1, 1], "c": [1, 1, 0]})


def test_zero_recaptures_points_to_chapman() -> None:
    with pytest.raises(NoRecaptureError, match=r"m = 0.*mp\.size\.chapman") as err:
        size.lincoln_petersen(40, 30, 0)
    assert isinstance(err.value, MicropopError) and isinstance(err.value, ValueError)


@pytest.mark.parametrize(("n1", "n2", "m", "where"), [(10, 30, 12, "n1 = 10"),
                                                      (30, 10, 12, "n2 = 10")])
def test_overlap_larger_than_a_list(n1, n2, m, where) -> None:
    for estimator in (size.lincoln_petersen, size.chapman):
        with pytest.raises(InconsistentCountsError, match=f"m = 12.*{where}"):
            estimator(n1, n2, m)


@pytest.mark.parametrize("bad", [(-1, 5, 1), (5.5, 5, 1), (5, 5, math.nan)])
def test_negative_or_fractional_two_list_counts(bad) -> None:
    with pytest.raises(InvalidCountError, match="non-negative whole numbers"):
        size.chapman(*bad)


def test_all_zero_history_names_rows() -> None:
    hist = pd.DataFrame({"a": [1, 0, 0, 1], "b": [0, 1, 0, 0]}, index=[10, 11, 12, 13])
    with pytest.raises(EmptyCapturePatternError, match=r"(?i)data row 3 \(id 12\).*drop them"):
        size.capture_table(hist)


@pytest.mark.parametrize("freq", [[1, -2, 3], [1, 2.5, 3], [1, None, 3]])
def test_bad_frequencies_name_rows(freq) -> None:
    with pytest.raises(InvalidCountError, match=r"freq.*data row 2 "):
        size.loglinear(THREE, freq=freq)


def test_negative_frequency_of_capture() -> None:
    with pytest.raises(InvalidCountError, match=r"row f2 \(value: -3"):
        size.chao_lower_bound([10, -3, 1])
    with pytest.raises(InvalidCountError, match="non-negative whole numbers"):
        size.closedp(counts=[10, 2.5], occasions=3)


def test_non_binary_histories_name_column_and_rows() -> None:
    hist = THREE.assign(b=[0, 2, "x"])
    with pytest.raises(NonBinaryHistoryError, match=r"'b'.*data rows 2, 3 \(values: 2, x\)"):
        size.closedp(hist)


def test_id_column_left_in_histories() -> None:
    hist = THREE.assign(person_id=[101, 102, 103])
    with pytest.raises(NonBinaryHistoryError, match=r"'person_id'.*select the list columns"):
        size.model_search(hist)


def test_fewer_than_two_lists() -> None:
    with pytest.raises(TooFewListsError, match=r"at least 2 lists, got 1 \(wave1\)"):
        size.loglinear({"wave1": [1, 2, 3]})


def test_unknown_list_in_term() -> None:
    with pytest.raises(UnknownListError, match=r"'a:z'.*'z'.*lists are a, b, c") as err:
        size.loglinear(THREE, terms=["a:z"])
    assert isinstance(err.value, KeyError)
    assert not str(err.value).startswith('"')


def test_interaction_of_all_lists_is_refused() -> None:
    with pytest.raises(CaptureRecaptureError, match="all 3 lists"):
        size.loglinear(THREE, terms=["a:b:c"])


def test_freq_problems() -> None:
    with pytest.raises(CaptureRecaptureError, match="no column 'n'"):
        size.capture_table(THREE, freq="n")
    with pytest.raises(CaptureRecaptureError, match="2 values for 3"):
        size.capture_table(THREE, freq=[1, 2])
    with pytest.raises(CaptureRecaptureError, match="dict of id lists"):
        size.capture_table({"a": [1], "b": [1]}, freq=[1])


def test_counts_need_occasions() -> None:
    with pytest.raises(CaptureRecaptureError, match="occasions=math.inf"):
        size.closedp(counts=[10, 3, 1])
    with pytest.raises(InvalidCountError, match="more than occasions=2"):
        size.closedp(counts=[10, 3, 1], occasions=2)


def test_unknown_closedp_model() -> None:
    with pytest.raises(CaptureRecaptureError, match="(?i)choose one of M0, Mt"):
        size.closedp_ci(THREE, model="Mb")


def test_chao_and_zelterman_without_doubletons() -> None:
    with pytest.raises(NoRecaptureError, match="bias_corrected=True"):
        size.chao_lower_bound([12, 0, 1])
    with pytest.raises(NoRecaptureError, match="f2 = 0"):
        size.zelterman([12, 0, 1])


def test_schnabel_without_recapture() -> None:
    hist = pd.DataFrame({"t1": [1, 0], "t2": [0, 1]})
    with pytest.raises(NoRecaptureError, match="no one was caught twice"):
        size.schnabel(hist)


def test_two_list_counts_needs_two_lists() -> None:
    with pytest.raises(InconsistentCountsError, match="exactly 2 lists, got 3"):
        size.two_list_counts(THREE)


def test_bad_options() -> None:
    with pytest.raises(ValueError, match="ci=.wald. is not one of the choices"):
        size.chapman(10, 10, 5, ci="wald")
    with pytest.raises(ValueError, match="level"):
        size.chapman(10, 10, 5, level=95)
    with pytest.raises(ValueError, match="level"):
        size.chapman(10, 10, 5, ci="profile", level=1.0)
    with pytest.raises(ValueError, match="level"):
        size.loglinear(THREE, level=0)
    with pytest.raises(ValueError, match="criterion"):
        size.model_search(THREE, criterion="DIC")
    with pytest.raises(ValueError, match="max_order"):
        size.model_search(THREE, max_order=3)
    with pytest.raises(ValueError, match="heterogeneity"):
        size.loglinear(THREE, heterogeneity="Beta")
