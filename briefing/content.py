"""Load every content file of a project into validated models, collecting all problems at once."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from .config import Project
from .errors import ContentError, Location, Problem
from .load import Loaded, dotted, load_yaml
from .models import SLUG_PATTERN, FrontMatter, Metric, MetricsFile, SourceSummary
from .validate import validate_model

FRONT_MATTER = "front-matter"
METRICS = "metrics"  # content/metrics.yaml declares the metrics; not a source
MAX_SOURCES = 500
MAX_ID = 64  # as models.Slug


@dataclass
class Content:
    """All validated content: the front matter, the sources by id, and where each came from."""

    front: FrontMatter
    front_file: Loaded
    sources: dict[str, SourceSummary]
    files: dict[str, Loaded]
    seed_texts: dict[str, str] = field(default_factory=dict)
    warnings: list[Problem] = field(default_factory=list)
    metrics: list[Metric] = field(default_factory=list)
    metrics_file: Loaded | None = None


def content_files(project: Project) -> list[Path]:
    # Not only regular files: a FIFO or a link that leads out is named and refused when read.
    return sorted(
        p
        for p in project.content_dir.iterdir()
        if p.suffix in (".yaml", ".yml") and (p.is_symlink() or not p.is_dir())
    )


def load_content(project: Project) -> Content:
    """Read, parse and validate the whole content folder; raise ContentError listing every problem."""
    problems: list[Problem] = []
    front: FrontMatter | None = None
    front_file: Loaded | None = None
    sources: dict[str, SourceSummary] = {}
    files: dict[str, Loaded] = {}
    metrics: MetricsFile | None = None
    metrics_file: Loaded | None = None
    paths = content_files(project)
    if len(paths) > MAX_SOURCES + 1:
        raise ContentError(
            [
                Problem(
                    Location(project.shown(project.content_dir)),
                    f"{len(paths)} content files; at most {MAX_SOURCES} sources are supported",
                )
            ]
        )
    seen: dict[str, Path] = {}
    for path in paths:
        shown = project.shown(path)
        source_id = path.stem
        if source_id != FRONT_MATTER and not re.match(SLUG_PATTERN, source_id):
            # A name with a line break or control character is shown only quoted, in the message.
            where = shown if shown.isprintable() else project.shown(project.content_dir)
            problems.append(
                Problem(
                    Location(where),
                    "file name must be the source id: lowercase letters, digits and single "
                    f"hyphens, ending in .yaml (got {path.name!r})",
                )
            )
            continue
        if len(source_id) > MAX_ID:
            problems.append(
                Problem(
                    Location(shown),
                    f"file name must be the source id: at most {MAX_ID} characters before "
                    f".yaml, got {len(source_id)}",
                )
            )
            continue
        if source_id in seen:
            problems.append(
                Problem(
                    Location(shown),
                    f"{seen[source_id].name} already has the id {source_id!r}; "
                    "expected one file per source (remove one of them)",
                )
            )
            continue
        seen[source_id] = path
        loaded, found = load_yaml(path, shown, project.root)
        problems += found
        if loaded is None or found:
            continue
        if source_id == FRONT_MATTER:
            front, found = validate_model(FrontMatter, loaded)
            front_file = loaded
        elif source_id == METRICS:
            metrics, found = validate_model(MetricsFile, loaded)
            metrics_file = loaded
        else:
            summary, found = validate_model(SourceSummary, loaded)
            if summary is not None:
                sources[source_id] = summary
                files[source_id] = loaded
        problems += found
    if front_file is None and not any(
        p.location.path.endswith(FRONT_MATTER + ".yaml") for p in problems
    ):
        problems.append(
            Problem(
                Location(project.shown(project.content_dir / f"{FRONT_MATTER}.yaml")),
                "the briefing's front matter file is missing (title, date, marking, takeaways …)",
            )
        )
    if problems or front is None or front_file is None:
        raise ContentError(problems)
    content = Content(front, front_file, sources, files)
    if metrics is not None:
        content.metrics, content.metrics_file = list(metrics.metrics), metrics_file
    problems += _cross_checks(project, content) + _section_problems(content)
    if problems:
        raise ContentError(problems)
    if front.sections:
        content.sources = {sid: sources[sid] for sid in front.sections}
    return content


def _section_problems(content: Content) -> list[Problem]:
    """The front matter's `sections` orders every source once: none unknown, left out, or twice."""
    order = content.front.sections
    if not order:
        return []
    where = content.front_file
    problems = []
    seen: set[str] = set()
    for i, source_id in enumerate(order):
        if source_id not in content.sources:
            problems.append(_unknown_source(where, ("sections", i), source_id, content))
        elif source_id in seen:
            problems.append(
                Problem(
                    where.locate(("sections", i)),
                    f"{source_id!r} is listed twice; expected each source once",
                    f"sections[{i}]",
                )
            )
        seen.add(source_id)
    missing = [sid for sid in content.sources if sid not in seen]
    if missing:
        names = ", ".join(missing)
        problems.append(
            Problem(
                where.locate(("sections",)),
                f"leaves out {names}; list every source where its section belongs "
                "(or remove sections: to keep the content files' order)",
                "sections",
            )
        )
    return problems


def _cross_checks(project: Project, content: Content) -> list[Problem]:
    """Checks that need more than one file: references between files, seeds, duplicate ids."""
    problems: list[Problem] = []
    front, where = content.front, content.front_file
    allowed = project.config.markings
    if front.marking not in allowed:
        problems.append(
            Problem(
                where.locate(("marking",)),
                f"expected one of {', '.join(allowed)}, got {front.marking!r}",
                "marking",
            )
        )
    for i, takeaway in enumerate(front.takeaways):
        for j, cited in enumerate(takeaway.sources):
            if cited not in content.sources:
                problems.append(
                    _unknown_source(where, ("takeaways", i, "sources", j), cited, content)
                )
    metrics = {f.metric for s in content.sources.values() for f in s.figures}
    for key in ("reconciliations", "charts"):
        for i, entry in enumerate(getattr(front, key)):
            if entry.metric not in metrics:
                problems.append(
                    Problem(
                        where.locate((key, i, "metric")),
                        f"no figure has the metric {entry.metric!r}",
                        f"{key}[{i}].metric",
                    )
                )
    seeds_seen: dict[str, str] = {}
    for source_id, summary in content.sources.items():
        loaded = content.files[source_id]
        problems += _duplicate_item_ids(summary, loaded)
        seed = summary.source.seed
        if seed in seeds_seen:
            problems.append(
                Problem(
                    loaded.locate(("source", "seed")),
                    f"seed {seed} is already summarised by {seeds_seen[seed]}.yaml",
                    "source.seed",
                )
            )
        seeds_seen[seed] = source_id
        for i, relation in enumerate(summary.source.relations):
            at = ("source", "relations", i, "source")
            if relation.source not in content.sources:
                problems.append(_unknown_source(loaded, at, relation.source, content))
            elif relation.source == source_id:
                problems.append(
                    Problem(
                        loaded.locate(at), "a source cannot relate to itself", "source.relations"
                    )
                )
    return problems


def _unknown_source(
    loaded: Loaded, at: tuple[str | int, ...], cited: str, content: Content
) -> Problem:
    known = ", ".join(sorted(content.sources)) or "none"
    return Problem(
        loaded.locate(at),
        f"no source with id {cited!r}; known sources: {known}",
        dotted(at),
    )


def _duplicate_item_ids(summary: SourceSummary, loaded: Loaded) -> list[Problem]:
    problems: list[Problem] = []
    seen: dict[str, str] = {}
    for key in ("figures", "quotes", "challenges", "recommendations"):
        for i, item in enumerate(getattr(summary, key)):
            if item.id in seen:
                problems.append(
                    Problem(
                        loaded.locate((key, i, "id")),
                        f"id {item.id!r} is already used by {seen[item.id]}; ids must be unique in a file",
                        f"{key}[{i}].id",
                    )
                )
            seen[item.id] = f"{key}[{i}]"
    return problems
