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
    """:func:`micropop.report.profile.profile_section`, written into ``out`` (``profile.csv``).

    Parameters
    ----------
    workers : SurveyDesign
        The worker survey, holding ``variables``.
    out : pathlib.Path
        An existing folder; ``profile.csv`` there is replaced.
    variables : sequence of str, default PROFILE_VARIABLES
        The categorical columns of the profile table.

    Returns
    -------
    RenderedSection
        The section's title and the table as HTML.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> import micropop as mp
    >>> out = pathlib.Path(tempfile.mkdtemp())
    >>> survey = mp.SurveyDesign(mp.datasets.load_worker_survey(), weights="weight")
    >>> "<table" in profile_section(survey, out, ["sex", "education"]).body
    True
    >>> [p.name for p in out.iterdir()]
    ['profile.csv']
    """
    return write_section(out, _profile(workers, variables))


def earnings_section(workers: SurveyDesign, out: Path, earnings: str = "earnings_month",
                     lang: str = "en") -> RenderedSection:
    """:func:`micropop.report.earnings.earnings_section`, written into ``out``.

    Parameters
    ----------
    workers : SurveyDesign
        The worker survey, with monthly earnings.
    out : pathlib.Path
        An existing folder for ``earnings_bins.csv`` and the histogram.
    earnings : str, default "earnings_month"
        The column of monthly earnings (EUR).
    lang : {"en", "fr"}, default "en"
        The histogram's language.

    Returns
    -------
    RenderedSection
        Title and HTML body, the histogram embedded.

    Examples
    --------
    >>> from tempfile import mkdtemp
    >>> from micropop import SurveyDesign, datasets
    >>> folder = Path(mkdtemp())
    >>> workers = SurveyDesign(datasets.load_worker_survey(), weights="weight")
    >>> earnings_section(workers, folder, lang="fr").title
    'Ce que rapporte le micro-travail'
    >>> sorted(p.name for p in folder.iterdir())
    ['earnings.png', 'earnings.svg', 'earnings_bins.csv']
    """
    return write_section(out, _earnings(workers, earnings), lang)


def size_section(inputs: SizeInputs, out: Path, lang: str = "en") -> RenderedSection:
    """:func:`micropop.report.size.size_section`, written into ``out``.

    Parameters
    ----------
    inputs : SizeInputs
        What the population sizes are estimated from.
    out : pathlib.Path
        An existing folder for the size tables and figures.
    lang : {"en", "fr"}, default "en"
        The figures' language.

    Returns
    -------
    RenderedSection
        Title and HTML body, the forest plot embedded.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from micropop.datasets import load_capture_histories
    >>> lists = load_capture_histories().drop(columns="person_id")
    >>> out = pathlib.Path(tempfile.mkdtemp())
    >>> _ = size_section(SizeInputs(captures=lists), out)
    >>> sorted(p.name for p in out.iterdir())
    ['size_forest.png', 'size_forest.svg', 'size_regular_circle.csv']
    """
    return write_section(out, _size(inputs), lang)


def weighting_section(inputs: WeightingInputs, out: Path, lang: str = "en") -> RenderedSection:
    """:func:`micropop.report.weighting.weighting_section`, written into ``out``.

    Parameters
    ----------
    inputs : WeightingInputs
        The design before and after a weighting step.
    out : pathlib.Path
        An existing folder for the weight statistics and the margins' figure.
    lang : {"en", "fr"}, default "en"
        The figure's language.

    Returns
    -------
    RenderedSection
        Title and HTML body.

    Examples
    --------
    >>> from micropop import SurveyDesign, datasets, weighting
    >>> design = SurveyDesign(datasets.load_population_survey(), weights="weight")
    >>> import tempfile
    >>> inputs = WeightingInputs(design, design.rake(weighting.demo_margins("population")),
    ...                          description="Raked to the census sex and age margins")
    >>> out = Path(tempfile.mkdtemp())
    >>> "weighting_margins.png" in weighting_section(inputs, out).body
    True
    """
    return write_section(out, _weighting(inputs), lang)


def france_section(workers: SurveyDesign, out: Path, lang: str = "en") -> RenderedSection:
    """:func:`micropop.report.profile.france_section`, written into ``out``.

    Parameters
    ----------
    workers : SurveyDesign
        The worker survey, with ``sex``, ``age``, ``age_band`` and
        ``education`` coded as in the demo codebook.
    out : pathlib.Path
        An existing folder for the two comparison figures.
    lang : {"en", "fr"}, default "en"
        The figures' language.

    Returns
    -------
    RenderedSection
        The section's title, and its HTML body with both figures embedded
        as PNG.

    Examples
    --------
    >>> import tempfile
    >>> from micropop import SurveyDesign
    >>> from micropop.datasets import load_worker_survey
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = france_section(SurveyDesign(load_worker_survey(), weights="weight"), folder)
    >>> sorted(p.name for p in folder.glob("*.png"))
    ['age_sex_pyramid.png', 'profile_france.png']
    """
    return write_section(out, _france(workers), lang)


def living_standards_section(workers: SurveyDesign, out: Path,
                             inputs: EarningsInputs = EarningsInputs(),  # noqa: B008
                             lang: str = "en") -> RenderedSection:
    """:func:`micropop.report.earnings.living_standards_section`, written into ``out``.

    Parameters
    ----------
    workers : SurveyDesign
        The worker survey, with the columns ``inputs`` names.
    out : pathlib.Path
        An existing folder for ``living_standards.csv`` and the figures.
    inputs : EarningsInputs, default EarningsInputs()
        The earnings, hours and household columns and the reference years.
    lang : {"en", "fr"}, default "en"
        The figures' language.

    Returns
    -------
    RenderedSection
        Title and HTML body (intervals in its tables), the figures embedded.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> import micropop as mp
    >>> data = mp.datasets.load_worker_survey()
    >>> out = pathlib.Path(tempfile.mkdtemp())
    >>> section = living_standards_section(mp.SurveyDesign(data, weights="weight"), out,
    ...                                    EarningsInputs(household_income=None))
    >>> [p.name for p in out.glob("*.csv")]
    ['living_standards.csv']
    """
    return write_section(out, _living_standards(workers, inputs), lang)
