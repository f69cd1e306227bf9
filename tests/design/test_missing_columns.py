"""A column that is not in the data is refused one way, in the library as in the
configuration: every column listed (or the first ones and how many more) and the
closest name suggested, case, accents and separators aside (issue #13).

Names are misspelt at random as users do (case, a lost accent, a dropped, doubled or
swapped letter, a space for an underscore); the suggestion must be the name meant.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import micropop as mp
from micropop.errors import ConfigError, MissingColumnError, closest_name
from micropop.report.config_table import ConfigTable

#: Column names of a French survey, far enough apart that one typo leaves them apart.
NAMES = ["poids", "sexe", "âge", "région", "diplôme", "revenu_mensuel", "heures_semaine",
         "id_repondant", "plateformes", "strate", "commune", "catégorie_emploi"]
FAST = settings(max_examples=60, deadline=None)


def _plain(name: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", name)
                   if not unicodedata.combining(c))


@st.composite
def misspelt(draw: st.DrawFn) -> tuple[str, str]:
    """A name and a misspelling of it."""
    name = draw(st.sampled_from(NAMES))
    how = draw(st.sampled_from(["case", "accent", "drop", "double", "swap", "space"]))
    if how == "case":
        wrong = draw(st.sampled_from([name.upper(), name.capitalize(), name.title()]))
    elif how == "accent":
        wrong = _plain(name)
    elif how == "space":
        wrong = name.replace("_", " ")
    else:
        i = draw(st.integers(1, len(name) - 2))
        wrong = {"drop": name[:i] + name[i + 1:], "double": name[:i] + name[i] + name[i:],
                 "swap": name[:i] + name[i + 1] + name[i] + name[i + 2:]}[how]
    if wrong == name:  # e.g. a swap of two equal letters, or nothing to change
        wrong = name.upper()
    return name, wrong


@FAST
@given(case=misspelt())
def test_the_closest_name_is_the_one_meant(case):
    name, wrong = case
    assert closest_name(wrong, NAMES) == name


@FAST
@given(case=misspelt(), extra=st.integers(0, 30))
def test_a_design_refuses_a_misspelt_column_naming_all_columns_and_the_one_meant(case, extra):
    name, wrong = case
    columns = NAMES + [f"q{k}" for k in range(extra)]
    df = pd.DataFrame({c: [1.0, 2.0] for c in columns})
    with pytest.raises(MissingColumnError) as info:
        mp.SurveyDesign(df, weights=wrong)
    text = str(info.value)
    assert f"column(s) {wrong!r} not in the data (did you mean {name!r}?)" in text
    shown = columns[:20]
    assert f"There are {len(columns)} columns in the data: " + ", ".join(map(repr, shown)) in text
    assert (f" and {len(columns) - 20} more" in text) == (len(columns) > 20)


@FAST
@given(case=misspelt())
def test_estimators_weighting_and_the_codebook_suggest_the_same(case):
    name, wrong = case
    df = pd.DataFrame({c: [1.0, 2.0, 3.0] for c in NAMES})
    des = mp.SurveyDesign(df, weights="poids")
    suggestion = f"(did you mean {name!r}?)"
    for call in (lambda: des.mean(wrong), lambda: des.total("poids", by=wrong),
                 lambda: mp.Codebook.from_dict({"variables": {wrong: {"type": "numeric"}}}
                                               ).apply(df)):
        with pytest.raises(MissingColumnError) as info:
            call()
        assert suggestion in str(info.value), str(info.value)


@FAST
@given(case=misspelt())
def test_the_configuration_refuses_a_misspelt_column_as_the_library_does(case):
    name, wrong = case
    df = pd.DataFrame({c: [1.0] for c in NAMES})
    table = ConfigTable({}, "survey", Path("analysis.toml"), keys={"survey": ("weights",)})
    with pytest.raises(ConfigError) as info:
        table.columns("weights", [wrong], df, Path("enquete.csv"))
    text = str(info.value)
    assert re.search(rf"\[survey\] weights: column\(s\) {re.escape(repr(wrong))} not in "
                     rf"enquete\.csv \(did you mean {re.escape(repr(name))}\?\)", text), text
    assert "There are 12 columns in enquete.csv: " + ", ".join(map(repr, NAMES)) in text


def test_no_suggestion_for_a_name_close_to_none():
    with pytest.raises(MissingColumnError) as info:
        mp.SurveyDesign(pd.DataFrame({"poids": [1.0], "sexe": ["f"]}), weights="zzz")
    assert "did you mean" not in str(info.value)
    assert "There are 2 columns in the data: 'poids', 'sexe'" in str(info.value)
