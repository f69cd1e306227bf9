"""``micropop estimate``: ``--category`` names the category, ``--level`` the coverage beside it.

``--level`` named proportion's category; like ``proportion(level=)``, it keeps that meaning
(with a deprecation note) until ``--category`` is given, and is the coverage then.
"""

from __future__ import annotations

import json
import warnings

import pytest

from micropop.cli import main

WORKERS = ["--dataset", "worker_survey", "--weights", "weight", "--format", "json"]
SEX = ["estimate", "proportion", "sex", *WORKERS]


def _run(capsys, *args) -> tuple[int, list, str]:
    status = main([str(a) for a in args])
    out = capsys.readouterr()
    return status, json.loads(out.out) if status == 0 else [], out.err


def test_level_with_category_is_the_coverage(capsys) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        status, at_90, err = _run(capsys, *SEX, "--category", "female", "--level", "0.9")
    assert status == 0 and err == ""
    assert not [w for w in caught if issubclass(w.category, DeprecationWarning)]
    _, old_90, _ = _run(capsys, *SEX, "--category", "female", "--conf-level", "0.9")
    _, at_95, _ = _run(capsys, *SEX, "--category", "female")
    assert at_90 == old_90 and at_90 != at_95
    assert at_90[0]["estimate"] == at_95[0]["estimate"]
    assert at_90[0]["ci_high"] - at_90[0]["ci_low"] < at_95[0]["ci_high"] - at_95[0]["ci_low"]


@pytest.mark.parametrize("column, category", [("sex", "female"), ("has_other_job", "1")])
def test_level_alone_still_names_the_category_with_a_note(capsys, column, category) -> None:
    args = ["estimate", "proportion", column, *WORKERS]
    with pytest.warns(DeprecationWarning, match="--level names the category here for now: "
                                                f"write --category {category}"):
        status, old, _ = _run(capsys, *args, "--level", category)
    assert status == 0 and old == _run(capsys, *args, "--category", category)[1]


@pytest.mark.parametrize("extra, message", [
    (["--category", "female", "--level", "0.9", "--conf-level", "0.9"],
     "--level and --conf-level both give the coverage"),
    (["--category", "female", "--level", "high"], "--level='high' is not a number"),
    (["--category", "female", "--level", "95"], "--level=95 is not a coverage"),
    (["--category", "nope"], "--category 'nope' is not a level of column 'sex'"),
])
def test_bad_level_flags_are_refused_by_name(capsys, extra, message) -> None:
    status, _, err = _run(capsys, *SEX, *extra)
    assert status == 1 and message in err


def test_category_applies_to_proportion_only(capsys) -> None:
    status, _, err = _run(capsys, "estimate", "mean", "hours_week", *WORKERS,
                          "--category", "female")
    assert status == 1 and "--category does not apply to 'mean'" in err


def test_help_names_both_flags(capsys) -> None:
    with pytest.raises(SystemExit):
        main(["estimate", "--help"])
    text = capsys.readouterr().out
    assert "--category CATEGORY" in text and "--level LEVEL" in text
