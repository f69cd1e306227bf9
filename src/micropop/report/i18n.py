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

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from micropop.errors import OptionError, check_option

__all__ = ["Tr", "LANGUAGES", "say"]

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
    return getattr(text, lang) if isinstance(text, Tr) else text
