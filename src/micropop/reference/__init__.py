"""French reference data: published figures to set a survey against, each with its year and source.

The figures come from the reference tables shipped in :mod:`micropop.datasets`
(``datasets.list_datasets("reference")``: one row per year, with its source and
status) or, for the DiPLab figures, from the publication itself:

- :mod:`~micropop.reference.census`: INSEE census RP2018 by sex and age:
  :func:`insee_population` (a :class:`Reference` for profiles) and
  :func:`sex_age_margins` / :func:`demo_margins` (weighting margins);
- :mod:`~micropop.reference.education`: highest diploma (enquête Emploi),
  :func:`insee_education`;
- :mod:`~micropop.reference.income`: standard of living (ERFS):
  :func:`poverty_line`, and its median, the poverty rate and the Gini with
  :func:`living_standards`;
- :mod:`~micropop.reference.wages`: the SMIC, :func:`minimum_wage`;
- :mod:`~micropop.reference.labour`: activity, unemployment and CDI rates,
  :func:`labour_market`;
- :mod:`~micropop.reference.diplab`: the published DiPLab circles and
  multi-homing divisors;
- :mod:`~micropop.reference.distribution`: the :class:`Reference` type (counts
  or shares by level, with year, source, population and note).

A year a table does not hold is refused (:class:`~micropop.errors.ReferenceYearError`,
listing the years it has), never guessed.

Examples
--------
>>> import micropop as mp
>>> mp.reference.minimum_wage(2019), mp.reference.poverty_line(2016)
(10.03, 1026.0)
>>> mp.reference.insee_population("sex", ages=(18, 74)).label
'INSEE RP2018 (POP1B), 2018'
"""

from micropop.reference.census import demo_margins, insee_population, sex_age_margins
from micropop.reference.diplab import (
                                       DIPLAB_SOURCE,
                                       DIPLAB_YEAR,
                                       KASSI_DIVISOR,
                                       KASSI_SOURCE,
                                       KASSI_YEAR,
                                       PUBLISHED_CIRCLES,
                                       PUBLISHED_DIVISOR,
)
from micropop.reference.distribution import Reference
from micropop.reference.education import insee_education
from micropop.reference.income import LIVING_STANDARDS, living_standards, poverty_line
from micropop.reference.labour import labour_market
from micropop.reference.wages import minimum_wage

__all__ = ["DIPLAB_SOURCE", "DIPLAB_YEAR", "KASSI_DIVISOR", "KASSI_SOURCE", "KASSI_YEAR",
           "LIVING_STANDARDS", "PUBLISHED_CIRCLES", "PUBLISHED_DIVISOR", "Reference",
           "demo_margins", "insee_education", "insee_population", "labour_market",
           "living_standards", "minimum_wage", "poverty_line", "sex_age_margins"]
