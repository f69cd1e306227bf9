"""Population size with honest uncertainty: capture–recapture and friends.

Every estimator returns an immutable :class:`SizeEstimate` (estimate, SE,
interval, method, assumptions in words, inputs).

- Two lists: :func:`lincoln_petersen`, :func:`chapman` (histories to counts
  with :func:`two_list_counts`).
- k occasions: :func:`schnabel`; from frequencies of capture:
  :func:`chao_lower_bound`, :func:`zelterman`.
- Log-linear multiple-systems estimation (R's ``Rcapture``): :func:`loglinear`
  for one model with its profile-likelihood interval, :func:`model_search`
  over hierarchical models, :func:`closedp` for the standard models M0, Mt,
  Mh, Mth, Mb, Mbh and :func:`closedp_ci` for one of them with its interval.

Capture histories may be a 0/1 DataFrame (one row per person, or per
pattern with ``freq=``) or a dict of id lists per source; see
:func:`capture_table`.

Examples
--------
>>> import micropop as mp
>>> mp.size.chapman(1278, 1069, 36).to_frame()[["estimate", "method"]].round(1)
   estimate   method
0   36986.3  Chapman
"""

from micropop.size.capture import (
    chao_lower_bound,
    chapman,
    lincoln_petersen,
    schnabel,
    two_list_counts,
    zelterman,
)
from micropop.size.loglinear import capture_table, closedp, closedp_ci, loglinear, model_search
from micropop.size.result import SizeEstimate

__all__ = [
    "SizeEstimate",
    "capture_table",
    "chao_lower_bound",
    "chapman",
    "closedp",
    "closedp_ci",
    "lincoln_petersen",
    "loglinear",
    "model_search",
    "schnabel",
    "two_list_counts",
    "zelterman",
]
