"""Errors name the rows of a file the same way everywhere: data row, file line (or sheet
row) and the respondent id the codebook declares (issue #13).

Files are generated at random, as Excel and other tools write them: title rows above
the header (read with ``skiprows=``), a byte-order mark, CRLF or LF line ends, quoted
fields holding a line break, blank lines between records. Bad values go to random rows;
the messages must name exactly those rows, their lines and their ids. The expected
lines are counted here while the file is written, not by the reader under test.
"""

from __future__ import annotations

import re

import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import micropop as mp
from micropop import earnings
from micropop.errors import (
    EarningsError,
    MissingValuesError,
    NonNumericError,
    RowOrigin,
    WeightingMissingError,
)

FAST = settings(max_examples=30, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture])
CODEBOOK = {"id": "id_repondant", "variables": {
    "id_repondant": {"type": "string"}, "revenu": {"type": "numeric"},
    "heures": {"type": "numeric"}, "poids": {"type": "numeric"},
    "sexe": {"type": "categorical", "levels": ["f", "h"]}}}


def listing(rows: list[int], lines: list[int], ids: list[str], values: list[str] | None,
            unit: str = "file line") -> str:
    """The text a message must hold for these rows (at most five shown, then a count);
    without ``values``, a pattern that takes whatever values the message shows."""
    many = len(rows) > 1
    parts = ([f"{unit}{'s' if many else ''} " + ", ".join(map(str, lines[:5]))] if lines
             else []) + ["id_repondant " + ", ".join(ids[:5])]
    if values is not None:
        parts.append(("values: " if many else "value: ") + ", ".join(values[:5]))
    text = (f"data row{'s' if many else ''} " + ", ".join(str(r + 1) for r in rows[:5])
            + f" ({'; '.join(parts)}")
    more = f" and {len(rows) - 5} more" if len(rows) > 5 else ""
    if values is None:
        return re.escape(text) + r"(; values?: [^)]*)?\)" + re.escape(more) + "(?![0-9])"
    return text + ")" + more


def assert_names(message: str, pattern: str) -> None:
    assert re.search(pattern, message), (pattern, message)


@st.composite
def layouts(draw: st.DrawFn) -> dict:
    """How a file is written: its rows, which are bad, and the hostile details."""
    n = draw(st.integers(2, 25))
    return {"n": n,
            "bad": sorted(draw(st.sets(st.integers(0, n - 1), min_size=1, max_size=n))),
            "titles": draw(st.integers(0, 3)),
            "newline": draw(st.sampled_from(["\n", "\r\n"])),
            "bom": draw(st.booleans()),
            "sep": draw(st.sampled_from([",", ";", "\t"])),
            "broken": draw(st.sets(st.integers(0, n - 1))),  # a note holding a line break
            "blank": draw(st.sets(st.integers(-1, n - 1)))}  # a blank line after these rows


def write_csv(path, layout: dict, cell) -> list[int]:
    """Write the file; ``cell(row, column)`` gives each cell. Returns each data row's line."""
    nl, sep = layout["newline"], layout["sep"]
    text, line, lines = "", 1, []
    for t in range(layout["titles"]):
        text += f"Enquête micro-travail, tableau {t + 1}{nl}"
        line += 1
    names = ["id_repondant", "note", "sexe", "revenu", "heures", "poids"]
    text += sep.join(names) + nl
    line += 1
    if -1 in layout["blank"]:
        text += nl
        line += 1
    for r in range(layout["n"]):
        lines.append(line)
        note = f'"ligne{nl}suite"' if r in layout["broken"] else "rien"
        fields = [cell(r, "id_repondant"), note, *(cell(r, c) for c in names[2:])]
        text += sep.join(fields) + nl
        line += 1 + (r in layout["broken"])
        if r in layout["blank"]:
            text += nl
            line += 1
    data = ("\ufeff" if layout["bom"] else "") + text
    path.write_bytes(data.encode("utf-8"))
    return lines


def good(r: int, column: str) -> str:
    return {"id_repondant": f"R{r + 1:04d}", "sexe": "fh"[r % 2], "revenu": str(1000 + r),
            "heures": str(10 + r % 7), "poids": "2.5"}[column]


def read(path, layout: dict, **options) -> pd.DataFrame:
    return mp.read_survey(path, sep=layout["sep"], decimal=".", skiprows=layout["titles"],
                          **options)


@FAST
@given(layout=layouts())
def test_every_data_row_knows_its_file_line(tmp_path_factory, layout):
    path = tmp_path_factory.mktemp("rows") / "enquete.csv"
    lines = write_csv(path, layout, good)
    df = read(path, layout)
    origin = RowOrigin.from_attr(df.attrs["row_origin"])
    assert origin is not None and origin.unit == "file line"
    assert origin.lines_of(np.arange(len(df))).tolist() == lines
    assert df["id_repondant"].tolist() == [good(r, "id_repondant") for r in range(layout["n"])]


@FAST
@given(layout=layouts())
def test_codebook_errors_name_the_bad_rows_lines_and_ids(tmp_path_factory, layout):
    path = tmp_path_factory.mktemp("rows") / "enquete.csv"
    bad = layout["bad"]
    lines = write_csv(path, layout,
                      lambda r, c: f"oops{r}" if c == "revenu" and r in bad else good(r, c))
    with pytest.raises(NonNumericError) as info:
        read(path, layout, codebook=CODEBOOK)
    expected = listing(bad, [lines[r] for r in bad], [good(r, "id_repondant") for r in bad],
                       [repr(f"oops{r}") for r in bad])
    assert expected in str(info.value), (expected, str(info.value))


def missing_revenu(des):
    return des.mean("revenu")


def missing_sexe(des):
    return des.poststratify("sexe", {"f": 100.0, "h": 100.0})


def negative_hours(des):
    return earnings.hourly_earnings(des, "revenu", "heures")


#: One refusal of each layer: the cell that spoils a row, the error, the call.
REFUSALS = {
    "estimation": ("revenu", "", MissingValuesError, missing_revenu),
    "weighting": ("sexe", "", WeightingMissingError, missing_sexe),
    "earnings": ("heures", "-3", EarningsError, negative_hours),
}


@pytest.mark.parametrize("what", list(REFUSALS))
@FAST
@given(layout=layouts(), data=st.data())
def test_design_weighting_and_earnings_errors_name_the_same_rows(tmp_path_factory, what,
                                                                layout, data):
    column, spoilt, error, call = REFUSALS[what]
    bad = layout["bad"]
    path = tmp_path_factory.mktemp("rows") / "enquete.csv"
    lines = write_csv(path, layout,
                      lambda r, c: spoilt if c == column and r in bad else good(r, c))
    df = read(path, layout, codebook=CODEBOOK)
    expected = listing(bad, [lines[r] for r in bad], [good(r, "id_repondant") for r in bad],
                       None)
    des = mp.SurveyDesign(df, weights="poids")
    with pytest.raises(error) as info:
        call(des)
    assert_names(str(info.value), expected)
    # a subset design, and a frame the user subset, still name the rows of the file
    n = layout["n"]
    kept = set(bad) | data.draw(st.sets(st.sampled_from(range(n))))
    kept |= {next(r for r in range(n) if r not in kept)} if len(kept) < 2 else set()
    keep = np.isin(np.arange(n), sorted(kept))  # two rows or more, for a variance
    with pytest.raises(error) as info:
        call(des.subset(keep))
    assert_names(str(info.value), expected)
    subset = df[keep]
    if subset.index.equals(pd.RangeIndex(len(subset))) and len(subset) < n:
        # the first rows only: pandas numbers them 0, 1, ... as it would a frame that was
        # re-numbered (reset_index), so no line is named, but the rows and ids are
        expected = listing(bad, [], [good(r, "id_repondant") for r in bad], None)
    with pytest.raises(error) as info:
        call(mp.SurveyDesign(subset, weights="poids"))
    assert_names(str(info.value), expected)


def test_a_renumbered_frame_names_no_line_rather_than_a_wrong_one(tmp_path):
    layout = {"n": 6, "bad": [4], "titles": 1, "newline": "\n", "bom": False, "sep": ";",
              "broken": set(), "blank": set()}
    path = tmp_path / "enquete.csv"
    write_csv(path, layout, lambda r, c: "" if c == "revenu" and r == 4 else good(r, c))
    df = read(path, layout, codebook=CODEBOOK)
    shuffled = df.iloc[::-1].reset_index(drop=True)
    with pytest.raises(MissingValuesError) as info:
        mp.SurveyDesign(shuffled, weights="poids").mean("revenu")
    assert "data row 2 (id_repondant R0005)" in str(info.value)
    assert "file line" not in str(info.value)


@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(n=st.integers(2, 15), data=st.data())
def test_workbook_errors_name_sheet_rows(tmp_path_factory, n, data):
    bad = sorted(data.draw(st.sets(st.integers(0, n - 1), min_size=1)))
    titles = data.draw(st.integers(0, 2))
    empty_after = data.draw(st.sets(st.integers(0, n - 1)))
    book = openpyxl.Workbook()
    sheet = book.active
    for t in range(titles):
        sheet.append([f"Tableau {t + 1}"])
    sheet.append(["id_repondant", "revenu"])
    row, rows = titles + 2, []
    for r in range(n):
        sheet.append([f"R{r + 1:04d}", "refus" if r in bad else 1000.0 + r])
        rows.append(row)
        row += 1
        if r in empty_after:
            sheet.append([])
            row += 1
    path = tmp_path_factory.mktemp("rows") / "enquete.xlsx"
    book.save(path)
    codebook = {"id": "id_repondant", "variables": {"revenu": {"type": "numeric"}}}
    with pytest.raises(NonNumericError) as info:
        mp.read_survey(path, skiprows=titles, codebook=codebook)
    expected = listing(bad, [rows[r] for r in bad], [f"R{r + 1:04d}" for r in bad],
                       ["'refus'"] * len(bad), unit="sheet row")
    assert expected in str(info.value), (expected, str(info.value))


def test_a_parquet_file_has_no_lines_but_rows_and_ids(tmp_path):
    path = tmp_path / "enquete.parquet"
    pd.DataFrame({"id_repondant": ["A", "B", "C"], "revenu": ["1", "x", "3"]}).to_parquet(path)
    with pytest.raises(NonNumericError, match=r"data row 2 \(id_repondant B; value: 'x'\)"):
        mp.read_survey(path, codebook={"id": "id_repondant",
                                       "variables": {"revenu": {"type": "numeric"}}})


def test_the_row_origin_survives_saving_the_frame(tmp_path):
    path = tmp_path / "enquete.csv"
    path.write_text("id_repondant,revenu\nR1,10\nR2,20\n", encoding="utf-8")
    df = mp.read_survey(path, codebook={"id": "id_repondant",
                                        "variables": {"revenu": {"type": "numeric"}}})
    df.to_parquet(tmp_path / "copie.parquet")  # attrs hold plain values only
    assert pd.read_parquet(tmp_path / "copie.parquet").attrs.get("row_origin") in (
        None, df.attrs["row_origin"])
