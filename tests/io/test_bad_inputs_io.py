"""Hostile data files: read_survey reads exactly what a file says, or refuses it with a
MicropopError naming the file, line/row, column or value, and reports every guess it
makes in ``df.attrs["read_notes"]`` (a list of English sentences)."""

from __future__ import annotations

import csv
import datetime
import io
import warnings

import numpy as np
import openpyxl
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import micropop as mp
from micropop.errors import (
    AmbiguousFormatError,
    FileEncodingError,
    HeaderError,
    InvalidDateError,
    MicropopError,
    MissingColumnError,
    NonNumericError,
    OptionError,
    OutOfRangeError,
    UnreadableFileError,
)


def _write(tmp_path, content, name="survey.csv"):
    path = tmp_path / name
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


def _read(path, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", mp.errors.MicropopWarning)
        return mp.read_survey(path, **kwargs)


def _refused(cls, path, *fragments, **kwargs):
    with pytest.raises(cls) as info:
        _read(path, **kwargs)
    message = str(info.value)
    for fragment in (path.name, *fragments):
        assert fragment in message, f"{fragment!r} not in {message!r}"
    assert info.value.hint
    return info.value


def _notes(df) -> str:
    notes = df.attrs["read_notes"]
    assert isinstance(notes, list) and all(isinstance(n, str) and n for n in notes)
    return " ".join(notes)


# --- headers ------------------------------------------------------------------


def test_repeated_column_name_is_refused_not_renamed(tmp_path):
    path = _write(tmp_path, "id,age,sex,age\n1,34,f,35\n")
    err = _refused(HeaderError, path, "'age' (column 2, column 4)")
    assert "name.1" in err.hint


def test_names_equal_once_stripped_are_repeated(tmp_path):
    _refused(HeaderError, _write(tmp_path, "id;age ; age\n1;2;3\n"), "'age'")


def test_unnamed_column_with_data_is_refused(tmp_path):
    err = _refused(HeaderError, _write(tmp_path, ",a,b\n0,1,2\n1,3,4\n"), "column 1 has no name")
    assert "index=False" in err.hint


def test_trailing_separator_column_is_left_out_and_reported(tmp_path):
    df = _read(_write(tmp_path, "a;b;\n1;2;\n3;4;\n"))
    assert list(df.columns) == ["a", "b"] and df["b"].tolist() == [2, 4]
    assert "Column 3 had neither a name nor data" in _notes(df)


def test_rows_with_an_extra_empty_field_are_reported(tmp_path):
    df = _read(_write(tmp_path, "a;b\n1;2;\n3;4;\n"), sep=";")
    assert df.to_dict("list") == {"a": [1, 3], "b": [2, 4]}
    assert "2 lines end with empty fields" in _notes(df)


def test_header_of_numbers_is_a_headerless_file(tmp_path):
    err = _refused(HeaderError, _write(tmp_path, "1,34,2.5\n2,40,3\n"), "holds numbers")
    assert "row of column names" in err.hint


@pytest.mark.parametrize("title", ["Enquête 2023\n", "Enquête 2023;;\n", "Enquête;\n\n"])
def test_title_line_above_the_header(tmp_path, title):
    path = _write(tmp_path, title + "id;sex;age\n1;f;34\n2;m;40\n")
    with pytest.raises(MicropopError) as info:
        _read(path)
    assert "skiprows=" in info.value.hint
    skip = int(info.value.hint.split("skiprows=")[1].split()[0].strip(".)"))
    df = _read(path, skiprows=skip)
    assert df.to_dict("list") == {"id": [1, 2], "sex": ["f", "m"], "age": [34, 40]}
    assert f"line {skip + 1}" in _notes(df)


def test_column_names_lose_surrounding_spaces_with_a_note(tmp_path):
    df = _read(_write(tmp_path, "id, age\n1, 34\n"))
    assert list(df.columns) == ["id", "age"] and df["age"].tolist() == [34]
    assert "' age' → 'age'" in _notes(df)


# --- ragged lines -------------------------------------------------------------


def test_short_line_names_its_file_line_after_blank_and_multiline_cells(tmp_path):
    text = 'id,comment,n\n1,"two\nlines",3\n\n2,ok,4\n3,short\n4,ok,5\n'
    err = _refused(UnreadableFileError, _write(tmp_path, text), "file line 6", "fewer (2)")
    assert "sep=','" in err.hint


def test_long_line_with_content_is_refused(tmp_path):
    _refused(UnreadableFileError, _write(tmp_path, "a;b\n1;2\n3;4;5\n"), "file line 3", "more",
             sep=";")


def test_short_lines_are_listed(tmp_path):
    rows = "\n".join(["1,2,3"] + ["4,5"] * 7)
    _refused(UnreadableFileError, _write(tmp_path, "a,b,c\n" + rows + "\n"),
             "file lines 3, 4, 5, 6, 7 and 2 more")


def test_unclosed_quote_is_refused(tmp_path):
    err = _refused(UnreadableFileError, _write(tmp_path, 'a,b\n"1,2\n3,4\n'), "file line")
    assert "quote" in err.hint


# --- numbers ------------------------------------------------------------------


@pytest.mark.parametrize("cell", ["1e400", "-1e999", "inf", "-Infinity", "1e-400", "-2.5e-5000"])
def test_numbers_that_cannot_be_stored_are_refused(tmp_path, cell):
    path = _write(tmp_path, f"id,x\n1,2.5\n2,{cell}\n3,4\n")
    _refused(OutOfRangeError, path, "column 'x'", f"data row 2 (file line 3; value: '{cell}')")
    cb = {"variables": {"x": {"type": "numeric"}}}
    _refused(OutOfRangeError, path, "column 'x'", "data row 2", codebook=cb)


def test_zero_and_tiny_numbers_are_kept(tmp_path):
    df = _read(_write(tmp_path, "x\n0\n-0.0\n0e10\n5e-324\n1e-300\n"))
    assert df["x"].tolist() == [0.0, 0.0, 0.0, 5e-324, 1e-300]
    df = _read(_write(tmp_path, "x;y\n0,0;1\n-0,00;2\n2,5;3\n"))
    assert df["x"].tolist() == [0.0, 0.0, 2.5]


def test_underflow_without_exponent_is_refused(tmp_path):
    cell = "0." + "0" * 400 + "1"
    _refused(OutOfRangeError, _write(tmp_path, f"x\n1.5\n{cell}\n2\n"), "data row 2")


def test_stray_text_in_a_column_of_numbers_is_refused(tmp_path):
    rows = "\n".join(f"{i},{i * 1.5}" for i in range(1, 9))
    path = _write(tmp_path, "id,hours\n" + rows + "\n9,ne sait pas\n10,12\n")
    err = _refused(NonNumericError, path, "column 'hours'",
                   "data row 9 (file line 10; value: 'ne sait pas')")
    assert "missing" in err.hint and "type: string" in err.hint
    cb = {"variables": {"hours": {"type": "numeric", "missing": ["ne sait pas"]}}}
    df = _read(path, codebook=cb)
    assert df["hours"].isna().tolist() == [False] * 8 + [True, False]


def test_a_column_of_text_stays_text(tmp_path):
    df = _read(_write(tmp_path, "id,answer\n1,12\n2,about ten\n3,none at all\n4,3\n"))
    assert df["answer"].tolist() == ["12", "about ten", "none at all", "3"]


def _sheet(path, rows):
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


def test_excel_error_cell_in_numbers_is_refused(tmp_path):
    rows = [["id", "ratio"], *([i, i / 2] for i in range(1, 6)), [6, "#DIV/0!"]]
    _refused(NonNumericError, _sheet(tmp_path / "survey.xlsx", rows), "column 'ratio'",
             "data row 6 (sheet row 7; value: '#DIV/0!')")


def test_excel_date_column_with_stray_text_is_refused(tmp_path):
    rows = [["id", "seen"], *([i, datetime.datetime(2020, 1, i)] for i in range(1, 5)),
            [5, "hier"]]
    _refused(InvalidDateError, _sheet(tmp_path / "survey.xlsx", rows), "column 'seen'",
             "data row 5")


def test_spaced_thousands_are_refused(tmp_path):
    path = _write(tmp_path, "id;revenu\n1;12 345\n2;3 456\n3;980\n")
    _refused(NonNumericError, path, "column 'revenu'", "'12 345'", "spaces between groups")


@pytest.mark.parametrize("cells", [["12 %", "15%", "3,5 %"], ["12 €", "€ 3", "4"]])
def test_numbers_with_units_are_refused(tmp_path, cells):
    path = _write(tmp_path, "id;part\n" + "".join(f"{i};{c}\n" for i, c in enumerate(cells)))
    _refused(NonNumericError, path, "column 'part'", "a unit", f"'{cells[0]}'", sep=";",
             decimal=",")


def test_whole_numbers_too_long_for_floats_stay_text(tmp_path):
    df = _read(_write(tmp_path, "id,x\n123456789012345678901234,1\n2,2\n"))
    assert df["id"].tolist() == ["123456789012345678901234", "2"]
    assert "too long to be stored exactly" in _notes(df)
    df = _read(_write(tmp_path, "id,x\n9007199254740993,1\n,2\n"))
    assert df["id"].dtype == "Int64" and df["id"].iloc[0] == 9007199254740993


def test_leading_zeros_are_reported(tmp_path):
    df = _read(_write(tmp_path, "dept,n\n01,3\n75,4\n"))
    assert df["dept"].tolist() == [1, 75] and "leading zeros" in _notes(df)
    df = _read(_write(tmp_path, "dept,n\n01,3\n75,4\n"),
               codebook={"variables": {"dept": {"type": "categorical"}}})
    assert df["dept"].tolist() == ["01", "75"]


def test_missing_markers_are_reported_and_declared_levels_kept(tmp_path):
    path = _write(tmp_path, "id,region\n1,NA\n2,EU\n3,\n")
    df = _read(path)
    assert df["region"].isna().tolist() == [True, False, True]
    assert "'NA' were read as missing values: 1 in column 'region'" in _notes(df)
    cb = {"variables": {"region": {"type": "categorical", "levels": ["NA", "EU"]}}}
    assert _read(path, codebook=cb)["region"].tolist()[:2] == ["NA", "EU"]


# --- separator and decimal mark -----------------------------------------------


def test_separator_is_judged_on_the_lines_not_the_header_alone(tmp_path):
    """The header 'a,b;c' splits evenly on ',' and ';'; only ';' splits every line."""
    df = _read(_write(tmp_path, "a,b;c\n1;2\n3;4\n"))
    assert df.to_dict("list") == {"a,b": [1, 3], "c": [2, 4]}
    assert "Separator ';'" in _notes(df)


def test_separator_that_splits_every_line_twice_is_refused(tmp_path):
    err = _refused(AmbiguousFormatError, _write(tmp_path, "a;b,c\n1;2,3\n"), "separator")
    assert "sep=" in err.hint
    assert _read(tmp_path / "survey.csv", sep=";").columns.tolist() == ["a", "b,c"]


def test_wrong_separator_given_is_refused_when_another_splits_every_line(tmp_path):
    path = _write(tmp_path, "id;sex;age\n1;f;34\n2;m;40\n")
    err = _refused(AmbiguousFormatError, path, "sep='\\t'", "one column", sep="\t")
    assert "sep=';'" in err.hint
    assert _read(_write(tmp_path, "note\nok\nbien\n"), sep="\t")["note"].tolist() == ["ok", "bien"]


def test_thousands_like_comma_alone_does_not_make_a_decimal_comma(tmp_path):
    path = _write(tmp_path, "id;revenu\n1;1,234\n2;5\n")
    err = _refused(AmbiguousFormatError, path, "'1,234'")
    assert "decimal=','" in err.hint
    assert _read(path, decimal=",")["revenu"].tolist() == [1.234, 5.0]


def test_text_column_does_not_decide_the_decimal_mark(tmp_path):
    path = _write(tmp_path, "id;note;hours\n1;3,5 étoiles;1.5\n2;3,5;2.5\n3;bien;3\n")
    df = _read(path)
    assert df["hours"].tolist() == [1.5, 2.5, 3.0] and df["note"].iloc[1] == "3,5"
    assert "Decimal mark '.'" in _notes(df)


def test_both_decimal_marks_are_refused(tmp_path):
    err = _refused(AmbiguousFormatError, _write(tmp_path, "a;b\n1,5;2.5\n2,5;3.5\n"),
                   "'2.5'", "'1,5'")
    assert "decimal=" in err.hint


def test_decimal_comma_in_quoted_cells_of_a_comma_file(tmp_path):
    df = _read(_write(tmp_path, 'id,x\n1,"12,5"\n2,"3,25"\n'))
    assert df["x"].tolist() == [12.5, 3.25] and "Decimal mark ','" in _notes(df)


def test_point_under_a_decimal_comma_is_not_a_number(tmp_path):
    path = _write(tmp_path, "id;x\n1;12,5\n2;3,5\n3;1.5\n4;2\n5;4\n")
    _refused(NonNumericError, path, "column 'x'", "data row 3 (file line 4; value: '1.5')")
    _refused(NonNumericError, path, "data row 3", decimal=",",
             codebook={"variables": {"x": {"type": "numeric"}}})


# --- encodings -------------------------------------------------------------------


def test_windows_1252_file_is_read_and_reported(tmp_path):
    path = _write(tmp_path, "id;ville;prix\n1;Besançon;12€ HT\n2;Œuvre;3 € TTC\n"
                  .encode("cp1252"))
    df = _read(path)
    assert df["ville"].tolist() == ["Besançon", "Œuvre"] and df["prix"].iloc[0] == "12€ HT"
    assert "Windows-1252" in _notes(df)


@pytest.mark.parametrize("codec", ["cp850", "mac-roman"])
def test_other_single_byte_encodings_are_not_guessed(tmp_path, codec):
    path = _write(tmp_path, "id;ville\n1;Besançon\n2;Sète\n".encode(codec))
    err = _refused(FileEncodingError, path, "not valid utf-8", "column 'ville'")
    assert "encoding=" in err.hint
    assert _read(path, encoding=codec)["ville"].tolist() == ["Besançon", "Sète"]


def test_utf16_with_byte_order_mark(tmp_path):
    df = _read(_write(tmp_path, "id\tville\n1\tSète\n".encode("utf-16")))
    assert df["ville"].tolist() == ["Sète"] and "UTF-16" in _notes(df)


def test_utf16_without_byte_order_mark_is_refused(tmp_path):
    err = _refused(FileEncodingError, _write(tmp_path, "id\tx\n1\t2\n".encode("utf-16-le")),
                   "NUL")
    assert "utf-16" in err.hint


@pytest.mark.parametrize("encoding", ["latin-1", "cp1252"])
@pytest.mark.parametrize("text", ["\ufeffid;ville\n1;Sète\n", "id;ville\n1;Sète\n",
                                  "\ufeffid;ville\n1;Paris\n", "id;note\n1;l’été\n"])
def test_single_byte_encoding_asked_for_a_utf8_file_is_refused(tmp_path, encoding, text):
    _refused(FileEncodingError, _write(tmp_path, text), "valid UTF-8", encoding=encoding)


def test_single_byte_encoding_asked_is_kept_when_it_reads_plausibly(tmp_path):
    path = _write(tmp_path, "id;nom\n1;ÎœX\n".encode("cp1252"))  # also UTF-8: 'ΜX'
    df = _read(path, encoding="cp1252")
    assert df["nom"].tolist() == ["ÎœX"] and "would also read as UTF-8" in _notes(df)


# --- options, sheets, Parquet ---------------------------------------------------


@pytest.mark.parametrize("options", [{"sep": ";;"}, {"sep": ""}, {"sep": 1}, {"decimal": ";"},
                                     {"skiprows": -1}, {"skiprows": 1.5}, {"skiprows": True}])
def test_bad_options_are_refused(tmp_path, options):
    with pytest.raises(OptionError):
        _read(_write(tmp_path, "a\n1\n"), **options)


def test_options_of_other_formats_are_refused(tmp_path):
    path = tmp_path / "survey.xlsx"
    pd.DataFrame({"a": [1]}).to_excel(path, index=False)
    with pytest.raises(OptionError, match="encoding= applies"):
        _read(path, encoding="latin-1")
    with pytest.raises(OptionError, match="neither a sheet name nor an index"):
        _read(path, sheet=True)


def test_excel_title_row_and_number_headers(tmp_path):
    path = tmp_path / "survey.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "données"
    sheet["B2"] = "Enquête 2023"
    sheet.merge_cells("B2:D2")
    sheet.append([])
    sheet.append([None, "id", 2019, 2020])
    sheet.append([None, 1, 3.5, 4])
    sheet.append([None, 2, 1, 2])
    book.create_sheet("notes")
    book.save(path)
    err = _refused(HeaderError, path, "row 2 of sheet 'données'", "looks like a title")
    assert "skiprows=3" in err.hint
    df = _read(path, skiprows=3)
    assert df.to_dict("list") == {"id": [1, 2], "2019": [3.5, 1.0], "2020": [4, 2]}
    notes = _notes(df)
    for fragment in ("Sheet 'données', the first of 2", "row 4 of sheet 'données'",
                     "Column A had neither a name nor data", "2019 → '2019'"):
        assert fragment in notes


def test_excel_repeated_names_are_refused(tmp_path):
    path = tmp_path / "survey.xlsx"
    pd.DataFrame([[1, 2, 3]], columns=["a", "b", "c"]).rename(
        columns={"c": "a"}).to_excel(path, index=False)
    _refused(HeaderError, path, "'a' (column A, column C)")


def test_parquet_number_labels_become_text_and_infinities_are_refused(tmp_path):
    path = tmp_path / "survey.parquet"
    pq.write_table(pa.Table.from_pandas(pd.DataFrame({0: [1, 2], 1: [0.5, 1.5]})), path)
    df = _read(path)
    assert list(df.columns) == ["0", "1"] and "0 → '0'" in _notes(df)
    pq.write_table(pa.table({"w": [1.0, np.inf]}), path)
    _refused(OutOfRangeError, path, "column 'w'", "data row 2")


def test_parquet_index_becomes_a_column(tmp_path):
    path = tmp_path / "survey.parquet"
    pd.DataFrame({"id": [7, 8], "x": [1.0, 2.0]}).set_index("id").to_parquet(path)
    df = _read(path)
    assert df.to_dict("list") == {"id": [7, 8], "x": [1.0, 2.0]}
    assert "made column(s) 'id'" in _notes(df)


def test_codebook_apply_names_number_labels(tmp_path):
    cb = mp.Codebook.from_dict({"variables": {"0": {"type": "numeric"}}})
    with pytest.raises(MissingColumnError) as info:
        cb.apply(pd.DataFrame({0: [1.0]}))
    assert "astype(str)" in info.value.hint
    with pytest.raises(mp.errors.DataValidationError, match="several columns are named 'x'"):
        mp.Codebook.from_dict({"variables": {"x": {"type": "numeric"}}}).apply(
            pd.DataFrame([[1, 2]], columns=["x", "x"]))


def test_read_notes_on_every_format(tmp_path):
    """The contract of the report: attrs['read_notes'] is a list of str for every format."""
    frame = pd.DataFrame({"id": [1, 2], "x": [0.5, 1.5]})
    frame.to_parquet(tmp_path / "s.parquet")
    frame.to_excel(tmp_path / "s.xlsx", index=False)
    frame.to_csv(tmp_path / "s.csv", index=False)
    frame.to_stata(tmp_path / "s.dta", write_index=False)
    for name in ("s.parquet", "s.xlsx", "s.csv", "s.dta"):
        df = _read(tmp_path / name)
        assert isinstance(df.attrs["read_notes"], list)
        _notes(df)
    assert "Separator ','" in _notes(_read(tmp_path / "s.csv"))


# --- generated files ---------------------------------------------------------------

_NOT_WORDS = {"NA", "N/A", "NULL", "NaN", "None", "n/a", "nan", "null", "True", "False", "TRUE",
              "FALSE", "true", "false"}
_LETTERS = "abcdeéèçÎœßxyzZ中ÿ"


def _is_word(text: str) -> bool:
    if text in _NOT_WORDS or text != text.strip() or not any(c.isalpha() for c in text):
        return False
    for candidate in (text, text.replace(",", ".")):
        if pd.notna(pd.to_numeric(pd.Series([candidate], dtype=object), errors="coerce")[0]):
            return False  # 'inf', 'Infinity', 'e5'...
    return True


_words = st.builds(lambda a, b, c: a + b + c, st.sampled_from(_LETTERS),
                   st.text(_LETTERS + "0123456789 ,.;|\t\"'\n-", max_size=6),
                   st.sampled_from(_LETTERS + "1.,;\"")).filter(_is_word)
_names = st.builds(lambda a, b: a + b, st.sampled_from(_LETTERS),
                   st.text(_LETTERS + "_ 0", max_size=5)).filter(_is_word)
_finite = st.floats(allow_nan=False, allow_infinity=False, width=64)


@st.composite
def _tables(draw):
    """(names, kinds, rows): rows of Python values, None for a missing cell."""
    ncol = draw(st.integers(1, 4))
    names = draw(st.lists(_names, min_size=ncol, max_size=ncol, unique=True))
    kinds = draw(st.lists(st.sampled_from(["int", "float", "text", "bool", "bigint"]),
                          min_size=ncol, max_size=ncol))
    nrow = draw(st.integers(1, 6))
    cells = {"int": st.integers(-10 ** 15, 10 ** 15), "float": _finite, "text": _words,
             "bool": st.booleans(), "bigint": st.integers(-2 ** 70, 2 ** 70)}
    rows = [[draw(st.none() | cells[k]) if nrow > 1 else draw(cells[k]) for k in kinds]
            for _ in range(nrow)]
    for j, kind in enumerate(kinds):  # at least one value per column
        if all(r[j] is None for r in rows):
            rows[0][j] = draw(cells[kind])
    return names, kinds, rows


def _cell(value, decimal: str) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(value).replace(".", decimal)
    return str(value)


def _csv_text(names, rows, sep, decimal, newline="\n") -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=sep, lineterminator=newline)
    writer.writerow(names)
    writer.writerows([[_cell(v, decimal) for v in row] for row in rows])
    return out.getvalue()


def _assert_exact(df, names, kinds, rows):
    assert list(df.columns) == names
    assert len(df) == len(rows)
    for j, (name, kind) in enumerate(zip(names, kinds, strict=True)):
        got = df[name].tolist()
        for value, want in zip(got, [r[j] for r in rows], strict=True):
            if want is None:
                assert pd.isna(value), (name, got)
            elif kind == "float":
                assert float(value) == want, (name, got)
            elif kind == "text":
                assert isinstance(value, str) and value == want, (name, got)
            elif kind == "bigint" and isinstance(value, str):  # kept as text, with a note
                assert value == str(want) and "too long to be stored exactly" in _notes(df)
            else:
                assert value == want and type(value) is not str, (name, got)


_SETTINGS = settings(max_examples=50, deadline=None,
                     suppress_health_check=[HealthCheck.function_scoped_fixture,
                                            HealthCheck.too_slow, HealthCheck.filter_too_much])


@_SETTINGS
@given(table=_tables(), sep=st.sampled_from([",", ";", "\t", "|"]),
       decimal=st.sampled_from([".", ","]), newline=st.sampled_from(["\n", "\r\n"]),
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]),
       explicit=st.booleans())
def test_generated_tables_are_read_exactly(tmp_path, table, sep, decimal, newline, encoding,
                                           explicit):
    """Given sep, decimal and encoding, a table is read exactly; sniffed, it is read
    exactly or refused as ambiguous -- never misread."""
    names, kinds, rows = table
    text = _csv_text(names, rows, sep, decimal, newline)
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        assume(False)
    if encoding == "cp1252" and not explicit:
        try:
            data.decode("utf-8")
            assume(data.isascii())  # bytes that are also UTF-8 cannot be told apart
        except UnicodeDecodeError:
            pass
    path = _write(tmp_path, data)
    if explicit:
        df = _read(path, sep=sep, decimal=decimal, encoding=encoding)
    else:
        try:
            df = _read(path)
        except (AmbiguousFormatError, HeaderError, FileEncodingError, NonNumericError) as err:
            assert err.hint and path.name in str(err)
            return
    _assert_exact(df, names, kinds, rows)
    _notes(df)


_HOSTILE = ["repeat_name", "short_row", "long_row", "huge", "tiny", "stray_text", "na_marker",
            "bom"]


def _line(fields, sep) -> str:
    out = io.StringIO()
    csv.writer(out, delimiter=sep, lineterminator="\n").writerow(fields)
    return out.getvalue()


@_SETTINGS
@given(table=_tables(), sep=st.sampled_from([",", ";", "\t", "|"]),
       hostile=st.sampled_from(_HOSTILE), data=st.data())
def test_hostile_tables_are_refused_or_read_as_written(tmp_path, table, sep, hostile, data):
    """One hostile change to a generated table: refused with the error naming it, or
    (missing markers, byte-order mark) read exactly as written."""
    names, kinds, rows = table
    assume(not any(isinstance(v, str) and "\n" in v for r in rows for v in r))
    if hostile in ("huge", "tiny", "stray_text"):  # in a column of numbers 0.5, 1.5, ...
        assume(len(rows) >= 3)
        names, kinds = [*names, "zz_n"], [*kinds, "float"]
        rows = [[*r, i + 0.5] for i, r in enumerate(rows)]
    cells = [[_cell(v, ".") for v in r] for r in rows]
    row = data.draw(st.integers(0, len(rows) - 1), label="row")
    col = data.draw(st.integers(0, len(names) - 1), label="column")
    expect: tuple[type, list[str]] | None = None
    if hostile == "repeat_name":
        assume(len(names) > 1)
        names = [*names[:-1], names[0]]
        expect = (HeaderError, [repr(names[0].strip())])
    elif hostile == "short_row":
        assume(len(names) > 1)
        cells[row] = cells[row][:-1]
        expect = (UnreadableFileError, [f"file line {row + 2} has fewer"])
    elif hostile == "long_row":
        cells[row] = [*cells[row], "extra"]
        expect = (UnreadableFileError, [f"file line {row + 2} has more"])
    elif hostile in ("huge", "tiny", "stray_text"):
        cells[row][-1] = {"huge": "-1e400", "tiny": "1e-999", "stray_text": "refus"}[hostile]
        expect = (NonNumericError if hostile == "stray_text" else OutOfRangeError,
                  ["column 'zz_n'",
                   f"data row {row + 1} (file line {row + 2}; value: '{cells[row][-1]}')"])
    elif hostile == "na_marker":
        cells[row][col] = "NA"
        rows[row][col] = None
    text = "".join(_line(fields, sep) for fields in [names, *cells])
    path = _write(tmp_path, (b"\xef\xbb\xbf" if hostile == "bom" else b"") + text.encode())
    if expect is None:
        df = _read(path, sep=sep, decimal=".")
        _assert_exact(df, names, kinds, rows)
        if hostile == "na_marker":
            assert "'NA' were read as missing" in _notes(df)
        return
    cls, fragments = expect
    with pytest.raises(cls) as info:
        _read(path, sep=sep, decimal=".")
    for fragment in fragments:
        assert fragment in str(info.value), (fragment, str(info.value))


@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
@given(text=st.text('a"; ,\n\r\t1é', max_size=40), sep=st.sampled_from([",", ";"]),
       skip=st.integers(0, 1))
def test_fast_parser_agrees_with_the_strict_one(text, sep, skip):
    """Arrow reads a text file only when Python's strict parser (the reference) would
    read the same cells; anything else goes to the strict parser."""
    from micropop.io import _text as reader

    path = reader.Path("x.csv")
    fast = reader._arrow_cells(path, text, sep, skip)
    if fast is None:
        return
    slow = reader._csv_cells(path, text, sep, skip)
    assert fast.header == slow.header and fast.where == slow.where
    assert [c.tolist() for c in fast.columns] == [list(c) for c in slow.columns]
