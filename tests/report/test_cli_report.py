"""The ``micropop`` command and the HTML report, end to end on the demo data."""

import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest

import micropop as mp
from micropop.cli import main
from micropop.report import PROFILE_VARIABLES, ReportPlan, write_report


class _Page(HTMLParser):
    """Collects <img> tags and table cell texts of a page."""

    def __init__(self):
        super().__init__()
        self.images, self.cells, self._in_cell = [], [], False

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            self.images.append(dict(attrs))
        self._in_cell = tag in ("td", "th")

    def handle_data(self, data):
        if self._in_cell and data.strip():
            self.cells.append(data.strip())


def _run(*args):
    return subprocess.run([sys.executable, "-m", "micropop", *args],
                          capture_output=True, text=True, timeout=300)


def test_console_script_is_installed():
    script = Path(sys.executable).with_name("micropop")
    assert script.exists(), "the micropop console script is missing from the environment"
    out = subprocess.run([str(script), "--version"], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0
    assert out.stdout.strip() == f"micropop {mp.__version__}"


def test_help_lists_report_command():
    out = _run("--help")
    assert out.returncode == 0
    assert "report" in out.stdout


def test_no_command_prints_help_and_fails(capsys):
    assert main([]) == 2
    assert "usage: micropop" in capsys.readouterr().out


@pytest.fixture(scope="module")
def report_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("report")
    result = _run("report", "--out", str(out))
    assert result.returncode == 0, result.stderr
    return out


def test_report_writes_every_file(report_dir):
    names = {p.name for p in report_dir.iterdir()}
    assert {"index.html", "profile.csv", "earnings_bins.csv", "earnings.png", "earnings.svg",
            "size_survey_circles.csv", "size_platform_circles.csv", "size_regular_circle.csv",
            "size_forest.png", "size_forest.svg", "profile_france.csv", "profile_tests.csv",
            "living_standards.csv", "weighting_summary.csv", "weighting_margins.csv",
            "weighting_workers.csv"} <= names
    figures = {"earnings", "size_forest", "size_survey_circles", "size_platform_circles",
               "profile_france", "age_sex_pyramid", "earnings_ecdf", "lorenz", "hourly_vs_smic",
               "weighting_margins"}
    assert {f"{stem}.{ext}" for stem in figures for ext in ("png", "svg")} <= names
    assert (report_dir / "earnings.png").read_bytes().startswith(b"\x89PNG")


def test_report_html_references_existing_images_and_shows_the_profile(report_dir):
    page = _Page()
    page.feed((report_dir / "index.html").read_text(encoding="utf-8"))
    assert page.images, "the report shows no figure"
    for img in page.images:
        assert img["src"].startswith("data:image/png;base64,")
        assert (report_dir / img["data-file"]).exists()
    for variable in PROFILE_VARIABLES:
        assert variable in page.cells
    assert "SYNTHETIC" in (report_dir / "index.html").read_text(encoding="utf-8")


def test_report_csv_matches_the_data(report_dir):
    survey = mp.datasets.load_worker_survey()
    table = pd.read_csv(report_dir / "profile.csv")
    for variable in PROFILE_VARIABLES:
        rows = table[table["variable"] == variable]
        assert rows["n"].sum() == len(survey)
        assert rows["weighted_share"].sum() == pytest.approx(1.0)
    women = table[(table["variable"] == "sex") & (table["level"] == "female")]
    expected = survey.loc[survey["sex"] == "female", "weight"].sum() / survey["weight"].sum()
    assert women["weighted_share"].iloc[0] == pytest.approx(expected, rel=1e-12)


def test_report_size_tables_nest_and_cover_the_demo_truth(report_dir):
    circles = pd.read_csv(report_dir / "size_survey_circles.csv", index_col=0)
    assert circles["estimate"].is_monotonic_decreasing  # nested circles, widest first
    assert ((circles["ci_low"] <= circles["truth"])
            & (circles["truth"] <= circles["ci_high"])).all()
    regular = pd.read_csv(report_dir / "size_regular_circle.csv", index_col=0)
    assert len(regular) == 4
    assert (regular["ci_low"] < regular["estimate"]).all()
    assert (regular["estimate"] < regular["ci_high"]).all()


def test_report_france_and_weighting_tables(report_dir):
    france = pd.read_csv(report_dir / "profile_france.csv")
    women = france[(france["variable"] == "sex") & (france["level"] == "female")].iloc[0]
    assert women["share"] == pytest.approx(0.561, abs=0.001)  # the calibrated demo figure
    assert women["difference"] == pytest.approx(women["share"] - women["reference_share"])
    workers = pd.read_csv(report_dir / "weighting_workers.csv", index_col=0)["value"]
    assert workers["sum"] == pytest.approx(266_126, rel=1e-6)  # the worker count is kept
    assert workers["deff_kish"] > 1.5  # workers are far from the French age structure
    margins = pd.read_csv(report_dir / "weighting_margins.csv")
    assert (margins["achieved"] - margins["target"]).abs().max() < 1e-6 * margins["target"].max()


def _user_plan(survey):
    return ReportPlan(workers=mp.SurveyDesign(survey, weights="weight"))


def test_user_survey_report_leaves_out_the_size_section(tmp_path):
    index = write_report(tmp_path, _user_plan(mp.datasets.load_worker_survey()))
    assert "How many micro-workers" not in index.read_text(encoding="utf-8")
    assert not (tmp_path / "size_forest.png").exists()


def test_french_report_labels_its_figures_in_french(tmp_path):
    result = _run("report", "--out", str(tmp_path), "--lang", "fr")
    assert result.returncode == 0, result.stderr
    svg = (tmp_path / "lorenz.svg").read_text(encoding="utf-8")
    assert "Courbe de Lorenz des revenus mensuels" in svg  # the French title
    assert "Lorenz curve of monthly earnings" not in svg


def test_report_escapes_labels_from_the_data(tmp_path):
    survey = mp.datasets.load_worker_survey().copy()
    survey["sex"] = survey["sex"].cat.rename_categories(
        {"female": "<script>alert(1)</script>"})
    index = write_report(tmp_path, _user_plan(survey))
    text = index.read_text(encoding="utf-8")
    assert "<script>" not in text
    assert "&lt;script&gt;" in text


def test_report_error_is_reported_not_raised(tmp_path, capsys, monkeypatch):
    def broken(*args, **kwargs):
        raise mp.MicropopError("column 'weight' is missing", hint="add it")

    monkeypatch.setattr("micropop.report.write_report", broken)
    assert main(["report", "--out", str(tmp_path)]) == 1
    assert "column 'weight' is missing" in capsys.readouterr().err
