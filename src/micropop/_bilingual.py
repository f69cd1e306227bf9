"""Sentences that are English text and carry their French: the reader's notes.

The reader (:mod:`micropop.io`) says what it guessed in English sentences kept in
``df.attrs["read_notes"]``, which code and tests compare with English text. Each
is a :class:`Note`: a ``str`` equal to its English version (so it compares, hashes,
prints, copies, pickles and goes to JSON as plain text) that also holds its French
in ``.fr``, which the report shows when it is written in French
(:func:`micropop.report.i18n.say`). The reader may not import the report, so this
small module sits below both.

Examples
--------
>>> n = note("Column names read from line 1.", "Noms de colonnes lus à la ligne 1.")
>>> n == "Column names read from line 1.", n.fr
(True, 'Noms de colonnes lus à la ligne 1.')
>>> french("plain text")
'plain text'
"""

from __future__ import annotations

import re

__all__ = ["Note", "note", "french", "french_rows", "french_listing"]


class Note(str):
    """An English sentence (the string itself) that also holds its French.

    Parameters
    ----------
    en : str
        The English sentence: the value of the string.
    fr : str
        The same sentence in French.

    Examples
    --------
    >>> n = Note("Encoding UTF-8.", "Encodage UTF-8.")
    >>> n, n.en, n.fr
    ('Encoding UTF-8.', 'Encoding UTF-8.', 'Encodage UTF-8.')
    """

    fr: str

    def __new__(cls, en: str, fr: str) -> Note:
        made = super().__new__(cls, en)
        made.fr = str(fr)
        return made

    def __getnewargs__(self) -> tuple[str, str]:  # type: ignore[override]
        """Both versions, for copies and pickles (``str``'s would drop the French)."""
        return str(self), self.fr

    @property
    def en(self) -> str:
        """The English sentence, as plain text.

        Returns
        -------
        str

        Examples
        --------
        >>> type(Note("Encoding UTF-8.", "Encodage UTF-8.").en).__name__
        'str'
        """
        return str(self)


def note(en: str, fr: str) -> Note:
    """A sentence of the reader in English and in French.

    Parameters
    ----------
    en : str
        The English sentence.
    fr : str
        The French sentence.

    Returns
    -------
    Note
        Equal to ``en``; its French is ``.fr``.

    Examples
    --------
    >>> note("Encoding UTF-8.", "Encodage UTF-8.") == "Encoding UTF-8."
    True
    """
    return Note(en, fr)


def french(text: str) -> str:
    """The French of a :class:`Note`; other text as it is.

    Parameters
    ----------
    text : str
        A Note, or plain text (said as it is).

    Returns
    -------
    str

    Examples
    --------
    >>> french(note("Encoding UTF-8.", "Encodage UTF-8."))
    'Encodage UTF-8.'
    """
    return text.fr if isinstance(text, Note) else text


#: The words of micropop's row descriptions (:func:`micropop.errors.data_rows`,
#: :func:`micropop.errors.describe_rows`), longest first, in French.
_ROW_WORDS = (
    (r"\bdata rows\b", "lignes de données"), (r"\bdata row\b", "ligne de données"),
    (r"\bfile lines\b", "lignes du fichier"), (r"\bfile line\b", "ligne du fichier"),
    (r"\bsheet rows\b", "lignes de la feuille"), (r"\bsheet row\b", "ligne de la feuille"),
    (r"\brows\b", "lignes"), (r"\brow\b", "ligne"),
    (r"\bvalues: ", "valeurs : "), (r"\bvalue: ", "valeur : "),
    (r" and (\d+) more\b", r" et \1 de plus"),
)


def french_rows(text: str) -> str:
    """A row description or listing made by micropop (``"data row 3 (file line 4)"``), in French.

    Only micropop's own words are translated: give it the description, not a
    sentence holding a user's text.

    Parameters
    ----------
    text : str
        A description of rows or a listing, as micropop words it in English.

    Returns
    -------
    str

    Examples
    --------
    >>> french_rows("data row 3 (file line 4)")
    'ligne de données 3 (ligne du fichier 4)'
    >>> french_rows("rows 4, 7 and 2 more")
    'lignes 4, 7 et 2 de plus'
    """
    for word, said in _ROW_WORDS:
        text = re.sub(word, said, text)
    return text


def french_listing(text: str) -> str:
    """A listing of names cut by micropop (``"'a', 'b', ... (9 in all)"``), in French.

    Parameters
    ----------
    text : str
        What :func:`micropop.codebook._cells.listing` makes; the names are left as they are.

    Returns
    -------
    str

    Examples
    --------
    >>> french_listing("'a', 'b', ... (9 in all)")
    "'a', 'b', ... (9 en tout)"
    """
    return re.sub(r"\((\d+) in all\)$", r"(\1 en tout)", text)
