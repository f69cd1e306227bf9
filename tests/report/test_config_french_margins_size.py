"""French files for the weighting margins and the population-size survey (issue #13, part 1).

Margins targets written with French thousands separators, and a general-population survey
exported from French Excel (cp1252, ';', decimal comma) with non-response on the frequency.
The worker survey is the shared example examples/enquete_fr/.
"""

from __future__ import annotations

import codecs
import re
import shutil
from pathlib import Path

import numpy as np
import pytest
from tests.support.paths import ROOT

import micropop as mp
from micropop.errors import ConfigError
from micropop.report import write_report
from micropop.report.config import load_config

EXAMPLE = ROOT / "examples" / "enquete_fr"
#: The example's weighting table, replaced by each margins test.
_WEIGHTING = '[weighting]\nmethod = "rake"\nmargins = "marges.csv"\n'


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "enquete_fr"
    shutil.copytree(EXAMPLE, folder)
    return folder


def _config(folder: Path, extra: str = "") -> Path:
    """A config of the French survey: its reading keys, weighting by marges.csv, ``extra``."""
    config = folder / "analysis.toml"
    config.write_text('[survey]\nfile = "enquete.csv"\ncodebook = "enquete.codebook.yaml"\n'
                      'weights = "poids"\n' + _WEIGHTING + extra, encoding="utf-8")
    return config


def _margins(folder: Path, rows: list[str], encoding: str = "utf-8-sig") -> None:
    (folder / "marges.csv").write_text("variable;level;target\n" + "\n".join(rows) + "\n",
                                       encoding=encoding)


@pytest.mark.parametrize("space", [" ", "\u202f", "\u00a0"])
def test_margins_targets_with_thousands_separators_are_read(tmp_path, space):
    folder = _folder(tmp_path)
    _margins(folder, [f"sexe;Femme;149{space}000", f"sexe;Homme;117{space}126"],
             encoding="utf-8-sig" if space == "\u202f" else "cp1252")
    plan = load_config(_config(folder))
    totals = plan.workers.data.assign(w=plan.workers.weights).groupby(
        "sexe", observed=True)["w"].sum()
    assert totals.round().to_dict() == {"Femme": 149000.0, "Homme": 117126.0}


def test_the_example_margins_are_read_and_reached():
    plan = load_config(EXAMPLE / "analysis.toml")
    assert plan.weighting is not None
    totals = plan.workers.data.assign(w=plan.workers.weights).groupby(
        "frequence", observed=True)["w"].sum()
    assert sorted(totals.round()) == [87100.0, 87800.0, 91200.0]


def test_a_point_between_thousands_is_read_when_the_comma_is_the_decimal_mark(tmp_path):
    folder = _folder(tmp_path)
    _margins(folder, ["sexe;Femme;149.000,0", "sexe;Homme;117.126"])
    plan = load_config(_config(folder))
    assert float(plan.workers.weights.sum()) == pytest.approx(266126.0)


def test_an_ambiguous_target_is_refused_naming_its_row_and_the_key(tmp_path):
    folder = _folder(tmp_path)
    _margins(folder, ["sexe;Femme;149 000", "sexe;Homme;117.126"])
    with pytest.raises(ConfigError) as err:
        load_config(_config(folder))
    message = str(err.value)
    assert message.startswith("[weighting] margins: marges.csv has target(s) that may be "
                              "decimals or thousands, in data row 2")
    assert "117.126" in message and "150 000" in message


def test_a_point_the_reader_would_take_for_a_decimal_mark_is_refused(tmp_path):
    """Alone, '149.000' reads as 149 to the reader (a point is a decimal mark by default):
    in a margins file it is as likely a French 149 000, so it is refused."""
    folder = _folder(tmp_path)
    _margins(folder, ["sexe;Femme;149.000", "sexe;Homme;117.126"])
    with pytest.raises(ConfigError, match=r"may be decimals or thousands, in data rows 1, 2"):
        load_config(_config(folder))


def test_margins_written_as_plain_numbers_are_read_as_before(tmp_path):
    folder = _folder(tmp_path)
    _margins(folder, ["sexe;Femme;149000", "sexe;Homme;117126,5"])
    plan = load_config(_config(folder))
    assert float(plan.workers.weights.sum()) == pytest.approx(266126.5)


# --- [size.survey]: a French population survey with non-response -----------------------------


def _population(folder: Path, missing: int) -> None:
    """The demo population survey as French Excel writes it, ``missing`` frequencies blank."""
    survey = mp.datasets.load_population_survey()
    survey = survey.rename(columns={"microwork_freq": "frequence_mt", "weight": "poids"})
    survey["frequence_mt"] = survey["frequence_mt"].astype(object)
    survey.loc[survey.index[:missing], "frequence_mt"] = np.nan
    survey["region"] = survey["region"].astype(str)
    text = survey.to_csv(sep=";", decimal=",", index=False)
    (folder / "population.csv").write_bytes(text.encode("cp1252"))


_SIZE = """
[size.survey]
file = "population.csv"
encoding = "cp1252"
sep = ";"
decimal = ","
weights = "poids"
strata = "region"
psu = ["commune_id", "household_id"]
fpc = ["fpc1", "fpc2"]
frequency = "frequence_mt"
[size.survey.circles]
"12 derniers mois" = ["less_often", "monthly", "weekly"]
"au moins mensuel" = ["monthly", "weekly"]
"""


def test_size_survey_na_rm_leaves_missing_frequencies_out_and_says_so(tmp_path):
    folder = _folder(tmp_path)
    _population(folder, missing=25)
    plan = load_config(_config(folder, "[size]" + _SIZE.replace(
        'frequency = "frequence_mt"', 'frequency = "frequence_mt"\nna_rm = true')))
    assert plan.size is not None and plan.size.na_rm
    assert "population.csv: Encoding cp1252, separator ';', decimal mark ',', as " \
           "[size.survey] says." in plan.read_notes
    out = write_report(tmp_path / "rapport", plan, lang="fr").parent
    page = re.sub(r"\s+", " ", (out / "index.html").read_text(encoding="utf-8"))
    assert re.search(r"25 des 20[,\u00a0\u202f ]?947 répondants sont laissés de côté dans les "
                     "cercles de l'enquête", page)


def test_without_na_rm_missing_frequencies_are_refused_naming_the_key(tmp_path):
    folder = _folder(tmp_path)
    _population(folder, missing=25)
    with pytest.raises(ConfigError) as err:
        load_config(_config(folder, "[size]" + _SIZE))
    message = str(err.value)
    assert message.startswith("[size.survey] of ")
    assert "frequence_mt" in message and "set na_rm = true in [size.survey]" in message


def test_capture_histories_take_the_reading_keys(tmp_path):
    folder = _folder(tmp_path)
    (folder / "captures.csv").write_bytes(codecs.BOM_UTF8 + b"liste1;liste2\n1;0\n0;1\n1;1\n")
    plan = load_config(_config(folder, '[size.captures]\nfile = "captures.csv"\nsep = ";"\n'
                                       'lists = ["liste1", "liste2"]\n'))
    assert plan.size is not None and plan.size.captures is not None
    assert list(plan.size.captures.columns) == ["liste1", "liste2"]
