"""The page of R survey's functions has a row for each function R exports.

``tests/reference/r_survey_exports.json`` is written by
``tests/reference/list_r_exports.R`` from the installed R survey; the page
``docs/reference/r-functions.md`` must name each in its first column and give
each row a micropop name or the reason it is not supported.
"""

from __future__ import annotations

import json
import re

from support.paths import REFERENCE, ROOT

PAGE = ROOT / "docs" / "reference" / "r-functions.md"
EXPORTS = REFERENCE / "r_survey_exports.json"


def _rows() -> dict[str, tuple[str, str]]:
    """R name -> (micropop cell, note cell) of the page's exported-functions table."""
    text = PAGE.read_text(encoding="utf-8")
    section = text.split("## Exported functions", 1)[1].split("\n## ", 1)[0]
    rows: dict[str, tuple[str, str]] = {}
    for line in section.splitlines():
        cells = [c.strip() for c in re.split(r"(?<!\\)\|", line.strip())[1:-1]]
        if len(cells) != 3 or cells[0] in ("R `survey`", "---"):
            continue
        for name in re.findall(r"`([^`]+)`", cells[0]):
            assert name not in rows, f"{name} has two rows"
            rows[name] = (cells[1], cells[2])
    return rows


def test_every_export_has_a_row() -> None:
    exports = json.loads(EXPORTS.read_text(encoding="utf-8"))["exports"]
    rows = _rows()
    missing = [name for name in exports if name not in rows]
    assert not missing, f"R exports without a row in {PAGE.name}: {missing}"
    unknown = [name for name in rows if name not in exports]
    assert not unknown, f"rows for names R does not export: {unknown}"


def test_every_row_says_what_to_use_or_why_not() -> None:
    for name, (micropop, note) in _rows().items():
        assert micropop, name
        if micropop.startswith("not supported") or micropop.startswith("not needed"):
            assert note, f"{name}: say why it is not supported"
