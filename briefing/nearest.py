"""An excerpt missing from its seed -> the nearest seed passage, aligned, first difference marked.

Matching runs on folded text (provenance.fold); the message shows both sides in their own
characters, cut only at word boundaries and never before the difference.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .provenance import Folded

CONTEXT = 50  # characters of passage shown on each side of the difference, about
GAP = re.compile(r"\s*\[(?:…|\.\.\.)\]\s*")
Fold = Callable[[str], "Folded"]


@dataclass(frozen=True)
class Difference:
    """Where the excerpt and the seed part, as indices into each one's original text."""

    seed_at: int
    excerpt_at: int
    seed_start: int  # folded index in the seed where the aligned passage starts


def miss_message(excerpt: str, seed: Folded, name: str, what: str, fold: Fold) -> str:
    """`what` is 'excerpt' or 'quote text'; `fold` is provenance.fold."""
    from rapidfuzz import fuzz

    part = first_missing_part(excerpt, seed, fold)
    wanted = fold(part)
    match = fuzz.partial_ratio_alignment(wanted.text, seed.text)
    if match is None or match.score < 40:
        return f"{what} not found in seeds/{name}, and nothing in it comes close"
    difference = first_difference(wanted, seed, match.dest_start, match.dest_end)
    start = difference.seed_start
    end = min(start + len(wanted.text), len(seed.text))
    seed_side = shown(
        seed.original, seed.original_index(start), _end(seed, end), difference.seed_at
    )
    excerpt_side = shown(wanted.original, 0, len(wanted.original), difference.excerpt_at)
    line = seed.line_of(start)  # of the aligned passage, not of the fuzzy match's window
    what_differs = _what_differs(seed.original, difference.seed_at, part, difference.excerpt_at)
    return (
        f"{what} not found in seeds/{name}; nearest passage (seeds/{name}:{line}, "
        f'{match.score:.0f}% alike), first difference in [ ]: seed "{seed_side}", '
        f'{what} "{excerpt_side}"{what_differs}'
    )


def first_missing_part(excerpt: str, seed: Folded, fold: Fold) -> str:
    """The first part of an excerpt with gaps ('[…]') that the seed does not hold, in order."""
    parts = [p for p in GAP.split(excerpt) if p.strip()] or [excerpt]
    start = 0
    for part in parts:
        folded = fold(part).text
        index = seed.text.find(folded, start)
        if index < 0:
            return part
        start = index + len(folded)
    return parts[0]


def first_difference(wanted: Folded, seed: Folded, start: int, end: int) -> Difference:
    """Line the excerpt up with the passage by their first shared run, then walk to a mismatch."""
    ours, theirs = wanted.text, seed.text
    low, high = max(0, start - len(ours)), min(len(theirs), end + len(ours))
    matcher = difflib.SequenceMatcher(None, ours, theirs[low:high], autojunk=False)
    blocks = [b for b in matcher.get_matching_blocks() if b.size >= min(4, len(ours))]
    block = blocks[0] if blocks else matcher.find_longest_match(0, len(ours), 0, high - low)
    origin = low + block.b - block.a  # where ours[0] would stand in the seed
    k = max(0, -origin)
    while k < len(ours) and origin + k < len(theirs) and ours[k] == theirs[origin + k]:
        k += 1
    seed_folded = min(max(origin + k, 0), len(theirs))
    seed_at = seed.original_index(seed_folded) if seed_folded < len(theirs) else len(seed.original)
    excerpt_at = wanted.original_index(k) if k < len(ours) else len(wanted.original.rstrip())
    return Difference(seed_at, excerpt_at, max(origin, 0))


def _end(seed: Folded, folded_end: int) -> int:
    return seed.original_index(folded_end - 1) + 1 if folded_end > 0 else 0


def shown(text: str, start: int, end: int, at: int) -> str:
    """text[start:end] around `at`, widened to whole words, with text[at] in brackets."""
    start = max(min(start, at), at - CONTEXT)
    end = min(max(end, at + 1), at + CONTEXT, len(text))
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    while end < len(text) and not text[end].isspace():
        end += 1
    before, marked, after = text[start:at], text[at : at + 1], text[at + 1 : end]
    # Runs of white space (line breaks in a seed) show as one space: one line per problem.
    body = f"{_squash(before)}[{_squash(marked)}]{_squash(after)}".strip()
    lead = "…" if start > 0 and not text[:start].isspace() else ""
    tail = "…" if text[end:].strip() else ""
    return lead + body + tail


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def _what_differs(seed: str, seed_at: int, excerpt: str, excerpt_at: int) -> str:
    """For punctuation that looks alike, say in words which character each side has."""
    ours = excerpt[excerpt_at : excerpt_at + 1]
    theirs = seed[seed_at : seed_at + 1]

    def punctuation(char: str) -> bool:
        return bool(char) and not char.isalnum() and not char.isspace()

    if punctuation(ours) and punctuation(theirs) and ours != theirs:
        return f"; the seed has {theirs!r} (U+{ord(theirs):04X}) where the text has {ours!r}"
    return ""
