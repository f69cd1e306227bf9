"""The :class:`Codebook`: the variables of a survey file, built from a mapping, a
file or a frame, written back, applied to data (conversion and checks) and merged
with a file's own codebook.
"""

from __future__ import annotations

import json
import os
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from micropop.codebook._cells import as_mask, bad_rows, counted, listing, naming_ids, suggest
from micropop.codebook._load import FILE_SUFFIXES, read_data
from micropop.codebook._variable import Variable, describe, merge_variable, parse_variable
from micropop.errors import (
    CodebookError,
    DataValidationError,
    DuplicateIdError,
    MicropopWarning,
    MissingColumnError,
    RowOrigin,
    not_found,
    row_origin,
)

_CODEBOOK_KEYS = ("dataset", "description", "id", "variables")


@dataclass(frozen=True)
class Codebook:
    """Declared variables of a survey data set; checks and converts data.

    Build one with :meth:`from_file`, :meth:`from_dict` or :meth:`from_frame`;
    :func:`micropop.read_survey` (``return_codebook=True``) returns the one
    drawn from a Stata or SPSS file's labels. See :mod:`micropop.codebook`
    for the file format and the rules :meth:`apply` follows.

    Parameters
    ----------
    variables : mapping of str to Variable
        The declared variables, in order.
    dataset, description : str, optional
        Name and description of the data set.
    id : str, optional
        Respondent id column; its values must be present and unique.

    Examples
    --------
    >>> import micropop as mp
    >>> cb = mp.Codebook.from_dict({"id": "id", "variables": {
    ...     "id": {"type": "integer"},
    ...     "education": {"type": "ordered", "levels": ["bac", "bac+2"]}}})
    >>> cb
    Codebook(2 variables: id, education; id='id')
    >>> cb.to_dict()["variables"]["education"]
    {'type': 'ordered', 'levels': ['bac', 'bac+2']}
    """

    variables: Mapping[str, Variable]
    dataset: str | None = None
    description: str | None = None
    id: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "variables", dict(self.variables))

    def __repr__(self) -> str:
        names = list(self.variables)
        shown = ", ".join(names[:8]) + (", ..." if len(names) > 8 else "")
        extra = "".join(f"; {k}={getattr(self, k)!r}" for k in ("dataset", "id")
                        if getattr(self, k) is not None)
        return f"Codebook({len(names)} variables: {shown}{extra})"

    # --- building -----------------------------------------------------------

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Codebook:
        """Build a codebook from its dict form (as read from YAML or JSON).

        Parameters
        ----------
        data : mapping
            With keys ``variables`` (required), ``dataset``, ``description``, ``id``.

        Returns
        -------
        Codebook

        Raises
        ------
        CodebookError
            On a missing ``variables`` key, an unknown key, an unknown type, a
            range whose minimum exceeds its maximum, repeated levels or labels.

        Examples
        --------
        >>> import micropop as mp
        >>> mp.Codebook.from_dict({"variables": {"age": {"type": "integer", "rnage": [0, 1]}}})
        Traceback (most recent call last):
        ...
        micropop.errors.CodebookError: variable 'age': unknown key 'rnage' (did you mean ...
        """
        if not isinstance(data, Mapping):
            raise CodebookError(f"a codebook must be a mapping, got {type(data).__name__}",
                                hint="start the codebook with a `variables:` key")
        unknown = [k for k in data if k not in _CODEBOOK_KEYS]
        if unknown:
            raise CodebookError(
                f"unknown codebook key {unknown[0]!r}{suggest(str(unknown[0]), _CODEBOOK_KEYS)}",
                hint=f"the top-level keys are {', '.join(_CODEBOOK_KEYS)}")
        variables = data.get("variables")
        if not isinstance(variables, Mapping) or not variables:
            raise CodebookError("the codebook declares no `variables`",
                                hint="add a `variables:` mapping from column names to declarations")
        for key in ("dataset", "description", "id"):
            if data.get(key) is not None and not isinstance(data[key], str):
                raise CodebookError(f"`{key}` {data[key]!r} is not a text",
                                    hint="quote it in YAML (numbers, dates, yes/no are read "
                                         "otherwise)")
        for name in variables:
            if not isinstance(name, str):
                raise CodebookError(
                    f"variable name {name!r} is not a text (but {type(name).__name__})",
                    hint="quote column names in YAML, e.g. '2019': {type: numeric} (numbers, "
                         "dates, yes/no and null are read as other things than text)")
        return cls(variables={n: parse_variable(n, s) for n, s in variables.items()},
                   dataset=data.get("dataset"), description=data.get("description"),
                   id=data.get("id"))

    @classmethod
    def from_file(cls, path: str | os.PathLike[str]) -> Codebook:
        """Read a codebook from a YAML (``.yaml``, ``.yml``) or JSON (``.json``) file.

        Parameters
        ----------
        path : str or path-like

        Returns
        -------
        Codebook

        Raises
        ------
        SurveyFileNotFoundError
            If the file does not exist.
        CodebookError
            If it cannot be parsed or is malformed; the message names the file.

        Examples
        --------
        >>> import tempfile, pathlib
        >>> import micropop as mp
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "codebook.yaml"
        >>> _ = path.write_text("variables:\\n  age: {type: integer, range: [18, 99]}\\n")
        >>> mp.Codebook.from_file(path).variables["age"].range
        (18, 99)
        """
        path = Path(path)
        data = read_data(path)
        try:
            return cls.from_dict(data)
        except CodebookError as err:
            raise CodebookError(f"codebook file {str(path)!r}: {err.message}",
                                hint=err.hint) from None

    @classmethod
    def from_frame(cls, df: pd.DataFrame) -> Codebook:
        """Describe the columns of a DataFrame as a codebook, to start one from data.

        Types come from the dtypes (categories become levels, in order) and
        descriptions from ``df.attrs["labels"]``. Nothing is checked.

        Parameters
        ----------
        df : pandas.DataFrame

        Returns
        -------
        Codebook

        Examples
        --------
        >>> import pandas as pd
        >>> import micropop as mp
        >>> df = pd.DataFrame({"n": [1, 2], "x": [0.5, 1.0], "s": pd.Categorical(["a", "b"])})
        >>> {n: v.type for n, v in mp.Codebook.from_frame(df).variables.items()}
        {'n': 'integer', 'x': 'numeric', 's': 'categorical'}
        """
        labels = df.attrs.get("labels", {})
        return cls({str(name): describe(str(name), df[name], labels.get(name))
                    for name in df.columns})

    # --- writing ------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """The codebook as plain dicts and lists, as written to YAML or JSON.

        Returns
        -------
        dict

        Examples
        --------
        >>> import micropop as mp
        >>> d = {"id": "id", "variables": {"id": {"type": "integer"}}}
        >>> mp.Codebook.from_dict(d).to_dict() == d
        True
        """
        out: dict[str, Any] = {k: getattr(self, k) for k in ("dataset", "description", "id")
                               if getattr(self, k) is not None}
        out["variables"] = {name: var.to_dict() for name, var in self.variables.items()}
        return out

    def to_file(self, path: str | os.PathLike[str]) -> Path:
        """Write the codebook as YAML (``.yaml``, ``.yml``) or JSON (``.json``), in UTF-8.

        Parameters
        ----------
        path : str or path-like

        Returns
        -------
        pathlib.Path
            The path written.

        Examples
        --------
        >>> import tempfile, pathlib
        >>> import micropop as mp
        >>> cb = mp.Codebook.from_dict({"variables": {"region": {
        ...     "type": "categorical", "levels": {11: "Île-de-France"}}}})
        >>> path = cb.to_file(pathlib.Path(tempfile.mkdtemp()) / "cb.json")
        >>> mp.Codebook.from_file(path) == cb
        True
        """
        path = Path(path)
        suffix = path.suffix.lower()
        if suffix not in FILE_SUFFIXES:
            raise CodebookError(f"cannot write a codebook to {str(path)!r}",
                                hint="use the extension .yaml, .yml or .json")
        data = self.to_dict()
        if suffix == ".json":
            text = json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n"
        else:
            text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
        path.write_text(text, encoding="utf-8")
        return path

    # --- checking data ------------------------------------------------------

    def apply(self, df: pd.DataFrame, *, source: str = "data", decimal: str = ".") -> pd.DataFrame:
        """Check a DataFrame against the codebook and convert its declared columns.

        Missing codes become NA, then each declared column is converted to its
        type and its levels and range are checked; the id column must have
        unique, non-missing values. Undeclared columns are kept as they are,
        with a :class:`~micropop.errors.MicropopWarning` naming them. Variable
        descriptions are stored in ``attrs["labels"]``, value labels for
        people (``value_labels`` of a variable) in ``attrs["value_labels"]``
        as ``{column: {language: {level: label}}}``.

        Parameters
        ----------
        df : pandas.DataFrame
            The data; not modified.
        source : str, default "data"
            Name of the data (a file name) for error messages.
        decimal : str, default "."
            Decimal mark of numbers held as text (``","`` for ``12,5``).

        Returns
        -------
        pandas.DataFrame
            A new DataFrame with the same rows, in the same order.

        Raises
        ------
        MissingColumnError
            If a declared column (or the id column) is absent.
        NonNumericError, NonIntegerError, InvalidDateError, InvalidLevelError, OutOfRangeError
            Naming the column and up to five offending data rows (1-based) with their values.
        DuplicateIdError
            If the id column repeats a value.

        Examples
        --------
        >>> import pandas as pd
        >>> import micropop as mp
        >>> cb = mp.Codebook.from_dict({"variables": {"age": {"type": "integer",
        ...                                                   "range": [18, 99]}}})
        >>> cb.apply(pd.DataFrame({"age": ["34", "abc"]}), source="survey.csv")
        Traceback (most recent call last):
        ...
        micropop.errors.NonNumericError: survey.csv: column 'age' ... data row 2 (value: 'abc'). ...
        """
        columns = [str(c) for c in df.columns]
        repeated = list(df.columns[df.columns.duplicated()].unique())
        if repeated:
            raise DataValidationError(
                f"{source}: several columns are named {listing(repeated)}",
                hint="give each column its own name before applying the codebook")
        absent = [n for n in dict.fromkeys([*self.variables, *([self.id] if self.id else [])])
                  if n not in df.columns]
        if absent:
            numbers = [c for c in df.columns if not isinstance(c, str) and str(c) in absent]
            message, there = not_found(absent, columns, role="codebook")
            raise MissingColumnError(
                f"{source}: {message}",
                hint=(f"the data name columns by {type(numbers[0]).__name__} labels such as "
                      f"{numbers[0]!r}, not text: rename them, e.g. "
                      "df.columns = df.columns.astype(str)") if numbers else
                     f"{there}; fix the names in the codebook or remove these entries")
        undeclared = [c for c in df.columns if c not in self.variables]
        if undeclared:
            warnings.warn(MicropopWarning(
                f"{source}: {counted(len(undeclared), 'column')} not in the codebook, kept as "
                f"read: {listing(undeclared)}"), stacklevel=2)
        if self.id:  # rows are named with their ids from now on
            df = df.copy(deep=False)
            (row_origin(df) or RowOrigin(rows=len(df))).with_id(self.id).stamp(df)
        out = df.copy(deep=False)  # the declared columns are replaced, the others shared
        with naming_ids(df[self.id] if self.id else None):
            for name, variable in self.variables.items():
                out[name] = variable.convert(df[name], source=source, decimal=decimal)
            if self.id:
                self._check_id(out[self.id], source)
        labels = {n: v.description for n, v in self.variables.items() if v.description}
        out.attrs["labels"] = {**df.attrs.get("labels", {}), **labels}
        people = {n: v.people_labels() for n, v in self.variables.items() if v.value_labels}
        if people or "value_labels" in df.attrs:
            out.attrs["value_labels"] = {**df.attrs.get("value_labels", {}), **people}
        return out

    def validate(self, df: pd.DataFrame, *, source: str = "data", decimal: str = ".") -> None:
        """Check a DataFrame against the codebook, as :meth:`apply` does, keeping nothing.

        Parameters
        ----------
        df : pandas.DataFrame
            The data; not modified.
        source : str, default "data"
            Name of the data (a file name) for error messages.
        decimal : str, default "."
            Decimal mark of numbers held as text.

        Examples
        --------
        >>> import pandas as pd
        >>> import micropop as mp
        >>> cb = mp.Codebook.from_dict({"variables": {"sex": {
        ...     "type": "categorical", "levels": ["female", "male"]}}})
        >>> cb.validate(pd.DataFrame({"sex": ["female", "Male"]}))
        Traceback (most recent call last):
        ...
        micropop.errors.InvalidLevelError: data: column 'sex' ... data row 2 (value: 'Male'). ...
        """
        self.apply(df, source=source, decimal=decimal)

    def _check_id(self, ids: pd.Series, source: str) -> None:
        where = f"{source}: id column {self.id!r}"
        absent = as_mask(ids.isna())
        if absent.any():
            raise DataValidationError(
                f"{where} has {counted(absent.sum(), 'missing id')}: {bad_rows(ids, absent)}",
                hint="give every respondent an id")
        repeated = ids.duplicated(keep=False).to_numpy()
        if repeated.any():
            raise DuplicateIdError(
                f"{where} repeats {counted(ids[repeated].nunique(), 'id')}: "
                f"{bad_rows(ids, repeated)}",
                hint="remove duplicated respondents or fix their ids")

    def merged(self, other: Codebook) -> Codebook:
        """This codebook with the declarations of ``other`` laid over it.

        Used to lay a user's codebook over the one drawn from a Stata or SPSS
        file: a variable ``other`` declares replaces the file's, keeping the
        file's description when it has none. A categorical declared without
        levels takes the file's value labels; declared with a list of labels
        (to set their order, e.g. ``type: ordered``), it maps the file's codes
        to those labels.

        Parameters
        ----------
        other : Codebook

        Returns
        -------
        Codebook

        Examples
        --------
        >>> import micropop as mp
        >>> from_file = mp.Codebook.from_dict({"variables": {"edu": {
        ...     "type": "categorical", "levels": {1: "bac+2", 2: "bac"}}}})
        >>> mine = mp.Codebook.from_dict({"variables": {"edu": {
        ...     "type": "ordered", "levels": ["bac", "bac+2"]}}})
        >>> from_file.merged(mine).variables["edu"].levels
        {2: 'bac', 1: 'bac+2'}
        """
        variables = dict(self.variables)
        for name, mine in other.variables.items():
            variables[name] = merge_variable(variables[name], mine) if name in variables else mine
        return Codebook(variables, dataset=other.dataset or self.dataset,
                        description=other.description or self.description, id=other.id or self.id)
