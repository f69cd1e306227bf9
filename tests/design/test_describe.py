"""Plain descriptive tables: shares and binned distributions."""

import numpy as np
import pandas as pd
import pytest

from micropop.describe import binned, shares
from micropop.errors import DataValidationError, MissingColumnError


@pytest.fixture
def frame():
    return pd.DataFrame({
        "sex": pd.Categorical(["f", "m", "f", "f"], categories=["f", "m", "x"]),
        "motive": ["money", "fun", None, "money"],
        "w": [1.0, 3.0, 2.0, 2.0],
    })


def test_shares_weighted_and_unweighted(frame):
    out = shares(frame, ["sex"], weights="w")
    assert out.loc[("sex", "f"), "n"] == 3
    assert out.loc[("sex", "f"), "weighted_share"] == pytest.approx(5 / 8)
    assert out.loc[("sex", "m"), "weighted_n"] == pytest.approx(3.0)
    # an empty declared level is kept, with a zero share
    assert out.loc[("sex", "x"), "n"] == 0


def test_shares_keep_missing_as_a_level(frame):
    out = shares(frame, ["motive"], weights="w").loc["motive"]
    assert out.loc["(missing)", "n"] == 1
    assert out["share"].sum() == pytest.approx(1.0)
    assert out["weighted_share"].sum() == pytest.approx(1.0)


def test_shares_unknown_column(frame):
    with pytest.raises(MissingColumnError, match="'age'"):
        shares(frame, ["age"])


def test_shares_bad_weights_name_rows(frame):
    frame.loc[2, "w"] = -1.0
    with pytest.raises(DataValidationError, match=r"'w'.*row 3 \(value: -1.0\)"):
        shares(frame, ["sex"], weights="w")


def test_binned_counts_every_row():
    x = pd.Series([0.0, 0.0, 0.5, 7.0, 250.0], name="earnings")
    out = binned(x, [0, 0.01, 5, 200], weights=pd.Series([1.0, 1.0, 2.0, 2.0, 4.0]))
    assert out["n"].tolist() == [2, 1, 1, 1]
    assert out["weighted_share"].tolist() == pytest.approx([0.2, 0.2, 0.2, 0.4])
    assert out["label"].iloc[-1] == "200+"
    assert np.isinf(out["high"].iloc[-1])


@pytest.mark.parametrize("values, where", [([1.0, np.nan], r"row 2 \(value: nan\)"),
                                           ([-3.0, 2.0], r"row 1 \(value: -3.0\)")])
def test_binned_rejects_missing_and_out_of_range(values, where):
    with pytest.raises(DataValidationError, match=r"'earnings'.*" + where):
        binned(pd.Series(values, name="earnings"), [0, 10])


def test_binned_custom_labels():
    out = binned(pd.Series([0.0, 3.0]), [0, 0.01, 5], labels=["0", "0-5", "5+"])
    assert out.set_index("label")["n"].to_dict() == {"0": 1, "0-5": 1, "5+": 0}
    with pytest.raises(DataValidationError, match="2 bin labels given for 3 bins"):
        binned(pd.Series([0.0]), [0, 0.01, 5], labels=["a", "b"])


def test_binned_rejects_unsorted_edges():
    with pytest.raises(DataValidationError, match="increasing"):
        binned(pd.Series([1.0]), [0, 10, 5])


def test_binned_takes_a_list_and_names_its_rows_from_one():
    assert binned([0.5, 2.0], [0, 1])["n"].tolist() == [1, 1]
    with pytest.raises(DataValidationError, match=r"data row 2 \(value: -2.0\)"):
        binned([1.0, -2.0], [0, 1])
