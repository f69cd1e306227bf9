"""``[survey] engine = "dask"``: the worker survey's files read with Dask.

``file`` is then a folder, a glob pattern (``"census/*.parquet"``) or one file of
Parquet or CSV files, relative to the configuration file, read by
``read_survey(..., engine="dask")``: the files' columns and types checked before any
row is read, each file checked against the codebook, errors naming the file and the
data row. The report's sections (profile, earnings, weighting, size, models and their
figures) work on the rows in memory, so the files are then gathered in memory, and a
note of the report says so.

Examples
--------
>>> from pathlib import Path
>>> table = ConfigTable({"engine": "spark"}, "survey", Path("analysis.toml"),
...                     keys={"survey": ("engine",)})
>>> survey_engine(table)
Traceback (most recent call last):
...
micropop.errors.ConfigError: [survey] engine: 'spark' is not an engine ...
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from micropop._bilingual import note
from micropop.errors import ConfigError, MicropopError
from micropop.io import partition_files, read_survey
from micropop.report.config_table import ConfigTable
from micropop.report.numbers import localise

__all__ = ["read_lazily", "survey_engine"]


def survey_engine(table: ConfigTable) -> str:
    """``engine`` of ``[survey]``: ``"pandas"`` (the default) or ``"dask"``.

    Parameters
    ----------
    table : ConfigTable
        The ``[survey]`` table.

    Returns
    -------
    str

    Raises
    ------
    ConfigError
        For another value, naming the key.

    Examples
    --------
    >>> from pathlib import Path
    >>> survey_engine(ConfigTable({}, "survey", Path("analysis.toml"),
    ...                           keys={"survey": ("engine",)}))
    'pandas'
    """
    engine = table.text("engine", "pandas", what='"dask"')
    if engine not in ("pandas", "dask"):  # read_survey's engines
        table.fail("engine", f"{engine!r} is not an engine",
                   'use "pandas" (the default: the file read in memory) or "dask" (a folder or '
                   "a glob of Parquet or CSV files read lazily)")
    return engine


def read_lazily(table: ConfigTable, reading: dict[str, str | None],
                codebook: Path | None) -> tuple[pd.DataFrame, Path]:
    """The files ``file`` names read with Dask, checked, then gathered in memory.

    Parameters
    ----------
    table : ConfigTable
        The ``[survey]`` table; its notes receive the one saying how the files were read.
    reading : dict
        ``encoding``, ``sep`` and ``decimal`` of text files (None: guessed per file).
    codebook : pathlib.Path or None
        The codebook applied to every file.

    Returns
    -------
    (pandas.DataFrame, pathlib.Path)
        The rows of every file, in file order, numbered from 0; and ``file`` as written
        (a folder, a pattern or a file), relative to the configuration file.

    Raises
    ------
    ConfigError
        Naming ``[survey] file`` with the reader's refusal (files that disagree, a
        codebook violation naming the file and its data row, dask not installed).

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> (folder / "census").mkdir()
    >>> for k in range(3):
    ...     pd.DataFrame({"w": [1.0] * k}).to_parquet(folder / "census" / f"p{k}.parquet")
    >>> table = ConfigTable({"file": "census/*.parquet"}, "survey", folder / "analysis.toml",
    ...                     keys={"survey": ("file",)})
    >>> data, source = read_lazily(table, {}, None)
    >>> len(data), source.name
    (3, '*.parquet')
    >>> print(table.notes[0])  # doctest: +ELLIPSIS
    *.parquet: 3 files read with Dask (engine = "dask"), ... gathered in memory (3 rows)...
    """
    written = table.text("file", required=True, what='"census/*.parquet"')
    where = table.config.parent / written
    try:
        ddf = read_survey(where, codebook=codebook, engine="dask", sep=reading.get("sep"),
                          decimal=reading.get("decimal"), encoding=reading.get("encoding"))
        files = partition_files(ddf) or []
        data = ddf.compute().reset_index(drop=True)
    except ConfigError:
        raise
    except MicropopError as err:  # the reader's refusal, named by the key that gave the files
        table.fail("file", err.message, err.hint or "")
    source = Path(written)
    rows, count = len(data), len(files)
    table.notes.append(note(
        f"{source.name}: {count} files read with Dask (engine = \"dask\"), each checked "
        f"against the codebook, then gathered in memory ({rows:,} rows): the report's "
        "profiles, earnings, models and figures need every row in memory.",
        f"{source.name} : {count} fichiers lus avec Dask (engine = \"dask\"), chacun vérifié "
        f"selon le dictionnaire des variables, puis réunis en mémoire "
        f"({localise(f'{rows:,}', 'fr')} lignes) : les profils, revenus, modèles et figures "
        "du rapport ont besoin de toutes les lignes en mémoire."))
    return data, source
