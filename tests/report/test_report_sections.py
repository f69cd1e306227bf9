"""The report computes, then renders: each section returns data, only the writer writes.

Every section function returns a :class:`micropop.report.Section` whose tables are
DataFrames and whose figures are callables drawing on the Axes they are given; computing
a section creates no matplotlib figure and writes no file. The writer then writes exactly
the files the section names.
"""

import builtins
from pathlib import Path

import matplotlib.figure
import pandas as pd
import pytest
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from micropop import size
from micropop.report import (
    Section,
    demo_plan,
    earnings_section,
    france_section,
    living_standards_section,
    profile_section,
    result,
    size_section,
    weighting_section,
)
from micropop.report.config import load_config
from micropop.report.render import RenderedSection
from micropop.report.writer import write_section
from support.paths import ROOT

EXAMPLE = ROOT / "examples" / "analysis.toml"

#: Each section of the demo report, computed from the demo plan.
SECTIONS = {
    "profile": lambda plan: profile_section(plan.workers, plan.profile),
    "earnings": lambda plan: earnings_section(plan.workers, plan.earnings.variable),
    "france": lambda plan: france_section(plan.workers),
    "living_standards": lambda plan: living_standards_section(plan.workers, plan.earnings),
    "size": lambda plan: size_section(plan.size),
    "weighting": lambda plan: weighting_section(plan.weighting),
}


@pytest.fixture(scope="module")
def plan():
    return demo_plan()


def _refuse(*args, **kwargs):
    raise AssertionError("a section drew or wrote while computing")


@pytest.fixture
def no_output(monkeypatch):
    """Computing may read (the reference tables), but neither draw nor write."""
    opened = builtins.open

    def read_only(file, mode="r", *args, **kwargs):
        if any(flag in mode for flag in "wax+"):
            _refuse()
        return opened(file, mode, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", read_only)
    for owner, name in [(pd.DataFrame, "to_csv"), (Path, "write_text"),
                        (Path, "write_bytes"), (Path, "mkdir"),
                        (matplotlib.figure.Figure, "__init__"),
                        (matplotlib.figure.Figure, "savefig")]:
        monkeypatch.setattr(owner, name, _refuse)


@pytest.mark.parametrize("name", list(SECTIONS))
def test_a_section_is_data_computed_without_drawing_or_writing(name, plan, request):
    request.getfixturevalue("no_output")
    section = SECTIONS[name](plan)
    assert isinstance(section, Section) and section.title
    assert section.tables or section.figures
    kinds = (result.Heading, result.Text, result.TableView, result.Figure)
    assert all(isinstance(block, kinds) for block in section.blocks)
    for table in section.tables:
        assert isinstance(table, result.Table) and isinstance(table.frame, pd.DataFrame)
        assert section.table(table.name) is table.frame
    for block in section.blocks:
        if isinstance(block, result.TableView):
            assert isinstance(block.frame, pd.DataFrame)
        if isinstance(block, result.Text):
            block.template.format_map(dict(block.values))  # every field has its value
    assert all(callable(figure) for figure in section.figures)


@pytest.mark.parametrize("name", list(SECTIONS))
def test_a_figure_draws_on_the_axes_it_is_given(name, plan):
    section = SECTIONS[name](plan)
    for figure in section.figures:
        for lang in ("en", "fr"):
            canvas = Figure()
            ax = canvas.subplots()
            drawn = figure(ax, lang)
            assert isinstance(drawn, Axes) and drawn.figure is canvas
            assert drawn.has_data() or drawn.patches or drawn.lines


@pytest.mark.parametrize("name", list(SECTIONS))
def test_the_writer_writes_the_files_a_section_names(name, plan, tmp_path):
    section = SECTIONS[name](plan)
    rendered = write_section(tmp_path, section)
    assert isinstance(rendered, RenderedSection) and rendered.title == section.title
    expected = {f"{t.name}.csv" for t in section.tables} | {
        f"{f.name}.{ext}" for f in section.figures for ext in ("png", "svg")}
    assert {p.name for p in tmp_path.iterdir()} == expected
    for table in section.tables:
        written = pd.read_csv(tmp_path / f"{table.name}.csv",
                              index_col=list(range(table.frame.index.nlevels))
                              if table.index else None)
        assert written.shape == table.frame.shape
    assert rendered.body.count("<img ") == len(section.figures)


def test_data_in_a_text_is_escaped_and_numbers_formatted(tmp_path):
    section = Section("T", (result.Text("<code>{name}</code>: {n:,} rows, {x:.1f} %",
                                        {"name": "<b>&", "n": 1200, "x": 12.345}),))
    body = write_section(tmp_path, section).body
    assert body == "<p><code>&lt;b&gt;&amp;</code>: 1,200 rows, 12.3 %</p>"


def test_the_configuration_hands_on_the_circles_it_estimated(monkeypatch):
    """load_config estimates the survey and platform circles to check them; the size
    section uses those estimates instead of computing them a second time."""
    calls = {"survey_circles": 0, "platform_circles": 0}
    for function in calls:
        original = getattr(size, function)

        def counted(*args, _original=original, _name=function, **kwargs):
            calls[_name] += 1
            return _original(*args, **kwargs)

        monkeypatch.setattr(size, function, counted)
    inputs = load_config(EXAMPLE).size
    assert calls == {"survey_circles": 1, "platform_circles": 1}
    section = size_section(inputs)
    assert calls == {"survey_circles": 1, "platform_circles": 1}
    assert section.table("size_survey_circles")["estimate"].tolist() == \
        inputs.survey_estimate.to_frame()["estimate"].tolist()
