"""Row conditions written as text (``"age >= 25 and sex == 'female'"``), read safely.

:meth:`SurveyDesign.subset <micropop.design.SurveyDesign.subset>` takes a
condition on the columns of the data. The text is data, never code: it is
parsed (:func:`ast.parse` only builds a tree, it runs nothing) and the tree is
walked with a strict whitelist. Nothing else is evaluated, no Python name is
looked up and no method other than the four below is called, so a string can
neither run code nor read variables (pandas' ``DataFrame.eval``/``query`` do
both, through ``@`` names and attribute calls).

The grammar is pandas' ``query`` spelling of a condition:

* column names, bare (``age``) or in backticks when they hold spaces,
  accents or keywords (```âge déclaré` >= 18``, ```class` == 'a'``);
* literal values: numbers (``-1.5``), text in quotes (``'female'``),
  ``True``/``False``, and lists or tuples of them after ``in``/``not in``
  or in ``isin``;
* comparisons ``==``, ``!=``, ``<``, ``<=``, ``>``, ``>=`` of a column with a
  value or with another column of the same kind, chained
  (``18 <= age < 65``); ``in`` / ``not in`` a list;
* ``&``, ``|``, ``~`` and their spellings ``and``, ``or``, ``not`` (as in
  pandas' query, ``&`` and ``|`` bind like ``and``/``or``, so
  ``a == 1 & b == 2`` means ``(a == 1) and (b == 2)``); parentheses;
* the column methods ``.isin([...])``, ``.between(low, high)`` (both bounds
  included, as pandas), ``.isna()`` and ``.notna()`` (``.isnull()``,
  ``.notnull()`` are the same).

Everything else is refused with :class:`~micropop.errors.ExpressionError`
naming the offending part and its position: attribute access, other calls,
``@`` variables, indexing, arithmetic (compute a derived column with
:meth:`~micropop.design.SurveyDesign.assign` first, then compare it), lambdas,
f-strings, assignments, text longer than :data:`MAX_LENGTH` characters or
nested deeper than :data:`MAX_DEPTH`.

Types are checked rather than guessed: a text or categorical column compared
with a number (``sex == 1``), a number column compared with text, a value
that is not one of a categorical column's levels (or never occurs in a text
column: usually a typo), ``<`` on a column without an order (text, unordered
categorical) and ``== None`` are refused by name instead of silently
selecting no row (or every row).

Missing values follow R's ``subset`` (three-valued logic): a comparison
involving a missing value is *unknown*; ``not``/``~`` of unknown is unknown;
``unknown and False`` is False, ``unknown or True`` is True; rows whose
condition is unknown are not kept. So ``age != 30`` and ``~(age > 30)`` keep
no row with a missing age (pandas' query would keep them), and missing rows
are selected only on purpose: ``(age > 30) | age.isna()``. ``isna()`` and
``notna()`` are never unknown. For complete rows the result is pandas'.

Examples
--------
>>> import pandas as pd
>>> df = pd.DataFrame({"age": [17, 30, None, 70], "sex": ["f", "m", "f", "f"],
...                    "âge déclaré": [18, 30, 40, 70]})
>>> evaluate("age >= 18 and sex == 'f'", df)
array([False, False, False,  True])
>>> evaluate("~(age > 30) | age.isna()", df)
array([ True,  True,  True, False])
>>> evaluate("`âge déclaré`.between(18, 40)", df)
array([ True,  True,  True, False])
>>> evaluate("sex == 1", df)
Traceback (most recent call last):
...
micropop.errors.ExpressionError: subset expression 'sex == 1': column 'sex' holds text, and 1 ...
>>> evaluate("age.__class__", df)
Traceback (most recent call last):
...
micropop.errors.ExpressionError: subset expression 'age.__class__': attribute access ... allowed...
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from micropop.expressions._evaluator import Evaluator
from micropop.expressions._source import ALLOWED, MAX_DEPTH, MAX_LENGTH, Source

__all__ = ["evaluate", "MAX_LENGTH", "MAX_DEPTH", "ALLOWED"]


def evaluate(expression: str, data: pd.DataFrame, *, what: str = "subset expression") -> np.ndarray:
    """Boolean mask of the rows of ``data`` where ``expression`` holds.

    Parameters
    ----------
    expression : str
        A condition in the grammar of this module (see the module's
        docstring), e.g. ``"age >= 25 and age <= 64"``.
    data : pandas.DataFrame
        The rows to test; every column name in ``expression`` must be one
        of its columns.
    what : str, default "subset expression"
        What the expression is, to start error messages.

    Returns
    -------
    numpy.ndarray
        One bool per row of ``data``; rows whose condition is unknown
        (missing values) are False.

    Raises
    ------
    ExpressionError
        The expression is not in the grammar, names an unknown column,
        compares values of different kinds or a value that is not one of
        a column's levels, or is too long or deeply nested.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"stype": ["E", "M", "H"], "api00": [700, 650, 800]})
    >>> evaluate("stype in ['E', 'H'] & api00 > 750", df)
    array([False, False,  True])
    >>> evaluate("stype == 'e'", df)
    Traceback (most recent call last):
    ...
    micropop.errors.ExpressionError: subset expression "stype == 'e'": 'e' (character 10) is ...
    """
    source = Source.read(expression, what)
    assert source.tree is not None  # read() parses or raises
    return Evaluator(source, data).condition(source.tree).true
