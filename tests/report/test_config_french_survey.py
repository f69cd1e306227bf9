"""A French survey exported from Excel through analysis.toml and the CLI (issue #13, part 1).

Every test reads the shared example examples/enquete_fr/ (cp1252, ';', decimal comma, French
column names and codes, household income non-response, zero hours with earnings), copied
into a temporary folder and its analysis.toml edited where a test needs it.
"""

from __future__ import annotations

import codecs
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
from tests.support.paths import ROOT

import micropop as mp
from micropop.cli import main
from micropop.errors import ConfigError
from micropop.report import write_report
from micropop.report.config import load_config
from micropop.report.config_keys import KEYS

EXAMPLE = ROOT / "examples" / "enquete_fr"
#: A number as the report may write it: 1,000 or 1 000 (any space).
THOUSAND = r"1[,\u00a0\u202f ]?000"


def _example(tmp_path: Path, drop: tuple[str, ...] = (), add: str = "",
             replace: dict[str, str] | None = None) -> Path:
    """The French example copied into ``tmp_path``; its config without the lines starting with
    ``drop``, with ``replace`` applied and ``add`` appended. Returns the config's path."""
    folder = tmp_path / "enquete_fr"
    shutil.copytree(EXAMPLE, folder)
    config = folder / "analysis.toml"
    lines = [line for line in config.read_text(encoding="utf-8").splitlines()
             if not line.startswith(drop)] if drop else config.read_text(
        encoding="utf-8").splitlines()
    text = "\n".join(lines) + "\n" + add
    for old, new in (replace or {}).items():
        assert old in text, old
        text = text.replace(old, new)
    config.write_text(text, encoding="utf-8")
    return config


def _run(capsys: pytest.CaptureFixture[str], *argv: object) -> tuple[int, str]:
    status = main([str(a) for a in argv])
    captured = capsys.readouterr()
    return status, captured.out + captured.err


def _page(out: Path) -> str:
    return re.sub(r"\s+", " ", (out / "index.html").read_text(encoding="utf-8"))


# --- the example itself -----------------------------------------------------------------------


def test_the_example_is_a_french_excel_export():
    data = (EXAMPLE / "enquete.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    text = data.decode("cp1252")
    header = text.splitlines()[0].split(";")
    assert header[:4] == ["id_repondant", "sexe", "age", "tranche_age"]
    assert {"gains_mois", "heures_semaine", "revenu_menage", "poids"} <= set(header)
    assert "Île-de-France" in text and re.search(r";\d+,\d+;", text)
    survey = mp.read_survey(EXAMPLE / "enquete.csv", codebook=EXAMPLE / "enquete.codebook.yaml")
    assert len(survey) == 1000
    assert 0.07 < survey["revenu_menage"].isna().mean() < 0.09
    zero = survey["heures_semaine"] == 0
    assert zero.sum() > 0 and (survey.loc[zero, "gains_mois"] > 0).all()
    assert "SYNTHETIC" in (EXAMPLE / "enquete.codebook.yaml").read_text(encoding="utf-8")
    margins = (EXAMPLE / "marges.csv").read_bytes()
    assert margins.startswith(codecs.BOM_UTF8)
    assert all(space.encode() in margins for space in (" ", "\u202f", "\u00a0"))


def test_the_example_config_documents_every_key_it_uses():
    """Every key set in analysis.toml is a declared key and carries a comment."""
    table = ""
    for line in (EXAMPLE / "analysis.toml").read_text(encoding="utf-8").splitlines():
        header = re.match(r"\[([\w.]+)\]", line)
        if header:
            table = re.sub(r"^models\.[\w-]+$", "models.NAME", header.group(1))
        key = re.match(r"(\w+)\s*=", line)
        if key and not table.endswith("_levels"):
            assert key.group(1) in KEYS[table], line
            assert "#" in line, f"{line!r} has no comment"


# --- end to end through the CLI ---------------------------------------------------------------


def test_the_french_survey_goes_through_the_cli_to_a_french_report(tmp_path, capsys):
    out = tmp_path / "rapport"
    status, said = _run(capsys, "report", "--config", EXAMPLE / "analysis.toml", "--lang", "fr",
                        "--out", out)
    assert status == 0, said
    page = _page(out)
    # income non-response left out, and said, in French
    assert re.search(rf"80 des {THOUSAND} répondants sont laissés de côté dans le taux de "
                     r"pauvreté", page)
    # zero hours with earnings left out of the hourly figures, and said
    assert re.search(r"30 répondants déclarent zéro heure \(heures_semaine = 0\), dont 30 "
                     r"avec des gains positifs", page)
    # the comparison with France through [profile.france]
    france = pd.read_csv(out / "profile_france.csv")
    assert set(france["variable"]) == {"sexe", "tranche_age", "diplome"}
    assert {"Femme", "Homme", "Bac+3 ou plus", "18-24"} <= set(france["level"])
    assert france["reference_share"].notna().all()
    sex = france[france["variable"] == "sexe"].set_index("level")["reference_share"]
    assert sex["Femme"] == pytest.approx(0.5117, abs=1e-3)  # INSEE RP2018, women 18-74
    assert (out / "age_sex_pyramid.png").is_file()
    # the margins with thousands separators were read and reached
    margins = pd.read_csv(out / "weighting_margins.csv")
    assert sorted(margins["target"].round()) == [87100.0, 87800.0, 91200.0]


def test_the_report_says_which_encoding_was_read_in_every_case(tmp_path):
    plan = load_config(_example(tmp_path, drop=("encoding", "sep", "decimal")))
    notes = "\n".join(plan.read_notes)
    assert "enquete.csv: Encoding Windows-1252 (cp1252)" in notes
    assert "marges.csv: Encoding UTF-8 (the file starts with its byte-order mark)" in notes
    assert "enquete.csv: Separator ';'" in notes and "enquete.csv: Decimal mark ','" in notes
    given = load_config(EXAMPLE / "analysis.toml").read_notes
    assert ("enquete.csv: Encoding cp1252, separator ';', decimal mark ',', as [survey] says."
            in given)
    folder = tmp_path / "utf8"
    shutil.copytree(EXAMPLE, folder)
    text = (EXAMPLE / "enquete.csv").read_bytes().decode("cp1252")
    (folder / "enquete.csv").write_bytes(text.encode("utf-8"))
    notes = "\n".join(load_config(_strip_reading(folder)).read_notes)
    assert "enquete.csv: Encoding UTF-8." in notes
    (folder / "enquete.csv").write_bytes(codecs.BOM_UTF8 + text.encode("utf-8"))
    notes = "\n".join(load_config(_strip_reading(folder)).read_notes)
    assert "enquete.csv: Encoding UTF-8 (the file starts with its byte-order mark)." in notes


def _strip_reading(folder: Path) -> Path:
    config = folder / "analysis.toml"
    config.write_text("\n".join(line for line in config.read_text(encoding="utf-8").splitlines()
                                if not line.startswith(("encoding", "sep =", "decimal"))),
                      encoding="utf-8")
    return config


@pytest.mark.parametrize("line, message", [
    ('encoding = "cp9999"', "[survey] encoding: 'cp9999' is not an encoding Python knows"),
    ('sep = ";;"', "[survey] sep: ';;' is not one character"),
    ('decimal = "x"', "[survey] decimal: 'x' is not a decimal mark"),
    ('encoding = "utf-8"', "[survey] file: "),  # the reader's refusal, named by the key
    ('decimal = "."', "[survey] file: "),
])
def test_reading_keys_are_checked_and_named(tmp_path, line, message):
    key = line.split(" =")[0]
    config = _example(tmp_path, replace={next(
        ln for ln in (EXAMPLE / "analysis.toml").read_text(encoding="utf-8").splitlines()
        if ln.startswith(key + " ")): line})
    with pytest.raises(ConfigError) as err:
        load_config(config)
    assert message in str(err.value)


def test_estimate_reads_the_french_export_with_its_flags(tmp_path, capsys):
    data = EXAMPLE / "enquete.csv"
    status, said = _run(capsys, "estimate", "mean", "gains_mois", "--data", data,
                        "--weights", "poids", "--encoding", "cp1252", "--sep", ";",
                        "--decimal", ",", "--format", "csv")
    assert status == 0, said
    assert re.search(r"^gains_mois,\d+\.\d+", said, flags=re.M)
    status, said = _run(capsys, "estimate", "mean", "gains_mois", "--data", data,
                        "--weights", "poids", "--encoding", "utf-8")
    assert status == 1 and "--encoding" in said and "encoding=" not in said
    status, said = _run(capsys, "estimate", "mean", "hours_week", "--dataset", "worker_survey",
                        "--weights", "weight", "--sep", ";")
    assert status == 1 and "--sep applies to --data, not to a packaged --dataset" in said


# --- missing values and zero hours ------------------------------------------------------------


def test_without_na_rm_missing_incomes_are_refused_naming_the_key(tmp_path, capsys):
    config = _example(tmp_path, drop=("na_rm",))
    out = tmp_path / "rapport"
    status, said = _run(capsys, "report", "--config", config, "--out", out)
    assert status == 1
    assert "revenu_menage" in said and "set na_rm = true in [earnings]" in said
    assert not out.exists()


def test_without_zero_hours_the_rows_are_refused_naming_the_key(tmp_path, capsys):
    config = _example(tmp_path, drop=("zero_hours",))
    status, said = _run(capsys, "report", "--config", config, "--out", tmp_path / "r")
    assert status == 1
    assert "heures_semaine" in said and 'set zero_hours = "exclude" in [earnings]' in said


def test_a_failed_config_run_leaves_the_previous_report_intact(tmp_path, capsys):
    out = tmp_path / "rapport"
    status, said = _run(capsys, "report", "--config", EXAMPLE / "analysis.toml", "--out", out)
    assert status == 0, said
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    config = _example(tmp_path, drop=("zero_hours",))
    status, said = _run(capsys, "report", "--config", config, "--out", out)
    assert status == 1
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["enquete_fr", "rapport"]


@pytest.mark.parametrize("add, message", [
    ('zero_hours = "drop"', "[earnings] zero_hours: 'drop' is not a policy"),
    ("na_rm = 1", "[earnings] na_rm: should be true or false"),
])
def test_earnings_policies_are_checked(tmp_path, add, message):
    key = add.split(" =")[0]
    config = _example(tmp_path, drop=(key,), replace={
        'poverty_line_year = 2016': f"poverty_line_year = 2016\n{add}"})
    with pytest.raises(ConfigError) as err:
        load_config(config)
    assert message in str(err.value)


def test_zero_hours_needs_hours(tmp_path):
    config = _example(tmp_path, drop=("hours", "minimum_wage_year"))
    with pytest.raises(ConfigError, match=r"\[earnings\] zero_hours: applies only with hours"):
        load_config(config)


def test_profile_na_rm_leaves_missing_values_out_and_says_so(tmp_path):
    config = _example(tmp_path)
    csv = config.parent / "enquete.csv"
    lines = csv.read_bytes().decode("cp1252").split("\r\n")
    at = lines[0].split(";").index("situation")
    for i in range(1, 8):  # seven respondents did not say their situation: blank cells
        cells = lines[i].split(";")
        cells[at] = ""
        lines[i] = ";".join(cells)
    csv.write_bytes("\r\n".join(lines).encode("cp1252"))
    plan = load_config(config)
    assert plan.profile_na_rm
    out = write_report(tmp_path / "r", plan, lang="fr").parent
    profile = pd.read_csv(out / "profile.csv")
    assert "(missing)" not in set(profile["level"].astype(str))
    assert re.search(rf"7 des {THOUSAND} répondants sont laissés de côté dans le profil",
                     _page(out))
    without = load_config(_example(tmp_path / "b", replace={
        "na_rm = true                     # laisser": "# laisser"}))
    assert not without.profile_na_rm


# --- the comparison with France ---------------------------------------------------------------


@pytest.mark.parametrize("old, new, message", [
    ('Femme = "female"', 'Femmes = "female"',
     "[profile.france] sex_levels: 'Femmes' is not a level of column 'sexe'"),
    ('Femme = "female", Homme = "male"', 'Femme = "female"',
     "[profile.france] sex_levels: level(s) 'Homme' of column 'sexe' are not mapped"),
    ('Homme = "male"', 'Homme = "men"',
     "[profile.france] sex_levels: 'Homme' is mapped to 'men', not a reference label"),
    ('"Bac+2" = "bac+2"', '"Bac+2" = "bac"',
     "[profile.france] education_levels: 'bac' is given for both"),
    ('"Bac+2" = "bac+2"', '"Bac+2" = ["bac+2", "above_bac+2"]',
     "[profile.france] education_levels: 'above_bac+2' is given for both"),
    ('age = "age" ', 'age = "agee" ',
     "[profile.france] age: column(s) 'agee' not in enquete.csv"),
    ('ages = [18, 74]', 'ages = [74, 18]', "[profile.france] ages: "),
    ('sex = "sexe"', 'sex = "age"', "[profile.france] age: column 'age' is also given as sex"),
])
def test_france_mapping_errors_name_the_key(tmp_path, old, new, message):
    with pytest.raises(ConfigError) as err:
        load_config(_example(tmp_path, replace={old: new}))
    assert message in str(err.value)


def test_france_mapping_needs_compare_and_education_needs_age(tmp_path):
    with pytest.raises(ConfigError, match=r"\[profile.france\]: applies only with "
                                          r"compare_with_france = true"):
        load_config(_example(tmp_path / "a", replace={"compare_with_france = true":
                                                      "compare_with_france = false"}))
    with pytest.raises(ConfigError, match=r"\[profile.france\] education: needs age"):
        load_config(_example(tmp_path / "b", drop=('age = "age"',)))


def test_france_mapping_is_turned_round_for_the_reference_builders(tmp_path):
    """Your level -> reference label(s) becomes reference label -> your level; several INSEE
    bands on one of your bands are added up by the census builder."""
    plan = load_config(EXAMPLE / "analysis.toml")
    assert plan.france.education_levels == {"below_bac": "Inférieur au bac",
                                            "bac": "Baccalauréat", "bac+2": "Bac+2",
                                            "above_bac+2": "Bac+3 ou plus"}
    assert plan.france.age_band_levels["15-19"] == plan.france.age_band_levels["20-24"] == "18-24"
    assert plan.france.sex_levels == {"female": "Femme", "male": "Homme"}


def test_the_demo_config_still_compares_with_france_by_default():
    plan = load_config(ROOT / "examples" / "analysis.toml")
    assert plan.compare_with_france and plan.france.sex == "sex"
    assert plan.france.sex_levels is None and not plan.profile_na_rm
