"""The targets of a margins file named by ``[weighting] margins``, checked and parsed.

A margins file has the columns ``variable``, ``level`` and ``target`` (see
``examples/templates/README.md``); people write its targets as they read them,
with thousands separators (``150 000``, a no-break or narrow no-break space,
``150.000`` beside decimal commas): :func:`margin_targets` reads them with
:func:`micropop.io.numbers.parse_numbers`, and refuses what it cannot read for
certain, naming the rows.

Examples
--------
>>> from pathlib import Path
>>> import pandas as pd
>>> from micropop.report.config_keys import KEYS
>>> table = ConfigTable({"margins": "marges.csv"}, "weighting", Path("a.toml"), KEYS)
>>> frame = pd.DataFrame({"variable": ["sexe", "sexe"], "level": ["F", "H"],
...                       "target": ["150 000", "117\u202f126"]})
>>> margin_targets(table, frame, Path("marges.csv"))
{'sexe': {'F': 150000.0, 'H': 117126.0}}
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from micropop.errors import data_rows
from micropop.io.numbers import parse_numbers
from micropop.report.config_table import ConfigTable

__all__ = ["MARGINS_COLUMNS", "margin_targets"]

#: The columns of a margins file.
MARGINS_COLUMNS = ("variable", "level", "target")


def margin_targets(table: ConfigTable, frame: pd.DataFrame, path: Path) -> dict[str, Any]:
    """``[weighting] margins = "margins.csv"``: rows variable, level, target, each cell once.

    Targets may be written with thousands separators (``150 000``, with a space,
    a no-break or a narrow no-break space; ``150.000`` when the file's decimal
    mark is the comma): :func:`micropop.io.numbers.parse_numbers` reads them.

    Parameters
    ----------
    table : ConfigTable
        ``[weighting]``, whose ``margins`` key named the file.
    frame : pandas.DataFrame
        The file as read, ``target`` as written (text) or as numbers.
    path : pathlib.Path
        The file, named in the errors.

    Returns
    -------
    dict
        Variable -> {level: target}.

    Raises
    ------
    ConfigError
        A column missing, a target missing, not a number, ambiguous
        (``150.000`` with no decimal mark to tell), negative or infinite, a
        cell given twice: the rows are named.

    Examples
    --------
    >>> from micropop.report.config_keys import KEYS
    >>> table = ConfigTable({"margins": "m.csv"}, "weighting", Path("a.toml"), KEYS)
    >>> frame = pd.DataFrame({"variable": ["sex"], "level": ["female"], "target": ["150.000"]})
    >>> margin_targets(table, frame, Path("m.csv"))
    Traceback (most recent call last):
    ...
    micropop.errors.ConfigError: [weighting] margins: m.csv has target(s) that may be ...
    """
    needed = set(MARGINS_COLUMNS)
    if not needed <= set(frame.columns):
        table.fail("margins", f"{path.name} lacks column(s) "
                   f"{', '.join(sorted(needed - set(frame.columns)))}",
                   "give one row per margin cell with columns variable, level, target")
    targets, ambiguous = parse_numbers(
        frame["target"].astype(object).where(frame["target"].notna(), None).tolist())
    written = pd.to_numeric(frame["target"], errors="coerce").to_numpy(dtype=float,
                                                                       na_value=np.nan)
    targets = np.where(np.isnan(targets) & ~ambiguous, written, targets)  # 1e5, inf
    if ambiguous.any():
        table.fail("margins", f"{path.name} has target(s) that may be decimals or thousands, "
                   f"in {data_rows(frame, ambiguous, frame['target'][ambiguous])}",
                   "write thousands with a space (150 000) and decimals with more or fewer "
                   "than 3 digits, or without a separator (150000)")
    bad = np.isnan(targets) | frame["variable"].isna().to_numpy() | frame["level"].isna().to_numpy()
    if bad.any():
        table.fail("margins", f"{path.name} has a missing or non-numeric entry in "
                   f"{data_rows(frame, bad)}",
                   "give every row a variable, a level and a numeric target")
    bad = ~np.isfinite(targets) | (targets < 0)
    if bad.any():
        table.fail("margins", f"{path.name} has an infinite or negative target in "
                   f"{data_rows(frame, bad, targets[bad])}",
                   "give every cell its population count, a finite number of at least 0")
    cells = pd.Series(list(zip(frame["variable"].astype(str), frame["level"].astype(str),
                               strict=True)))
    twice = cells.duplicated(keep=False).to_numpy()
    if twice.any():
        variable, level = cells[twice].iloc[0]
        table.fail("margins", f"{path.name} gives {variable} = {level} more than once, in "
                   f"{data_rows(frame, twice)}", "give each margin cell one row")
    raw: dict[str, Any] = {}
    for (variable, level), target in zip(cells, targets, strict=True):
        raw.setdefault(variable, {})[level] = float(target)
    return raw


