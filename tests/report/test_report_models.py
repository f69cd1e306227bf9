"""The report's models section: both languages, the numbers of glm, the CSV files, the config."""

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import micropop as mp
from micropop.errors import ConfigError, MicropopError, OptionError
from micropop.models import glm
from micropop.report import ReportPlan, demo_plan
from micropop.report.config import load_config
from micropop.report.config_keys import KEYS
from micropop.report.i18n import Tr, say
from micropop.report.models import (
    DEMO_MODELS,
    MODEL_FAMILIES,
    MODEL_LINKS,
    ORDINAL_LINKS,
    ModelSpec,
    fit_model,
    models_section,
    term_labels,
)
from micropop.report.writer import write_section
from support.paths import ROOT

DATA = mp.datasets.load_worker_survey()
WORKERS = mp.SurveyDesign(DATA, weights="weight")


@pytest.fixture(scope="module")
def section():
    return models_section(WORKERS, DEMO_MODELS)


@pytest.fixture(scope="module")
def pages(section, tmp_path_factory):
    out = {}
    for lang, csv in (("en", "plain"), ("fr", "excel-fr")):
        folder = tmp_path_factory.mktemp(lang)
        out[lang] = (folder, write_section(folder, section, lang, csv))
    return out


# --- the section in both languages ------------------------------------------------------


def test_the_section_in_english(pages):
    folder, rendered = pages["en"]
    assert rendered.title == "What goes with regular work and with low pay"
    body = rendered.body
    for text in ("<h3>Working every week (logistic model)</h3>", "<th>Sex: Men</th>",
                 "<th>Education: Bac+3 or more</th>", "<th>odds ratio</th>",
                 "991 residual degrees", "all else in the model being equal",
                 "Reference levels: Sex: Women; Age group: 18-24; "
                 "Education: Below the baccalauréat.",
                 "121 of the 1,000 respondents are outside it",
                 "Model <code>I(frequency == &quot;weekly&quot;) ~ sex"):
        assert text in body, text
    assert re.search(r"<td>1\.179</td>", body)  # the odds ratio of men, three decimals
    assert {p.name for p in folder.iterdir()} == {
        f"model_{name}.{ext}" for name in ("weekly", "log_earnings", "frequency")
        for ext in ("csv", "png", "svg")}


def test_the_section_in_french(pages):
    _, rendered = pages["fr"]
    assert rendered.title == "Ce qui va avec le travail régulier et la faible rémunération"
    body = rendered.body
    for text in ("<h3>Travailler chaque semaine (modèle logistique)</h3>",
                 "<th>Sexe : Homme</th>", "<th>Diplôme : Bac+3 ou plus</th>",
                 "<th>rapport de cotes</th>", "<th>IC 95 % bas</th>", "<th>p-valeur</th>",
                 "Constante (profil de référence)", "toutes choses égales par ailleurs",
                 "991 degrés de liberté", "121 des 1\u202f000 répondants sont en dehors"):
        assert text in body, text
    assert "<td>1,179</td>" in body and "<td>1.179</td>" not in body
    assert "sexmale" not in body and "Men" not in body


def test_the_french_figure_is_labelled_in_french():
    from matplotlib.figure import Figure as Canvas

    figure = models_section(WORKERS, DEMO_MODELS[:1]).figures[0]
    ax = figure(Canvas().subplots(), lang="fr")
    assert ax.get_xlabel() == "Rapport de cotes"
    assert "Sexe : Homme" in [t.get_text() for t in ax.get_yticklabels()]


def test_the_ordinal_model_in_both_languages(pages, section):
    english, french = pages["en"][1].body, pages["fr"][1].body
    for text in ("<h3>How often they work: weekly, monthly, less often (ordinal model)</h3>",
                 "<th>Threshold: Weekly | Monthly</th>", "<th>Threshold: Monthly | Less often</th>",
                 "ordered levels Weekly &lt; Monthly &lt; Less often", "<code>svyolr</code>",
                 "a cumulative odds ratio above 1"):
        assert text in english, text
    for text in ("<th>Seuil : Chaque semaine | Chaque mois</th>",
                 "modalités ordonnées Chaque semaine &lt; Chaque mois &lt; Moins souvent",
                 "rapport de cotes cumulées"):
        assert text in french, text
    fit = mp.models.olr(WORKERS, DEMO_MODELS[2].formula)
    pd.testing.assert_frame_equal(section.table("model_frequency"), fit.to_frame(exp=True),
                                  rtol=1e-12)


def test_the_ordinal_figure_draws_the_coefficients_not_the_thresholds():
    from matplotlib.figure import Figure as Canvas

    figure = models_section(WORKERS, DEMO_MODELS[2:]).figures[0]
    ticks = [t.get_text() for t in figure(Canvas().subplots(), lang="en").get_yticklabels()]
    assert "Sex: Men" in ticks and not any(t.startswith("Threshold") for t in ticks)


# --- the numbers are glm's ----------------------------------------------------------------


def test_the_tables_are_glm_on_the_same_design(section):
    data = DATA.assign(weekly=(DATA["frequency"] == "weekly").astype(float))
    des = mp.SurveyDesign(data, weights="weight")
    by_hand = DEMO_MODELS[0].formula.replace('I(frequency == "weekly")', "weekly")
    weekly = glm(des, by_hand, family="quasibinomial").to_frame(exp=True)
    pd.testing.assert_frame_equal(section.table("model_weekly"), weekly, rtol=1e-12)
    earnings = glm(des.subset("earnings_month > 0"), DEMO_MODELS[1].formula).to_frame()
    pd.testing.assert_frame_equal(section.table("model_log_earnings"), earnings, rtol=1e-12)
    assert section.table("model_weekly").loc["sexmale", "estimate"] > 1


def test_the_csv_files_plain_and_for_french_excel(pages, section):
    plain = pd.read_csv(pages["en"][0] / "model_weekly.csv", index_col="term")
    np.testing.assert_allclose(plain.to_numpy(), section.table("model_weekly").to_numpy(),
                               rtol=1e-12)
    text = (pages["fr"][0] / "model_log_earnings.csv").read_bytes().decode("utf-8-sig")
    header, first = text.splitlines()[:2]
    assert header == "terme;estimation;erreur type;t;p-valeur;IC 95 % bas;IC 95 % haut"
    assert first.startswith("(Intercept);2,46")


def test_term_labels_of_interactions_and_polynomials():
    fit = WORKERS.glm("hours_week ~ sex * has_other_job + education")
    labels = term_labels(fit, DATA)
    assert labels["sexmale:has_other_job"] == Tr("Sex: Men × Has another job",
                                                 "Sexe : Homme × Occupe un autre emploi")
    assert say(labels["education.L"], "fr") == "Diplôme : tendance linéaire"
    unknown = term_labels(WORKERS.glm("hours_week ~ n_platforms + region_code"), DATA)
    assert unknown["region_code"] == "region_code"  # a column without a name for people


def test_a_model_without_terms_has_no_figure():
    only = models_section(WORKERS, [ModelSpec("mean", "hours_week ~ 1")])
    assert only.figures == () and [t.name for t in only.tables] == ["model_mean"]


# --- the plan and the specs ---------------------------------------------------------------


def test_the_demo_plan_has_the_models_a_plan_without_them_has_none():
    assert demo_plan().models == DEMO_MODELS
    assert ReportPlan(WORKERS).models == ()
    with pytest.raises(OptionError, match="ModelSpec"):
        ReportPlan(WORKERS, models=("y ~ x",))


@pytest.mark.parametrize(("options", "match"), [
    ({"name": "a b"}, "plain file name"),
    ({"formula": "y = x"}, "response ~ terms"),
    ({"family": "logistic"}, "quasibinomial"),
    ({"link": "logistic"}, "cloglog"),
])
def test_bad_specs_are_refused(options, match):
    spec = {"name": "m", "formula": "hours_week ~ sex", **options}
    with pytest.raises(OptionError, match=match):
        ModelSpec(**spec)


def test_two_models_of_one_name_or_none_are_refused():
    spec = ModelSpec("m", "hours_week ~ sex")
    with pytest.raises(OptionError, match="two models are named 'm'"):
        models_section(WORKERS, [spec, spec])
    with pytest.raises(OptionError, match="no model"):
        models_section(WORKERS, [])


def test_a_comparison_is_labelled_as_written_and_has_no_reference_level(tmp_path):
    spec = ModelSpec("older", "hours_week ~ I(age >= 45) + sex")
    rendered = write_section(tmp_path, models_section(WORKERS, [spec]), "fr")
    assert "<th>age &gt;= 45</th>" in rendered.body
    assert "Modalités de référence : Sexe : Femme." in rendered.body
    assert fit_model(WORKERS, spec).names[1] == "I(age >= 45)TRUE"


def test_the_families_and_links_are_glm_s_and_olr_s():
    from micropop.models._families import FAMILIES, LINKS
    from micropop.models._olr_fit import METHODS

    assert MODEL_FAMILIES == (*FAMILIES, "ordinal") and MODEL_LINKS == tuple(LINKS)
    assert sorted(ORDINAL_LINKS.values()) == sorted(METHODS)


def test_an_ordinal_model_takes_logit_or_probit_only():
    assert ModelSpec("f", "frequency ~ sex", family="ordinal", link="probit").link == "probit"
    with pytest.raises(OptionError, match="link='log' is not one of"):
        ModelSpec("f", "frequency ~ sex", family="ordinal", link="log")


# --- [models.NAME] in analysis.toml -------------------------------------------------------


def _config(tmp_path: Path, models: str) -> Path:
    if not (tmp_path / "workers.csv").exists():
        DATA.to_csv(tmp_path / "workers.csv", index=False)
    config = tmp_path / "analysis.toml"
    survey = '[survey]\nfile = "workers.csv"\nweights = "weight"\n'
    top = models if models and not models.startswith("[") else ""  # a top-level key first
    config.write_text(top + survey + (models if not top else ""), encoding="utf-8")
    return config


def test_a_config_with_models(tmp_path):
    plan = load_config(_config(tmp_path, '[models.pay]\nformula = "log(earnings_month) ~ sex"\n'
                                         'subset = "earnings_month > 0"\ntitle = "Pay"\n'
                                         '[models.other]\nformula = "has_other_job ~ sex"\n'
                                         'family = "quasibinomial"\nlink = "probit"\n'
                                         'exp = false\nna_rm = true\n'))
    pay, other = plan.models
    assert (pay.name, pay.subset, pay.title, pay.family) == ("pay", "earnings_month > 0",
                                                             "Pay", "gaussian")
    assert (other.link, other.exp, other.na_rm, other.shows_ratios) == ("probit", False,
                                                                        True, False)
    assert plan.sources["models"].startswith("[models] of ")
    assert load_config(_config(tmp_path, "")).models == ()


@pytest.mark.parametrize(("models", "match"), [
    ('[models.pay]\nformula = "hours_week ~ sex"\nfamly = "gaussian"\n',
     r"\[models.pay\] famly: unknown key.*closest: 'family'"),
    ('[models.pay]\nfamily = "gaussian"\n', r"\[models.pay\] formula: is required"),
    ('[models.pay]\nformula = 3\n', r"\[models.pay\] formula: should be a string"),
    ('[models.pay]\nformula = "hours_week ~ sex"\nfamily = "logit"\n',
     r"\[models.pay\] family: 'logit' is not a model family.*quasibinomial"),
    ('[models.pay]\nformula = "hours_week ~ sex"\nlink = "logistic"\n',
     r"\[models.pay\] link: 'logistic' is not a link.*cloglog"),
    ('[models.pay]\nformula = "hours_week ~ sex"\nexp = "yes"\n',
     r"\[models.pay\] exp: should be true or false"),
    ('[models.pay]\nformula = "hours_week ~ sex"\nna_rm = 1\n',
     r"\[models.pay\] na_rm: should be true or false"),
    ('[models.pay]\nformula = "hours_week ~ sex"\ntitle = ["a"]\n',
     r"\[models.pay\] title: should be a string"),
    ('[models.pay]\nformula = "hours_week ~ sexe"\n',
     r"\[models.pay\] formula: .*sexe.*'sex'"),
    ('[models.pay]\nformula = "hours_week + sex"\n', r"\[models.pay\] formula: .*'~'"),
    ('[models.pay]\nformula = "log(earnings_month) ~ sex"\n',
     r"\[models.pay\] formula: .*not a finite number"),
    ('[models.pay]\nformula = "hours_week ~ sex"\nsubset = "earnings > 0"\n',
     r"\[models.pay\] subset: "),
    ('[models.pay]\nformula = "hours_week ~ sex"\nsubset = "__import__(\'os\')"\n',
     r"\[models.pay\] subset: "),
    ("models = 3\n", r"\[models\]: must be a table of models"),
    ("[models]\n", r"\[models\]: has no model"),
    ('[models."a b"]\nformula = "hours_week ~ sex"\n', r"\[models.a b\]: .*plain file name"),
    ('[models]\npay = "hours_week ~ sex"\n', r"\[models\] pay: should be a table"),
])
def test_each_bad_model_key_is_named(tmp_path, models, match):
    with pytest.raises(ConfigError, match=match):
        load_config(_config(tmp_path, models))


def test_every_model_key_is_declared_once():
    assert set(KEYS["models.NAME"]) == {"formula", "family", "link", "exp", "na_rm", "subset",
                                        "title"}
    assert "models" in KEYS[""]


def test_the_example_config_declares_its_models():
    plan = load_config(ROOT / "examples" / "analysis.toml")
    assert [spec.name for spec in plan.models] == ["weekly", "log_earnings", "frequency"]
    assert plan.models[0].formula == DEMO_MODELS[0].formula
    assert plan.models[1].subset == "earnings_month > 0"
    assert (plan.models[2].family, plan.models[2].formula) == ("ordinal", DEMO_MODELS[2].formula)


def test_an_ordinal_model_in_the_config_is_checked_by_key(tmp_path):
    with pytest.raises(ConfigError, match=r"\[models.m\] link: 'log' is not a link of the "
                                          "ordinal family"):
        load_config(_config(tmp_path, '[models.m]\nformula = "frequency ~ sex"\n'
                                      'family = "ordinal"\nlink = "log"\n'))
    with pytest.raises(ConfigError, match=r"\[models.m\] formula: .*not an ordered"):
        load_config(_config(tmp_path, '[models.m]\nformula = "main_motive ~ sex"\n'
                                      'family = "ordinal"\n'))
    config = tmp_path / "ordinal.toml"
    codebook = (ROOT / "data" / "worker_survey.codebook.yaml").as_posix()
    config.write_text(f'[survey]\nfile = "workers.csv"\ncodebook = "{codebook}"\n'
                      'weights = "weight"\n[models.m]\nformula = "frequency ~ sex"\n'
                      'family = "ordinal"\nlink = "probit"\n', encoding="utf-8")
    plan = load_config(config)
    assert (plan.models[0].family, plan.models[0].link) == ("ordinal", "probit")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(formula=st.text(alphabet=st.sampled_from(list("ysex~+-*:()^`'\" 01_.Ilog")),
                       max_size=30))
def test_hostile_formulas_are_read_or_refused_by_key(tmp_path, formula):
    escaped = formula.replace("\\", "\\\\").replace('"', '\\"')
    config = _config(tmp_path, f'[models.m]\nformula = "{escaped}"\n')
    try:
        load_config(config)
    except ConfigError as err:
        assert str(err).startswith("[models.m] formula")
    except MicropopError as err:  # pragma: no cover - a refusal without the key
        pytest.fail(f"not named by its key: {err}")
