"""Every note the reader writes in ``df.attrs["read_notes"]`` is an English sentence (as
code and tests compare it) that also holds its French, for the French report (issue #13);
the notes survive the copies of a frame, its pickles and a Parquet round-trip."""

from __future__ import annotations

import copy
import pickle
import re

import openpyxl
import pandas as pd
import pytest

import micropop as mp
from micropop._bilingual import Note, french, french_listing, french_rows, note

#: Words of the reader's English notes that no French note holds.
ENGLISH = re.compile(r"\b(Encoding|Separator|Column|Cells|Decimal mark|Sheet|Empty rows|"
                     r"read from|were|was|lines end|the file|numbers|data rows?|file line)\b")


def _notes(df: pd.DataFrame) -> list[str]:
    notes = df.attrs["read_notes"]
    assert notes, "the reader said nothing"
    for told in notes:
        assert isinstance(told, Note), f"{told!r} has no French"
        assert told.fr != str(told) and not ENGLISH.search(told.fr), told.fr
    return notes


def _csv(tmp_path, text: str | bytes, name: str = "survey.csv"):
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


#: Text files and the English notes they give (each in French too).
TEXT_FILES = [
    ("\ufeffid;poids\n1;1,5\n2;2,5\n", {}, [
        "Encoding UTF-8 (the file starts with its byte-order mark).",
        "Separator ';': it splits each of the first 3 lines into 2 fields.",
        "Column names read from line 1."]),
    ("ville;x\nSète;1,5\n".encode("cp1252"), {}, ["Encoding Windows-1252 (cp1252)",
                                                  "Decimal mark ','"]),
    ("id,x\n1,0.5\n2,NA\n", {}, ["Encoding UTF-8 (plain ASCII text).", "Decimal mark '.'",
                                 "Cells written 'NA' were read as missing values"]),
    ("id,x\n1,é\n", {}, ["Encoding UTF-8."]),
    ("id;nom\n1;ÎœX\n".encode("cp1252"), {"encoding": "cp1252"},
     ["would also read as UTF-8"]),
    ("x\n1\n2\n", {}, ["One column: no line holds any of the separators"]),
    ("a;b\n1;2\n3;4;\n", {}, ["the only one found in the header line",
                              "1 lines end with empty fields"]),
    ("id,,x\n1,,2\n", {}, ["Column 2 had neither a name nor data"]),
    (" id ,x\n1,2\n", {}, ["Column names were taken as text, without surrounding spaces"]),
    ("id,x\n123456789012345678901234,1\n2,2\n", {}, ["too long to be stored exactly"]),
    ("dept,n\n01,3\n75,4\n", {}, ["leading zeros"]),
]


@pytest.mark.parametrize(("text", "options", "expected"), TEXT_FILES)
def test_every_note_of_a_text_file_has_its_french(tmp_path, text, options, expected):
    notes = _notes(mp.read_survey(_csv(tmp_path, text), **options))
    for words in expected:
        assert any(words in told for told in notes), (words, notes)


def test_a_tsv_file_says_its_separator_in_french(tmp_path):
    notes = _notes(mp.read_survey(_csv(tmp_path, "id\tx\n1\t2\n", "survey.tsv")))
    assert "Separator tab, as the .tsv extension says." in notes
    assert "Séparateur tabulation, comme le dit l'extension .tsv." in map(french, notes)


def test_the_french_of_the_usual_notes(tmp_path):
    notes = _notes(mp.read_survey(_csv(tmp_path, "id;a;b\n1;2;3\n4;5;6\n7;8;9\n")))
    assert [french(told) for told in notes[1:]] == [
        "Séparateur « ; » : il découpe chacune des 4 premières lignes en 3 champs.",
        "Noms de colonnes lus à la ligne 1."]
    notes = _notes(mp.read_survey(_csv(tmp_path, "ville;x\nSète;1,5\n".encode("cp1252"))))
    assert french(notes[0]).startswith(
        "Encodage Windows-1252 (cp1252) : le fichier n'est pas de l'UTF-8 valide (octet ")
    assert "Virgule décimale : des nombres comme '1,5' (colonne 'x', ligne de données 1 " \
           "(ligne du fichier 2))" in french(notes[-1])


def test_every_note_of_a_workbook_has_its_french(tmp_path):
    path = tmp_path / "survey.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "données"
    sheet.append([None, "id", 2019, "x"])
    sheet.append([None, 1, 3.5, "4"])
    sheet.append([])
    sheet.append([None, 2, 1, 2])
    book.create_sheet("notes")
    book.save(path)
    notes = _notes(mp.read_survey(path))
    said = [french(told) for told in notes]
    for words in ("Feuille 'données', la première des 2 : 'données', 'notes'.",
                  "Les lignes vides de la feuille ont été laissées de côté : ligne 3.",
                  "Noms de colonnes lus à la ligne 1 de la feuille 'données'.",
                  "Colonne A : ni nom ni données, laissée de côté.",
                  "Les noms de colonnes ont été pris comme texte, sans espaces autour : 2019 → "
                  "'2019'.",
                  "Colonne 'x' : 1 cellule contenait des nombres écrits comme texte"):
        assert any(told.startswith(words) for told in said), (words, said)
    pd.DataFrame({"a": [1]}).to_excel(tmp_path / "one.xlsx", index=False)
    assert "Feuille 'Sheet1', la seule." in map(french, _notes(mp.read_survey(tmp_path /
                                                                               "one.xlsx")))


def test_every_note_of_a_parquet_file_has_its_french(tmp_path):
    frame = pd.DataFrame({"x": [1.0, 2.0]}, index=pd.Index([7, 8], name="ident"))
    frame.to_parquet(tmp_path / "named.parquet")
    assert "L'index des lignes enregistré dans le fichier est devenu la ou les colonnes " \
           "'ident'." in map(french, _notes(mp.read_survey(tmp_path / "named.parquet")))
    frame.rename_axis(None).to_parquet(tmp_path / "labels.parquet")
    assert _notes(mp.read_survey(tmp_path / "labels.parquet"))[0].fr.startswith(
        "Les étiquettes de lignes enregistrées dans le fichier ont été abandonnées")


def test_the_notes_stay_english_text_equal_to_the_old_strings(tmp_path):
    df = mp.read_survey(_csv(tmp_path, "id;a;b\n1;2;3\n4;5;6\n7;8;9\n"))
    assert df.attrs["read_notes"] == [
        "Encoding UTF-8 (plain ASCII text).",
        "Separator ';': it splits each of the first 4 lines into 3 fields.",
        "Column names read from line 1."]
    assert all(type(told.en) is str for told in df.attrs["read_notes"])


def test_the_notes_survive_copies_pickles_and_parquet(tmp_path):
    df = mp.read_survey(_csv(tmp_path, "id;a;b\n1;2;3\n4;5;6\n7;8;9\n"))
    notes = df.attrs["read_notes"]
    for copied in (df.copy(), copy.deepcopy(df), pickle.loads(pickle.dumps(df)), df[["a"]]):
        kept = copied.attrs["read_notes"]
        assert kept == notes and [french(t) for t in kept] == [french(t) for t in notes]
    df.to_parquet(tmp_path / "again.parquet")  # attrs go to Parquet as JSON: English text
    assert pd.read_parquet(tmp_path / "again.parquet").attrs.get("read_notes", notes) == notes
    assert copy.copy(notes[0]).fr == notes[0].fr


def test_the_french_words_of_rows_and_listings():
    assert french_rows("data rows 2, 4 (file lines 3, 5) and 3 more") == (
        "lignes de données 2, 4 (lignes du fichier 3, 5) et 3 de plus")
    assert french_listing("'rows', 'b', ... (9 in all)") == "'rows', 'b', ... (9 en tout)"
    assert note("a", "b") == "a" and hash(note("a", "b")) == hash("a")
