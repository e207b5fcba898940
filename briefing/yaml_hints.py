"""A YAML syntax error and the file's text -> the edit that fixes it, for the commonest mistakes.

PyYAML names what its parser met ("mapping values are not allowed here"); an editor needs to
know what to change. The hints look at the failing line and the one before it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_EMPTY_LIST = re.compile(r"^\s*(?:- )?([\w.-]+):\s*\[\s*\]\s*(?:#.*)?$")


@dataclass(frozen=True)
class SourceLine:
    number: int  # from 1
    text: str

    @property
    def indent(self) -> int:
        return len(self.text) - len(self.text.lstrip(" "))

    @property
    def fields_indent(self) -> int:
        """Where this line's fields start: after a list item's '- ' when it opens one."""
        found = re.match(r"^(\s*)-(\s+)", self.text)
        return len(found.group(1)) + 1 + len(found.group(2)) if found else self.indent


def yaml_hint(problem: str, text: str, line: int) -> str | None:
    """The hint for a parser problem at `line` (from 1), or None when there is none to give."""
    lines = text.splitlines()
    if not 0 < line <= len(lines):
        return None
    here = SourceLine(line, lines[line - 1])
    before = _content_line(lines, line - 1, -1)
    if "<block sequence start>" in problem and before and _EMPTY_LIST.match(before.text):
        key = _EMPTY_LIST.match(before.text).group(1)  # type: ignore[union-attr]
        return (
            f"a list item under '{key}: []' (line {before.number}), which already ended the "
            f"list; write '{key}:' with the items below it"
        )
    if "mapping values are not allowed" in problem:
        if before and here.indent > before.fields_indent and not before.text.rstrip().endswith(":"):
            return _indent_hint(here, before)
        return "a value that holds ': ' must be quoted, e.g. title: \"Widgets: a survey\""
    if "expected <block end>" in problem and "<block mapping start>" in problem and before:
        return _indent_hint(here, before)
    return None


def _indent_hint(here: SourceLine, before: SourceLine) -> str:
    return (
        f"line {here.number} is indented {here.indent} spaces and line {before.number}'s fields "
        f"{before.fields_indent}; indent the fields of one mapping alike"
    )


def _content_line(lines: list[str], number: int, step: int) -> SourceLine | None:
    """The nearest line from `number` on (towards `step`) that is neither blank nor a comment."""
    while 0 < number <= len(lines):
        stripped = lines[number - 1].strip()
        if stripped and not stripped.startswith("#"):
            return SourceLine(number, lines[number - 1])
        number += step
    return None
