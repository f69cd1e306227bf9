"""Reading codebook files: YAML through a safe loader and JSON, both refusing a key
given twice in one mapping (naming its lines), and the file's content refused with a
:class:`~micropop.errors.CodebookError` naming the file when it does not parse.
"""

from __future__ import annotations

import json
import json.decoder
import json.scanner
import os
from pathlib import Path
from typing import Any

import yaml

from micropop.errors import (
    CodebookError,
    SurveyFileNotFoundError,
)

FILE_SUFFIXES = (".yaml", ".yml", ".json")


class _RepeatedKey(Exception):
    """A mapping of a codebook file gives a key twice (lines: where, 1-based)."""

    def __init__(self, key: Any, lines: tuple[int, int]) -> None:
        super().__init__(key)
        self.key, self.lines = key, lines


class _UniqueKeyLoader(yaml.SafeLoader):
    """The safe YAML loader, refusing a key given twice in one mapping (where the
    plain loader keeps the last silently). Keys merged with ``<<`` may be overridden."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue
            key, line = self.construct_object(key_node, deep=True), key_node.start_mark.line + 1
            try:
                if key in seen:
                    raise _RepeatedKey(key, (seen[key], line))
                seen[key] = line
            except TypeError:
                continue  # an unhashable key: the base loader reports it
        return super().construct_mapping(node, deep=deep)


def _load_json(text: str) -> Any:
    """``json.loads``, refusing a key given twice in one object, with its lines."""

    def unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        keys = [k for k, _ in pairs]
        for key in keys:
            if keys.count(key) > 1:
                raise _RepeatedKey(key, (0, 0))
        return dict(pairs)

    decoder = json.JSONDecoder(object_pairs_hook=unique)
    # typeshed leaves out the hooks JSONDecoder sets on itself (parse_object, scan_once)
    parse_object = decoder.parse_object  # type: ignore[attr-defined]

    def located(s_and_end: tuple[str, int], *args: Any) -> Any:
        try:
            return parse_object(s_and_end, *args)
        except _RepeatedKey as err:
            if err.lines == (0, 0):
                lines = _json_key_lines(*s_and_end, err.key)
                err.lines = (lines[0], lines[1])
            raise

    decoder.parse_object = located  # type: ignore[attr-defined]
    decoder.scan_once = json.scanner.py_make_scanner(decoder)  # type: ignore[attr-defined]
    return decoder.decode(text)


def _json_key_lines(text: str, start: int, key: str) -> list[int]:
    """Lines on which ``key`` is a key of the JSON object whose body starts at ``start``."""
    depth, i, lines = 0, start, []
    while i < len(text):
        char = text[i]
        if char == '"':
            value, end = json.decoder.scanstring(text, i + 1)  # type: ignore[attr-defined]
            if depth == 0 and value == key and text[end:].lstrip().startswith(":"):
                lines.append(text.count("\n", 0, i) + 1)
            i = end
            continue
        if char in "{[":
            depth += 1
        elif char in "}]":
            if depth == 0:
                break
            depth -= 1
        i += 1
    return lines


def read_data(path: Path) -> Any:
    """The content of a codebook file (YAML or JSON, UTF-8), refused with a
    :class:`~micropop.errors.CodebookError` naming the file when it is missing, has
    another extension, is not UTF-8, gives a key twice in one mapping or does not parse."""
    if not path.is_file():
        raise SurveyFileNotFoundError(f"codebook file {str(path)!r} does not exist",
                                      hint=f"check the path (working directory: {os.getcwd()})")
    suffix = path.suffix.lower()
    if suffix not in FILE_SUFFIXES:
        raise CodebookError(f"codebook file {str(path)!r} has extension {suffix or '(none)'!r}",
                            hint="write codebooks as .yaml, .yml or .json")
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise CodebookError(
            f"codebook file {str(path)!r} is not valid UTF-8: byte "
            f"{raw[err.start:err.start + 1]!r} at line {raw.count(10, 0, err.start) + 1} "
            f"(byte {err.start})",
            hint="save the codebook as UTF-8 text (most editors offer it under 'Save as')"
        ) from None
    try:
        data = (_load_json(text) if suffix == ".json" else
                yaml.load(text, Loader=_UniqueKeyLoader))
    except _RepeatedKey as err:
        raise CodebookError(f"codebook file {str(path)!r} declares the key {err.key!r} twice "
                            f"in one mapping (lines {err.lines[0]} and {err.lines[1]})",
                            hint="keep one of them: the second would silently replace "
                                 "the first") from None
    except json.JSONDecodeError as err:
        raise CodebookError(f"codebook file {str(path)!r} is not valid JSON at line "
                            f"{err.lineno}, column {err.colno}: {err.msg}",
                            hint="fix the syntax at the line shown") from None
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise CodebookError(f"codebook file {str(path)!r} is not valid YAML{where}: "
                            f"{getattr(err, 'problem', None) or err}",
                            hint="fix the syntax at the line shown") from None
    return data
