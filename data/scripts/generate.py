"""Regenerate every micropop demo and reference data file, bit for bit.

Usage::

    python data/scripts/generate.py [--out DIR] [--seed SEED]

``DIR`` defaults to the ``data/`` folder next to this script. Every module in
this folder exposes ``generate(outdir: Path, seed: int) -> list[Path]``; each
gets its own seed derived from the one master seed, so the whole run is
reproducible bit for bit:

* ``population`` gets the master seed itself (so that
  ``python data/scripts/population.py`` with its default ``--seed 20190501``
  writes the same files as this script);
* the other modules get seeds spawned from the master seed with
  :class:`numpy.random.SeedSequence`, in the order of ``SPAWNED``.

Do not change ``MASTER_SEED``, ``MODULES`` or ``SPAWNED`` without
regenerating the committed files (the test suite compares them byte for byte).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
DATA_DIR = HERE.parent

#: Master seed of the whole run (the month the DiPLab report was published).
MASTER_SEED = 20190501

#: Generator modules, in the order they run.
MODULES = ["population", "worker_survey", "platforms", "reference"]
#: Modules whose seed is spawned from the master seed (the i-th gets child i).
SPAWNED = ["worker_survey", "platforms", "reference"]


def module_seeds(master: int = MASTER_SEED) -> dict[str, int]:
    """Per-module integer seeds derived from the master seed.

    Examples
    --------
    >>> s = module_seeds(1)
    >>> s == module_seeds(1) and s["population"] == 1
    True
    >>> len(set(s.values())) == len(MODULES)
    True
    """
    children = np.random.SeedSequence(master).spawn(len(SPAWNED))
    seeds = {"population": int(master)}
    seeds.update({name: int(child.generate_state(1, dtype=np.uint32)[0])
                  for name, child in zip(SPAWNED, children, strict=True)})
    return {name: seeds[name] for name in MODULES}


def _load(name: str):
    if str(HERE) not in sys.path:
        sys.path.insert(0, str(HERE))
    return importlib.import_module(name)


def generate_all(outdir: Path, master_seed: int = MASTER_SEED) -> list[Path]:
    """Run every generator module into ``outdir`` and return the files written."""
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    seeds = module_seeds(master_seed)
    written: list[Path] = []
    for name in MODULES:
        module = _load(name)
        written.extend(Path(p) for p in module.generate(outdir, seeds[name]))
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DATA_DIR,
                        help="output folder (default: the data/ folder)")
    parser.add_argument("--seed", type=int, default=MASTER_SEED,
                        help=f"master seed (default: {MASTER_SEED})")
    args = parser.parse_args(argv)
    for path in generate_all(args.out, args.seed):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
