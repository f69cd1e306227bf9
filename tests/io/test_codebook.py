"""Codebook: the file format, round trips, the rules apply() follows, malformed codebooks."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

import micropop as mp
from micropop.codebook import Variable
from micropop.errors import (
    CodebookError,
    InvalidLevelError,
    MicropopWarning,
    NonNumericError,
    OutOfRangeError,
    SurveyFileNotFoundError,
)

# The format of the issue, as the demo codebooks are written.
SPEC_YAML = """\
dataset: worker_survey            # optional
description: "Synthetic demo ..."  # optional
id: id                            # optional: respondent id column, must be unique
variables:
  id:
    type: integer
    description: Respondent identifier
  sex:
    type: categorical
    levels: [female, male]         # list: the data hold the labels themselves
    description: Sex
  region_code:
    type: categorical
    levels: {11: "Île-de-France", 24: "Centre-Val de Loire"}   # mapping: codes -> labels
  education:
    type: ordered                  # ordered categorical; order = order of levels as written
    levels: [below_bac, bac, bac+2, above_bac+2]
  age:
    type: integer
    range: [18, 99]                # inclusive; either end may be null
    missing: {-1: refused, 999: "ne sait pas"}   # or a plain list [-1, 999]
    description: Age in years
  earnings:
    type: numeric
    range: [0, null]
  interview_date:
    type: date
    format: "%Y-%m-%d"             # optional
  comment:
    type: string
"""


@pytest.fixture
def spec_codebook(tmp_path) -> mp.Codebook:
    path = tmp_path / "codebook.yaml"
    path.write_text(SPEC_YAML, encoding="utf-8")
    return mp.Codebook.from_file(path)


@pytest.fixture
def spec_data() -> pd.DataFrame:
    return pd.DataFrame({
        "id": ["1", "2", "3"],
        "sex": ["female", "male", None],
        "region_code": ["11", "24", "11"],
        "education": ["bac", "above_bac+2", "below_bac"],
        "age": ["34", "-1", "999"],
        "earnings": ["12.5", "0", ""],
        "interview_date": ["2019-03-05", "2019-03-06", None],
        "comment": ["ok", None, "à revoir"],
    })


def test_spec_format_is_read_exactly(spec_codebook):
    cb = spec_codebook
    assert (cb.dataset, cb.id) == ("worker_survey", "id")
    assert list(cb.variables) == ["id", "sex", "region_code", "education", "age", "earnings",
                                  "interview_date", "comment"]
    assert cb.variables["region_code"].levels == {11: "Île-de-France", 24: "Centre-Val de Loire"}
    assert cb.variables["education"].categories == ("below_bac", "bac", "bac+2", "above_bac+2")
    assert cb.variables["age"].missing == {-1: "refused", 999: "ne sait pas"}
    assert cb.variables["earnings"].range == (0, None)
    assert cb.variables["interview_date"].format == "%Y-%m-%d"


def test_apply_converts_every_type(spec_codebook, spec_data):
    out = spec_codebook.apply(spec_data, source="demo")
    assert len(out) == 3 and list(out.columns) == list(spec_data.columns)
    assert out["id"].dtype == "Int64"
    assert list(out["sex"].cat.categories) == ["female", "male"] and not out["sex"].cat.ordered
    assert out["region_code"].tolist() == ["Île-de-France", "Centre-Val de Loire", "Île-de-France"]
    assert out["education"].cat.ordered
    assert list(out["education"].cat.categories) == ["below_bac", "bac", "bac+2", "above_bac+2"]
    assert out["age"].dtype == "Int64" and out["age"].isna().tolist() == [False, True, True]
    assert out["earnings"].dtype == np.float64 and np.isnan(out["earnings"].iloc[2])
    assert out["interview_date"].iloc[0] == pd.Timestamp("2019-03-05")
    assert out["comment"].dtype == "string" and out["comment"].iloc[2] == "à revoir"
    assert out.attrs["labels"] == {"id": "Respondent identifier", "sex": "Sex",
                                   "age": "Age in years"}
    assert spec_data["age"].tolist() == ["34", "-1", "999"]  # the input is not modified


def test_codes_match_whatever_their_storage(spec_codebook, spec_data):
    """11, 11.0 and "11" are the same code; a mapping also accepts the labels."""
    numeric = spec_data.assign(region_code=[11.0, 24.0, np.nan], age=[34, -1.0, 999],
                               id=[1, 2, 3])
    out = spec_codebook.apply(numeric)
    assert out["region_code"].tolist()[:2] == ["Île-de-France", "Centre-Val de Loire"]
    labels = spec_data.assign(region_code=["Île-de-France", "24", "Centre-Val de Loire"])
    assert spec_codebook.apply(labels)["region_code"].tolist()[2] == "Centre-Val de Loire"


def test_missing_codes_are_never_levels():
    var = Variable("q", "categorical", levels={1: "yes", 2: "no", 9: "ne sait pas"},
                   missing=(9,))
    out = var.convert(pd.Series([1, 9, 2]))
    assert list(out.cat.categories) == ["yes", "no"]
    assert out.isna().tolist() == [False, True, False]


def test_missing_codes_as_text_and_as_parsed_numbers():
    var = Variable("age", "integer", missing=("NSP", -1))
    out = var.convert(pd.Series(["NSP", "-1.0", "40", " -1 "]))
    assert out.tolist() == [pd.NA, pd.NA, 40, pd.NA]


def test_categorical_without_levels_takes_the_data_values():
    out = Variable("c", "categorical").convert(pd.Series(["b", "a", None]))
    assert list(out.cat.categories) == ["a", "b"]


def test_validate_checks_without_returning(spec_codebook, spec_data):
    assert spec_codebook.validate(spec_data) is None
    with pytest.raises(OutOfRangeError, match="column 'age'.*data row 1 .*value: 17"):
        spec_codebook.validate(spec_data.assign(age=["17", "40", "50"]), source="demo")


def test_apply_names_the_source_and_warns_on_extra_columns(spec_codebook, spec_data):
    with pytest.warns(MicropopWarning, match="panel.csv: 1 column not in the codebook.*'weight'"):
        spec_codebook.apply(spec_data.assign(weight=1.0), source="panel.csv")
    with pytest.raises(NonNumericError, match=r"panel\.csv: column 'earnings'.*'12,5x'"):
        spec_codebook.apply(spec_data.assign(earnings=["12,5x", "1", "2"]), source="panel.csv")


def test_decimal_comma_in_memory():
    var = Variable("x", "numeric")
    assert var.convert(pd.Series(["12,5", "3"]), decimal=",").tolist() == [12.5, 3.0]


@pytest.mark.parametrize("suffix", [".yaml", ".yml", ".json"])
def test_file_round_trip(tmp_path, spec_codebook, suffix):
    path = spec_codebook.to_file(tmp_path / f"copy{suffix}")
    again = mp.Codebook.from_file(path)
    assert again == spec_codebook
    assert again.to_dict() == spec_codebook.to_dict()
    assert "Île-de-France" in path.read_text(encoding="utf-8")  # written as UTF-8, not escaped


def test_json_codebook_with_text_keys(tmp_path):
    path = tmp_path / "codebook.json"
    path.write_text(json.dumps({"variables": {
        "dept": {"type": "categorical", "levels": {"01": "Ain", "75": "Paris"}}}}),
        encoding="utf-8")
    cb = mp.Codebook.from_file(path)
    assert cb.variables["dept"].levels == {"01": "Ain", 75: "Paris"}  # "01" keeps its zero
    assert cb.apply(pd.DataFrame({"dept": ["01", "75"]}))["dept"].tolist() == ["Ain", "Paris"]


def test_dict_round_trip_and_label_alias():
    cb = mp.Codebook.from_dict({"variables": {"age": {"type": "integer", "label": "Age"}}})
    assert cb.variables["age"].description == "Age"
    assert cb.to_dict() == {"variables": {"age": {"type": "integer", "description": "Age"}}}


def test_from_frame_starts_a_codebook():
    df = pd.DataFrame({"edu": pd.Categorical(["bac", "bac+2"], categories=["bac", "bac+2"],
                                             ordered=True),
                       "d": pd.to_datetime(["2019-01-01", "2019-01-02"]), "s": ["a", "b"]})
    df.attrs["labels"] = {"edu": "Diploma"}
    cb = mp.Codebook.from_frame(df)
    assert cb.variables["edu"] == Variable("edu", "ordered", "Diploma", levels=("bac", "bac+2"))
    assert [v.type for v in cb.variables.values()] == ["ordered", "date", "string"]
    pd.testing.assert_frame_equal(cb.apply(df), df, check_dtype=False)


# --- malformed codebooks ----------------------------------------------------

MALFORMED = [
    ({"variables": {"age": {"type": "intger"}}},
     r"'age': unknown type 'intger' \(did you mean 'integer'\?\)"),
    ({"variables": {"age": {"type": "integer", "rnage": [0, 1]}}},
     r"'age': unknown key 'rnage' \(did you mean 'range'\?\)"),
    ({"variables": {"age": {"type": "integer", "range": [99, 18]}}},
     r"'age': range \[99, 18\] has its minimum above"),
    ({"variables": {"age": {"type": "integer", "range": [18]}}},
     r"'age': range must be \[min, max\]"),
    ({"variables": {"age": {"type": "integer", "range": ["a", 3]}}},
     r"'age': range \['a', 3\] does not hold numbers"),
    ({"variables": {"r": {"type": "categorical", "levels": {1: "Paris", 2: "Paris"}}}},
     r"'r': labels repeated in levels: 'Paris'"),
    ({"variables": {"r": {"type": "categorical", "levels": {1: "a", "1": "b"}}}},
     r"'r': codes repeated in levels: '1'"),
    ({"variables": {"r": {"type": "categorical", "levels": [True, False]}}},
     r"'r': label True is not a text"),
    ({"variables": {"r": {"type": "categorical", "levels": []}}}, r"'r': levels are empty"),
    ({"variables": {"x": {"type": "numeric", "levels": [1, 2]}}},
     r"'x': levels are given but the type is 'numeric'"),
    ({"variables": {"x": {"type": "string", "range": [1, 2]}}},
     r"'x': a range is given but the type is 'string'"),
    ({"variables": {"x": {"type": "numeric", "format": "%Y"}}}, r"'x': a format is given"),
    ({"variables": {"x": {"type": "numeric", "missing": 99}}},
     r"'x': `missing` must be a list or a mapping"),
    ({"variables": {"x": {"description": "no type"}}}, r"'x': no type"),
    ({"variables": {"x": "numeric"}}, r"'x': entry must be a mapping"),
    ({"variables": {"x": {"type": "numeric", "label": "a", "description": "b"}}},
     r"'x': both `label` and `description`"),
    ({"dataset": "d"}, r"declares no `variables`"),
    ({"varaibles": {}}, r"unknown codebook key 'varaibles' \(did you mean 'variables'\?\)"),
    (["age"], r"must be a mapping"),
]


@pytest.mark.parametrize(("data", "message"), MALFORMED, ids=[m[1][:30] for m in MALFORMED])
def test_malformed_codebook(data, message):
    with pytest.raises(CodebookError, match=message) as info:
        mp.Codebook.from_dict(data)
    assert info.value.hint


def test_ordered_without_levels_fails_when_applied():
    cb = mp.Codebook.from_dict({"variables": {"e": {"type": "ordered"}}})
    with pytest.raises(CodebookError, match="'e' is declared ordered but no levels"):
        cb.apply(pd.DataFrame({"e": ["a"]}))


@pytest.mark.parametrize(("name", "text", "message"), [
    ("cb.yaml", "variables:\n  age: {type: integer\n", r"cb\.yaml.*not valid YAML.*line"),
    ("cb.json", '{"variables": {', r"cb\.json.*not valid JSON"),
    ("cb.yaml", "", r"cb\.yaml.*must be a mapping, got NoneType"),
    ("cb.toml", "[variables]", r"cb\.toml.*extension '\.toml'"),
    ("cb.yaml", "variables:\n  age: {type: integer, rnage: [0, 1]}\n",
     r"cb\.yaml.*'age': unknown key 'rnage'"),
])
def test_unreadable_codebook_files(tmp_path, name, text, message):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CodebookError, match=message):
        mp.Codebook.from_file(path)


def test_missing_codebook_file(tmp_path):
    with pytest.raises(SurveyFileNotFoundError, match="codebook file .*absent.yaml"):
        mp.Codebook.from_file(tmp_path / "absent.yaml")


def test_yaml_booleans_in_levels_are_caught(tmp_path):
    path = tmp_path / "cb.yaml"
    path.write_text("variables:\n  q: {type: categorical, levels: [yes, no]}\n", encoding="utf-8")
    with pytest.raises(CodebookError, match="label True is not a text") as info:
        mp.Codebook.from_file(path)
    assert "quote" in info.value.hint


def test_merged_codebook_maps_file_codes_to_declared_order():
    from_file = mp.Codebook.from_dict({"variables": {
        "edu": {"type": "categorical", "levels": {1: "bac", 2: "below_bac"},
                "description": "Dip"}}})
    mine = mp.Codebook.from_dict({"id": "edu", "variables": {
        "edu": {"type": "ordered", "levels": ["below_bac", "bac"]}}})
    merged = from_file.merged(mine)
    assert merged.id == "edu"
    assert merged.variables["edu"] == Variable("edu", "ordered", "Dip",
                                               levels={2: "below_bac", 1: "bac"})
    out = merged.variables["edu"].convert(pd.Series([1, 2]))
    assert out.tolist() == ["bac", "below_bac"] and out.iloc[1] == out.min()


def test_invalid_level_lists_the_allowed_levels(spec_codebook, spec_data):
    bad = spec_data.assign(region_code=["11", "93", "75"])
    with pytest.raises(InvalidLevelError,
                       match=r"'region_code' holds 2 values outside its levels \(11=Île-de-France, "
                             r"24=Centre-Val de Loire\): data rows 2, 3 "
                             r"\(id 2, 3; values: '93', '75'\)"):
        spec_codebook.apply(bad)
