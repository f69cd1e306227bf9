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
  Mh, Mth, Mb, Mbh and :func:`closedp_ci` for one of them with its interval
  (also Rivest's normal mixture, "Mh Normal" / "Mth Normal"),
  :func:`closedp_bc` (bias-corrected), :func:`closedp_mtb` (model Mtb) and
  :func:`capture_probabilities` (each model's capture probabilities).

From surveys and platforms:

- A general-population survey: :func:`survey_count` (weighted total of an
  indicator; logit or Korn–Graubard intervals for rare traits given a known
  population total), :func:`survey_circles` (nested circles of activity).
- Platform figures corrected for multi-homing: :func:`platform_total`,
  :func:`mean_multiplicity`, :func:`multiplicity_correction` (delta method or
  design bootstrap), :func:`weight_share` (Lavallée's generalised weight share).
- Activity circles from platforms: :func:`platform_circles`,
  :func:`frequency_circles` (all nested, in :class:`Circles`), and
  :func:`circle_sensitivity`; :func:`diplab_example` is the worked example.
- All side by side: :func:`triangulate` (for ``micropop.plotting.size_forest``)
  and full-time equivalents with :func:`fte`.

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

from micropop.size.bias_correction import closedp_bc
from micropop.size.capture import (
    chao_lower_bound,
    chapman,
    lincoln_petersen,
    schnabel,
    two_list_counts,
    zelterman,
)
from micropop.size.circles import (
    DIPLAB_FIGURES,
    circle_sensitivity,
    frequency_circles,
    platform_circles,
)
from micropop.size.closedp_extra import capture_probabilities, closedp_mtb
from micropop.size.diplab import (
    KASSI_DIVISOR,
    PUBLISHED_CIRCLES,
    PUBLISHED_DIVISOR,
    diplab_example,
)
from micropop.size.loglinear import capture_table, closedp, closedp_ci, loglinear, model_search
from micropop.size.multiplicity import (
    bootstrap_means,
    mean_multiplicity,
    multiplicity_correction,
    platform_total,
    weight_share,
)
from micropop.size.result import Circles, SizeEstimate
from micropop.size.survey import survey_circles, survey_count
from micropop.size.triangulate import TRIANGULATION_COLUMNS, fte, triangulate

__all__ = [
    "Circles",
    "DIPLAB_FIGURES",
    "KASSI_DIVISOR",
    "PUBLISHED_CIRCLES",
    "PUBLISHED_DIVISOR",
    "SizeEstimate",
    "TRIANGULATION_COLUMNS",
    "bootstrap_means",
    "capture_probabilities",
    "capture_table",
    "chao_lower_bound",
    "chapman",
    "circle_sensitivity",
    "closedp",
    "closedp_bc",
    "closedp_ci",
    "closedp_mtb",
    "diplab_example",
    "frequency_circles",
    "fte",
    "lincoln_petersen",
    "loglinear",
    "mean_multiplicity",
    "model_search",
    "multiplicity_correction",
    "platform_circles",
    "platform_total",
    "schnabel",
    "survey_circles",
    "survey_count",
    "triangulate",
    "two_list_counts",
    "weight_share",
    "zelterman",
]
