"""One table of an analysis configuration: its keys checked, typed access, errors naming them.

:func:`micropop.report.config.load_config` reads ``analysis.toml`` through
:class:`ConfigTable`: every value it takes is checked for its type, emptiness,
range, the file it names or the columns it lists, and a mistake raises a
:class:`~micropop.errors.ConfigError` naming ``[table] key`` and the file.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, NoReturn

import pandas as pd

from micropop.errors import ConfigError, MicropopError, OptionError, check_number

__all__ = ["ConfigTable", "repeated"]

#: How an error names the type a key should have.
_KIND_NAMES = {str: "a string", list: "a list", dict: "a table", bool: "true or false",
               int: "an integer", float: "a number"}


class ConfigTable:
    """One table of the configuration: its keys checked, typed access, errors naming them.

    Every error is a :class:`~micropop.errors.ConfigError` naming the table
    and the key (``[earnings] hours: ...``) and the file.

    Parameters
    ----------
    values : dict
        The table as TOML gave it.
    name : str
        Its dotted name (``"size.survey"``), ``""`` for the top level.
    config : pathlib.Path
        The configuration file; paths are relative to it.
    keys : mapping
        Dotted table name -> the keys it accepts (for this table and its sub-tables).
    notes : list of str, optional
        Shared by every table of one configuration: what the reader guessed
        about each file read.

    Examples
    --------
    >>> from pathlib import Path
    >>> top = ConfigTable({"title": "T", "size": {"published": 52000}}, "", Path("a.toml"),
    ...                   keys={"": ("title", "size"), "size": ("published",)})
    >>> top.text("title"), top.table("size").number("published", low=0)
    ('T', 52000.0)
    >>> top.table("size").get("published", str)
    Traceback (most recent call last):
    ...
    micropop.errors.ConfigError: [size] published: should be a string, not 52000 in a.toml...
    """

    def __init__(self, values: Any, name: str, config: Path,
                 keys: Mapping[str, Sequence[str]], notes: list[str] | None = None) -> None:
        self.name, self.config, self.keys = name, config, keys
        self.notes = [] if notes is None else notes
        if not isinstance(values, dict):
            self.fail(None, f"must be a table, not {values!r}",
                      f"write it as [{name}] followed by its keys")
        self.values = values
        keys = tuple(keys[name])
        for key in values:
            if key not in keys:
                close = difflib.get_close_matches(key, keys, n=1)
                self.fail(key, "unknown key", "valid keys here: " + ", ".join(keys)
                          + (f" (closest: {close[0]!r})" if close else ""))

    @property
    def where(self) -> str:
        """The table and its file, as errors met while computing from it name them."""
        return f"[{self.name}] of {self.config}" if self.name else str(self.config)

    def fail(self, key: str | None, problem: str, hint: str) -> NoReturn:
        where = " ".join(part for part in (f"[{self.name}]" if self.name else "", key) if part)
        raise ConfigError(f"{where}: {problem} in {self.config}", hint=hint)

    def get(self, key: str, kind: type | tuple[type, ...], default: Any = None,
            required: bool = False, what: str = "") -> Any:
        """The value of ``key``, checked to be of ``kind``; ``default`` when absent."""
        if key not in self.values:
            if required:
                self.fail(key, "is required", f"add {key} = {what or '...'}")
            return default
        value = self.values[key]
        kinds = kind if isinstance(kind, tuple) else (kind,)
        if isinstance(value, bool) and bool not in kinds or not isinstance(value, kinds):
            names = " or ".join(_KIND_NAMES.get(k, k.__name__) for k in kinds)
            self.fail(key, f"should be {names}, not {value!r}", f"write e.g. {key} = {what}"
                      if what else f"give {key} as {names}")
        return value

    def text(self, key: str, default: str | None = None, required: bool = False,
             what: str = "") -> str | None:
        """A string that is not empty (a column, a file, a method)."""
        value = self.get(key, str, default, required, what)
        if value is not None and not value.strip():
            self.fail(key, "is empty", f"write e.g. {key} = {what}" if what
                      else f"give {key} a value or remove it")
        return value

    def number(self, key: str, default: float | None = None, what: str = "",
               **limits: Any) -> float | None:
        """A finite number (``limits`` as :func:`~micropop.errors.check_number` takes them)."""
        value = self.get(key, (int, float), default, what=what)
        if key in self.values:
            try:
                value = check_number(key, value, **limits)
            except OptionError as err:
                self.fail(key, err.message, err.hint or "")
        return value

    def year(self, key: str, year: int, lookup: Any) -> None:
        """Check that the reference table read by ``lookup(year)`` holds ``year``."""
        try:
            lookup(year)
        except MicropopError as err:
            self.fail(key, err.message, err.hint or f"write e.g. {key} = 2019")

    def names(self, key: str, default: Any = None) -> list[str] | None:
        """A column name or a list of them, as a list: none empty, none twice."""
        value = self.get(key, (str, list), default, what='"column"')
        if value is None:
            return None
        value = [value] if isinstance(value, str) else value
        if not value or not all(isinstance(v, str) and v.strip() for v in value):
            self.fail(key, f"should be a column name or a list of them, not {value!r}",
                      f'write e.g. {key} = ["column1", "column2"]')
        twice = repeated(value)
        if twice:
            self.fail(key, f"names {', '.join(map(repr, twice))} twice",
                      "give each column once")
        return value

    def distinct(self, roles: dict[str, list[str] | None]) -> None:
        """Refuse a column given for two roles (``weights`` and ``strata``, ...)."""
        seen: dict[str, str] = {}
        for key, names in roles.items():
            for name in names or []:
                if name in seen and seen[name] != key:
                    self.fail(key, f"column {name!r} is also given as {seen[name]}",
                              "give each column one role")
                seen[name] = key

    def table(self, key: str) -> ConfigTable | None:
        """A sub-table, or None when absent."""
        if key not in self.values:
            return None
        return ConfigTable(self.values[key], f"{self.name}.{key}" if self.name else key,
                           self.config, self.keys, self.notes)

    def path(self, key: str, required: bool = True) -> Path | None:
        """A file path relative to the configuration file, checked to be a file."""
        value = self.text(key, required=required, what='"file.csv"')
        if value is None:
            return None
        try:
            path = (self.config.parent / value).resolve()
            exists, is_file = path.exists(), path.is_file()
        except (OSError, ValueError) as err:  # a name too long, a NUL character
            self.fail(key, f"{value!r} is not a usable file name ({err})",
                      "give the path of a data file, relative to the configuration file")
        if not exists:
            self.fail(key, f"file {value!r} not found (looked for {path})",
                      "paths are relative to the configuration file; fix the name or the "
                      "folder")
        if not is_file:
            self.fail(key, f"{value!r} is a folder, not a file (looked for {path})",
                      "give the path of a data file, relative to the configuration file")
        return path

    def columns(self, key: str, names: list[str] | None, data: pd.DataFrame,
                source: Path) -> None:
        """Check that every name is a column of ``data``."""
        missing = [n for n in names or [] if n not in data.columns]
        if missing:
            close = difflib.get_close_matches(missing[0], [str(c) for c in data.columns], n=1)
            self.fail(key, f"column(s) {', '.join(map(repr, missing))} not in {source.name}",
                      (f"did you mean {close[0]!r}? " if close else "")
                      + f"its columns are: {', '.join(map(str, data.columns[:30]))}")



def repeated(values: list[Any]) -> list[Any]:
    """The values that occur more than once (compared as text), each once, in order.

    Examples
    --------
    >>> repeated(["a", 1, "1", "b", "a"])
    ['a', 1, '1']
    """
    texts = [str(v) for v in values]
    return list(dict.fromkeys(v for v, t in zip(values, texts) if texts.count(t) > 1))
