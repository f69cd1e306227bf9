"""Numbers written for people (thousands separators, decimal comma), as margins files hold them."""

from __future__ import annotations

import numpy as np
import pytest

from micropop.errors import OptionError
from micropop.io.numbers import parse_numbers


@pytest.mark.parametrize("cell, value", [
    ("150 000", 150000.0), ("150\u202f000", 150000.0), ("150\u00a0000", 150000.0),
    ("1 500 000", 1500000.0), ("150 000,5", 150000.5), ("150 000.5", 150000.5),
    ("12,5", 12.5), ("12.5", 12.5), ("0,500", 0.5), ("1234,567", 1234.567),
    ("1.500.000,5", 1500000.5), ("1,500,000.5", 1500000.5), ("-3", -3.0), (" 42 ", 42.0),
    (17, 17.0), (2.5, 2.5),
])
def test_numbers_of_certain_meaning_are_read(cell, value):
    values, ambiguous = parse_numbers([cell])
    assert values.tolist() == [value] and not ambiguous.any()


@pytest.mark.parametrize("cell", ["150.000", "1,500", "-150.000"])
def test_one_mark_before_three_digits_is_ambiguous_alone(cell):
    values, ambiguous = parse_numbers([cell])
    assert np.isnan(values).all() and ambiguous.all()


def test_the_decimal_mark_of_other_cells_settles_the_ambiguity():
    values, ambiguous = parse_numbers(["150.000", "12,5"])
    assert values.tolist() == [150000.0, 12.5] and not ambiguous.any()
    values, ambiguous = parse_numbers(["150.000", "12.5"])
    assert values.tolist() == [150.0, 12.5] and not ambiguous.any()
    values, ambiguous = parse_numbers(["150.000", "12.5", "3,25"])  # both marks: no telling
    assert ambiguous.tolist() == [True, False, False]


def test_a_given_decimal_mark_decides():
    assert parse_numbers(["1,500", "1.500"], decimal=",")[0].tolist() == [1.5, 1500.0]
    assert parse_numbers(["1,500", "1.500"], decimal=".")[0].tolist() == [1500.0, 1.5]
    values, _ = parse_numbers(["1,500,000.5"], decimal=",")  # the comma cannot be both
    assert np.isnan(values).all()


@pytest.mark.parametrize("cell", ["abc", "15 00", "1 5000", "150 000 €", "", None, "12,5,3"])
def test_other_cells_are_not_numbers(cell):
    values, ambiguous = parse_numbers([cell])
    assert np.isnan(values).all() and not ambiguous.any()


def test_an_unknown_decimal_mark_is_refused():
    with pytest.raises(OptionError, match="decimal"):
        parse_numbers(["1"], decimal=";")
