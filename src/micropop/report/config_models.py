"""``[models.NAME]`` of ``analysis.toml``: the regression models of the report, checked.

Each sub-table of ``[models]`` is one model, its name naming its files
(``model_NAME.csv``, ``model_NAME.png``)::

    [models.earnings]
    formula = "log(earnings_month) ~ sex + C(age_group, treatment)"
    family = "gaussian"           # gaussian | binomial | quasibinomial | ... | ordinal
    subset = "earnings_month > 0" # optional: the domain fitted (the report says how many)
    title = "Log monthly earnings"

The formula is read against the worker survey while the file is checked, so
a column absent from the data (naming the closest one), a missing value
without ``na_rm = true`` or a transformation undefined on some rows stops the
run with a :class:`~micropop.errors.ConfigError` naming ``[models.NAME] formula``.

Examples
--------
>>> from pathlib import Path
>>> import micropop as mp
>>> workers = mp.SurveyDesign(mp.datasets.load_worker_survey(), weights="weight")
>>> table = {"pay": {"formula": "log(earnings_month) ~ sex", "subset": "earnings_month > 0"}}
>>> [spec.name for spec in model_specs(table, workers, Path("analysis.toml"), [])]
['pay']
>>> model_specs({"pay": {"formula": "earnings_month ~ sexe"}}, workers,
...             Path("analysis.toml"), [])
Traceback (most recent call last):
...
micropop.errors.ConfigError: [models.pay] formula: formula column(s) 'sexe' not in the data ...
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from micropop.design import SurveyDesign
from micropop.errors import ConfigError, MicropopError
from micropop.models import model_frame
from micropop.report.config_keys import KEYS
from micropop.report.config_table import ConfigTable
from micropop.report.models import (
    MODEL_FAMILIES,
    MODEL_LINKS,
    MODEL_NAME,
    ORDINAL_LINKS,
    ModelSpec,
)

__all__ = ["model_specs", "MODEL_TABLE"]

#: The name of a model's table in :data:`~micropop.report.config_keys.KEYS`.
MODEL_TABLE = "models.NAME"


def _spec(table: ConfigTable, name: str, workers: SurveyDesign) -> ModelSpec:
    """One ``[models.NAME]`` table as a :class:`ModelSpec`, its formula read on the data."""
    formula = table.text("formula", required=True, what='"log(earnings_month) ~ sex + age_group"')
    family = table.text("family", "gaussian", what='"quasibinomial"')
    if family not in MODEL_FAMILIES:
        table.fail("family", f"{family!r} is not a model family",
                   "use one of " + ", ".join(MODEL_FAMILIES))
    link = table.text("link", what='"logit"')
    links = tuple(ORDINAL_LINKS) if family == "ordinal" else MODEL_LINKS
    if link is not None and link not in links:
        table.fail("link", f"{link!r} is not a link of the {family} family",
                   "use one of " + ", ".join(links))
    exp = table.get("exp", bool, what="true")
    na_rm = table.get("na_rm", bool, False)
    subset = table.text("subset", what='"earnings_month > 0"')
    title = table.text("title", what='"Log monthly earnings"')
    if "~" not in formula:
        table.fail("formula", f"{formula!r} has no '~' between the response and the terms",
                   'write e.g. formula = "log(earnings_month) ~ sex + age_group"')
    design = workers
    if subset is not None:
        try:
            design = workers.subset(subset)
        except MicropopError as err:
            table.fail("subset", err.message, err.hint or "")
    try:
        model_frame(design.data, formula, na_rm=na_rm, ordinal=family == "ordinal")
    except MicropopError as err:
        table.fail("formula", err.message, err.hint or "")
    return ModelSpec(name, formula, family=family, link=link, exp=exp, na_rm=na_rm,
                     subset=subset, title=title)


def model_specs(values: Any, workers: SurveyDesign, config: Path,
                notes: list[str]) -> tuple[ModelSpec, ...]:
    """The ``[models]`` table of a configuration as :class:`ModelSpec`, in the file's order.

    Parameters
    ----------
    values : dict
        ``[models]`` as TOML gave it: model name -> its table.
    workers : SurveyDesign
        The worker survey (re-weighted when the configuration says so).
    config : pathlib.Path
        The configuration file, named in the errors.
    notes : list of str
        The configuration's shared notes.

    Returns
    -------
    tuple of ModelSpec

    Raises
    ------
    ConfigError
        ``[models]`` is not a table of tables or is empty, a model's name is
        not a plain file name, a key is unknown or of the wrong type, the
        family or link is unknown (listing the choices), the subset or the
        formula is refused on the data (naming the key).

    Examples
    --------
    >>> from pathlib import Path
    >>> import micropop as mp
    >>> workers = mp.SurveyDesign(mp.datasets.load_worker_survey(), weights="weight")
    >>> model_specs({"pay": {"formula": "hours_week ~ sex", "family": "gauss"}}, workers,
    ...             Path("analysis.toml"), [])
    Traceback (most recent call last):
    ...
    micropop.errors.ConfigError: [models.pay] family: 'gauss' is not a model family in ...
    """
    example = '[models.earnings] with formula = "log(earnings_month) ~ sex"'
    if not isinstance(values, dict):
        raise ConfigError(f"[models]: must be a table of models, not {values!r} in {config}",
                          hint=f"write one sub-table per model, e.g. {example}")
    if not values:
        raise ConfigError(f"[models]: has no model in {config}",
                          hint=f"add a sub-table per model, e.g. {example}, or remove [models]")
    specs = []
    for name, table in values.items():
        where = f"models.{name}"
        if not MODEL_NAME.fullmatch(name):
            raise ConfigError(f"[{where}]: the model's name {name!r} is not a plain file name "
                              f"in {config}", hint="name it with letters, digits, '_' and '-' "
                                                   "(it names the model's files)")
        if not isinstance(table, dict):
            raise ConfigError(f"[models] {name}: should be a table of the model's keys, not "
                              f"{table!r} in {config}",
                              hint=f'write [models.{name}] and formula = "..." under it')
        keys = {where: tuple(KEYS[MODEL_TABLE])}
        specs.append(_spec(ConfigTable(table, where, config, keys, notes), name, workers))
    return tuple(specs)
