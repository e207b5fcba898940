"""`briefing new`: a content file for a new seed, with what the seed's text states filled in."""

from __future__ import annotations

import json
import re
from pathlib import Path

from .config import Project
from .errors import UsageError
from .files import MAX_SEED_BYTES, create_file, decode_text, read_file
from .models import SEED_NAME_PATTERN, SLUG_PATTERN

MAX_ID = 64  # as models.Slug

# Text this scaffold writes (or shows in its comments) for the editor to replace; claims.py
# refuses any content file that still holds it.
PLACEHOLDERS = (
    "Two to four sentences in your own words",
    "TITLE OF THE SOURCE",
    "A scannable title line",
    "One or two sentences in your own words",
    "the seed's words",
    "the speaker's words, verbatim",
    "Role as the text gives it",
    "What is measured",
    "shared-metric-key",
)
_URL = re.compile(r"https?://[^\s\"'<>]+")
_DATE = re.compile(r"\b(20\d\d|19\d\d)-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])\b")


def source_id_for(seed: Path) -> str:
    """A slug from the seed's file name: '004_e06f.txt' -> '004-e06f'."""
    slug = re.sub(r"[^a-z0-9]+", "-", seed.stem.lower()).strip("-")
    return slug[:64].strip("-") or "source"


def guess_metadata(text: str) -> dict[str, str]:
    """Title, date and URL where the text states them plainly."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    found: dict[str, str] = {}
    url = _URL.search(text[:3000])
    if url:
        found["url"] = url.group(0).rstrip(".,;)")
    date = _DATE.search(text[:3000])
    if date:
        found["published"] = date.group(0)
    for line in lines[:15]:
        bare = _URL.sub("", _DATE.sub("", line)).replace("date", "").strip(" -|:")
        if 15 <= len(bare) <= 200 and not bare.lower().startswith(("author", "skip to", "writers")):
            found["title"] = bare
            break
    return found


def _quoted(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a valid YAML scalar


def checked_id(source_id: str) -> str:
    if len(source_id) > MAX_ID or not re.match(SLUG_PATTERN, source_id):
        raise UsageError(
            f"--id {source_id!r}: expected lowercase letters, digits and single hyphens, "
            f"at most {MAX_ID} characters (it names content/<id>.yaml)"
        )
    return source_id


def scaffold(project: Project, seed: Path, source_id: str | None = None) -> Path:
    """Write content/<id>.yaml for `seed`; the id comes from the seed's name unless given.

    A relative seed path is taken from the current folder when it names a file there (as
    typed in content/, say), and otherwise from the project folder.
    """
    if not seed.is_absolute():
        here = Path.cwd() / seed
        seed = here if here.exists() or here.is_symlink() else project.root / seed
    shown = project.shown(seed)
    if not (seed.exists() or seed.is_symlink()):
        raise UsageError(f"{shown}: no such seed file")
    # The folder it is in, not where a link leads: a link in seeds/ is a seed in seeds/.
    if seed.parent.resolve() != project.seeds_dir.resolve():
        raise UsageError(f"{shown}: seeds live in {project.config.seeds}/; copy it there first")
    if not re.fullmatch(SEED_NAME_PATTERN, seed.name) or len(seed.name) > 120:
        suggestion = re.sub(r"[^A-Za-z0-9._-]+", "-", seed.stem).strip("-._")[:100] or "seed"
        raise UsageError(
            f"{shown}: a seed's file name holds only letters, digits, '.', '_' and '-' and ends "
            f"in .txt or .md; rename it, for example to {project.config.seeds}/"
            f"{suggestion}{seed.suffix if seed.suffix in ('.txt', '.md') else '.txt'}"
        )
    name = checked_id(source_id) if source_id is not None else source_id_for(seed)
    target = project.content_dir / f"{name}.yaml"
    raw = read_file(seed, project.root, shown, limit=MAX_SEED_BYTES, kind="seeds")
    try:
        text = decode_text(raw)
    except UnicodeDecodeError:
        raise UsageError(f"{shown}: not UTF-8 text; convert it first") from None
    meta = guess_metadata(text)
    body = TEMPLATE.format(
        seed=_quoted(seed.name),
        title=_quoted(meta.get("title", "TITLE OF THE SOURCE")),
        published=meta.get("published", "null  # YYYY-MM-DD, if the text gives it"),
        url=_quoted(meta["url"])
        if "url" in meta
        else "null  # http(s) address, if the text gives it",
    )
    try:
        create_file(target, body.encode("utf-8"), project.root, project.shown(target))
    except FileExistsError:
        raise UsageError(
            f"{project.shown(target)} already exists; edit it, or delete it to start again"
        ) from None
    return target


TEMPLATE = """\
# yaml-language-server: $schema=../schema/source.schema.json
# One summary of one seed. Every item carries `excerpt`: the seed's exact words that support it.
# `briefing check` proves each excerpt against the seed and reports file:line problems.
source:
  seed: {seed}
  title: {title}
  publisher: null          # as the text states it
  authors: []              # as the text states them
  published: {published}
  url: {url}
  language: en             # the seed's language; original_language: zh for a translation
  type: news report        # news report, analysis, op-ed, research report …
  completeness: complete   # or partial, when the text stops before the original does
  relations: []            # - {{kind: same-original, source: <other id>, note: …}}
  notes: []                # for the reader: provenance, reliability, translation caveats
  editor_notes: []         # for editors, never printed: scrape noise, glued articles, cuts
summary: >
  Two to four sentences in your own words: what the source says, and nothing else.
figures: []
# - id: a-slug
#   label: What is measured
#   metric: shared-metric-key    # the same key in every source that gives this quantity
#   value: 1.2
#   unit: trillion yuan
#   period: "2025"
#   status: actual               # actual | estimate | forecast | target
#   bound: exact                 # exact | about | nearly | more-than | less-than
#   excerpt: the seed's words that state the value
quotes: []
# - id: a-slug
#   text: the speaker's words, verbatim
#   speaker: Name
#   role: Role as the text gives it
#   excerpt: the seed's sentence holding the quote
challenges: []
# - id: a-slug
#   title: A scannable title line
#   detail: One or two sentences in your own words.
#   excerpt: the seed's words
recommendations: []
"""
