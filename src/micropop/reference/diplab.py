"""The DiPLab figures: France's three circles of micro-workers, and the multi-homing divisors.

Published by Le Ludec, Tubaro & Casilli (2019, arXiv:1901.03889, "How many
people microwork in France? Estimating the size of a new labor force"), with
the report "Le micro-travail en France" (DiPLab, 2019): 266,126 people
registered on micro-work platforms in France, 52,337 active at least monthly
and 14,903 weekly, platform sums divided by a multi-homing factor of 1.27.
Only these aggregates were published (the per-platform inputs were not; the
demo ``platforms`` table is illustrative). Kässi, Lehdonvirta & Stephany
(2021) give the mean number of platforms per online worker, 1.83, the other
end of the range :func:`micropop.size.circle_sensitivity` explores.
:func:`micropop.size.diplab_example` runs these figures back through the
estimators.

Examples
--------
>>> round(PUBLISHED_CIRCLES["registered"] * PUBLISHED_DIVISOR)
337980
>>> DIPLAB_YEAR, KASSI_YEAR
(2019, 2021)
"""

from __future__ import annotations

__all__ = ["DIPLAB_SOURCE", "DIPLAB_YEAR", "KASSI_DIVISOR", "KASSI_SOURCE", "KASSI_YEAR",
           "PUBLISHED_CIRCLES", "PUBLISHED_DIVISOR"]

#: Where the DiPLab circles and divisor were published.
DIPLAB_SOURCE = "Le Ludec, Tubaro & Casilli (2019), arXiv:1901.03889"
#: The year they were published.
DIPLAB_YEAR = 2019
#: The published circles (Le Ludec, Tubaro & Casilli 2019, arXiv:1901.03889).
PUBLISHED_CIRCLES = {"registered": 266_126, "regular": 52_337, "very_active": 14_903}
#: DiPLab's published multi-homing divisor (same source).
PUBLISHED_DIVISOR = 1.27

#: Where the mean number of platforms per online worker was published.
KASSI_SOURCE = ("Kässi, Lehdonvirta & Stephany (2021), How many online workers are "
                "there in the world? A data-driven assessment, Open Research Europe 1:53")
#: The year it was published.
KASSI_YEAR = 2021
#: Mean platforms per online worker in Kässi, Lehdonvirta & Stephany (2021).
KASSI_DIVISOR = 1.83
