"""The orchestrator: load -> check -> document model -> render every format in memory -> publish.

Phase one gathers and validates everything; phase two writes, only if every format rendered.
Formats are one table, RENDERERS: a format name mapped to its renderer, so the hub never
branches on a format.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from . import render_docx, render_html, render_pdf
from .assets import Assets, Rendered, gather_assets
from .claims import check_claims
from .config import Format, Project, find_project
from .content import Content, load_content
from .document import Document, build_document
from .errors import ContentError, Problem
from .provenance import check_provenance
from .publish import check_names, output_name, prepare_output, publish, recover


def no_checks(project: Project, content: Content) -> list[Problem]:
    return []


@dataclass(frozen=True)
class Renderer:
    """A format: its name in messages, what it checks in the content, and how it renders."""

    label: str
    render: Callable[[Document, Assets], Rendered]
    check: Callable[[Project, Content], list[Problem]] = no_checks


# In the order the files are written and listed.
RENDERERS: dict[Format, Renderer] = {
    "pdf": Renderer("PDF", render_pdf.render, check=render_pdf.check),
    "html": Renderer("HTML", render_html.render),
    "docx": Renderer("DOCX", render_docx.render),
}


@dataclass(frozen=True)
class Built:
    """One written file, for the summary line."""

    path: Path
    format: str
    size: int
    pages: int | None


def build(
    root: Path,
    formats: list[Format],
    *,
    strict: bool = False,
    progress: Callable[[str], None] = lambda _: None,
    warn: Callable[[str], None] = lambda _: None,
) -> list[Built]:
    # Phase one: gather and check everything, render every format in memory.
    project = find_project(root)
    prepare_output(project)
    recover(project.output_dir)  # what a killed build left: its swap completed, its files gone
    progress("checking content")
    content = load_content(project)
    report = check_provenance(project, content)
    report.problems += check_claims(content, report)
    chosen = {name: r for name, r in RENDERERS.items() if name in formats}
    for renderer in chosen.values():
        report.problems += renderer.check(project, content)
    failing = report.errors + (report.warnings if strict else [])
    if failing:
        raise ContentError(failing)
    for problem in report.warnings:
        warn(str(problem))
    doc = build_document(content, report)
    check_names(project, content, [output_name(project, doc, name) for name in formats])
    assets = gather_assets(project, doc)
    rendered: dict[Path, Rendered] = {}
    for name, renderer in chosen.items():
        progress(f"rendering {renderer.label}")
        rendered[output_name(project, doc, name)] = renderer.render(doc, assets)
    # Phase two: write them all, or none.
    progress("writing")
    written = publish({path: r.data for path, r in rendered.items()})
    return [Built(p, p.suffix[1:], len(rendered[p].data), rendered[p].pages) for p in written]
