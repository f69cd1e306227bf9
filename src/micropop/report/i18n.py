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

from dataclasses import dataclass

from micropop.errors import OptionError, check_option

__all__ = ["Tr", "LANGUAGES", "say"]

#: The languages of the report.
LANGUAGES = ("en", "fr")


@dataclass(frozen=True)
class Tr:
    """One piece of micropop's text in English and in French.

    Parameters
    ----------
    en : str
        The English text.
    fr : str
        The French text (same ``{name}`` fields as ``en``, if it is a template).

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
