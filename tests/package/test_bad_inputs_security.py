"""Hostile subset expressions (issue #11): text is data, never code.

``des.subset("...")`` used to hand the string to ``DataFrame.eval``, which
resolves ``@`` names and calls methods: a string could write a file. Now
:mod:`micropop.expressions` reads it with a whitelist. These tests check that
(a) known attacks are refused with :class:`ExpressionError` and run nothing,
(b) random text never raises anything else and never runs code, (c) legal
conditions select the same rows as pandas' ``query`` on hostile but legal
data, and (d) the source tree evaluates no user text anywhere else.
"""

from __future__ import annotations

import ast
import contextlib
import os
import pathlib
import sys
import tempfile

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from micropop.design import SurveyDesign
from micropop.errors import ExpressionError, MicropopError
from micropop.expressions import ALLOWED, MAX_DEPTH, MAX_LENGTH, evaluate
from support.paths import ROOT

SRC = ROOT / "src" / "micropop"

# --- a sandbox: a fresh empty working directory, and the audit events raised in it ---

#: Audit events (PEP 578) that mean code ran or the system was touched.
FORBIDDEN_EVENTS = {
    "exec", "os.system", "subprocess.Popen", "os.exec", "os.posix_spawn", "os.spawn",
    "os.fork", "os.kill", "os.remove", "os.rename", "os.rmdir", "os.mkdir", "os.chmod",
    "shutil.rmtree", "shutil.copyfile", "socket.connect", "socket.bind", "pickle.find_class",
    "marshal.loads", "code.__new__", "function.__new__", "builtins.input", "ctypes.dlopen",
    "ctypes.call_function", "webbrowser.open", "os.putenv", "os.truncate", "sys.settrace",
}
_AUDIT: dict[str, list | None] = {"events": None}


def _audit(event: str, args: tuple) -> None:
    events = _AUDIT["events"]
    if events is None:
        return
    if event in FORBIDDEN_EVENTS:
        events.append(event)
    elif event == "open" and len(args) > 1 and isinstance(args[1], str) and (
            set(args[1]) & set("wax+")):
        events.append(f"open {args[0]!r} for writing")


sys.addaudithook(_audit)  # cannot be removed; it records only inside sandbox()


@contextlib.contextmanager
def sandbox():
    """Run in an empty temporary directory; fail if a file appears or code runs."""
    before = os.getcwd()
    with tempfile.TemporaryDirectory() as folder:
        os.chdir(folder)
        _AUDIT["events"] = events = []
        try:
            yield
        finally:
            _AUDIT["events"] = None
            os.chdir(before)
            written = os.listdir(folder)
        assert not written, f"files written: {written}"
        assert not events, f"forbidden audit events: {events}"


# --- data -----------------------------------------------------------------------------------

HOSTILE_TEXT = ["O'Brien", 'say "hi"', "a & b", "a | b", "@pd", "__import__('os').system('x')",
                "é🙂", "", " ", "`tick`", "#hash", "back\\slash", "new\nline", "None", "nan"]


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return pd.DataFrame({
        "age": [17.0, 30.0, np.nan, 70.0, 45.0, 25.0],
        "sex": ["f", "m", "f", "f", None, "m"],
        "band": pd.Categorical(["a", "b", "c", "a", "b", None], categories=["a", "b", "c"],
                               ordered=True),
        "region": pd.Categorical(["n", "s", "n", "s", "n", "n"]),
        "flag": [True, False, True, False, True, True],
        "âge déclaré": [18, 30, 40, 70, 45, 25],
        "w": 1.0,
    })


def design(frame: pd.DataFrame) -> SurveyDesign:
    return SurveyDesign(frame, weights="w")


# --- (a) a battery of attacks ------------------------------------------------------------------

PWNED = "'pwned'"
ATTACKS = [
    "@pd.io.common.get_handle('pwned', 'w')",
    "@pd.io.common.os.system('touch pwned')",
    "age == @os.system('touch pwned')",
    "__import__('os').system('touch pwned')",
    "__import__('pathlib').Path('pwned').write_text('x')",
    "().__class__.__bases__[0].__subclasses__()",
    "[].__class__.__base__.__subclasses__()",
    "age.__class__",
    "age.__init__.__globals__",
    "age.__dict__",
    "__builtins__",
    f"open({PWNED}, 'w')",
    f"open({PWNED}, 'w').write('x')",
    f"age > 3 and open({PWNED}, 'w')",
    f"age > 3 & open({PWNED}, 'w').close() == None",
    f"(lambda: open({PWNED}, 'w'))()",
    f"lambda: open({PWNED}, 'w')",
    f"f'{{open({PWNED}, \"w\")}}' == 'x'",
    f"F'{{open({PWNED}, \"w\")}}' == sex",
    "rb'x' == sex",
    f"(x := open({PWNED}, 'w'))",
    f"[open({PWNED}, 'w') for _ in [1]]",
    f"{{open({PWNED}, 'w'): 1}}",
    f"age.to_csv({PWNED})",
    f"`age`.to_pickle({PWNED})",
    f"age.values.tofile({PWNED})",
    f"age.pipe(open, {PWNED}, 'w')",
    "sex.str.cat(sep='x') == 'x'",
    f"exec('open({PWNED}, \"w\")')",
    "eval('1') == 1",
    "compile('1', 'x', 'eval')",
    f"getattr(age, 'to_csv')({PWNED})",
    "breakpoint()",
    f"age.isin(open({PWNED}, 'w'))",
    f"age.isin([open({PWNED}, 'w')])",
    f"age.between(open({PWNED}, 'w'), 2)",
    f"age.between(1, 2, inclusive=open({PWNED}, 'w'))",
    f"sex in [open({PWNED}, 'w')]",
    "sex in (__import__('os'),)",
    f"age > 3; open({PWNED}, 'w')",
    f"age > 3\nopen({PWNED}, 'w')",
    f"age > 3 # open({PWNED}, 'w')",
    f"age[open({PWNED}, 'w')] > 1",
    f"age if open({PWNED}, 'w') else age",
    f"-open({PWNED}, 'w') < age",
    f"age + open({PWNED}, 'w') > 1",
    f"*open({PWNED}, 'w')",
    f"await open({PWNED}, 'w')",
    f"(yield open({PWNED}, 'w'))",
    "age.isna()()",
    "age.isna.__call__()",
    "age.notna().__class__",
    "`age`.__class__",
    "`__import__('os')` > 1",
    "age is not None",
    "age == None",
    "\x00",
    "age\x00 > 1",
    "'\\x00' == sex",
    "~" * 5000 + "flag",
    "(" * 1000 + "flag" + ")" * 1000,
    "not " * 2000 + "flag",
    "-" * 9000 + "1 < age",
    "age" + ".isna()" * 1500,
    "age" + "[0]" * 3000,
    "age == " + "[" * 300 + "]" * 300,
    "sex in " + "[" * 60 + "'f'" + "]" * 60,
    "~" * (MAX_DEPTH + 1) + "flag",
    "x" * (MAX_LENGTH + 1),
    "flag | " * 2000 + "flag",
    "",
    "   \n\t",
]


@pytest.mark.parametrize("text", ATTACKS, ids=lambda t: repr(t[:40]))
def test_attacks_are_refused_and_run_nothing(frame, text):
    with sandbox(), pytest.raises(ExpressionError) as caught:
        design(frame).subset(text)
    err = caught.value
    assert isinstance(err, MicropopError) and isinstance(err, ValueError)
    assert str(err).startswith("subset expression"), str(err)
    assert err.hint


def test_the_sandbox_sees_what_dataframe_eval_used_to_run(frame):
    """Negative control: the issue's attack, through pandas as subset used to call it, is seen."""
    with pytest.raises(AssertionError, match="files written: \\['pwned'\\]"):
        with sandbox():
            frame.eval("age.to_csv('pwned')")


def test_the_refusal_names_the_part_and_its_position(frame):
    with pytest.raises(ExpressionError, match=r"attribute access '\.__class__' \(character 4\)"):
        evaluate("age.__class__", frame)
    with pytest.raises(ExpressionError, match=r"calling \"open\('x'\)\" \(character 11\)"):
        evaluate("age > 3 & open('x')", frame)
    with pytest.raises(ExpressionError, match=r"'@' \(character 8\).*cannot read variables"):
        evaluate("age == @limit", frame)
    with pytest.raises(ExpressionError, match=r"the method '\.to_csv\(\)' \(character 9\)"):
        evaluate("`age`   .to_csv('x')", frame)
    with pytest.raises(ExpressionError) as caught:
        evaluate("age + 1 > 3", frame)
    assert "arithmetic '+'" in str(caught.value) and "des.assign" in caught.value.hint
    assert caught.value.hint.endswith(ALLOWED)


def test_positions_count_characters_of_the_text_as_written(frame):
    # accents (several UTF-8 bytes), backticks and '&' (read as 'and') before the error
    with pytest.raises(ExpressionError, match=r"'\.__dict__' \(character 24\)"):
        evaluate("`âge déclaré` > 1 & age.__dict__", frame)


# --- the grammar's checks -------------------------------------------------------------------


@pytest.mark.parametrize("text, message", [
    ("sex == 1", r"column 'sex' holds text, and 1 \(character 8\) is a number"),
    ("age == 'a'", r"column 'age' holds numbers, and 'a' \(character 8\) is text"),
    ("age.isin([18, '30'])", r"'30' \(character 15\) is text"),
    ("flag == 1", r"holds True/False values, and 1 .* is a number"),
    ("region == 2", r"column 'region' holds text, and 2"),
    ("agee > 3", r"unknown column 'agee' \(character 1\) \(closest: 'age'\)"),
    ("Sex == 'f'", r"unknown column 'Sex' .*\(closest: 'sex'\)"),
    ("`age declare` > 3", r"unknown column 'age declare' .*\(closest: 'âge déclaré'\)"),
    ("band == 'd'", r"'d' \(character 9\) is not a level of column 'band'"),
    ("region in ['N', 's']", r"'N' .* is not a level of column 'region' \(closest: 'n'\)"),
    ("sex != 'femal'", r"'femal' .* is not a value of column 'sex'"),
    ("region > 'n'", r"'>' needs ordered values, and column 'region' holds text"),
    ("sex <= 'm'", r"'<=' needs ordered values"),
    ("age == None", r"None \(character 8\) is not a value"),
    ("age", r"column 'age' \(character 1\) holds numbers, not True/False"),
    ("1 < 2", r"compares two values and no column"),
    ("'f' in sex", r"'in' needs a column on its left"),
    ("age in 18", r"must be a list of values"),
    ("age.between(64, 18)", r"lower bound above its upper bound"),
    ("age > sex", r"compares column 'age' \(numbers\) with column 'sex' \(text\)"),
    ("sex < region", r"'<' .* needs ordered values"),
])
def test_mismatches_are_refused_by_name(frame, text, message):
    with pytest.raises(ExpressionError, match=message):
        evaluate(text, frame)


def test_missing_values_follow_r_subset(frame):
    """Unknown (a missing value involved) is never kept; isna() selects missing rows."""
    age_missing = frame["age"].isna().to_numpy()
    assert not evaluate("age != 30", frame)[age_missing].any()
    assert not evaluate("~(age > 30)", frame)[age_missing].any()
    assert not evaluate("not age > 30", frame)[age_missing].any()
    assert not evaluate("age not in [30]", frame)[age_missing].any()
    assert evaluate("(age > 30) | age.isna()", frame)[age_missing].all()
    assert evaluate("age.isna()", frame).tolist() == age_missing.tolist()
    assert evaluate("~age.notna()", frame).tolist() == age_missing.tolist()
    # three-valued logic: unknown | True is True, unknown & False is False (not kept either way)
    assert evaluate("age > 30 | flag", frame)[age_missing].all()
    assert evaluate("~(age > 30 & ~flag)", frame)[age_missing].all()
    # a missing text or level is unknown too
    assert evaluate("sex != 'm'", frame).tolist() == [True, False, True, True, False, False]
    assert evaluate("band != 'a'", frame).tolist() == [False, True, True, False, True, False]


def test_pandas_spelling_and_precedence(frame):
    same = evaluate("(age > 20) & (sex == 'f')", frame)
    for text in ("age > 20 & sex == 'f'", "age > 20 and sex == 'f'",
                 "not (age <= 20 or sex != 'f') | age.isna() & age.notna()"):
        assert evaluate(text, frame).tolist() == same.tolist(), text
    assert evaluate("18 <= age < 65", frame).tolist() == evaluate(
        "age >= 18 and age < 65", frame).tolist()
    assert evaluate("65 > age", frame).tolist() == evaluate("age < 65", frame).tolist()
    assert evaluate("age.between(25, 45)", frame).tolist() == [False, True, False, False,
                                                               True, True]
    assert evaluate("band >= 'b'", frame).tolist() == [False, True, True, False, True, False]
    assert evaluate("`âge déclaré`.between(18, 30) and flag", frame).tolist() == [
        True, False, False, False, False, True]
    assert evaluate("sex in ('f',) and region not in {'s'}", frame).tolist() == [
        True, False, True, False, False, False]
    assert evaluate("age\n  >= 30\n  and flag", frame).tolist() == [False, False, False, False,
                                                                    True, False]
    assert evaluate("age > -1e999", frame).sum() == 5


def test_names_as_written_not_normalised():
    # Python folds the identifier 'ﬁle' (ligature) to 'file'; the column is the one written
    data = pd.DataFrame({"file": [1, 2], "ﬁle": [2, 1]})
    assert evaluate("ﬁle > 1", data).tolist() == [True, False]
    assert evaluate("file > 1", data).tolist() == [False, True]


def test_backtick_placeholders_cannot_be_named_by_the_user():
    data = pd.DataFrame({"a b": [1, 2], "_bt0_": [2, 1], "_bt_0_": [5, 5], "0": [1, 0]})
    assert evaluate("`a b` == 1 & _bt0_ == 2", data).tolist() == [True, False]
    assert evaluate("`a b` == 1 & _bt_0_ == 5", data).tolist() == [True, False]
    assert evaluate("`0` == 1", data).tolist() == [True, False]


def test_duplicate_and_non_text_columns():
    data = pd.DataFrame([[1, 2, 3]], columns=["a", "a", 7])
    with pytest.raises(ExpressionError, match="names 2 columns"):
        evaluate("a > 1", data)
    assert evaluate("`7` == 3", data).tolist() == [True]


def test_dates_nullable_and_mixed_columns():
    data = pd.DataFrame({
        "d": pd.to_datetime(["2020-01-01", None, "2022-05-05"]),
        "n": pd.array([1, None, 3], dtype="Int64"),
        "b": pd.array([True, None, False], dtype="boolean"),
        "mixed": ["a", 1, None], "empty": [None, None, None], "big": [2**62, -2**62, 0],
    })
    assert evaluate("d >= '2021-01-01'", data).tolist() == [False, False, True]
    assert evaluate("n >= 1 & b", data).tolist() == [True, False, False]
    assert evaluate("~b", data).tolist() == [False, False, True]
    assert evaluate("big == 4611686018427387904", data).tolist() == [True, False, False]
    assert evaluate("big < 2**62".replace("2**62", str(2**70)), data).all()
    for text, message in [("d > 'soon'", "is not a date"), ("d > 5", "holds dates"),
                          ("d > '2020-01-01T00:00+01:00'", "time zone"),
                          ("mixed == 'a'", "mixed kinds"), ("empty == 'a'", "only missing"),
                          ("n == 'a'", "holds numbers")]:
        with pytest.raises(ExpressionError, match=message):
            evaluate(text, data)
    assert evaluate("mixed.isna() | empty.notna()", data).tolist() == [False, False, True]


def test_subset_checks_values_against_the_whole_sample(frame):
    des = design(frame)
    men = des.subset("sex == 'm'")
    # 'f' is absent from the domain but a value of the sample: a legal (empty-free) condition
    assert len(men.subset("sex != 'f'").data) == 2
    with pytest.raises(ExpressionError, match="'F'.*closest: 'f'"):
        des.subset("sex == 'F'")
    with pytest.raises(MicropopError, match="keeps no row"):
        men.subset("sex == 'f'")
    kept = des.subset("age >= 25 and age <= 64")
    assert kept.data.index.tolist() == frame.index[
        frame["age"].between(25, 64)].tolist()


def test_long_flat_expressions_are_read(frame):
    text = " | ".join(["age == 30"] * 800)
    assert len(text) < MAX_LENGTH
    assert evaluate(text, frame).tolist() == evaluate("age == 30", frame).tolist()


def test_not_text():
    with pytest.raises(ExpressionError, match="must be text"):
        evaluate(3, pd.DataFrame({"a": [1]}))


# --- (b) random text --------------------------------------------------------------------------

TOKENS = ["age", "sex", "band", "region", "flag", "`âge déclaré`", "`age`", "`", "(", ")", "[",
          "]", "{", "}", ",", ":", ".", "==", "!=", "<", "<=", ">", ">=", "=", ":=", "&", "|",
          "~", "-", "+", "*", "**", "/", "and", "or", "not", "in", "is", "if", "else", "lambda",
          "for", ".isin", ".between", ".isna()", ".notna()", ".__class__", ".to_csv", "'f'",
          "'m'", "'a'", "'c'", '"pwned"', "'w'", "18", "-1", "1.5", "1e999", "0x1F", "1j", "True",
          "None", "@x", "@pd", "__import__", "open", "os", "system", "f'", "b'", "'", '"', "#",
          "\\", "\n", ";", "é", "\x00", "__builtins__", "()", "[]"]

random_text = st.one_of(
    st.tuples(st.lists(st.sampled_from(TOKENS), max_size=25),
              st.sampled_from([" ", ""])).map(lambda parts: parts[1].join(parts[0])),
    st.text(max_size=60),
)


@settings(max_examples=300, deadline=None)
@given(text=random_text)
def test_random_text_is_refused_cleanly_or_selects_rows(text):
    data = _FRAME
    with sandbox():
        try:
            mask = evaluate(text, data)
        except ExpressionError as err:
            assert str(err).startswith("subset expression")
        else:
            assert mask.dtype == bool and mask.shape == (len(data),)


_FRAME = pd.DataFrame({
    "age": [17.0, 30.0, np.nan, 70.0], "sex": ["f", "m", "f", None],
    "band": pd.Categorical(["a", "b", "c", "a"], ordered=True),
    "region": pd.Categorical(["n", "s", "n", None]), "flag": [True, False, True, False],
    "âge déclaré": [18, 30, 40, 70],
})

# well-formed but type-random conditions, to exercise the checks rather than the parser
_COLUMNS = ["age", "sex", "band", "region", "flag", "`âge déclaré`", "nope"]
_VALUES = ["18", "-1.5", "'f'", "'a'", "'zz'", "True", "None", "[18, 'f']", "['a', 'b']", "()"]
_OPS = ["==", "!=", "<", ">=", "in", "not in", "is"]
atoms = st.one_of(
    st.builds(lambda c, o, v: f"{c} {o} {v}", st.sampled_from(_COLUMNS), st.sampled_from(_OPS),
              st.sampled_from(_VALUES + _COLUMNS)),
    st.builds(lambda c, m, v: f"{c}.{m}({v})", st.sampled_from(_COLUMNS),
              st.sampled_from(["isin", "between", "isna", "notna", "map"]),
              st.sampled_from(["", *_VALUES, "18, 64", "64, 18", "'a', 'b'"])),
    st.sampled_from(_COLUMNS + _VALUES),
)
conditions = st.recursive(atoms, lambda inner: st.one_of(
    st.builds(lambda a, o, b: f"({a}) {o} ({b})", inner, st.sampled_from(["&", "|", "and", "or"]),
              inner),
    st.builds(lambda o, a: f"{o}({a})", st.sampled_from(["~", "not ", "-"]), inner),
), max_leaves=6)


@settings(max_examples=200, deadline=None)
@given(text=conditions)
def test_random_conditions_are_refused_cleanly_or_selects_rows(text):
    with sandbox():
        try:
            mask = evaluate(text, _FRAME)
        except ExpressionError:
            pass
        else:
            assert mask.dtype == bool and mask.shape == (len(_FRAME),)


# --- (c) the same rows as pandas' query, on hostile but legal data ----------------------------

_HOSTILE = pd.DataFrame({
    "age": [17.0, 30.0, np.nan, 70.0, -0.0, 1e300, np.inf, 45.5, 30.0, np.nan, 5e-324, -1e-300,
            18.0, 64.0, 65.0],
    "open": [2**62, -2**62, 0, 1, 2**53 + 1, 2**53, -1, 7, 7, 0, 3, 3, 9, 10, 11],
    "âge déclaré": [18, 30, 40, 70, 0, 99, 1, 45, 30, 12, 12, 13, 18, 64, 65],
    "class": (HOSTILE_TEXT * 2)[:15],
    "sex": pd.Categorical(["f", "m", "f", "f", None, "m", "f", "m", "f", "m", "f", "m", "f", "m",
                           "f"]),
    "flag": [True, False] * 7 + [True],
})
_NUMBERS = ["age", "open", "`âge déclaré`"]


def _number(column: str) -> st.SearchStrategy[str]:
    values = _HOSTILE[column.strip("`")].dropna()
    values = values[np.isfinite(values)]
    return st.one_of(st.sampled_from(values.tolist()),
                     st.integers(-2**63, 2**63 - 1),
                     st.floats(allow_nan=False, allow_infinity=False)).map(repr)


legal_atoms = st.one_of(
    st.sampled_from(_NUMBERS).flatmap(lambda c: st.builds(
        lambda o, v: f"{c} {o} {v}", st.sampled_from(["==", "!=", "<", "<=", ">", ">="]),
        _number(c))),
    st.sampled_from(_NUMBERS).flatmap(lambda c: st.builds(
        lambda a, b: f"{a} <= {c} < {b}", _number(c), _number(c))),
    st.sampled_from(_NUMBERS).flatmap(lambda c: st.builds(
        lambda a, b: f"{c}.between({min(a, b)!r}, {max(a, b)!r})",
        *[st.sampled_from([v for v in _HOSTILE[c.strip("`")] if np.isfinite(v)])] * 2)),
    st.sampled_from(_NUMBERS).flatmap(lambda c: st.builds(
        lambda o, vs: f"{c} {o} [{', '.join(vs)}]", st.sampled_from(["in", "not in"]),
        st.lists(_number(c), max_size=3))),
    st.builds(lambda o, v: f"`class` {o} {v!r}", st.sampled_from(["==", "!="]),
              st.sampled_from(HOSTILE_TEXT)),
    st.builds(lambda vs: f"`class`.isin({vs!r})", st.lists(st.sampled_from(HOSTILE_TEXT),
                                                           max_size=3)),
    st.builds(lambda o, v: f"sex {o} {v!r}", st.sampled_from(["==", "!="]),
              st.sampled_from(["f", "m"])),
    st.builds(lambda o, v: f"sex {o} {v!r}", st.sampled_from(["in", "not in"]),
              st.sampled_from([["f"], ("m", "f"), []])),
    st.sampled_from(["flag", "~flag", "flag == True", "flag != False", "age.isna()",
                     "age.notna()", "age < `âge déclaré`", "open >= `âge déclaré`",
                     "`class` == `class`"]),
)
legal_conditions = st.recursive(legal_atoms, lambda inner: st.one_of(
    st.builds(lambda a, o, b: f"({a}) {o} ({b})", inner, st.sampled_from(["&", "|", "and", "or"]),
              inner),
    st.builds(lambda o, a: f"{o}({a})", st.sampled_from(["~", "not "]), inner),
), max_leaves=5)


@settings(max_examples=150, deadline=None)
@given(text=legal_conditions)
def test_legal_conditions_select_the_rows_pandas_query_selects(text):
    """Equal to pandas on rows without a missing value; elsewhere, R's rule (never kept)."""
    mine = evaluate(text, _HOSTILE)
    theirs = _HOSTILE.index.isin(_HOSTILE.query(text, engine="python").index)
    complete = _HOSTILE.notna().all(axis=1).to_numpy()
    assert (mine[complete] == theirs[complete]).all(), text
    if "~" not in text and "not" not in text and "!=" not in text:
        assert not (mine & ~theirs).any(), text  # without negation, unknown only drops rows


def test_legal_conditions_on_hostile_values_examples():
    data = _HOSTILE
    for text in ["`class` == \"O'Brien\"", "`class` == 'a & b' | `class` == 'a | b'",
                 "`class`.isin(['`tick`', '#hash', '@pd'])", "`class` == 'back\\\\slash'",
                 "`class` == 'new\\nline'", "`class` == \"__import__('os').system('x')\"",
                 "`class` == ''", "`class` in ['None', 'nan']", "open == 9007199254740993",
                 "age > 1e299", "age == -0.0"]:
        mine = evaluate(text, data)
        theirs = data.index.isin(data.query(text, engine="python").index)
        assert mine.tolist() == theirs.tolist(), text
        assert mine.any(), text


# --- (d) no other place evaluates user text -------------------------------------------------

#: Calls that run code or deserialise objects: builtins, and attributes (pandas, numpy, yaml...).
_DANGEROUS_NAMES = {"eval", "exec", "compile", "__import__", "breakpoint", "input"}
_DANGEROUS_ATTRIBUTES = {"eval", "query", "read_pickle", "to_pickle", "import_module", "system",
                         "popen", "unsafe_load", "full_load", "load_all", "Popen"}
_DANGEROUS_MODULES = {"pickle", "cPickle", "marshal", "shelve", "dill", "cloudpickle", "joblib",
                      "subprocess", "importlib", "code", "codeop"}
#: Reviewed uses: (file, what). Each runs on micropop's own packaged data, never on user text.
ALLOWED_USES = {
    # a yaml.SafeLoader subclass that refuses repeated keys; test_codebook_yaml_runs_no_tags
    # checks that python tags are refused
    ("codebook/_load.py", "yaml.load"),
}


def test_codebook_yaml_runs_no_tags(tmp_path, monkeypatch):
    """The codebook's YAML loader is a safe one: a python tag is an error, never a call."""
    import micropop as mp
    from micropop.errors import CodebookError

    monkeypatch.chdir(tmp_path)
    for tag in ("!!python/object/apply:os.system ['touch pwned']",
                "!!python/object/new:builtins.open ['pwned', 'w']",
                "!!python/name:os.system"):
        path = tmp_path / "codebook.yaml"
        path.write_text(f"variables:\n  age: {tag}\n")
        with pytest.raises(CodebookError):
            mp.Codebook.from_file(path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["codebook.yaml"]


def _dangerous_uses(path: pathlib.Path, root: pathlib.Path = SRC) -> list[tuple[str, str, int]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    where = path.relative_to(root).as_posix()
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Name) and func.id in _DANGEROUS_NAMES:
                found.append((where, func.id, node.lineno))
            if isinstance(func, ast.Attribute):
                if func.attr in _DANGEROUS_ATTRIBUTES:
                    found.append((where, "." + func.attr, node.lineno))
                if func.attr in ("load", "loads") and isinstance(func.value, ast.Name) and (
                        func.value.id in ("yaml", "pickle", "marshal", "dill")):
                    found.append((where, f"{func.value.id}.{func.attr}", node.lineno))
            for keyword in node.keywords:
                if keyword.arg in ("allow_pickle", "shell") and not (
                        isinstance(keyword.value, ast.Constant) and keyword.value.value is False):
                    found.append((where, f"{keyword.arg}=", node.lineno))
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names = [alias.name for alias in node.names] if isinstance(node, ast.Import) else [
                node.module or ""]
            for name in names:
                if name.split(".")[0] in _DANGEROUS_MODULES:
                    found.append((where, f"import {name}", node.lineno))
    return found


def test_the_source_tree_evaluates_no_text():
    files = sorted(SRC.rglob("*.py"))
    assert len(files) > 20
    found = [use for path in files for use in _dangerous_uses(path)]
    unexpected = [use for use in found if use[:2] not in ALLOWED_USES]
    assert not unexpected, f"code or pickle use to review (or add to ALLOWED_USES): {unexpected}"


def test_the_static_check_finds_what_it_looks_for(tmp_path):
    text = ("import pickle\nimport yaml\nx = eval(s)\ndf.query(s)\ndf.eval(s)\nyaml.load(s)\n"
            "np.load(f, allow_pickle=True)\nsubprocess.run(s, shell=True)\n")
    probe = tmp_path / "probe.py"
    probe.write_text(text)
    found = {what for _, what, _ in _dangerous_uses(probe, tmp_path)}
    assert found == {"import pickle", "eval", ".query", ".eval", "yaml.load", "allow_pickle=",
                     "shell="}
