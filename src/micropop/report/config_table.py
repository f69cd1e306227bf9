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
from typing import Any, Literal, NoReturn, overload

import pandas as pd

from micropop.errors import ConfigError, MicropopError, OptionError, check_number, not_found

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
        accepted = tuple(keys[name])
        for key in values:
            if key not in accepted:
                close = difflib.get_close_matches(key, accepted, n=1)
                self.fail(key, "unknown key", "valid keys here: " + ", ".join(accepted)
                          + (f" (closest: {close[0]!r})" if close else ""))

    @property
    def where(self) -> str:
        """The table and its file, as errors met while computing from it name them."""
        return f"[{self.name}] of {self.config}" if self.name else str(self.config)

    def fail(self, key: str | None, problem: str, hint: str) -> NoReturn:
        """Raise a :class:`~micropop.errors.ConfigError` naming the table, ``key`` and the file.

        Parameters
        ----------
        key : str or None
            The key at fault; None for the table as a whole.
        problem : str
            What is wrong, e.g. ``"is required"``.
        hint : str
            What to write instead.

        Raises
        ------
        ConfigError
            Always: ``[table] key: problem in file``, with the hint.

        Examples
        --------
        >>> from pathlib import Path
        >>> size = ConfigTable({}, "size", Path("analysis.toml"), keys={"size": ("published",)})
        >>> size.fail("published", "is required", "add published = 52000")
        Traceback (most recent call last):
        ...
        micropop.errors.ConfigError: [size] published: is required in analysis.toml. ...
        """
        where = " ".join(part for part in (f"[{self.name}]" if self.name else "", key) if part)
        raise ConfigError(f"{where}: {problem} in {self.config}", hint=hint)

    def get(self, key: str, kind: type | tuple[type, ...], default: Any = None,
            required: bool = False, what: str = "") -> Any:
        """The value of ``key``, checked to be of ``kind``; ``default`` when absent.

        Parameters
        ----------
        key : str
            The key in this table.
        kind : type or tuple of type
            The accepted types (``str``, ``list``, ``dict``, ``bool``,
            ``int``, ``float``); a boolean is refused unless ``bool`` is
            one of them.
        default : object, optional
            The value when the key is absent.
        required : bool, default False
            Refuse an absent key.
        what : str, default ""
            An example value, shown in the hint of an error.

        Returns
        -------
        object
            The value as TOML gave it, or ``default``.

        Raises
        ------
        ConfigError
            The key is absent and required, or its value is of another type.

        Examples
        --------
        >>> from pathlib import Path
        >>> top = ConfigTable({"title": "Pay", "compare_with_france": "yes"}, "",
        ...                   Path("analysis.toml"), keys={"": ("title", "compare_with_france")})
        >>> top.get("title", str), top.get("lang", str, default="en")
        ('Pay', 'en')
        >>> top.get("compare_with_france", bool, what="true")
        Traceback (most recent call last):
        ...
        micropop.errors.ConfigError: compare_with_france: should be true or false, not 'yes' ...
        """
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

    @overload
    def text(self, key: str, default: str, required: bool = ..., what: str = ...) -> str: ...

    @overload
    def text(self, key: str, default: None = ..., *, required: Literal[True],
             what: str = ...) -> str: ...

    @overload
    def text(self, key: str, default: str | None = ..., required: bool = ...,
             what: str = ...) -> str | None: ...

    def text(self, key: str, default: str | None = None, required: bool = False,
             what: str = "") -> str | None:
        """A string that is not empty (a column, a file, a method).

        Parameters
        ----------
        key : str
            The key in this table.
        default : str, optional
            Returned when ``key`` is absent.
        required : bool, default False
            Make an absent ``key`` an error.
        what : str, default ""
            A value the error's hint suggests, e.g. ``'"earnings_month"'``.

        Returns
        -------
        str or None
            The value, or ``default``.

        Raises
        ------
        ConfigError
            The key is absent and required, is not a string, or is blank.

        Examples
        --------
        >>> from pathlib import Path
        >>> earnings = ConfigTable({"variable": " "}, "earnings", Path("analysis.toml"),
        ...                        keys={"earnings": ("variable", "hours")})
        >>> earnings.text("hours", default="hours_week")
        'hours_week'
        >>> earnings.text("variable", what='"earnings_month"')
        Traceback (most recent call last):
        ...
        micropop.errors.ConfigError: [earnings] variable: is empty in analysis.toml. ...
        """
        value: str | None = self.get(key, str, default, required, what)
        if value is not None and not value.strip():
            self.fail(key, "is empty", f"write e.g. {key} = {what}" if what
                      else f"give {key} a value or remove it")
        return value

    def number(self, key: str, default: float | None = None, what: str = "",
               **limits: Any) -> float | None:
        """A finite number (``limits`` as :func:`~micropop.errors.check_number` takes them).

        Parameters
        ----------
        key : str
            The key in this table.
        default : float, optional
            Returned, unchecked, when ``key`` is absent.
        what : str, default ""
            A value the error's hint suggests.
        **limits
            Keyword arguments of :func:`~micropop.errors.check_number`
            (``low``, ``high``, ``low_open``, ``integer``, ...).

        Returns
        -------
        float or None
            The value (an int when ``integer=True``), or ``default``.

        Raises
        ------
        ConfigError
            The value is not a number, or out of the limits.

        Examples
        --------
        >>> from pathlib import Path
        >>> size = ConfigTable({"published": 52000, "level": 1.5}, "size", Path("analysis.toml"),
        ...                    keys={"size": ("published", "level")})
        >>> size.number("published", low=0)
        52000.0
        >>> size.number("level", low=0, high=1, low_open=True, high_open=True)
        Traceback (most recent call last):
        ...
        micropop.errors.ConfigError: [size] level: ... in analysis.toml. ...
        """
        value: float | None = self.get(key, (int, float), default, what=what)
        if key in self.values:
            try:
                value = check_number(key, value, **limits)
            except OptionError as err:
                self.fail(key, err.message, err.hint or "")
        return value

    def year(self, key: str, year: int, lookup: Any) -> None:
        """Check that the reference table read by ``lookup(year)`` holds ``year``.

        Parameters
        ----------
        key : str
            The key that gave the year, named in the error.
        year : int
            The year asked for.
        lookup : callable
            A reference-data reader such as
            :func:`micropop.earnings.minimum_wage`, raising a
            :class:`~micropop.errors.MicropopError` for a year it lacks.

        Raises
        ------
        ConfigError
            ``lookup(year)`` refused the year (its message and hint are kept).

        Examples
        --------
        >>> from pathlib import Path
        >>> from micropop import earnings
        >>> table = ConfigTable({}, "earnings", Path("analysis.toml"),
        ...                     keys={"earnings": ("minimum_wage_year",)})
        >>> table.year("minimum_wage_year", 2019, earnings.minimum_wage)
        >>> table.year("minimum_wage_year", 1850, earnings.minimum_wage)
        Traceback (most recent call last):
        ...
        micropop.errors.ConfigError: [earnings] minimum_wage_year: ... in analysis.toml. ...
        """
        try:
            lookup(year)
        except MicropopError as err:
            self.fail(key, err.message, err.hint or f"write e.g. {key} = 2019")

    @overload
    def names(self, key: str, default: list[str]) -> list[str]: ...

    @overload
    def names(self, key: str, default: Any = ...) -> list[str] | None: ...

    def names(self, key: str, default: Any = None) -> list[str] | None:
        """A column name or a list of them, as a list: none empty, none twice.

        Parameters
        ----------
        key : str
            The key in this table.
        default : str or list of str, optional
            The value when the key is absent (returned as given).

        Returns
        -------
        list of str or None
            The column names, or ``default``.

        Raises
        ------
        ConfigError
            The value is not a name or a list of names, holds an empty one,
            or names a column twice.

        Examples
        --------
        >>> from pathlib import Path
        >>> survey = ConfigTable({"strata": "region", "ids": ["psu", "psu"]}, "survey",
        ...                      Path("analysis.toml"), keys={"survey": ("strata", "ids")})
        >>> survey.names("strata")
        ['region']
        >>> survey.names("ids")
        Traceback (most recent call last):
        ...
        micropop.errors.ConfigError: [survey] ids: names 'psu' twice in analysis.toml. ...
        """
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
        """Refuse a column given for two roles (``weights`` and ``strata``, ...).

        Parameters
        ----------
        roles : dict
            Key -> the column names it gave (None when absent), in the
            order the keys are read.

        Raises
        ------
        ConfigError
            A column is given by two keys; the error names the later one.

        Examples
        --------
        >>> from pathlib import Path
        >>> survey = ConfigTable({}, "survey", Path("analysis.toml"),
        ...                      keys={"survey": ("weights", "strata")})
        >>> survey.distinct({"weights": ["weight"], "strata": None})
        >>> survey.distinct({"weights": ["weight"], "strata": ["weight"]})
        Traceback (most recent call last):
        ...
        micropop.errors.ConfigError: [survey] strata: column 'weight' is also given as weights ...
        """
        seen: dict[str, str] = {}
        for key, names in roles.items():
            for name in names or []:
                if name in seen and seen[name] != key:
                    self.fail(key, f"column {name!r} is also given as {seen[name]}",
                              "give each column one role")
                seen[name] = key

    def table(self, key: str) -> ConfigTable | None:
        """A sub-table, or None when absent.

        Parameters
        ----------
        key : str
            The sub-table's key in this table.

        Returns
        -------
        ConfigTable or None
            The sub-table, its keys checked, sharing this table's file and
            notes.

        Raises
        ------
        ConfigError
            The value is not a table, or holds a key it does not accept.

        Examples
        --------
        >>> from pathlib import Path
        >>> size = ConfigTable({"survey": {"file": "w.csv"}}, "size", Path("analysis.toml"),
        ...                    keys={"size": ("survey", "published"), "size.survey": ("file",)})
        >>> size.table("survey").where
        '[size.survey] of analysis.toml'
        >>> size.table("published") is None
        True
        """
        if key not in self.values:
            return None
        return ConfigTable(self.values[key], f"{self.name}.{key}" if self.name else key,
                           self.config, self.keys, self.notes)

    @overload
    def path(self, key: str, required: Literal[True] = ...) -> Path: ...

    @overload
    def path(self, key: str, required: bool) -> Path | None: ...

    def path(self, key: str, required: bool = True) -> Path | None:
        """A file path relative to the configuration file, checked to be a file.

        Parameters
        ----------
        key : str
            The key in this table.
        required : bool, default True
            Refuse an absent key.

        Returns
        -------
        pathlib.Path or None
            The file's absolute path, or None when the key is absent and not
            required.

        Raises
        ------
        ConfigError
            The key is absent and required, or names no file (a folder, a
            missing file, an unusable name).

        Examples
        --------
        >>> import tempfile
        >>> from pathlib import Path
        >>> folder = Path(tempfile.mkdtemp())
        >>> _ = (folder / "workers.csv").write_text("id\\n1\\n")
        >>> survey = ConfigTable({"file": "workers.csv", "codebook": "book.yaml"}, "survey",
        ...                      folder / "analysis.toml", keys={"survey": ("file", "codebook")})
        >>> survey.path("file").name
        'workers.csv'
        >>> survey.path("codebook")
        Traceback (most recent call last):
        ...
        micropop.errors.ConfigError: [survey] codebook: file 'book.yaml' not found ...
        """
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
        """Check that every name is a column of ``data``.

        Parameters
        ----------
        key : str
            The key that gave the names, named in the error.
        names : list of str or None
            The column names (None: nothing to check).
        data : pandas.DataFrame
            The data read from ``source``.
        source : pathlib.Path
            The data file, named in the error.

        Raises
        ------
        ConfigError
            A name is not a column; the error lists the file's columns and
            the closest name.

        Examples
        --------
        >>> import pandas as pd
        >>> from pathlib import Path
        >>> survey = ConfigTable({}, "survey", Path("analysis.toml"), keys={"survey": ("weights",)})
        >>> data = pd.DataFrame({"weight": [1.0], "age": [30]})
        >>> survey.columns("weights", ["weight"], data, Path("workers.csv"))
        >>> survey.columns("weights", ["wieght"], data, Path("workers.csv"))
        Traceback (most recent call last):
        ...
        micropop.errors.ConfigError: [survey] weights: column(s) 'wieght' not in workers.csv ...
        """
        missing = [n for n in names or [] if n not in data.columns]
        if missing:
            self.fail(key, *not_found(missing, data.columns, source.name))


def repeated(values: list[Any]) -> list[Any]:
    """The values that occur more than once (compared as text), each once, in order.

    Parameters
    ----------
    values : list
        The values, e.g. column names read from a configuration.

    Returns
    -------
    list
        The values of ``values`` whose text occurs more than once, in their
        first order.

    Examples
    --------
    >>> repeated(["a", 1, "1", "b", "a"])
    ['a', 1, '1']
    """
    texts = [str(v) for v in values]
    return list(dict.fromkeys(v for v, t in zip(values, texts, strict=True) if texts.count(t) > 1))
