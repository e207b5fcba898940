"""Read a YAML file into plain data (dicts, lists, strings) with the line and column of every value.

Every scalar stays a string: no YAML 1.1 type guessing (`NO`, `0012`, `12:30`, `1.10`), so an
editor's text reaches the model exactly as typed and the model decides what a field means.
Anything YAML can do beyond plain data (anchors, aliases, tags other than !!str, !!seq and !!map,
several documents) is refused.

Clean files are read straight from LibYAML's events; anything unusual or wrong is read again by
PyYAML's Python parser, whose errors name the problem, so both give the same data and messages.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.cyaml import CParser  # type: ignore[attr-defined]
from yaml.events import (
    AliasEvent,
    DocumentEndEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
    StreamStartEvent,
)
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .errors import FileRefused, Location, Problem
from .yaml_hints import yaml_hint

MAX_FILE_BYTES = 1024 * 1024
MAX_DEPTH = 24
Path_ = tuple[str | int, ...]

_STANDARD_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:seq",
    "tag:yaml.org,2002:map",
}


@dataclass
class Loaded:
    """A parsed file: its data, and where each value (by field path) starts."""

    path: str
    data: Any
    positions: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    text: str = ""  # the file as read, to place a word inside a value (claims.py)

    def locate(self, field_path: Path_) -> Location:
        """The location of a field, or of its closest parent that exists in the file."""
        for end in range(len(field_path), -1, -1):
            found = self.positions.get(tuple(field_path[:end]))
            if found:
                return Location(self.path, *found)
        return Location(self.path, 1, 1)

    def strings(self) -> Iterator[tuple[Path_, str]]:
        """Every text value of the file, with its field path."""
        return _strings(self.data, ())


class YamlProblem(Exception):
    """A problem at a line and column, or at a character index of the text (from a YAML mark)."""

    def __init__(self, line: int, column: int, message: str, index: int | None = None):
        super().__init__(message)
        self.line, self.column, self.message, self.index = line, column, message, index

    @classmethod
    def at(cls, mark: Any, message: str) -> YamlProblem:
        return cls(mark.line + 1, mark.column + 1, message, mark.index)


class _Lines:
    """Line and column of a character as an editor shows them: lines end at LF, CR or CRLF only.

    YAML 1.1 (PyYAML and LibYAML alike) also ends a line at U+0085, U+2028 and U+2029, which
    editors show inside the line: a mark's own line would point below the text it means.
    """

    def __init__(self, text: str):
        self._starts = [0, *(m.end() for m in re.finditer(r"\r\n|\r|\n", text))]

    def position(self, index: int) -> tuple[int, int]:
        line = bisect.bisect_right(self._starts, index)
        return line, index - self._starts[line - 1] + 1


class _StrictChecks:
    """Node building that refuses aliases, anchors, tags and deep nesting while parsing."""

    _depth = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        event = self.peek_event()  # type: ignore[attr-defined]
        mark = event.start_mark
        if isinstance(event, AliasEvent):
            raise YamlProblem.at(mark, "aliases (*name) are not allowed; write the value out")
        if getattr(event, "anchor", None) is not None:
            raise YamlProblem.at(mark, "anchors (&name) are not allowed; write the value out")
        tag = getattr(event, "tag", None)
        explicit = tag not in (None, "!") and not (
            isinstance(event, ScalarEvent) and event.implicit[0]
        )
        if explicit and tag not in _STANDARD_TAGS:
            raise YamlProblem.at(mark, f"tags ({tag}) are not allowed; content is plain text")
        self._depth += 1
        if self._depth > MAX_DEPTH:
            raise YamlProblem.at(mark, f"nesting deeper than {MAX_DEPTH} levels is not allowed")
        try:
            return super().compose_node(parent, index)  # type: ignore[misc,no-any-return]
        finally:
            self._depth -= 1


class _StrictComposer(_StrictChecks, yaml.SafeLoader):
    """Pure-Python parsing: slower, and the source of the error messages editors see."""


def bad_character(text: str) -> str | None:
    """Describe the first character that no later stage can carry (XML, PDF, email), if any."""
    found = _UNCARRIABLE.search(text)
    if found is None:
        return None
    code = ord(found.group())
    if 0xD800 <= code <= 0xDFFF:
        return f"a lone surrogate U+{code:04X}"
    return f"the control character U+{code:04X}"


# Unicode's control characters (category Cc) but tab and line feed, the surrogates, and the two
# noncharacters XML refuses: one regex scan instead of a Python loop over every character.
_UNCARRIABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def read_text(path: Path, shown: str, root: Path) -> str:
    """The file's text, refusing anything but a regular file inside root, of a sane size, in
    UTF-8 (or in UTF-16 after a byte-order mark)."""
    from .files import read_file, split_bom

    try:
        raw = read_file(path, root, shown, limit=MAX_FILE_BYTES, kind="content files")
    except FileRefused as exc:
        raise YamlProblem(1, 1, f"file is {exc.reason}") from None
    except OSError as exc:
        raise YamlProblem(0, 0, f"cannot read the file ({exc.strerror})") from None
    raw, encoding = split_bom(raw)
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError as exc:
        if encoding != "utf-8":
            raise YamlProblem(
                1, 1, f"file starts with a UTF-16 byte-order mark but is not UTF-16 ({exc.reason})"
            ) from None
        before = raw[: exc.start].decode("utf-8")  # the text up to the first bad byte is good
        line, column = _Lines(before).position(len(before))
        raise YamlProblem(
            line, column, f"byte 0x{raw[exc.start]:02X} is not UTF-8; save the file as UTF-8"
        ) from None
    return text


def load_yaml(path: Path, shown: str, project_root: Path) -> tuple[Loaded | None, list[Problem]]:
    """Parse one file inside the project root. Returns the data or the problems that stop it
    from being read."""
    lines = _Lines("")

    def where(mark: Any) -> tuple[int, int]:
        return lines.position(mark.index) if mark else (1, 1)

    try:
        text = read_text(path, shown, project_root)
        lines = _Lines(text)
        if not text.strip():
            raise YamlProblem(1, 1, "file is empty; expected a mapping of fields")
        fast = _load_fast(text, shown, lines)
        if fast is not None:
            return fast, []
        # Something is unusual or wrong: parse again in Python, whose errors name the problem.
        root = _compose_checked(text)
    except YamlProblem as exc:
        line, column = (exc.line, exc.column) if exc.index is None else lines.position(exc.index)
        return None, [Problem(Location(shown, line, column), exc.message)]
    except yaml.composer.ComposerError as exc:
        line, column = where(exc.problem_mark)
        message = "a content file holds one YAML document; remove the extra '---' document"
        if exc.problem and "single document" not in (exc.context or ""):
            message = exc.problem
        return None, [Problem(Location(shown, line, column), message)]
    except yaml.MarkedYAMLError as exc:
        line, column = where(exc.problem_mark)
        message = _yaml_message(exc)
        hint = yaml_hint(exc.problem or "", text, line)
        return None, [
            Problem(Location(shown, line, column), f"{message}; {hint}" if hint else message)
        ]
    except yaml.YAMLError as exc:
        return None, [Problem(Location(shown, 1, 1), f"not valid YAML ({exc})")]
    if root is None:
        return None, [Problem(Location(shown, 1, 1), "file is empty; expected a mapping of fields")]
    loaded = Loaded(shown, None, text=text)
    problems: list[Problem] = []
    loaded.data = _to_data(root, (), loaded, problems, lines)
    return loaded, problems


# Where LibYAML accepts what PyYAML refuses: tabs as separators, byte-order marks inside the
# text, and a comment right after a block scalar's header (`>-#`). Such files take the checked
# path, as do plain scalars holding "?" inside [...] or {...} (LibYAML 0.2.5 reads `[Why now?]`
# as text, PyYAML as an error), so a file's verdict never depends on which parser read it.
_DISAGREEMENTS = re.compile(r"[\t\ufeff]|[|>][-+0-9]*#")
_NULLS = frozenset(("", "~", "null", "Null", "NULL"))


def _load_fast(text: str, shown: str, lines: _Lines) -> Loaded | None:
    """The file read straight from LibYAML's events, when it is a mapping with nothing to report.

    Returns None for anything else (an error, a duplicate key, an anchor, a tag, deep nesting,
    no or several documents), and the caller reads the file through the checked Python path,
    which gives the same data and the exact message. Several times faster on valid files than
    composing YAML nodes and converting them.
    """
    if _DISAGREEMENTS.search(text):
        return None
    loaded = Loaded(shown, None, text=text)
    positions = loaded.positions
    # Only a double-quoted scalar's escapes can add characters the text itself does not hold.
    raw_clean = _UNCARRIABLE.search(text) is None
    parser = CParser(text)
    try:
        get: Any = parser.get_event  # LibYAML events; their marks always hold an index
        if type(get()) is not StreamStartEvent or type(get()) is not DocumentStartEvent:
            return None
        event = get()
        if type(event) is not MappingStartEvent or event.anchor is not None or event.tag:
            return None
        start: Any = event.start_mark
        positions[()] = lines.position(start.index)
        root: dict[str, Any] = {}
        # Open collections: (the collection, its path, the key awaiting its value, in flow style).
        stack: list[tuple[Any, Path_, str | None, bool]] = [(root, (), None, False)]
        while stack:
            event = get()
            kind = type(event)
            container, at, key, flow = stack[-1]
            if kind is MappingEndEvent or kind is SequenceEndEvent:
                stack.pop()
                continue
            if kind is AliasEvent or event.anchor is not None:
                return None
            if kind is ScalarEvent and (
                (event.tag is not None and not event.implicit[0])
                or (flow and not event.style and "?" in event.value)
            ):
                return None
            if type(container) is dict:
                if key is None:  # a key: plain text met for the first time in this mapping
                    if kind is not ScalarEvent or event.value in container:
                        return None
                    key = event.value
                    positions[(*at, key, "<key>")] = lines.position(event.start_mark.index)
                    stack[-1] = (container, at, key, flow)
                    continue
                path: Path_ = (*at, key)
                stack[-1] = (container, at, None, flow)
            else:
                path = (*at, len(container))
            positions[path] = lines.position(event.start_mark.index)
            if kind is ScalarEvent:
                value = event.value
                if not event.style and value in _NULLS:
                    value = None
                elif (not raw_clean or event.style == '"') and _UNCARRIABLE.search(value):
                    return None
            elif (kind is MappingStartEvent or kind is SequenceStartEvent) and not event.tag:
                if len(stack) >= MAX_DEPTH - 1:
                    return None
                value = {} if kind is MappingStartEvent else []
                stack.append((value, path, None, flow or bool(event.flow_style)))
            else:
                return None
            if type(container) is dict:
                container[key] = value
            else:
                container.append(value)
        if type(get()) is not DocumentEndEvent or type(get()) is not StreamEndEvent:
            return None
    except yaml.YAMLError:
        return None
    finally:
        parser.dispose()
    loaded.data = root
    return loaded


def _compose_checked(text: str) -> Node | None:
    """The file's node tree through PyYAML's Python parser, whose errors name the problem."""
    try:
        loader = _StrictComposer(text)
    except yaml.reader.ReaderError as exc:
        # PyYAML refuses raw control characters when it opens the text: locate the character.
        bad = bad_character(chr(exc.character)) or f"the character U+{exc.character:04X}"
        raise YamlProblem(0, 0, f"the file holds {bad}; remove it", exc.position) from None
    try:
        return loader.get_single_node()
    finally:
        loader.dispose()


def _yaml_message(exc: yaml.MarkedYAMLError) -> str:
    problem = exc.problem or "not valid YAML"
    if "found character '\\t'" in problem or "found character '\t'" in problem:
        return "tab characters cannot indent YAML; indent with spaces"
    if "special characters are not allowed" in problem:
        return "the file holds a control character; remove it or write the text without it"
    context = f" {exc.context}" if exc.context else ""
    return f"not valid YAML: {problem}{context}"


def _to_data(node: Node, at: Path_, loaded: Loaded, problems: list[Problem], lines: _Lines) -> Any:
    loaded.positions[at] = lines.position(node.start_mark.index)
    if isinstance(node, ScalarNode):
        if not node.style and node.value in _NULLS:
            return None  # YAML's null
        value = str(node.value)
        bad = bad_character(value)
        if bad:
            problems.append(Problem(loaded.locate(at), f"text holds {bad}; remove it", _dotted(at)))
        return value
    if isinstance(node, SequenceNode):
        return [
            _to_data(item, (*at, i), loaded, problems, lines) for i, item in enumerate(node.value)
        ]
    assert isinstance(node, MappingNode)
    result: dict[str, Any] = {}
    for key_node, value_node in node.value:
        key_at = lines.position(key_node.start_mark.index)
        if not isinstance(key_node, ScalarNode):
            problems.append(
                Problem(Location(loaded.path, *key_at), "a key must be plain text", _dotted(at))
            )
            continue
        key = str(key_node.value)
        if key in result:
            first = loaded.positions[(*at, key, "<key>")]
            problems.append(
                Problem(
                    Location(loaded.path, *key_at),
                    f"duplicate key '{key}' (first defined at line {first[0]}); keep one",
                    _dotted(at),
                )
            )
            continue
        loaded.positions[(*at, key, "<key>")] = key_at
        result[key] = _to_data(value_node, (*at, key), loaded, problems, lines)
    return result


def _strings(data: Any, at: Path_) -> Iterator[tuple[Path_, str]]:
    if isinstance(data, str):
        yield at, data
    elif isinstance(data, dict):
        for key, value in data.items():
            yield from _strings(value, (*at, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _strings(value, (*at, index))


def _dotted(at: Path_) -> str:
    out = ""
    for part in at:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


dotted = _dotted
