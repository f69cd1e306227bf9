"""Codebooks: declare the variables of a survey file, then check and convert data.

A codebook says, for each variable, its ``type`` (``numeric``, ``integer``,
``categorical``, ``ordered``, ``string`` or ``date``), its allowed ``levels``,
its valid ``range``, the ``missing`` codes that stand for non-response, and a
``description``. It is written in YAML or JSON::

    dataset: worker_survey            # optional
    description: "Synthetic demo"     # optional
    id: id                            # optional: respondent id, must be unique
    variables:
      sex:
        type: categorical
        levels: [female, male]        # list: the data hold the labels
      region_code:
        type: categorical
        levels: {11: "Île-de-France", 24: "Centre-Val de Loire"}  # codes -> labels
      education:
        type: ordered                 # order = order of the levels as written
        levels: [below_bac, bac, bac+2, above_bac+2]
      age:
        type: integer
        range: [18, 99]               # inclusive; either end may be null
        missing: {-1: refused, 999: "ne sait pas"}   # or a list [-1, 999]
        description: Age in years
      interview_date:
        type: date
        format: "%Y-%m-%d"            # optional; ISO 8601 when absent

Rules applied by :meth:`Codebook.apply`, column by column:

1. ``missing`` codes become NA first (in numeric columns they are matched by
   value, also once text is parsed, so ``"-1.0"`` is the code ``-1``). A code
   declared missing is never a level.
2. The values are converted to the declared type: ``numeric`` gives float64,
   ``integer`` gives nullable ``Int64``, ``categorical``/``ordered`` give a
   :class:`pandas.Categorical` whose categories are the levels in the order
   written (the labels, for a mapping), ``string`` gives the ``string`` dtype
   and ``date`` gives ``datetime64``. Text that does not convert is an error,
   never a silent NA. Blank text counts as missing.
3. Levels and range are checked.

Codes and levels are matched on their text, so ``11``, ``11.0`` and ``"11"``
are the same code, while ``"01"`` and ``1`` are not. A mapping ``{code: label}``
accepts cells holding either the code or the label.

Errors name offending **data rows**, numbered from 1 for the first row of data
(in a CSV or spreadsheet with a header, data row 3 is file line 4).

Examples
--------
>>> import pandas as pd
>>> import micropop as mp
>>> cb = mp.Codebook.from_dict({"variables": {
...     "sex": {"type": "categorical", "levels": {1: "female", 2: "male"}},
...     "age": {"type": "integer", "range": [18, 99], "missing": {999: "ne sait pas"}},
... }})
>>> df = cb.apply(pd.DataFrame({"sex": [1, 2, 2], "age": [34, 999, 51]}))
>>> df["sex"].tolist(), df["age"].tolist()
(['female', 'male', 'male'], [34, <NA>, 51])
"""

from __future__ import annotations

from micropop.codebook._model import Codebook
from micropop.codebook._variable import TYPES, Variable

__all__ = ["Codebook", "Variable", "TYPES"]
