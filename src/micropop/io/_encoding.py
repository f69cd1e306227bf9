"""Text files from bytes to text: byte-order marks, UTF-8, and Windows-1252 only when
every non-ASCII character it gives is a usual letter or sign (rules in
:mod:`micropop.io`); a refused encoding names the file line and the bytes.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from micropop._bilingual import note as said
from micropop.codebook._cells import as_mask, bad_rows
from micropop.errors import (
    FileEncodingError,
)
from micropop.io._tables import Cells

#: Characters a Windows-1252 (or Latin-1) text in a European language plausibly holds;
#: the others (e.g. '½', '¤', 'Š', '‚') are what UTF-8, Latin-9, DOS or Mac text gives
#: when misread as Windows-1252, so meeting them makes the encoding ambiguous.
_CP1252_USUAL = frozenset("ÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÑÒÓÔÕÖØÙÚÛÜÝß"
                          "àáâãäåæçèéêëìíîïñòóôõöøùúûüýÿ"
                          "€…‘’“”•–—œŒ«»°\xa0§²³µ·×£©®¡¿ªº")
_BOMS = ((codecs.BOM_UTF8, "utf-8", "UTF-8"), (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32"),
         (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32"), (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"),
         (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16"))


def decode_text(path: Path, data: bytes, encoding: str | None
                ) -> tuple[str, list[str], UnicodeDecodeError | None, bytes | None]:
    """Text of the file (undecodable bytes replaced), what was guessed, the first
    decoding error, and the text's UTF-8 bytes when they are the file's (else None).
    A byte-order mark is honoured and removed."""
    if encoding is not None:
        notes = ([] if codecs.lookup(encoding).name.startswith("utf") else
                 _refuse_misread_utf8(path, data, encoding))
        try:
            text, err = data.decode(encoding), None
        except UnicodeDecodeError as error:
            text, err = data.decode(encoding, errors="replace"), error
        utf8 = None
        if err is None and codecs.lookup(encoding).name == "utf-8":
            utf8 = data.removeprefix(codecs.BOM_UTF8) if text.startswith("\ufeff") else data
        return _without_nul(path, text.removeprefix("\ufeff")), notes, err, utf8
    for bom, codec, name in _BOMS:
        if data.startswith(bom):
            note = said(f"Encoding {name} (the file starts with its byte-order mark).",
                        f"Encodage {name} (le fichier commence par sa marque d'ordre des octets).")
            try:
                text = data[len(bom):].decode(codec)
                return (_without_nul(path, text), [note], None,
                        data[len(bom):] if codec == "utf-8" else None)
            except UnicodeDecodeError as error:
                if codec != "utf-8":
                    raise FileEncodingError(
                        f"{str(path)!r} starts with a {name} byte-order mark but is not valid "
                        f"{name}: {error.reason} at byte {error.start + len(bom)}",
                        hint="export the file again as UTF-8 CSV") from None
                text = data[len(bom):].decode(codec, errors="replace")
                return _without_nul(path, text), [note], error, None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        fallback = _as_cp1252(data)
        if fallback is None:
            return _without_nul(path, data.decode("utf-8", errors="replace")), [], error, None
        line = data[:error.start].count(b"\n") + 1
        usual = "".join(sorted(set(re.findall(r"[^\x00-\x7f]", fallback))))
        byte = data[error.start:error.start + 1]
        note = said(f"Encoding Windows-1252 (cp1252): the file is not valid UTF-8 (byte "
                    f"{byte!r} at line {line}), and read as "
                    "Windows-1252 its non-ASCII characters are usual letters and signs "
                    f"({usual[:30]}); "
                    "pass encoding= if it is another one.",
                    f"Encodage Windows-1252 (cp1252) : le fichier n'est pas de l'UTF-8 valide "
                    f"(octet {byte!r} à la ligne {line}), et lus en Windows-1252 ses caractères "
                    f"non ASCII sont des lettres et des signes usuels ({usual[:30]}) ; indiquez "
                    "encoding= si c'est un autre encodage.")
        return _without_nul(path, fallback), [note], None, None
    plain = data.isascii()
    note = said("Encoding UTF-8" + (" (plain ASCII text)." if plain else "."),
                "Encodage UTF-8" + (" (texte ASCII simple)." if plain else "."))
    return _without_nul(path, text), [note], None, data


def _as_cp1252(data: bytes) -> str | None:
    """The file read as Windows-1252 when that reading is unambiguous, else None: it
    must hold no valid UTF-8 multi-byte sequence, and only usual characters."""
    if re.search(r"[^\x00-\x7f\ufffd]", data.decode("utf-8", errors="replace")):
        return None  # part UTF-8, part something else
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        return None  # bytes undefined in Windows-1252
    return None if set(re.findall(r"[^\x00-\x7f]", text)) - _CP1252_USUAL else text


def _refuse_misread_utf8(path: Path, data: bytes, encoding: str) -> list[str]:
    """A file that is valid UTF-8 with non-ASCII text, for which another encoding is
    asked: refused when that reading has the marks of UTF-8 misread ('Ã©' for 'é',
    'â€™' for '’'); otherwise read as asked, with a note."""
    if data.isascii():
        return []
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return []
    first = re.search(r"[^\x00-\x7f]+", text)
    assert first is not None
    word, line = first.group(), text.count("\n", 0, first.start()) + 1
    misread = data.decode(encoding, errors="replace")
    if re.search("^ï»¿|[ÃÂ][\x80-\xbf\u0152-\u2122]|â€|\ufffd", misread):
        raise FileEncodingError(
            f"{str(path)!r} is valid UTF-8, with {word!r} at line {line}, but "
            f"encoding={encoding!r} was asked, which would read it as "
            f"{word.encode('utf-8').decode(encoding, errors='replace')!r}",
            hint="leave encoding out: UTF-8 is read by default")
    return [said(f"The file would also read as UTF-8 ({word!r} at line {line}); it was read as "
                 f"{encoding!r}, as asked.",
                 f"Le fichier se lirait aussi en UTF-8 ({word!r} à la ligne {line}) ; il a été "
                 f"lu en {encoding!r}, comme demandé.")]


def _without_nul(path: Path, text: str) -> str:
    position = text.find("\x00")
    if position >= 0:
        raise FileEncodingError(
            f"{str(path)!r} holds NUL characters (the first at line "
            f"{text.count(chr(10), 0, position) + 1}): it is not text in the encoding read",
            hint="it looks like UTF-16 text without a byte-order mark or a binary file: pass "
                 "encoding='utf-16', or export the table again as CSV in UTF-8")
    return text


def encoding_error(path: Path, cells: Cells | None, err: UnicodeDecodeError,
                   encoding: str) -> FileEncodingError:
    """Name the file line, and the column and data rows, where undecodable bytes
    (shown as '\ufffd') fell."""
    line = err.object[:err.start].count(b"\n") + 1
    where = f"file line {line}"
    for i, name in enumerate(cells.header if cells else []):
        if "\ufffd" in str(name):
            where += f" (column {str(name).strip()!r} of the header)"
            break
        values = cells.columns[i].astype(str)  # type: ignore[union-attr]
        bad = as_mask(values.str.contains("\ufffd", regex=False))
        if bad.any():
            where += (f" (column {str(name).strip()!r}, "
                      f"{bad_rows(cells.columns[i], bad)})")  # type: ignore[union-attr]
            break
    return FileEncodingError(
        f"{str(path)!r} is not valid {encoding}: byte {err.object[err.start:err.start + 1]!r} "
        f"at {where}",
        hint="pass the file's encoding, e.g. encoding='cp1252' (Windows exports) or 'latin-1'")
