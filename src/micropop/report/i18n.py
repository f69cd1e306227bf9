"""The report's words in English and French.

A section computes its text once, in both languages: every title, heading
and paragraph micropop writes is a :class:`Tr` (or plain text, for words that
are the same in both), and the writer picks the report's language with
:func:`say` when it renders the page.

Examples
--------
>>> title = Tr("Who the workers are", "Qui sont les travailleurs")
>>> say(title, "fr")
'Qui sont les travailleurs'
>>> say("SMIC", "fr")
'SMIC'
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from micropop._bilingual import Note
from micropop.errors import OptionError, check_option

__all__ = ["Tr", "LANGUAGES", "say", "said", "in_language"]

#: The languages of the report.
LANGUAGES = ("en", "fr")


@dataclass(frozen=True, eq=False)
class Tr:
    """One piece of micropop's text in English and in French.

    Parameters
    ----------
    en : str
        The English text.
    fr : str
        The French text (same ``{name}`` fields as ``en``, if it is a template).

    Notes
    -----
    A ``Tr`` equals plain text equal to its English version (as ``str(tr)``
    is), so code comparing a section's title with English text keeps working.

    Examples
    --------
    >>> Tr("{n:,} workers", "{n:,} travailleurs").fr
    '{n:,} travailleurs'
    """

    en: str
    fr: str

    def __post_init__(self) -> None:
        for lang in LANGUAGES:
            if not isinstance(getattr(self, lang), str):
                raise OptionError(f"the {lang} text of {self!r} is not a string",
                                  hint="give both languages as text: Tr('...', '...')")

    def __str__(self) -> str:
        return self.en

    def __eq__(self, other: object) -> bool:
        """Equal to the same two texts, or to plain text equal to its English version."""
        if isinstance(other, str):
            return self.en == other
        if isinstance(other, Tr):
            return (self.en, self.fr) == (other.en, other.fr)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.en)

    def format_map(self, values: Mapping[str, Any]) -> Tr:
        """Both versions with their ``{name}`` fields filled from ``values``.

        Parameters
        ----------
        values : mapping
            A value for every field of both versions.

        Returns
        -------
        Tr

        Raises
        ------
        KeyError
            A field of either version has no value.

        Examples
        --------
        >>> Tr("{n} rows", "{n} lignes").format_map({"n": 3})
        Tr(en='3 rows', fr='3 lignes')
        """
        return Tr(self.en.format_map(values), self.fr.format_map(values))


def say(text: str | Tr, lang: str) -> str:
    """``text`` in ``lang``: a :class:`Tr`'s version, or plain text as it is.

    A note of the reader (``df.attrs["read_notes"]``) is text that holds its
    French too: it is said in ``lang`` as a ``Tr`` is.

    Parameters
    ----------
    text : str or Tr
        Plain text (the same in both languages) or both versions.
    lang : {"en", "fr"}
        The report's language.

    Returns
    -------
    str

    Raises
    ------
    OptionError
        ``lang`` is not one of :data:`LANGUAGES`.

    Examples
    --------
    >>> say(Tr("Earnings", "Revenus"), "en")
    'Earnings'
    """
    check_option("lang", lang, LANGUAGES)
    return getattr(text, lang) if isinstance(text, (Tr, Note)) else text


def said(value: Any, lang: str) -> Any:
    """``value`` with every :class:`Tr` in it said in ``lang`` (in mappings, lists, tuples too).

    Parameters
    ----------
    value : object
        A Tr, or a mapping, list or tuple that may hold some; anything else
        is returned as it is.
    lang : {"en", "fr"}

    Returns
    -------
    object

    Examples
    --------
    >>> said({"women": Tr("women", "femmes"), "n": 3}, "fr")
    {'women': 'femmes', 'n': 3}
    """
    if isinstance(value, Tr):
        return say(value, lang)
    if isinstance(value, Mapping):
        return {key: said(item, lang) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(said(item, lang) for item in value)
    return value


def in_language(plot: Callable[..., Any]) -> Callable[..., Any]:
    """A plotting function whose keyword options may be :class:`Tr`, said in its ``lang``.

    A report's figure is drawn in the report's language only when it is
    written; its titles and labels are computed before, in both languages.

    Parameters
    ----------
    plot : callable
        A function taking ``ax=`` and ``lang=`` (a :mod:`micropop.plotting` function).

    Returns
    -------
    callable
        ``plot`` called with every option said in ``lang``.

    Examples
    --------
    >>> def show(ax=None, lang="en", title=""):
    ...     return title
    >>> in_language(show)(ax=None, lang="fr", title=Tr("Platforms", "Plateformes"))
    'Plateformes'
    """
    @functools.wraps(plot)
    def drawn(*args: Any, lang: str = "en", **options: Any) -> Any:
        return plot(*args, lang=lang, **{key: said(value, lang) if key != "ax" else value
                                         for key, value in options.items()})

    return drawn
