"""The French report says how the data were read in French (issue #13): the reader's notes
and the configuration's (``as [survey] says``), each prefixed with its file's name, hold
their French; the English report and ``plan.read_notes`` keep the English sentences."""

from __future__ import annotations

import re
import shutil
from html import unescape
from pathlib import Path

from micropop._bilingual import Note, french
from micropop.cli import main
from micropop.report.config import load_config
from micropop.report.i18n import say
from micropop.report.render import page
from support.paths import ROOT

EXAMPLE = ROOT / "examples" / "enquete_fr"
#: Words of the English notes that no French note holds.
ENGLISH = re.compile(r"\b(Encoding|Separator|Column|Decimal mark|read from|as \[survey\] says|"
                     r"the file|it splits|lines|fields)\b")


def _read_notes(html: str) -> list[str]:
    """The items of the page's "How the data were read" list."""
    found = re.search(r'<div class="read-notes">(.*?)</div>', html, flags=re.S)
    assert found, "the page lists no read notes"
    return [unescape(item) for item in re.findall(r"<li>(.*?)</li>", found.group(1))]


def _guessing(tmp_path: Path) -> Path:
    """The example without its reading keys: the reader guesses encoding, separator, decimal."""
    folder = tmp_path / "guessed"
    shutil.copytree(EXAMPLE, folder)
    config = folder / "analysis.toml"
    lines = config.read_text(encoding="utf-8").splitlines()
    config.write_text("\n".join(line for line in lines
                                if not line.startswith(("encoding", "sep", "decimal"))) + "\n",
                      encoding="utf-8")
    return config


def test_the_french_report_of_the_example_has_no_english_read_note(tmp_path, capsys):
    out = tmp_path / "rapport"
    assert main(["report", "--config", str(EXAMPLE / "analysis.toml"), "--lang", "fr",
                 "--out", str(out)]) == 0, capsys.readouterr()
    notes = _read_notes((out / "index.html").read_text(encoding="utf-8"))
    assert "enquete.csv : Encodage cp1252, séparateur « ; », marque décimale « , », comme " \
           "l'indique [survey]." in notes
    assert "enquete.csv : Noms de colonnes lus à la ligne 1." in notes
    assert "marges.csv : Séparateur « ; » : il découpe chacune des 4 premières lignes en 3 " \
           "champs." in notes
    english = [told for told in notes if ENGLISH.search(told)]
    assert not english, english


def test_every_note_of_the_plan_holds_its_french_and_stays_english(tmp_path):
    for config in (EXAMPLE / "analysis.toml", _guessing(tmp_path)):
        notes = load_config(config).read_notes
        assert notes
        for told in notes:
            assert isinstance(told, Note) and not ENGLISH.search(told.fr), told
            assert told.fr.startswith(str(told).split(": ")[0] + " : ")
        assert say(notes[0], "en") == str(notes[0]) and say(notes[0], "fr") == notes[0].fr
    guessed = load_config(_guessing(tmp_path / "again")).read_notes
    assert any(told.startswith("enquete.csv: Encoding Windows-1252 (cp1252)") for told in guessed)
    assert any(french(told).startswith("enquete.csv : Encodage Windows-1252 (cp1252) : le fichier "
                                       "n'est pas de l'UTF-8 valide") for told in guessed)
    assert any(french(told).startswith("enquete.csv : Virgule décimale") for told in guessed)


def test_the_page_says_the_notes_in_its_language():
    notes = load_config(EXAMPLE / "analysis.toml").read_notes
    english = _read_notes(page("T", [], "", notes, lang="en"))
    assert english == list(notes)
    assert _read_notes(page("T", [], "", notes, lang="fr")) == [french(n) for n in notes]
    # plain text (a note of an older frame) is shown as it is in both languages
    assert _read_notes(page("T", [], "", ["x.csv: separator ';'"], lang="fr")) == [
        "x.csv: separator ';'"]
