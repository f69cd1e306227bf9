"""The README's quick start runs as written and names the two commands."""

import re
from pathlib import Path

README = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")


def test_readme_gives_the_two_commands():
    assert "make report" in README and "make test" in README


def test_quick_start_runs(capsys):
    quick = README.split("## Quick start", 1)[1]
    code = re.search(r"```python\n(.*?)```", quick, re.S).group(1)
    assert len(code.strip().splitlines()) <= 10
    exec(compile(code, "README quick start", "exec"), {})
    out = capsys.readouterr().out
    assert "estimate" in out and "microwork_12m" in out
