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
from micropop.design import ReplicateDesign, SurveyDesign, TwoPhaseDesign
from micropop.errors import MicropopError
from micropop.estimation import Estimate
from micropop.inequality import (
    arpr,
    arpt,
    gini,
    lorenz,
    poormed,
    poverty_rate,
    qsr,
    rmpg,
    top_share,
)
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
    "TwoPhaseDesign",
    "arpr",
    "arpt",
    "datasets",
    "earnings",
    "gini",
    "lorenz",
    "poormed",
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

def __getattr__(name: str) -> object:
    """Load :mod:`micropop.plotting`, :mod:`micropop.report` or :mod:`micropop.cli` on first use.

    matplotlib and the report are not needed to estimate, so ``import micropop``
    does not load them; ``mp.plotting`` does, the first time it is read.

    >>> import micropop as mp
    >>> mp.plotting.size_forest.__name__
    'size_forest'
    """
    if name == "plotting":
        import micropop.plotting  # sets the attribute, so this is not called again

        return micropop.plotting
    if name == "report":
        import micropop.report  # sets the attribute, so this is not called again

        return micropop.report
    if name == "cli":
        import micropop.cli  # sets the attribute, so this is not called again

        return micropop.cli
    raise AttributeError(f"module 'micropop' has no attribute {name!r}")
