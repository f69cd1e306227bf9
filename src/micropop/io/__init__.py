"""Read survey microdata files into pandas, checked against a codebook.

:func:`read_survey` reads CSV/TSV (also gzipped, and French exports with ``;``
and decimal commas), Parquet, Stata ``.dta``, SPSS ``.sav``/``.zsav`` and Excel
``.xlsx``. A :class:`~micropop.codebook.Codebook` declares what each column
must hold; the rules it applies are described in :mod:`micropop.codebook`.

A file is read as it is written, or refused: nothing is renamed, padded,
rounded to infinity or turned into text without a word.

- Text files: the encoding is UTF-8 (with or without a byte-order mark; UTF-16
  with one). A file that is not valid UTF-8 is read as Windows-1252 only when
  every non-ASCII character it then holds is a usual letter or sign, and never
  when it also holds valid UTF-8 sequences. The separator is the one of ``,``
  ``;`` tab ``|`` that splits the header and the first 1000 lines into the same
  number of fields; the decimal mark is ``,`` only when numbers such as
  ``12,5`` are written with it and none with a point (``1,234`` alone could be
  a thousand: refused). Otherwise :class:`~micropop.errors.AmbiguousFormatError`
  asks for ``sep=``/``decimal=``. Lines with fewer (or more) fields than the
  header are refused, naming the file lines.
- Every file: the header must name each column once (a repeated name, a named
  column left unnamed, a title above the header or a first line of numbers is
  a :class:`~micropop.errors.HeaderError`; ``skiprows=`` skips title lines).
  Cells written ``NA``, ``NULL``, ``n/a``, ... and blank cells are missing.
  Columns whose cells are all numbers become numbers; a column of numbers with
  a few cells of text (``"n/a"``, ``"12,5"`` under a decimal point, ``"1 234"``)
  is refused naming the rows, and so are numbers that are infinite or too large
  or too small to be stored. A column with more text stays text.
- Every guess (encoding, separator, decimal mark, header row, sheet, missing
  markers, ...) is reported as an English sentence in ``df.attrs["read_notes"]``,
  which also holds its French (``.fr``), said in the report's language.

Stata and SPSS files carry their own codebook, which is applied first:

- variable labels become descriptions, kept in ``df.attrs["labels"]``;
- a variable whose every value has a value label becomes a categorical with
  the labels as categories, in the numeric order of their codes. It is
  *ordered* when SPSS declares its measure ``ordinal``; Stata has no measure
  level, so Stata variables are unordered unless a codebook declares them
  ``ordered``;
- a variable with labels on only some of its values (typically special codes
  such as 99 "ne sait pas" on an age) stays numeric, with a
  :class:`~micropop.errors.MicropopWarning` unless a codebook declares it;
- Stata ``int`` types become ``integer`` (nullable ``Int64``), other numbers
  ``numeric``;
- Stata missing values (``.``, ``.a`` to ``.z``) and SPSS user-missing values
  become NA, as the file declares them.

A user codebook is laid over the file's (see :meth:`Codebook.merged`).

With ``engine="dask"``, :func:`read_survey` reads a folder or a glob pattern of
Parquet or text files lazily into a ``dask.dataframe.DataFrame``: one partition
per file, each read and checked as above when Dask computes it (errors name the
file and its data row); the files must hold the same columns, of the same types,
which is checked before any data is read (:class:`~micropop.errors.PartitionError`).
:func:`partition_files` gives the file of each partition.

Errors name the file, the column and the offending **data rows**, numbered
from 1 for the first row of data: in a CSV or spreadsheet with a header,
data row 3 is file line 4.

Examples
--------
>>> import tempfile, pathlib
>>> import micropop as mp
>>> path = pathlib.Path(tempfile.mkdtemp()) / "export.csv"
>>> text = "id;region;hours\\n1;Île-de-France;12,5\\n2;Bretagne;3\\n"
>>> _ = path.write_bytes(text.encode("latin-1"))
>>> df = mp.read_survey(path, encoding="latin-1")
>>> df["hours"].tolist(), df["region"].tolist()
([12.5, 3.0], ['Île-de-France', 'Bretagne'])
>>> df.attrs["read_notes"][0]
"Separator ';': it splits each of the first 3 lines into 3 fields."
"""

from __future__ import annotations

from micropop.codebook import Codebook
from micropop.io._partitioned import partition_files
from micropop.io._read import (  # noqa: F401 (public names)
    ENGINES,
    FORMATS,
    CodebookLike,
    read_survey,
)

__all__ = ["Codebook", "partition_files", "read_survey"]
