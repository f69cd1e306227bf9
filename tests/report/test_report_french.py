"""The report with --lang fr: no English heading or paragraph left, French numbers and labels.

The demo report is written in both languages; every heading, paragraph and table header
of the English page must be absent from the French one (a word the same in both, such as
"Date", is allowed). Numbers follow each language's typography (``295,985`` / ``295 985``
with a narrow no-break space, ``0.679`` / ``0,679``, ``< 0,001``), category labels come
from the codebook's value labels, and the tables are also written for French Excel and
as one workbook.
"""

from html.parser import HTMLParser

import pandas as pd
import pytest

import micropop as mp
from micropop.report import demo_plan, profile_section, write_report
from micropop.report.render import table_html
from micropop.report.writer import write_sections

NARROW = "\u202f"

#: Words that are the same in both languages.
SAME_IN_BOTH = {"Date", "variable", "test", "n", "coefficient"}


class _Words(HTMLParser):
    """The texts of a page's headings, paragraphs, header facts and table headers."""

    TAGS = ("h1", "h2", "h3", "p", "dt", "dd", "summary", "th", "title", "li", "footer")

    def __init__(self):
        super().__init__()
        self.words, self._open, self._text, self.lang = [], [], [], None

    def handle_starttag(self, tag, attrs):
        if tag == "html":
            self.lang = dict(attrs).get("lang")
        if tag in self.TAGS:
            self._open.append(tag)
            self._text.append("")

    def handle_endtag(self, tag):
        if tag in self.TAGS and self._open:
            self._open.pop()
            text = " ".join(self._text.pop().split())
            if text:
                self.words.append((tag, text))

    def handle_data(self, data):
        if self._text:
            self._text[-1] += data


def _words(path):
    page = _Words()
    page.feed(path.read_text(encoding="utf-8"))
    return page


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    plan = demo_plan()
    folder = tmp_path_factory.mktemp("reports")
    return {lang: write_report(folder / lang, plan, lang=lang, progress=False)
            for lang in ("en", "fr")}


def test_the_french_page_says_it_is_french(reports):
    assert _words(reports["fr"]).lang == "fr"
    assert _words(reports["en"]).lang == "en"


def test_no_english_heading_or_paragraph_is_left_in_french(reports):
    english = {text for tag, text in _words(reports["en"]).words
               if tag in ("h1", "h2", "h3", "p", "dt", "summary", "title", "footer")
               or (tag == "th" and not any(ch.isdigit() for ch in text))}
    french = _words(reports["fr"])
    french_text = " ".join(text for _, text in french.words)
    names = set(mp.datasets.load_worker_survey().columns)  # the data's own names
    left = sorted(text for text in english - SAME_IN_BOTH - names
                  if text in {t for _, t in french.words} or (len(text) > 25
                                                             and text in french_text))
    assert not left, f"English left in the French report: {left}"
    headings = [text for tag, text in french.words if tag == "h2"]
    assert headings[0] == "Qui sont les travailleurs" and "Sommaire" in french_text


def test_numbers_follow_each_language(reports):
    en = reports["en"].read_text(encoding="utf-8")
    fr = reports["fr"].read_text(encoding="utf-8")
    assert "<td>295,985</td>" in en and f"<td>295{NARROW}985</td>" in fr  # a circle's size
    assert "<td>0.679</td>" in en and "<td>0,679</td>" in fr  # the Gini
    assert "<td>&lt; 0.001</td>" in en and "<td>&lt; 0,001</td>" in fr  # p-values
    assert f"(1{NARROW}000)" in fr and "(1,000)" in en  # a count in a paragraph
    assert ">nan<" not in fr.lower()


def test_category_labels_come_from_the_codebook(reports):
    en = reports["en"].read_text(encoding="utf-8")
    fr = reports["fr"].read_text(encoding="utf-8")
    assert "<th>Bac+3 ou plus</th>" in fr and "<th>Bac+3 or more</th>" in en
    assert "above_bac+2" not in fr and "<th>Femme</th>" in fr
    table = pd.read_csv(reports["fr"].with_name("profile.csv"))
    assert "above_bac+2" in set(table["level"])  # the CSV keeps the codes


def test_the_profile_shows_weighted_shares_with_intervals():
    workers = mp.SurveyDesign(mp.datasets.load_worker_survey(), weights="weight")
    table = profile_section(workers, ["sex"]).table("profile")
    women = table.loc[("sex", "female")]
    assert women["weighted_ci_low"] < women["weighted_share"] < women["weighted_ci_high"]


def test_the_header_names_files_design_and_configuration(reports):
    fr = _words(reports["fr"])
    facts = dict((text, None) for tag, text in fr.words if tag == "dt")
    assert {"Date", "Fichiers de données", "Enquête auprès des travailleurs"} <= set(facts)
    assert any("13 strates" in text for tag, text in fr.words if tag == "dd")
    assert '<a href="#section-1">' in reports["fr"].read_text(encoding="utf-8")


def test_configuration_is_shown_collapsed_and_escaped(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    mp.datasets.load_worker_survey().to_csv(folder / "workers.csv", index=False)
    config = folder / "analysis.toml"
    config.write_text('title = "Mes <b>travailleurs</b>"\n[survey]\nfile = "workers.csv"\n'
                      'weights = "weight"\n[profile]\nvariables = ["sex"]\n', encoding="utf-8")
    from micropop.report.config import load_config

    index = write_report(tmp_path / "out", load_config(config), lang="fr", progress=False)
    text = index.read_text(encoding="utf-8")
    assert "<details><summary>La configuration utilisée</summary>" in text
    assert "Mes &lt;b&gt;travailleurs&lt;/b&gt;" in text and "<b>travailleurs" not in text
    assert "Données : workers.csv (1\u202f000 lignes)" in text


def test_tables_for_french_excel_and_the_workbook(tmp_path):
    workers = mp.SurveyDesign(mp.datasets.load_worker_survey(), weights="weight")
    out = tmp_path / "excel"
    write_sections(out, [profile_section(workers, ["sex"])], title="Profil", lang="fr",
                   csv="excel-fr")
    raw = (out / "profile.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with a byte-order mark
    header, first = raw.decode("utf-8-sig").splitlines()[:2]
    assert header.split(";")[:3] == ["variable", "modalité", "effectif"]
    assert first.startswith("sex;female;561;0,561;")
    sheets = pd.read_excel(out / "tables.xlsx", sheet_name=None)
    assert list(sheets) == ["profile"] and len(sheets["profile"]) == 2
    plain = tmp_path / "plain"
    write_sections(plain, [profile_section(workers, ["sex"])], title="Profile")
    assert (plain / "profile.csv").read_text(encoding="utf-8").startswith("variable,level,n,")
    assert pd.read_excel(plain / "tables.xlsx").columns[:3].tolist() == ["variable", "level", "n"]


def test_a_column_with_no_defined_cell_is_left_out():
    frame = pd.DataFrame({"estimate": [1.5, 2.5], "truth": [float("nan")] * 2})
    text = table_html(frame, lang="fr")
    assert "taille réelle" not in text and "<td>1,5</td>" in text


def test_value_labels_must_name_levels():
    with pytest.raises(mp.errors.CodebookError, match="'bac\\+9' is not a level"):
        mp.Codebook.from_dict({"variables": {"education": {
            "type": "ordered", "levels": ["bac", "bac+2"],
            "value_labels": {"fr": {"bac+9": "Doctorat"}}}}})
    book = mp.Codebook.from_dict({"variables": {"sexe": {
        "type": "categorical", "levels": {1: "F", 2: "H"},
        "value_labels": {"fr": {1: "Femme"}, "en": {"H": "Men"}}}}})
    data = book.apply(pd.DataFrame({"sexe": [1, 2]}))
    assert data.attrs["value_labels"]["sexe"] == {"fr": {"F": "Femme"}, "en": {"H": "Men"}}
    assert mp.Codebook.from_dict(book.to_dict()) == book


def test_the_cli_writes_csv_for_french_excel(tmp_path):
    from micropop.cli import build_parser

    args = build_parser().parse_args(["report", "--lang", "fr", "--csv", "excel-fr"])
    assert (args.lang, args.csv) == ("fr", "excel-fr")
    assert build_parser().parse_args(["report"]).csv == "plain"
