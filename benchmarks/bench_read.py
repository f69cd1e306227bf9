"""Benchmark: ``micropop.read_survey`` against pandas' own readers on the same files.

The files (seeded, written to a temporary folder): a table of 15 float columns
rounded to 4 decimals (some cells empty) and 5 short text columns, written as

- CSV with ``,`` between fields and a decimal point (pandas' C engine);
- a French export: ``;`` between fields and decimal commas
  (``pd.read_csv(sep=";", decimal=",")``, C engine);
- CSV with its text quoted, as R's ``write.csv`` writes it;
- Parquet (``pd.read_parquet``, pyarrow);
- Excel ``.xlsx``, fewer rows (``pd.read_excel``, openpyxl);

and the first CSV again with a codebook declaring the floats numeric and the texts
categorical with their levels (pandas: ``read_csv`` with the categorical dtypes).

micropop reads each file without options: separator, decimal mark and encoding
are sniffed, and every cell is checked (see :mod:`micropop.io`); pandas is told
the separator and decimal mark. Run from the repository root::

    .venv/bin/python benchmarks/bench_read.py [--rows 200000] [--excel-rows 20000] [--repeat 5]

It prints a Markdown table of medians (seconds) and the ratio micropop / pandas.
"""

from __future__ import annotations

import argparse
import csv
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
from timing import median_time  # benchmarks/timing.py

import micropop as mp

WORDS = np.array(["paris", "lyon", "marseille", "lille", "rennes", "nantes", "brest", "nice",
                  "agriculteur", "employé", "cadre", "ouvrier", "oui", "non", "ne sait pas"])


def make_frame(rows: int, seed: int = 20260611) -> pd.DataFrame:
    """15 float columns (4 decimals, 1 % empty) and 5 short text columns."""
    rng = np.random.default_rng(seed)
    data: dict[str, object] = {}
    for j in range(15):
        x = np.round(rng.lognormal(3 + j % 4, 1.0, rows), 4)
        x[rng.random(rows) < 0.01] = np.nan
        data[f"x{j + 1}"] = x
    for j in range(5):
        data[f"t{j + 1}"] = WORDS[rng.integers(0, len(WORDS), rows)]
    return pd.DataFrame(data)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--excel-rows", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    df = make_frame(args.rows)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        comma, french = folder / "survey.csv", folder / "export_fr.csv"
        quoted = folder / "export_r.csv"
        parquet, excel = folder / "survey.parquet", folder / "survey.xlsx"
        df.to_csv(comma, index=False)
        df.to_csv(french, index=False, sep=";", decimal=",")
        df.to_csv(quoted, index=False, quoting=csv.QUOTE_NONNUMERIC)
        df.to_parquet(parquet, index=False)
        df.iloc[:args.excel_rows].to_excel(excel, index=False)

        cases = [
            (f"CSV `,` and `.` ({args.rows:,} x 20)", comma,
             lambda: pd.read_csv(comma)),
            (f"CSV `;` and decimal `,` ({args.rows:,} x 20)", french,
             lambda: pd.read_csv(french, sep=";", decimal=",")),
            (f"CSV, text quoted as by R ({args.rows:,} x 20)", quoted,
             lambda: pd.read_csv(quoted)),
            (f"Parquet ({args.rows:,} x 20)", parquet,
             lambda: pd.read_parquet(parquet)),
            (f"Excel .xlsx ({args.excel_rows:,} x 20)", excel,
             lambda: pd.read_excel(excel)),
        ]
        print(f"Medians of {args.repeat} runs, seconds.\n")
        print("| file | micropop `read_survey` | pandas | micropop / pandas |")
        print("|---|---|---|---|")
        levels = pd.CategoricalDtype(sorted(WORDS))
        codebook = {"variables": {
            **{f"x{j}": {"type": "numeric"} for j in range(1, 16)},
            **{f"t{j}": {"type": "categorical", "levels": {w: w for w in sorted(WORDS)}}
               for j in range(1, 6)}}}
        cases.append((f"CSV `,` and `.` with a codebook ({args.rows:,} x 20)", comma,
                      lambda: pd.read_csv(comma, dtype={f"t{j}": levels for j in range(1, 6)})))
        for label, path, pandas_read in cases:
            options = {"codebook": codebook} if "codebook" in label else {}
            ours = mp.read_survey(path, **options)  # also a warm-up: imports, caches
            theirs = pandas_read()
            assert ours.shape == theirs.shape, (ours.shape, theirs.shape)
            t_mp = median_time(lambda path=path, options=options: mp.read_survey(path, **options),
                               args.repeat)
            t_pd = median_time(pandas_read, args.repeat)
            print(f"| {label} | {t_mp:.3f} | {t_pd:.3f} | {t_mp / t_pd:.1f} |", flush=True)


if __name__ == "__main__":
    main()
