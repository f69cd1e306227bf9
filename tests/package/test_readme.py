"""The README's quick start runs as written and names the two commands."""

import re

from support.paths import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_gives_the_two_commands():
    assert "make report" in README and "make test" in README


def test_quick_start_runs(capsys):
    quick = README.split("## Quick start", 1)[1]
    code = re.search(r"```python\n(.*?)```", quick, re.S).group(1)
    assert len(code.strip().splitlines()) <= 10
    exec(compile(code, "README quick start", "exec"), {})
    out = capsys.readouterr().out
    assert "estimate" in out and "microwork_12m" in out


def test_larger_than_memory_example_runs(capsys):
    """The Dask example runs as written (on a local cluster of threads) and prints estimates."""
    section = README.split("## Larger than memory", 1)[1]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    exec(compile(code, "README larger than memory", "exec"), {})
    out = capsys.readouterr().out
    assert "Survey mean" in out and "Survey proportion" in out and "female" in out


def test_quick_start_is_the_first_cell_of_the_quick_start_notebook():
    import json

    quick = README.split("## Quick start", 1)[1]
    code = re.search(r"```python\n(.*?)```", quick, re.S).group(1).strip()
    notebook = json.loads((ROOT / "notebooks" / "00_quick_start.ipynb").read_text(encoding="utf-8"))
    cells = ["".join(c["source"]).strip() for c in notebook["cells"] if c["cell_type"] == "code"]
    assert cells[0] == code


def test_readme_figures_exist_and_are_report_figures():
    images = re.findall(r"!\[[^\]]+\]\(([^)]+)\)", README)
    assert len(images) >= 2
    for image in images:
        path = ROOT / image
        assert path.read_bytes().startswith(b"\x89PNG"), image
        assert path.name in {"size_forest.png", "profile_france.png"}  # what the report draws
