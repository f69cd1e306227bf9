"""The text reader's shortcuts change nothing: read_survey reads a file to the same
frame, notes and errors whether it takes them (cells of digits, signs and points
parsed without a pattern, texts absent from a column's bytes not looked for, a column
of few distinct texts classified once per text, columns of a large table classified
on several threads) or not; and the checks still cover every line and cell, not only
the lines sniffed for the separator."""

from __future__ import annotations

import re
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import micropop as mp
from micropop.errors import MicropopError, NonNumericError, UnreadableFileError
from micropop.io import _column as reader
from micropop.io import _frame as framing
from micropop.io import _text as text_reader

_CELLS = {
    "decimal point": ["12.5", "0.25", "3", "-4.75", ".5", "5.", "+1.5", "1.234", "2.0", "0"],
    "decimal comma": ["12,5", "0,25", "3", "-4,75", "1,234", "2,0", "1.234,5", "0"],
    "whole": ["0", "7", "-12", "007", "+3", "-0", "0012", "123456789", "42"],
    "huge": ["9007199254740993", "12345678901234567890", "1" + "0" * 30, "-0.0"],
    "not finite": ["inf", "-Infinity", "1e400", "1e-400", "nan", "1e5", "2.5E-3"],
    "missing": ["", " ", "NA", "n/a", "NULL", "None", "#N/A", "-nan"],
    "boolean": ["True", "false", "TRUE", "False"],
    "text": ["paris", "employé", "ne sait pas", " x ", "12 %", "1 234", "€5", "١٢", "a\u00a0b",
             "0x10", "1_0"],
}


@st.composite
def _files(draw):
    """A table whose columns draw their cells from a few kinds, as text lines."""
    n = draw(st.sampled_from([1, 40, 2100, 2100, 2100]), label="rows")
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1), label="seed"))
    columns = []
    for _ in range(draw(st.integers(1, 3), label="columns")):
        kinds = draw(st.lists(st.sampled_from(sorted(_CELLS)), min_size=1, max_size=3,
                              unique=True))
        cells = [c for k in kinds for c in _CELLS[k]]
        pool = draw(st.lists(st.sampled_from(cells), min_size=1, max_size=6))
        weights = rng.random(len(pool)) ** 4 + 1e-3  # some cells rare
        columns.append(rng.choice(pool, size=n, p=weights / weights.sum()).tolist())
    sep = draw(st.sampled_from([",", ";", "\t"]))
    lines = [sep.join(f"c{j}" for j in range(len(columns)))]
    lines += [sep.join(f'"{c}"' if sep in c else c for c in row)
              for row in zip(*columns, strict=True)]
    return "\n".join(lines) + "\n"


def _outcome(path, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", mp.errors.MicropopWarning)
        try:
            return mp.read_survey(path, **kwargs)
        except MicropopError as err:
            return type(err), str(err), err.hint


def _assert_same(fast, slow):
    if isinstance(slow, tuple):
        assert fast == slow
        return
    assert isinstance(fast, pd.DataFrame), fast
    assert [repr(t) for t in fast.dtypes] == [repr(t) for t in slow.dtypes]
    pd.testing.assert_frame_equal(fast, slow, check_exact=True)
    assert fast.attrs == slow.attrs


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(text=_files(), decimal=st.sampled_from([None, ".", ","]), threads=st.booleans())
def test_shortcuts_read_as_the_plain_reading(tmp_path, monkeypatch, text, decimal, threads):
    path = tmp_path / "survey.csv"
    path.write_text(text, encoding="utf-8")
    with monkeypatch.context() as plain:  # no alphabet, so no shortcut; one thread
        plain.setattr(reader, "_alphabet", lambda array: None)
        plain.setattr(framing, "_THREADED_CELLS", float("inf"))
        slow = _outcome(path, decimal=decimal)
    monkeypatch.setattr(framing, "_THREADED_CELLS", 0 if threads else float("inf"))
    _assert_same(_outcome(path, decimal=decimal), slow)


@settings(max_examples=300, deadline=None)
@given(cells=st.lists(st.text("0123456789+-.", min_size=1, max_size=8), min_size=1, max_size=4))
def test_arrow_reads_digits_signs_and_points_exactly_when_they_are_numbers(cells):
    """The premise of the shortcut: such cells are all numbers by the pattern exactly when
    Arrow casts them all."""
    numbers = reader._cast_numbers(pd.Series(cells, dtype="string[pyarrow]"))
    assert (numbers is not None) == all(
        re.fullmatch(reader.NUMBER_TEXT, c, flags=re.IGNORECASE) for c in cells)


def test_a_short_line_after_the_sniffed_lines_is_refused(tmp_path):
    lines = ["id,x,y"] + [f"{i},{i}.5,a" for i in range(1, 1500)]
    lines[1300] = "1300,4.5"
    path = tmp_path / "late.csv"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(UnreadableFileError, match="file line 1301 has fewer"):
        mp.read_survey(path)


def test_a_number_with_a_comma_deep_in_a_large_column_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(framing, "_THREADED_CELLS", 0)
    rows = [f"{i}.25;{i};x" for i in range(3000)]
    rows[2500] = "2,5;2500;x"
    rows[2700] = "2700.25;refus;x"
    path = tmp_path / "deep.csv"
    path.write_text("a;b;c\n" + "\n".join(rows) + "\n")
    with pytest.raises(NonNumericError) as info:  # column a before column b, as written
        mp.read_survey(path)
    assert "column 'a'" in str(info.value)
    assert "data row 2501 (file line 2502; value: '2,5')" in str(info.value)


def test_text_with_few_distinct_cells_is_read_as_written(tmp_path):
    words = np.array(["paris", " lyon ", "NA", "", "employé", "0012"])
    column = words[np.arange(4000) % len(words)]
    path = tmp_path / "words.csv"
    path.write_text("w,n\n" + "\n".join(f"{w},{i}" for i, w in enumerate(column)) + "\n")
    df = mp.read_survey(path)
    kept = ~np.isin(column, ["NA", ""])
    assert df["w"][kept].tolist() == column[kept].tolist()
    assert df["w"][~kept].isna().all() and df["n"].tolist() == list(range(4000))
    assert "Cells written 'NA' were read as missing values: 667 in column 'w'." in (
        df.attrs["read_notes"])


@pytest.mark.parametrize("code", ["--9", "²", "-", "٣", "007", "-0"])
def test_level_codes_that_only_look_whole_stay_text(code):
    """Level keys are turned back into numbers only when they are written as one ('12');
    others (found by the hostile-file comparison: '--9' raised a bare ValueError) stay text."""
    variable = mp.Codebook.from_dict(
        {"variables": {"c": {"type": "categorical", "levels": {code: "a", "12": "b"}}}}
    ).variables["c"]
    assert variable.levels == {code: "a", 12: "b"}


@settings(max_examples=400, deadline=None)
@given(text=st.text('a"; ,§\n\r1é', max_size=30), sep=st.sampled_from([",", ";", "§"]))
def test_quotes_are_checked_on_the_bytes_as_by_the_pattern(text, sep):
    """The byte check of quoting accepts a text exactly when removing every quoted field
    (at the start of a line or field, closed before the separator, a line break or the
    end; inner quotes doubled) leaves no quote."""
    s = re.escape(sep)
    quoted = rf'(?:^|(?<={s}))"(?:[^"]|"")*"(?={s}|\r|\n|\Z)'
    expected = '"' not in re.sub(quoted, "", text, flags=re.MULTILINE)
    assert text_reader._quoted_fields(text.encode("utf-8"), sep) == expected
