"""The loader's fast path (LibYAML events read straight into data) against its checked path.

load_yaml reads a clean file from LibYAML's events and gives anything unusual to PyYAML's
Python parser, whose errors name the problem. The two must agree exactly: the same data and the
same position for every value and key. When the fast path declines, the checked path's answer
(data, or problems) is what the editor sees.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from briefing.load import Loaded, _compose_checked, _Lines, _load_fast, _to_data, load_yaml

REPO = Path(__file__).resolve().parents[1]
EDITS = ["&a ", "*a", "!!str ", "!x ", "- ", ": ", "? ", "\n", "  ", "\t", "#", "'", '"', "[", "]",
         "{", "}", ",", "---\n", "...\n", "|", ">", "~", "%", "@"]  # fmt: skip

text = st.text(
    st.characters(codec="utf-8", exclude_categories=["Cs"]),
    max_size=30,
)
keys = st.text(st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), max_size=12)
documents = st.dictionaries(
    keys,
    st.recursive(
        text | st.none(),
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=4),
        max_leaves=12,
    ),
    min_size=1,
    max_size=5,
)


def checked(source: str) -> tuple[Any, dict[Any, Any], list[str]]:
    """What the checked path reads: data, positions and problem messages."""
    lines = _Lines(source)
    root = _compose_checked(source)
    loaded = Loaded("f.yaml", None)
    problems: list[Any] = []
    loaded.data = _to_data(root, (), loaded, problems, lines) if root is not None else None
    return loaded.data, loaded.positions, [p.message for p in problems]


def agree(source: str) -> bool:
    """Both paths agree on this text; True when the fast path read it itself."""
    fast = _load_fast(source, "f.yaml", _Lines(source))
    if fast is None:
        return False
    data, positions, problems = checked(source)
    assert problems == []
    assert fast.data == data
    assert list(fast.positions.items()) == list(positions.items())
    return True


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(
    documents,
    st.sampled_from([None, "'", '"', "|", ">"]),
    st.sampled_from([False, True, None]),
    st.sampled_from([2, 4]),
)
def test_clean_documents_are_read_by_the_fast_path_exactly_as_by_the_checked_path(
    data: dict[str, Any], style: str | None, flow: bool | None, indent: int
) -> None:
    source = yaml.safe_dump(
        data, default_style=style, default_flow_style=flow, indent=indent, allow_unicode=True
    )
    read_fast = agree(source)
    tagged = "!!" in source  # the dumper tags some scalars (!!null 'null'): those are declined
    assert read_fast or tagged or _has_uncarriable(data), source


def _has_uncarriable(value: Any) -> bool:
    from briefing.load import bad_character

    if isinstance(value, str):
        return bad_character(value) is not None
    if isinstance(value, dict):
        return any(_has_uncarriable(k) or _has_uncarriable(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_uncarriable(v) for v in value)
    return False


@settings(
    max_examples=300,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(st.data())
@example(None)
def test_edited_files_are_read_alike_or_left_to_the_checked_path(data: Any) -> None:
    """Random edits (YAML's special characters, breaks, indentation) to a real content file."""
    source = (REPO / "content" / "front-matter.yaml").read_text(encoding="utf-8")
    if data is not None:
        for _ in range(data.draw(st.integers(1, 4))):
            at = data.draw(st.integers(0, len(source)))
            piece = data.draw(st.sampled_from(EDITS))
            source = source[:at] + piece + source[at:]
    try:
        checked(source)
    except Exception:  # the checked path refuses it: the fast path must have declined too
        assert _load_fast(source, "f.yaml", _Lines(source)) is None
        return
    agree(source)


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("a: &x 1\nb: 2\n", "anchors (&name) are not allowed"),
        ("a: 1\nb: *x\n", "aliases (*name) are not allowed"),
        ("a: !!python/name:os.system x\n", "tags (tag:yaml.org,2002:python/name:os.system)"),
        ("a: 1\na: 2\n", "duplicate key 'a' (first defined at line 1)"),
        ("a: 1\n---\nb: 2\n", "a content file holds one YAML document"),
        ("a: " + "[" * 30 + "]" * 30 + "\n", "nesting deeper than 24 levels"),
        ("a: 'x\x07'\n", "the file holds"),
        ('a: "x\\x07"\n', "text holds the control character U+0007"),
        ("questions: [Why now?, Who pays?]\n", "expected ',' or ']', but got '?'"),
        ("a: {Why?: now}\n", "not valid YAML"),
    ],
)
def test_what_the_fast_path_declines_gets_the_checked_paths_message(
    tmp_path: Path, source: str, message: str
) -> None:
    assert _load_fast(source, "f.yaml", _Lines(source)) is None
    path = tmp_path / "f.yaml"
    path.write_text(source, encoding="utf-8")
    _, problems = load_yaml(path, "f.yaml", path.parent)
    assert any(message in p.message for p in problems), problems


def test_every_shipped_content_file_is_read_by_the_fast_path() -> None:
    for path in sorted((REPO / "content").glob("*.yaml")):
        assert agree(path.read_text(encoding="utf-8")), path.name
