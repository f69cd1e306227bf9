"""read_survey reads every supported format with values, labels and row counts intact."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pyreadstat
import pytest

import micropop as mp
from micropop.errors import MicropopWarning

CODEBOOK = {
    "id": "id",
    "variables": {
        "id": {"type": "integer", "description": "Respondent identifier"},
        "sex": {"type": "categorical", "levels": ["female", "male"], "description": "Sex"},
        "region": {"type": "categorical", "levels": ["Île-de-France", "Bretagne"]},
        "hours": {"type": "numeric", "range": [0, None], "missing": {-1: "refused"}},
    },
}
ROWS = [(1, "female", "Île-de-France", "12,5"), (2, "male", "Bretagne", "3"),
        (3, "female", "Bretagne", "-1")]


def _text(sep: str, decimal_comma: bool = True) -> str:
    lines = [sep.join(("id", "sex", "region", "hours"))]
    for row in ROWS:
        hours = row[3] if decimal_comma else row[3].replace(",", ".")
        lines.append(sep.join(map(str, (*row[:3], hours))))
    return "\n".join(lines) + "\n"


def _check_rows(df: pd.DataFrame) -> None:
    assert len(df) == len(ROWS)
    assert df["id"].tolist() == [1, 2, 3]
    assert df["region"].tolist() == ["Île-de-France", "Bretagne", "Bretagne"]
    assert df["hours"].iloc[:2].tolist() == [12.5, 3.0]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "latin-1"])
def test_french_semicolon_csv_in_each_encoding(tmp_path, encoding):
    path = tmp_path / "export.csv"
    path.write_bytes(_text(";").encode(encoding))
    df = mp.read_survey(path, codebook=CODEBOOK,
                        encoding="latin-1" if encoding == "latin-1" else None)
    _check_rows(df)
    assert list(df.columns) == ["id", "sex", "region", "hours"]  # no BOM left in the name
    assert pd.isna(df["hours"].iloc[2])  # -1 = refused
    assert df["id"].dtype == "Int64"
    assert list(df["sex"].cat.categories) == ["female", "male"]
    assert df.attrs["labels"] == {"id": "Respondent identifier", "sex": "Sex"}


def test_comma_csv_without_codebook_infers_types(tmp_path):
    path = tmp_path / "survey.csv"
    path.write_text(_text(",", decimal_comma=False), encoding="utf-8")
    df = mp.read_survey(str(path))
    _check_rows(df)
    assert df["hours"].dtype == np.float64
    assert df.attrs["labels"] == {}


def test_sniffed_decimal_comma_without_codebook(tmp_path):
    path = tmp_path / "survey.csv"
    path.write_text(_text(";"), encoding="utf-8")
    df = mp.read_survey(path)
    assert df["hours"].tolist() == [12.5, 3.0, -1.0]


def test_explicit_separator_and_decimal_override_sniffing(tmp_path):
    path = tmp_path / "survey.txt"
    path.write_text("a|b\n1|2,5\n", encoding="utf-8")
    assert mp.read_survey(path, sep="|", decimal=",")["b"].tolist() == [2.5]
    assert mp.read_survey(path, sep="|", decimal=".")["b"].tolist() == ["2,5"]


def test_separator_sniffing_ignores_quoted_header_names(tmp_path):
    path = tmp_path / "survey.csv"
    path.write_text('"nom, prénom";age\n"Dupont, Marie";34\n', encoding="utf-8")
    df = mp.read_survey(path)
    assert df.to_dict("list") == {"nom, prénom": ["Dupont, Marie"], "age": [34]}


def test_tsv_and_gzipped_csv(tmp_path):
    tsv = tmp_path / "survey.tsv"
    tsv.write_text(_text("\t", decimal_comma=False), encoding="utf-8")
    _check_rows(mp.read_survey(tsv, codebook=CODEBOOK))
    gz = tmp_path / "survey.csv.gz"
    pd.read_csv(tsv, sep="\t").to_csv(gz, index=False, compression="gzip")
    _check_rows(mp.read_survey(gz, codebook=CODEBOOK))


def test_extension_is_case_insensitive(tmp_path):
    path = tmp_path / "SURVEY.CSV"
    path.write_text(_text(",", decimal_comma=False), encoding="utf-8")
    _check_rows(mp.read_survey(path))


def test_declared_text_codes_keep_leading_zeros(tmp_path):
    path = tmp_path / "depts.csv"
    path.write_text("dept,n\n01,3\n2A,4\n", encoding="utf-8")
    cb = {"variables": {"dept": {"type": "categorical",
                                 "levels": {"01": "Ain", "2A": "Corse-du-Sud"}}}}
    with pytest.warns(MicropopWarning, match="'n'"):
        df = mp.read_survey(path, codebook=cb)
    assert df["dept"].tolist() == ["Ain", "Corse-du-Sud"]


def test_parquet_keeps_categoricals_and_values(tmp_path):
    df = pd.DataFrame({"id": pd.array([1, 2, 3], dtype="Int64"),
                       "sex": pd.Categorical(["female", "male", "female"]),
                       "earnings": [10.5, np.nan, 0.0]})
    path = tmp_path / "survey.parquet"
    df.attrs["labels"] = {"sex": "Sex"}
    df.to_parquet(path, engine="pyarrow")
    out = mp.read_survey(path)
    assert out.attrs["labels"] == {"sex": "Sex"}
    assert len(out) == 3
    assert out["sex"].tolist() == ["female", "male", "female"]
    assert isinstance(out["sex"].dtype, pd.CategoricalDtype)
    assert out["earnings"].iloc[[0, 2]].tolist() == [10.5, 0.0]


def test_excel_sheet_by_name_and_index(tmp_path):
    path = tmp_path / "survey.xlsx"
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        pd.DataFrame({"a": [1]}).to_excel(writer, sheet_name="notes", index=False)
        pd.DataFrame({"id": [1, 2, 3], "sex": ["female", "male", "female"],
                      "region": ["Île-de-France", "Bretagne", "Bretagne"],
                      "hours": ["12,5", 3, -1]}).to_excel(writer, sheet_name="data", index=False)
    by_name = mp.read_survey(path, codebook=CODEBOOK, sheet="data", decimal=",")
    by_index = mp.read_survey(path, codebook=CODEBOOK, sheet=1, decimal=",")
    _check_rows(by_name)
    pd.testing.assert_frame_equal(by_name, by_index)
    assert mp.read_survey(path)["a"].tolist() == [1]  # first sheet by default


@pytest.fixture
def labelled() -> tuple[pd.DataFrame, dict, dict]:
    df = pd.DataFrame({
        "id": [1.0, 2.0, 3.0, 4.0],
        "sex": [1.0, 2.0, 1.0, 2.0],
        "education": [1.0, 3.0, 2.0, np.nan],
        "age": [34.0, 999.0, 51.0, 27.0],
        "city": ["Île-Rousse", "Paris", "Lyon", ""],
    })
    value_labels = {"sex": {1: "female", 2: "male"},
                    "education": {1: "below_bac", 2: "bac", 3: "bac+2"},
                    "age": {999: "ne sait pas"}}
    column_labels = {"sex": "Sex", "education": "Highest diploma", "age": "Age in years"}
    return df, value_labels, column_labels


@pytest.mark.parametrize("extension", ["dta", "sav", "zsav"])
def test_stata_and_spss_labels_become_categoricals(tmp_path, labelled, extension):
    df, value_labels, column_labels = labelled
    path = tmp_path / f"survey.{extension}"
    if extension == "dta":
        pyreadstat.write_dta(df, path, column_labels=column_labels,
                             variable_value_labels=value_labels)
    else:
        pyreadstat.write_sav(df, path, column_labels=column_labels,
                             variable_value_labels=value_labels, compress=extension == "zsav",
                             variable_measure={"education": "ordinal"})
    with pytest.warns(MicropopWarning, match="'age' has value labels"):
        out = mp.read_survey(path)
    assert len(out) == 4
    assert out["sex"].tolist() == ["female", "male", "female", "male"]
    assert list(out["education"].cat.categories) == ["below_bac", "bac", "bac+2"]
    assert out["education"].tolist()[:3] == ["below_bac", "bac+2", "bac"]
    assert pd.isna(out["education"].iloc[3])
    # SPSS "ordinal" measure gives an ordered categorical; Stata has no measure level.
    assert out["education"].cat.ordered == (extension != "dta")
    assert out["age"].tolist() == [34.0, 999.0, 51.0, 27.0]  # partly labelled: numbers
    assert out["city"].tolist()[:3] == ["Île-Rousse", "Paris", "Lyon"]
    assert out.attrs["labels"] == column_labels


def test_codebook_over_stata_declares_order_and_missing(tmp_path, labelled):
    df, value_labels, column_labels = labelled
    path = tmp_path / "survey.dta"
    pyreadstat.write_dta(df, path, column_labels=column_labels, variable_value_labels=value_labels)
    cb = {"id": "id", "variables": {
        "id": {"type": "integer"},
        "education": {"type": "ordered", "levels": ["below_bac", "bac", "bac+2"]},
        "age": {"type": "integer", "range": [18, 99], "missing": {999: "ne sait pas"}},
    }}
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # declared columns: no warning about their labels
        out = mp.read_survey(path, codebook=cb)
    assert out["education"].cat.ordered
    assert list(out["education"].cat.categories) == ["below_bac", "bac", "bac+2"]
    assert out["education"].max() == "bac+2"
    assert out["age"].dtype == "Int64"
    assert out["age"].isna().tolist() == [False, True, False, False]
    assert out.attrs["labels"]["age"] == "Age in years"  # kept from the file


def test_returned_codebook_reads_the_file_back_identically(tmp_path, labelled):
    df, value_labels, column_labels = labelled
    path = tmp_path / "survey.sav"
    pyreadstat.write_sav(df, path, column_labels=column_labels, variable_value_labels=value_labels)
    with pytest.warns(MicropopWarning):
        first, codebook = mp.read_survey(path, return_codebook=True)
    assert codebook.variables["sex"].levels == {1: "female", 2: "male"}
    assert codebook.variables["education"].description == "Highest diploma"
    saved = codebook.to_file(tmp_path / "codebook.yaml")
    second = mp.read_survey(path, codebook=saved)
    pd.testing.assert_frame_equal(first, second)
    assert second.attrs == first.attrs


def test_returned_codebook_describes_undeclared_csv_columns(tmp_path):
    path = tmp_path / "survey.csv"
    path.write_text("id,score,name\n1,0.5,a\n2,1.5,b\n", encoding="utf-8")
    _, codebook = mp.read_survey(path, return_codebook=True)
    assert {n: v.type for n, v in codebook.variables.items()} == {
        "id": "integer", "score": "numeric", "name": "string"}
    partial = {"variables": {"name": {"type": "categorical", "description": "Name"}}}
    with pytest.warns(MicropopWarning):
        _, codebook = mp.read_survey(path, codebook=partial, return_codebook=True)
    assert list(codebook.variables) == ["id", "score", "name"]  # in the file's order
    assert codebook.variables["name"] == partial_var("name")


def partial_var(name):
    return mp.Codebook.from_dict({"variables": {name: {
        "type": "categorical", "description": "Name"}}}).variables[name]


def test_dates_with_declared_format(tmp_path):
    path = tmp_path / "survey.csv"
    path.write_text("d\n05/03/2019\n31/12/2018\n", encoding="utf-8")
    cb = {"variables": {"d": {"type": "date", "format": "%d/%m/%Y"}}}
    out = mp.read_survey(path, codebook=cb)
    assert out["d"].tolist() == [pd.Timestamp("2019-03-05"), pd.Timestamp("2018-12-31")]


def test_stata_integer_storage_types_become_Int64(tmp_path):
    path = tmp_path / "survey.dta"
    df = pd.DataFrame({"id": np.array([1, 2, 3], dtype="int32"),
                       "sex": np.array([1, 2, 1], dtype="int8"), "w": [1.5, 2.0, 0.5]})
    df.to_stata(path, write_index=False, variable_labels={"w": "Weight"},
                value_labels={"sex": {1: "female", 2: "male"}})
    out = mp.read_survey(path)
    assert out["id"].dtype == "Int64" and out["w"].dtype == np.float64
    assert out["sex"].tolist() == ["female", "male", "female"]
    assert out.attrs["labels"] == {"w": "Weight"}
