"""Bad input to read_survey never passes silently: each case raises a MicropopError
subclass whose message names the file, the column and the offending data rows
(numbered from 1 after the header) with their values, and says what to do."""

from __future__ import annotations

import gzip

import numpy as np
import pandas as pd
import pyreadstat
import pytest

import micropop as mp
from micropop.errors import (
    CodebookError,
    DataValidationError,
    DuplicateIdError,
    EmptyFileError,
    FileEncodingError,
    InvalidDateError,
    InvalidLevelError,
    MicropopError,
    MicropopWarning,
    MissingColumnError,
    NonIntegerError,
    NonNumericError,
    OutOfRangeError,
    SheetNotFoundError,
    SurveyFileNotFoundError,
    UnreadableFileError,
    UnsupportedFormatError,
)

CODEBOOK = {
    "id": "id",
    "variables": {
        "id": {"type": "integer"},
        "sex": {"type": "categorical", "levels": ["female", "male"]},
        "region": {"type": "categorical", "levels": {11: "Île-de-France", 53: "Bretagne"}},
        "age": {"type": "integer", "range": [18, 99], "missing": {-1: "refused"}},
        "earnings": {"type": "numeric", "range": [0, None]},
    },
}
HEADER = "id,sex,region,age,earnings\n"
GOOD = ["1,female,11,34,10.5", "2,male,53,-1,0", "3,female,53,51,3.25", "4,male,11,27,7"]


def _csv(tmp_path, rows, name="survey.csv", header=HEADER):
    path = tmp_path / name
    path.write_text(header + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def _with(row_number: int, line: str) -> list[str]:
    """The good rows with data row ``row_number`` (1-based) replaced by ``line``."""
    rows = list(GOOD)
    rows[row_number - 1] = line
    return rows


def _raises(cls, path, *fragments, **kwargs) -> MicropopError:
    with pytest.raises(cls) as info:
        mp.read_survey(path, **kwargs)
    message = str(info.value)
    for fragment in (path.name, *fragments):
        assert fragment in message, f"{fragment!r} not in {message!r}"
    assert info.value.hint, "every error says what to do"
    return info.value


def test_good_rows_read(tmp_path):
    df = mp.read_survey(_csv(tmp_path, GOOD), codebook=CODEBOOK)
    assert len(df) == 4 and df["region"].tolist()[:2] == ["Île-de-France", "Bretagne"]


# --- the file itself --------------------------------------------------------


def test_missing_file_suggests_a_close_name(tmp_path):
    _csv(tmp_path, GOOD, name="survey.csv")
    err = _raises(SurveyFileNotFoundError, tmp_path / "survy.csv")
    assert "survey.csv" in err.hint and isinstance(err, FileNotFoundError)


def test_folder_instead_of_file(tmp_path):
    (tmp_path / "data.csv").mkdir()
    _raises(UnreadableFileError, tmp_path / "data.csv", "folder")


@pytest.mark.parametrize("name", ["survey.sas7bdat", "survey.xls", "survey"])
def test_unknown_extension(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(b"x")
    err = _raises(UnsupportedFormatError, path, "does not read")
    assert ".parquet" in err.hint


@pytest.mark.parametrize("name", ["survey.sav", "survey.zsav", "survey.dta",
                                  "survey.parquet", "survey.xlsx", "survey.csv.gz"])
def test_garbage_bytes_under_a_binary_extension(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(b"\x00\x01garbage\xff" * 50)
    _raises(UnreadableFileError, path, "could not be read as")


def test_zero_byte_file(tmp_path):
    path = tmp_path / "survey.csv"
    path.write_bytes(b"")
    _raises(EmptyFileError, path, "empty")


def test_header_only_csv(tmp_path):
    path = tmp_path / "survey.csv"
    path.write_text(HEADER, encoding="utf-8")
    _raises(EmptyFileError, path, "no data rows", "'earnings'", codebook=CODEBOOK)


def test_parquet_without_rows(tmp_path):
    path = tmp_path / "survey.parquet"
    pd.DataFrame({"id": pd.Series([], dtype="int64")}).to_parquet(path)
    _raises(EmptyFileError, path, "no data rows")


def test_undecodable_bytes_name_column_row_and_encoding(tmp_path):
    """A file mixing UTF-8 ('Île' in row 1) and Latin-1 bytes (row 3) has no single
    reading: refused, naming the line, column and row of the first bad byte.
    (A file wholly in Latin-1/Windows-1252 is read: see test_bad_inputs_io.py.)"""
    path = tmp_path / "survey.csv"
    rows = _with(3, "3,female,Bretagne-Île,51,3.25")
    rows[0] = "1,female,Île,34,10.5"
    path.write_bytes(HEADER.encode() + "\n".join(rows[:2]).encode("utf-8") + b"\n"
                     + "\n".join(rows[2:]).encode("latin-1"))
    err = _raises(FileEncodingError, path, "utf-8", "column 'region'", "data row 3",
                  "\\xce")
    assert "encoding='cp1252'" in err.hint


def test_unknown_encoding_name(tmp_path):
    _raises(FileEncodingError, _csv(tmp_path, GOOD), "'latin-9x'", encoding="latin-9x")


def test_ragged_rows(tmp_path):
    path = _csv(tmp_path, _with(2, "2,male,53,40,0,extra"))
    err = _raises(UnreadableFileError, path, "line 3")
    assert "sep=','" in err.hint


def test_unknown_sheet_lists_the_sheets(tmp_path):
    path = tmp_path / "survey.xlsx"
    pd.DataFrame({"a": [1]}).to_excel(path, sheet_name="data", index=False)
    err = _raises(SheetNotFoundError, path, "'Feuil1'", sheet="Feuil1")
    assert "'data'" in err.hint
    _raises(SheetNotFoundError, path, "sheet 3", sheet=3)


def test_options_of_another_format_are_refused(tmp_path):
    path = tmp_path / "survey.parquet"
    pd.DataFrame({"a": [1]}).to_parquet(path)
    with pytest.raises(mp.errors.OptionError, match="sep= applies to text files"):
        mp.read_survey(path, sep=";")


# --- the data against the codebook -----------------------------------------


def test_codebook_column_absent_from_data(tmp_path):
    path = _csv(tmp_path, [r.rsplit(",", 1)[0] for r in GOOD],
                header=HEADER.rsplit(",", 1)[0] + "\n")
    err = _raises(MissingColumnError, path, "'earnings'", codebook=CODEBOOK)
    assert "'region'" in err.hint  # lists the columns the data do have


def test_data_columns_absent_from_codebook_warn(tmp_path):
    path = _csv(tmp_path, [r + ",x" for r in GOOD], header=HEADER.strip() + ",note\n")
    with pytest.warns(MicropopWarning, match=r"survey\.csv: 1 column not in the codebook.*'note'"):
        df = mp.read_survey(path, codebook=CODEBOOK)
    assert df["note"].tolist() == ["x"] * 4  # kept, not dropped


def test_value_outside_listed_levels(tmp_path):
    path = _csv(tmp_path, _with(4, "4,Male,11,27,7"))
    _raises(InvalidLevelError, path, "column 'sex'", "data row 4", "'Male'", "female, male",
            codebook=CODEBOOK)


def test_code_outside_mapped_levels(tmp_path):
    path = _csv(tmp_path, _with(2, "2,male,99,40,0"))
    _raises(InvalidLevelError, path, "column 'region'", "data row 2", "'99'",
            "11=Île-de-France", codebook=CODEBOOK)


def test_integer_outside_range(tmp_path):
    rows = _with(1, "1,female,11,12,10.5")
    rows[3] = "4,male,11,150,7"
    _raises(OutOfRangeError, path := _csv(tmp_path, rows), "column 'age'", "[18, 99]",
            "data rows 1, 4 (file lines 2, 5; id 1, 4; values: 12, 150)", codebook=CODEBOOK)
    assert path.exists()


def test_negative_value_under_an_open_range(tmp_path):
    path = _csv(tmp_path, _with(3, "3,female,53,51,-3.25"))
    _raises(OutOfRangeError, path, "column 'earnings'", "[0, inf]",
            "data row 3 (file line 4; id 3; value: -3.25)", codebook=CODEBOOK)


def test_text_in_a_numeric_column(tmp_path):
    rows = _with(2, "2,male,53,40,12;5x")
    rows[3] = "4,male,11,27,abc"
    err = _raises(NonNumericError, _csv(tmp_path, rows), "column 'earnings'", "numeric",
                  "data rows 2, 4 (file lines 3, 5; id 2, 4; values: '12;5x', 'abc')",
                  codebook=CODEBOOK)
    assert "missing" in err.hint


def test_decimal_comma_text_under_a_decimal_point(tmp_path):
    path = tmp_path / "survey.csv"
    path.write_text("id;earnings\n1;12,5x\n2;3,5\n", encoding="utf-8")
    cb = {"variables": {"id": {"type": "integer"}, "earnings": {"type": "numeric"}}}
    err = _raises(NonNumericError, path, "data row 1 (file line 2; value: '12,5x')", codebook=cb)
    assert "decimal=','" in err.hint
    assert "3,5" not in str(err)  # the sniffed decimal comma reads the good row
    _raises(NonNumericError, path, "data rows 1, 2", codebook=cb, decimal=".")


def test_fractional_value_in_an_integer_column(tmp_path):
    _raises(NonIntegerError, _csv(tmp_path, _with(3, "3,female,53,51.5,3.25")),
            "column 'age'", "data row 3 (file line 4; id 3; value: '51.5')", codebook=CODEBOOK)


def test_invalid_date(tmp_path):
    path = tmp_path / "survey.csv"
    path.write_text("d\n2019-03-05\n2019-02-30\n05/03/2019\n", encoding="utf-8")
    _raises(InvalidDateError, path, "column 'd'", "data rows 2, 3", "'2019-02-30'",
            codebook={"variables": {"d": {"type": "date"}}})


def test_duplicate_ids(tmp_path):
    path = _csv(tmp_path, _with(4, "2,male,11,27,7"))
    _raises(DuplicateIdError, path, "id column 'id'",
            "data rows 2, 4 (file lines 3, 5; values: 2, 2)", codebook=CODEBOOK)


def test_missing_ids(tmp_path):
    path = _csv(tmp_path, _with(3, ",female,53,51,3.25"))
    _raises(DataValidationError, path, "id column 'id'", "1 missing id", "data row 3",
            codebook=CODEBOOK)


def test_many_offending_rows_are_summarised(tmp_path):
    rows = [f"{i},female,11,{200 + i},1" for i in range(1, 9)]
    _raises(OutOfRangeError, _csv(tmp_path, rows), "8 values", "data rows 1, 2, 3, 4, 5",
            "and 3 more", codebook=CODEBOOK)


def test_stata_codes_outside_the_declared_labels(tmp_path):
    path = tmp_path / "survey.dta"
    df = pd.DataFrame({"edu": [1.0, 2.0, 3.0, np.nan]})
    pyreadstat.write_dta(df, path, variable_value_labels={
        "edu": {1: "below_bac", 2: "bac", 3: "bac+2"}})
    cb = {"variables": {"edu": {"type": "ordered", "levels": ["below_bac", "bac"]}}}
    _raises(InvalidLevelError, path, "column 'edu'", "data row 3 (value: 3.0)", codebook=cb)
    typo = {"variables": {"edu": {"type": "ordered", "levels": ["below bac", "bac"]}}}
    with pytest.raises(CodebookError, match="'below bac'.*not among the value labels"):
        mp.read_survey(path, codebook=typo)


def test_missing_codebook_file(tmp_path):
    with pytest.raises(SurveyFileNotFoundError, match="codebook file .*nope.yaml"):
        mp.read_survey(_csv(tmp_path, GOOD), codebook=tmp_path / "nope.yaml")


def test_codebook_errors_name_the_codebook_file(tmp_path):
    path = tmp_path / "codebook.yaml"
    path.write_text("variables:\n  age: {type: integer, range: [99, 18]}\n", encoding="utf-8")
    with pytest.raises(CodebookError, match=r"codebook\.yaml.*'age'.*minimum above its maximum"):
        mp.read_survey(_csv(tmp_path, GOOD), codebook=path)


def test_row_numbers_count_data_rows_from_one(tmp_path):
    """Data row n is file line n + 1 when the file has a header line."""
    path = _csv(tmp_path, _with(2, "2,male,53,40,oops"))
    line = path.read_text(encoding="utf-8").splitlines()[2]  # file line 3
    assert "oops" in line
    _raises(NonNumericError, path, "data row 2 (file line 3; id 2; value: 'oops')",
            codebook=CODEBOOK)


def test_gzip_text_is_checked_too(tmp_path):
    path = tmp_path / "survey.csv.gz"
    path.write_bytes(gzip.compress((HEADER + "\n".join(_with(1, "1,x,11,34,1"))).encode()))
    _raises(InvalidLevelError, path, "column 'sex'", "data row 1 (file line 2; id 1; value: 'x')",
            codebook=CODEBOOK)
