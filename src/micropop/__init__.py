"""micropop: measure hidden and emerging workforces with survey statistics.

Design-based estimation (R ``survey`` conventions), weighting, population-size
estimation, profiles and earnings distributions of micro-workers, against French
reference data (:mod:`micropop.reference`).

Examples
--------
>>> import micropop as mp
>>> df = mp.datasets.load_worker_survey()
>>> len(df) > 0
True
"""

__version__ = "0.1.0"

from micropop import datasets, earnings, reference, size, weighting
from micropop.design import ReplicateDesign, SurveyDesign
from micropop.errors import MicropopError
from micropop.estimation import Estimate
from micropop.inequality import arpr, arpt, gini, lorenz, poverty_rate, qsr, rmpg, top_share
from micropop.io import Codebook, read_survey
from micropop.profile import Profile, Reference, profile, standardize

__all__ = [
    "__version__",
    "Codebook",
    "Estimate",
    "MicropopError",
    "Profile",
    "Reference",
    "ReplicateDesign",
    "SurveyDesign",
    "arpr",
    "arpt",
    "datasets",
    "earnings",
    "gini",
    "lorenz",
    "poverty_rate",
    "profile",
    "qsr",
    "read_survey",
    "reference",
    "rmpg",
    "size",
    "standardize",
    "top_share",
    "weighting",
]

#: Modules loaded on first use (matplotlib and the report are not needed to estimate).
_LAZY = ("plotting", "report", "cli")


def __getattr__(name: str) -> object:
    """Load :mod:`micropop.plotting`, :mod:`micropop.report` or :mod:`micropop.cli` on first use.

    >>> import micropop as mp
    >>> mp.plotting.size_forest.__name__
    'size_forest'
    """
    if name in _LAZY:
        import importlib

        return importlib.import_module(f"micropop.{name}")
    raise AttributeError(f"module 'micropop' has no attribute {name!r}")
