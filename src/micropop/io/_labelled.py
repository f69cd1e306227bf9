"""Stata (``.dta``) and SPSS (``.sav``, ``.zsav``) files: the codes as stored and the
codebook their variable and value labels describe (rules in :mod:`micropop.io`).
"""

from __future__ import annotations

import warnings
from collections.abc import Collection
from dataclasses import replace
from pathlib import Path
from typing import Any

import pandas as pd
import pyreadstat

from micropop.codebook import Codebook, Variable
from micropop.codebook._cells import isin_codes
from micropop.codebook._variable import describe
from micropop.errors import (
    MicropopWarning,
)
from micropop.io._tables import Raw, unreadable

_STATA_INTEGER_TYPES = ("int8", "int16", "int32", "int64")


def read_labelled(path: Path, kind: str, declared: Collection[str], encoding: str | None) -> Raw:
    """Read a Stata or SPSS file as raw codes, with the codebook its labels describe."""
    reader = pyreadstat.read_dta if kind == "stata" else pyreadstat.read_sav
    try:
        df, meta = reader(path, apply_value_formats=False, dates_as_pandas_datetime=True,
                          encoding=encoding)
    except (pyreadstat.ReadstatError, pyreadstat.PyreadstatError) as err:
        raise unreadable(path, "Stata" if kind == "stata" else "SPSS", err) from None
    variables = {name: _labelled_variable(path, name, df[name], meta, name in declared)
                 for name in df.columns}
    return Raw(df, Codebook(variables, description=meta.file_label or None))


def _labelled_variable(path: Path, name: str, values: pd.Series, meta: Any,
                       declared: bool) -> Variable:
    """The declaration a Stata/SPSS file gives one column (rules in the module docs)."""
    description = (meta.column_names_to_labels or {}).get(name) or None
    labels = {_tidy_code(code): label
              for code, label in sorted((meta.variable_value_labels or {}).get(name, {}).items())}
    if labels:
        complete = (isin_codes(values, labels) | values.isna().to_numpy()).all()
        if complete and len(set(labels.values())) == len(labels):
            ordinal = (meta.variable_measure or {}).get(name) == "ordinal"
            return Variable(name, "ordered" if ordinal else "categorical",
                            description=description, levels=labels)
        if not declared:
            warnings.warn(MicropopWarning(
                f"{str(path)!r}: column {name!r} has value labels "
                f"({', '.join(f'{c}={v!r}' for c, v in list(labels.items())[:5])}) but not on "
                "every value (or with a label repeated), so it is not made categorical; "
                "declare it in a codebook (labelled codes under `missing` or `levels`)"),
                stacklevel=4)
    described = describe(name, values, description)
    if (meta.readstat_variable_types or {}).get(name) in _STATA_INTEGER_TYPES:
        return replace(described, type="integer")
    return described


def _tidy_code(code: Any) -> Any:
    """SPSS gives codes as floats: write 1.0 as 1."""
    return int(code) if isinstance(code, float) and code.is_integer() else code
