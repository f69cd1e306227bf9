"""``micropop report --config``: the example configuration, a user-style one, and every error."""

import io
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import micropop as mp
from micropop.cli import main
from micropop.errors import ConfigError
from micropop.report import write_report
from micropop.report.config import load_config
from micropop.report.progress import Progress, shows_progress
from support.paths import ROOT

EXAMPLE = ROOT / "examples" / "analysis.toml"


class _Images(HTMLParser):
    def __init__(self):
        super().__init__()
        self.sources, self.headings, self._heading = [], [], False

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            self.sources.append(dict(attrs)["src"])
        self._heading = tag == "h2"

    def handle_data(self, data):
        if self._heading and data.strip():
            self.headings.append(data.strip())
            self._heading = False


def _page(index: Path) -> _Images:
    page = _Images()
    page.feed(index.read_text(encoding="utf-8"))
    return page


# --- the example configuration, end to end through the command line ----------------


@pytest.fixture(scope="module")
def example_report(tmp_path_factory):
    out = tmp_path_factory.mktemp("example")
    result = subprocess.run([sys.executable, "-m", "micropop", "report", "--config",
                             str(EXAMPLE), "--out", str(out)],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "[1/" not in result.stderr  # piped: no progress lines
    return out


def test_example_config_runs_every_section(example_report):
    page = _page(example_report / "index.html")
    assert page.headings == ["Who the workers are", "What micro-work pays",
                             "Workers against the French population",
                             "Earnings and living standards",
                             "What goes with regular work and with low pay",
                             "How many micro-workers"]
    assert page.sources and all(src.startswith("data:image/png;base64,")
                                for src in page.sources)
    for stem in ("earnings", "profile_france", "age_sex_pyramid", "earnings_ecdf", "lorenz",
                 "hourly_vs_smic", "size_survey_circles", "size_platform_circles", "size_forest"):
        assert (example_report / f"{stem}.png").stat().st_size > 1000
        assert (example_report / f"{stem}.svg").exists()


def test_example_config_gives_the_demo_numbers(example_report, tmp_path):
    """The example points at the demo files, so its tables equal the demo report's."""
    demo = write_report(tmp_path).parent
    for table in ("profile.csv", "living_standards.csv", "size_survey_circles.csv",
                  "size_regular_circle.csv"):
        ours = pd.read_csv(example_report / table)
        theirs = pd.read_csv(demo / table)
        if "truth" in theirs:
            theirs = theirs.drop(columns="truth")
        pd.testing.assert_frame_equal(ours, theirs, check_exact=False, rtol=1e-12)


# --- a user-style configuration: other names, parquet, weighting, no size -----------


def _user_files(folder: Path, **replace) -> Path:
    """A worker survey with other column names, a margins file and a config; returns it."""
    survey = mp.datasets.load_worker_survey().rename(columns={
        "sex": "gender", "earnings_month": "pay", "weight": "w", "hours_week": "hrs"})
    survey.to_parquet(folder / "workers.parquet")
    total = survey["w"].sum()
    pd.DataFrame({"variable": "gender", "level": ["female", "male"],
                  "target": [0.5 * total, 0.5 * total]}).to_csv(folder / "margins.csv",
                                                                 index=False)
    text = {
        "survey": '[survey]\nfile = "workers.parquet"\nweights = "w"\n',
        "weighting": '[weighting]\nmethod = "rake"\nmargins = "margins.csv"\n',
        "profile": '[profile]\nvariables = ["gender", "education"]\n',
        "earnings": '[earnings]\nvariable = "pay"\nhours = "hrs"\n',
    }
    text.update(replace)
    config = folder / "analysis.toml"
    config.write_text('title = "Click workers <b>2026</b>"\n' + "".join(text.values()),
                      encoding="utf-8")
    return config


def test_user_config_reweights_and_reports(tmp_path):
    config = _user_files(tmp_path)
    out = tmp_path / "out"
    assert main(["report", "--config", str(config), "--out", str(out)]) == 0
    page = _page(out / "index.html")
    assert page.headings == ["Who the workers are", "What micro-work pays",
                             "Earnings and living standards", "Weighting and its diagnostics"]
    text = (out / "index.html").read_text(encoding="utf-8")
    assert "Click workers &lt;b&gt;2026&lt;/b&gt;" in text  # the title is data, escaped
    assert "workers.parquet (1,000 rows)" in text
    profile = pd.read_csv(out / "profile.csv", index_col=[0, 1])
    assert profile.loc[("gender", "female"), "weighted_share"] == pytest.approx(0.5, rel=1e-9)
    margins = pd.read_csv(out / "weighting_margins.csv")
    assert np.allclose(margins["achieved"], margins["target"], rtol=1e-7)
    living = pd.read_csv(out / "living_standards.csv")
    assert not living["indicator"].str.contains("poverty line").any()  # no household income
    assert (out / "hourly_vs_smic.png").exists()
    assert not (out / "size_forest.png").exists()


def test_user_config_estimates_use_the_new_weights(tmp_path):
    plan = load_config(_user_files(tmp_path))
    raked = mp.SurveyDesign(mp.datasets.load_worker_survey(), weights="weight").rake(
        {"sex": {"female": 0.5 * 266_126, "male": 0.5 * 266_126}})
    assert plan.workers.mean("pay").estimate[0] == pytest.approx(
        raked.mean("earnings_month").estimate[0], rel=1e-6)


def test_inline_calibration_margins_match_the_data_levels(tmp_path):
    config = _user_files(tmp_path, weighting='[weighting]\nmethod = "calibrate"\n'
                                             'calibration = "raking"\nbounds = [0.2, 5.0]\n'
                                             'margins = { gender = { female = 150000, male = '
                                             '116126 }, pay = 6.0e6 }\n')
    plan = load_config(config)
    assert plan.workers.total("pay").estimate[0] == pytest.approx(6.0e6, rel=1e-6)
    assert plan.workers.weights.sum() == pytest.approx(266_126, rel=1e-6)


def test_margins_file_with_a_bad_target_names_its_row(tmp_path):
    config = _user_files(tmp_path)
    (tmp_path / "margins.csv").write_text("variable,level,target\ngender,female,100\n"
                                          "gender,male,many\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"\[weighting\] margins: margins.csv has a missing or "
                                          r"non-numeric entry in data row 2"):
        load_config(config)


def test_poststratify_with_numeric_levels(tmp_path):
    config = _user_files(tmp_path, weighting='[weighting]\nmethod = "poststratify"\n'
                                             'margins = { n_platforms = { 1 = 700, 2 = 200, '
                                             '3 = 70, 4 = 20, 5 = 10 } }\n')
    plan = load_config(config)
    assert plan.workers.weights.sum() == pytest.approx(1_000, rel=1e-12)


# --- errors name the key ------------------------------------------------------------


@pytest.mark.parametrize("replace, message", [
    ({"survey": '[survey]\nfile = "workers.parquet"\nweight = "w"\n'},
     "[survey] weight: unknown key"),
    ({"survey": '[survey]\nfile = "nowhere.csv"\n'}, "[survey] file: file 'nowhere.csv' not found"),
    ({"survey": '[survey]\nweights = "w"\n'}, "[survey] file: is required"),
    ({"survey": '[survey]\nfile = "workers.parquet"\nweights = "wt"\n'},
     "[survey] weights: column(s) 'wt' not in workers.parquet"),
    ({"survey": '[survey]\nfile = "workers.parquet"\nweights = 3\n'},
     "[survey] weights: should be a string, not 3"),
    ({"survey": '[survey]\nfile = "workers.parquet"\nweights = "w"\nnest = "yes"\n'},
     "[survey] nest: should be true or false"),
    ({"survey": '[survey]\nfile = "workers.parquet"\nweights = "w"\nlonely_psu = "drop"\n'},
     "[survey] of"),
    ({"survey": '[survey]\nfile = "workers.parquet"\nweights = "age"\nstrata = ["region"]\n'
                'psu = ["gender"]\n'}, "[survey] of"),
    ({"weighting": '[weighting]\nmethod = "raking"\nmargins = "margins.csv"\n'},
     "[weighting] method: 'raking' is not a weighting method"),
    ({"weighting": '[weighting]\nmethod = "rake"\n'}, "[weighting] margins: is required"),
    ({"weighting": '[weighting]\nmethod = "rake"\nmargins = "margins.csv"\nbounds = [1, 2]\n'},
     "[weighting] bounds: applies to method = \"calibrate\", not 'rake'"),
    ({"weighting": '[weighting]\nmethod = "rake"\nmargins = "workers.parquet"\n'},
     "[weighting] margins: workers.parquet lacks column(s) level, target, variable"),
    ({"weighting": '[weighting]\nmethod = "rake"\nmargins = { gender = { woman = 1, man = 2 } }\n'},
     "[weighting] of"),
    ({"weighting": '[weighting]\nmethod = "rake"\nmargins = { gender = "half" }\n'},
     "[weighting] margins: the margin of 'gender' should be a table"),
    ({"weighting": '[weighting]\nmethod = "rake"\nmargins = { sex = { female = 1 } }\n'},
     "[weighting] margins: column(s) 'sex' not in the worker survey"),
    ({"weighting": '[weighting]\nmethod = "poststratify"\n'
                   'margins = { gender = { female = 1, male = 1 }, education = { x = 1 } }\n'},
     "[weighting] margins: poststratify takes one variable, not 2"),
    ({"profile": '[profile]\nvariables = ["gender", "educ"]\n'},
     "[profile] variables: column(s) 'educ' not in workers.parquet"),
    ({"profile": '[profile]\nvariables = [1, 2]\n'}, "[profile] variables: should be a column"),
    ({"earnings": '[earnings]\nhours = "hrs"\n'}, "[earnings] variable: is required"),
    ({"earnings": '[earnings]\nvariable = "pay"\nhousehold_income = "hh_income_month"\n'
                  'household_size = "hh"\n'}, "[earnings] household_size: column(s) 'hh'"),
    ({"earnings": '[earnings]\nvariable = "pay"\npoverty_line_year = "2016"\n'},
     "[earnings] poverty_line_year: should be an integer"),
    ({"earnings": "[size]\npublished = 5\n"}, "[size]: has no method"),
    ({"earnings": '[size.captures]\nfile = "workers.parquet"\nlists = ["a"]\n'},
     "[size.captures] lists: column(s) 'a' not in workers.parquet"),
    ({"earnings": '[size.survey]\nfile = "workers.parquet"\nweights = "w"\n'
                  'frequency = "frequency"\ncircles = { all = "weekly" }\n'},
     "[size.survey] circles: circle 'all' should list its levels"),
    ({"earnings": '[size.survey]\nfile = "workers.parquet"\nweights = "w"\n'
                  'frequency = "frequency"\ncircles = { all = ["weekly"] }\nregular = "monthly"\n'},
     "[size.survey] regular: 'monthly' is not one of the circles"),
    ({"earnings": '[size.platforms]\nfile = "workers.parquet"\nmultiplicity = "platforms"\n'},
     "[size.platforms] multiplicity: column(s) 'platforms' not in the worker survey"),
    ({"earnings": '[extra]\nkey = 1\n'}, "extra: unknown key"),
    ({"earnings": '[size.survey]\nfile = "workers.parquet"\nweights = "w"\n'
                  'frequency = "frequency"\ncircles = { all = ["hourly"] }\n'},
     "[size.survey] of"),
    ({"earnings": '[size.captures]\nfile = "workers.parquet"\nlists = ["age", "n_platforms"]\n'},
     "[size.captures] of"),
    ({"earnings": '[size.platforms]\nfile = "workers.parquet"\n'}, "[size.platforms] of"),
])
def test_config_errors_name_the_key(tmp_path, replace, message):
    config = _user_files(tmp_path, **replace)
    with pytest.raises(ConfigError) as err:
        load_config(config)
    assert message in str(err.value)
    assert str(config) in str(err.value)


def test_unknown_key_suggests_the_closest(tmp_path):
    config = _user_files(tmp_path, profile='[profile]\nvariable = ["gender"]\n')
    with pytest.raises(ConfigError, match=r"closest: 'variables'"):
        load_config(config)


def test_missing_and_invalid_config_files(tmp_path):
    with pytest.raises(ConfigError, match="configuration file 'nope.toml' not found"):
        load_config("nope.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("[survey\nfile = 1\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="is not valid TOML"):
        load_config(bad)


def test_cli_reports_config_errors_with_status_1(tmp_path, capsys):
    config = _user_files(tmp_path, profile='[profile]\nvariables = ["colour"]\n')
    assert main(["report", "--config", str(config), "--out", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("micropop: error: [profile] variables: column(s) 'colour'")
    assert not (tmp_path / "out" / "index.html").exists()


# --- progress: on a terminal only ---------------------------------------------------


class _Terminal(io.StringIO):
    def isatty(self):
        return True


def test_progress_shows_on_a_terminal_outside_ci(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    stream = _Terminal()
    assert shows_progress(stream)
    progress = Progress(2, stream=stream)
    with progress.step("first"):
        pass
    with pytest.raises(RuntimeError), progress.step("second"):
        raise RuntimeError("boom")
    lines = stream.getvalue().splitlines()
    assert lines[0].startswith("[1/2] first ... ") and lines[0].endswith(" s")
    assert lines[1] == "[2/2] second ... failed"


def test_progress_is_quiet_in_ci_and_when_piped(monkeypatch):
    monkeypatch.setenv("CI", "true")
    assert not shows_progress(_Terminal())
    monkeypatch.delenv("CI")
    assert not shows_progress(io.StringIO())


def test_report_progress_lists_every_section(tmp_path, monkeypatch):
    stream = _Terminal()
    monkeypatch.setattr(sys, "stderr", stream)
    monkeypatch.delenv("CI", raising=False)
    # into a folder of its own: the folder of the data holds the user's files, which a
    # report refuses to write beside (it used to write there)
    write_report(tmp_path / "report", load_config(_user_files(tmp_path)))
    labels = [line.split(" ... ")[0] for line in stream.getvalue().splitlines()]
    assert labels == ["[1/5] profile of the workers", "[2/5] earnings distribution",
                      "[3/5] earnings, inequality and poverty", "[4/5] weighting diagnostics",
                      "[5/5] writing index.html"]


def test_write_report_refuses_a_data_frame_or_an_unknown_language(tmp_path):
    with pytest.raises(mp.errors.OptionError, match="plan is a DataFrame, not a ReportPlan"):
        write_report(tmp_path, mp.datasets.load_worker_survey())
    with pytest.raises(mp.errors.OptionError, match="lang='de'"):
        write_report(tmp_path, lang="de")
