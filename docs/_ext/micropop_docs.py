"""Pages written from the code at build time, so that they cannot drift from it.

- ``_generated/config.md``: every table and key of ``analysis.toml``, from
  :data:`micropop.report.config_keys.KEYS` (the declaration ``load_config`` checks
  against);
- ``_generated/cli.md``: every command and flag of ``micropop``, from the argparse
  parser of :func:`micropop.cli.build_parser`;
- ``_generated/notebooks/``: the notebooks of the repository's ``notebooks/``
  folder, copied so that myst-nb executes and renders them;
- ``_generated/examples/``: the repository's ``examples/`` folder (its Markdown
  pages only from ``examples/templates/``), so that the templates' README is a
  page whose links to the template files are downloads.

A file is rewritten only when its text changes, so Sphinx (and myst-nb's cache)
rebuild only what changed.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

DOCS = Path(__file__).resolve().parents[1]
GENERATED = DOCS / "_generated"
NOTEBOOKS = DOCS.parent / "notebooks"
EXAMPLES = DOCS.parent / "examples"


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")


def _copy(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    data = source.read_bytes()
    if not target.exists() or target.read_bytes() != data:
        target.write_bytes(data)


def copy_examples() -> None:
    """``examples/`` into ``_generated/examples/``; of its Markdown, only the templates'."""
    for source in sorted(p for p in EXAMPLES.rglob("*") if p.is_file()):
        relative = source.relative_to(EXAMPLES)
        if source.suffix == ".md" and relative.parts[0] != "templates":
            continue  # a page in no toctree would be a warning
        _copy(source, GENERATED / "examples" / relative)
    readme = EXAMPLES / "templates" / "README.md"
    if readme.exists():
        _write(GENERATED / "examples" / "templates" / "README.md",
               readme.read_text(encoding="utf-8") + _downloads(readme.parent))


def _downloads(folder: Path) -> str:
    """A section of download links to the template files of ``folder``."""
    files = sorted(p.name for p in folder.iterdir() if p.is_file() and p.suffix != ".md")
    links = [f"- {{download}}`{name} <{name}>`" for name in files]
    return "\n\n## Download the templates\n\n" + "\n".join(links) + "\n" if files else ""


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def config_reference() -> str:
    """The configuration reference page (MyST Markdown) from ``config_keys.KEYS``."""
    from micropop.report.config_keys import KEYS, TABLES

    lines = [
        "(config-reference)=",
        "# Configuration reference (`analysis.toml`)",
        "",
        "Every table and key that `micropop report --config` accepts. This page is generated",
        "from `micropop.report.config_keys.KEYS`, the declaration `load_config` checks a file",
        "against: an unknown key is refused with the closest valid name, so what is listed",
        "here is exactly what is accepted. Paths are relative to the configuration file.",
        "",
    ]
    for table in TABLES:
        lines += [f"## `[{table}]`" if table else "## Top level", ""]
        lines += ["| Key | Meaning |", "| --- | --- |"]
        lines += [f"| `{key}` | {_cell(text)} |" for key, text in KEYS[table].items()]
        lines.append("")
    return "\n".join(lines)


def _flags(action: argparse.Action) -> str:
    names = ", ".join(f"`{name}`" for name in action.option_strings)
    if not names:
        names = f"`{action.metavar or action.dest}`"
    if action.choices is not None and not isinstance(action, argparse._SubParsersAction):
        names += " {" + ", ".join(f"`{choice}`" for choice in action.choices) + "}"
    elif action.option_strings and action.nargs != 0:
        metavar = action.metavar or action.dest.upper()
        names += f" `{metavar}`" + (" ..." if action.nargs in ("+", "*") else "")
    return names


def _parser_section(parser: argparse.ArgumentParser, level: str) -> list[str]:
    lines = [f"{level} `{parser.prog}`", ""]
    if parser.description:
        lines += [parser.description, ""]
    lines += ["```text", parser.format_usage().strip(), "```", ""]
    actions = [a for a in parser._actions
               if not isinstance(a, (argparse._HelpAction, argparse._SubParsersAction))]
    if actions:
        lines += ["| Argument | Meaning |", "| --- | --- |"]
        for action in actions:
            text = action.help or ""
            if action.required and action.option_strings:
                text += " (required)"
            lines.append(f"| {_flags(action)} | {_cell(text)} |")
        lines.append("")
    return lines


def cli_reference() -> str:
    """The command-line reference page (MyST Markdown) from ``micropop.cli.build_parser``."""
    from micropop.cli import build_parser

    parser = build_parser()
    lines = [
        "(cli-reference)=",
        "# Command-line reference",
        "",
        "Generated from the parser of the `micropop` command (`micropop.cli.build_parser`);",
        "`micropop COMMAND --help` prints the same.",
        "",
    ]
    lines += _parser_section(parser, "##")
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                lines += _parser_section(sub, "##")
    return "\n".join(lines)


def write_pages(app: Any = None) -> None:
    """Write the generated pages and copy the notebooks (Sphinx's ``builder-inited``)."""
    _write(GENERATED / "config.md", config_reference())
    _write(GENERATED / "cli.md", cli_reference())
    for notebook in sorted(NOTEBOOKS.glob("*.ipynb")):
        _copy(notebook, GENERATED / "notebooks" / notebook.name)
    copy_examples()


def setup(app: Any) -> dict[str, Any]:
    app.connect("builder-inited", write_pages)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
