"""How error messages refuse a column that is not in the data: the missing names,
the closest existing name for each (case, accents and separators aside, then
:mod:`difflib`), and the columns there are (all of them up to
:data:`MAX_COLUMNS_SHOWN`, else the first ones and how many more).

Examples
--------
>>> closest_name("Sexe", ["age", "sexe", "poids"])
'sexe'
>>> missing_columns(["poid"], ["age", "sexe", "poids"])
Traceback (most recent call last):
...
micropop.errors.MissingColumnError: column(s) 'poid' not in the data (did you mean 'poids'?). \
There are 3 columns in the data: 'age', 'sexe', 'poids'.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable, Sequence

from micropop.errors._exceptions import MicropopError, MissingColumnError

#: How many columns a message lists before counting the rest.
MAX_COLUMNS_SHOWN = 20


def _folded(name: str) -> str:
    """``name`` without case, accents or separators (``"Âge du"`` -> ``"age_du"``)."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    return re.sub(r"[\s_.\-]+", "_", plain.casefold()).strip("_")


def closest_name(name: object, choices: Iterable[object]) -> str | None:
    """The existing name ``name`` most likely stands for, or None.

    A name equal but for case, accents and separators (``Sexe``, ``âge``,
    ``id repondant``) first; else the closest by :func:`difflib.get_close_matches`
    on such folded names (``poid`` -> ``poids``).

    Parameters
    ----------
    name : object
        The name given (text, or a label shown as text).
    choices : iterable
        The names that exist (shown as text).

    Returns
    -------
    str or None

    Examples
    --------
    >>> closest_name("Âge", ["age", "sexe"])
    'age'
    >>> closest_name("revenu", ["age", "sexe"]) is None
    True
    """
    texts = list(dict.fromkeys(str(c) for c in choices))
    folded: dict[str, str] = {}
    for text in texts:
        folded.setdefault(_folded(text), text)
    wanted = _folded(str(name))
    if wanted in folded and folded[wanted] != str(name):
        return folded[wanted]
    close = difflib.get_close_matches(wanted, [f for f in folded if folded[f] != str(name)], n=1)
    return folded[close[0]] if close else None


def columns_listing(columns: Iterable[object], where: str | None = None,
                    limit: int = MAX_COLUMNS_SHOWN) -> str:
    """The columns there are, for a message: all of them, or the first ``limit`` and a count.

    Parameters
    ----------
    columns : iterable
        The column names.
    where : str, optional
        What they are the columns of, said after their number.
    limit : int, default 20
        How many to list at most.

    Returns
    -------
    str

    Examples
    --------
    >>> columns_listing(["a", "b"])
    "2 columns: 'a', 'b'"
    >>> columns_listing([f"q{i}" for i in range(30)], "survey.csv", limit=3)
    "30 columns in survey.csv: 'q0', 'q1', 'q2' and 27 more"
    """
    names = [str(c) for c in columns]
    text = (f"{len(names)} column{'' if len(names) == 1 else 's'}"
            + (f" in {where}" if where else "") + ": " + ", ".join(map(repr, names[:limit])))
    return text + (f" and {len(names) - limit} more" if len(names) > limit else "")


def not_found(names: Sequence[object], available: Iterable[object], where: str = "the data",
              role: str | None = None) -> tuple[str, str]:
    """The message and hint refusing ``names``, absent from ``available``.

    Parameters
    ----------
    names : sequence
        The names not found.
    available : iterable
        The columns there are.
    where : str, default "the data"
        What the columns are of (``"the data"``, ``"survey.csv"``).
    role : str, optional
        What the columns were asked for (``"strata"``), said first.

    Returns
    -------
    (str, str)
        The message and the hint, for any :class:`MicropopError`.

    Examples
    --------
    >>> not_found(["Sexe", "agee"], ["sexe", "age"], "survey.csv")[0]
    "column(s) 'Sexe', 'agee' not in survey.csv (did you mean 'sexe' for 'Sexe', 'age' for 'agee'?)"
    """
    columns = list(available)
    message = (f"{role + ' ' if role else ''}column(s) {', '.join(repr(str(n)) for n in names)} "
               f"not in {where}{suggestions(names, columns)}")
    verb = "is" if len(columns) == 1 else "are"
    return message, f"there {verb} {columns_listing(columns, where)}"


def suggestions(names: Sequence[object], available: Iterable[object]) -> str:
    """``" (did you mean 'sexe'?)"`` for names not found, or ``""`` when none is close.

    Parameters
    ----------
    names, available : iterable
        The names not found, and the columns there are.

    Returns
    -------
    str

    Examples
    --------
    >>> suggestions(["poid"], ["poids", "age"])
    " (did you mean 'poids'?)"
    >>> suggestions(["Sexe", "x"], ["sexe", "age"])
    " (did you mean 'sexe' for 'Sexe'?)"
    """
    columns = list(available)
    found = [(n, c) for n, c in ((n, closest_name(n, columns)) for n in names) if c is not None]
    if len(found) == 1 and len(names) == 1:
        return f" (did you mean {found[0][1]!r}?)"
    if found:
        return " (did you mean " + ", ".join(f"{c!r} for {str(n)!r}" for n, c in found) + "?)"
    return ""


def missing_columns(names: Iterable[object], available: Iterable[object],
                    role: str | None = None, *, where: str = "the data",
                    error: type[MicropopError] = MissingColumnError) -> None:
    """Raise ``error`` naming the ``names`` that are not in ``available``.

    The one refusal of a column that is not in the data, for the library and
    the configuration alike: every missing name, the closest existing name
    for each (:func:`closest_name`) and the columns there are
    (:func:`columns_listing`).

    Parameters
    ----------
    names : iterable
        The columns asked for.
    available : iterable
        The columns there are (e.g. ``df.columns``).
    role : str, optional
        What the columns were asked for (``"strata"``, ``"weights"``).
    where : str, default "the data"
        What the columns are of, as the message says it.
    error : type, default MissingColumnError
        The class raised (e.g. :class:`ConfigError` for a configuration).

    Raises
    ------
    MissingColumnError
        (or ``error``) When some names are not columns.

    Examples
    --------
    >>> missing_columns(["age"], ["age", "sexe"])
    >>> missing_columns(["Sexe"], ["age", "sexe"], "by")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    micropop.errors.MissingColumnError: by column(s) 'Sexe' not in the data (did you mean ...
    """
    columns = list(available)
    present = set(columns)
    absent = list(dict.fromkeys(n for n in names if n not in present))
    if absent:
        message, hint = not_found(absent, columns, where, role)
        raise error(message, hint=hint)
