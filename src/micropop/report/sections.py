"""Each section of the report computed and written into a folder in one call.

These functions keep the signatures the report's sections had before they
were split into computing (:func:`micropop.report.profile_section`, ...,
which return a :class:`~micropop.report.result.Section`) and writing
(:func:`micropop.report.writer.write_section`): each computes its section,
writes its tables and figures into ``out`` and returns its title and HTML.

Examples
--------
>>> import tempfile, pathlib
>>> import micropop as mp
>>> from micropop.report.sections import profile_section
>>> workers = mp.SurveyDesign(mp.datasets.load_worker_survey(), weights="weight")
>>> section = profile_section(workers, pathlib.Path(tempfile.mkdtemp()))
>>> section.title
'Who the workers are'
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from micropop.design import SurveyDesign
from micropop.report.earnings import EARNINGS_EDGES, EARNINGS_LABELS
from micropop.report.earnings import earnings_section as _earnings
from micropop.report.earnings import living_standards_section as _living_standards
from micropop.report.plan import PROFILE_VARIABLES, EarningsInputs, SizeInputs, WeightingInputs
from micropop.report.profile import france_section as _france
from micropop.report.profile import profile_section as _profile
from micropop.report.render import RenderedSection
from micropop.report.size import size_section as _size
from micropop.report.weighting import weighting_section as _weighting
from micropop.report.writer import write_section

__all__ = [
    "EARNINGS_EDGES",
    "EARNINGS_LABELS",
    "profile_section",
    "earnings_section",
    "size_section",
    "weighting_section",
    "france_section",
    "living_standards_section",
]


def profile_section(workers: SurveyDesign, out: Path,
                    variables: Sequence[str] = PROFILE_VARIABLES) -> RenderedSection:
    """:func:`micropop.report.profile.profile_section`, written into ``out`` (``profile.csv``)."""
    return write_section(out, _profile(workers, variables))


def earnings_section(workers: SurveyDesign, out: Path, earnings: str = "earnings_month",
                     lang: str = "en") -> RenderedSection:
    """:func:`micropop.report.earnings.earnings_section`, written into ``out``."""
    return write_section(out, _earnings(workers, earnings), lang)


def size_section(inputs: SizeInputs, out: Path, lang: str = "en") -> RenderedSection:
    """:func:`micropop.report.size.size_section`, written into ``out``."""
    return write_section(out, _size(inputs), lang)


def weighting_section(inputs: WeightingInputs, out: Path, lang: str = "en") -> RenderedSection:
    """:func:`micropop.report.weighting.weighting_section`, written into ``out``."""
    return write_section(out, _weighting(inputs), lang)


def france_section(workers: SurveyDesign, out: Path, lang: str = "en") -> RenderedSection:
    """:func:`micropop.report.profile.france_section`, written into ``out``."""
    return write_section(out, _france(workers), lang)


def living_standards_section(workers: SurveyDesign, out: Path,
                             inputs: EarningsInputs = EarningsInputs(),
                             lang: str = "en") -> RenderedSection:
    """:func:`micropop.report.earnings.living_standards_section`, written into ``out``."""
    return write_section(out, _living_standards(workers, inputs), lang)
