"""The orchestrator: load -> check -> document model -> render every format in memory -> publish.

Phase one gathers and validates everything; phase two writes, only if every format rendered.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .config import Format, Project, find_project
from .content import load_content
from .document import Document, build_document
from .errors import ContentError
from .provenance import check_provenance
from .publish import publish
from .render_html import template_dirs


@dataclass(frozen=True)
class Built:
    """One written file, for the summary line."""

    path: Path
    format: str
    size: int
    pages: int | None


def creation_date(doc: Document) -> dt.date:
    """The content date, or SOURCE_DATE_EPOCH when set: never the clock."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC).date()
    return doc.front.date


def output_name(project: Project, doc: Document, fmt: str) -> Path:
    stem = project.config.filename.format(
        date=doc.front.date.isoformat(), version=doc.front.version
    )
    return project.output_dir / f"{stem}.{fmt}"


def build(
    root: Path,
    formats: list[Format],
    *,
    strict: bool = False,
    progress: Callable[[str], None] = lambda _: None,
    warn: Callable[[str], None] = lambda _: None,
) -> list[Built]:
    project = find_project(root)
    progress("checking content")
    content = load_content(project)
    report = check_provenance(project, content)
    if "pdf" in formats:
        from .glyphs import font_coverage, missing_glyphs

        font_dirs = [d / "fonts" for d in template_dirs(project.templates_dir)]
        covered = font_coverage(font_dirs, project.output_dir / ".cache")
        files = [content.front_file, *content.files.values()]
        report.problems += missing_glyphs(files, covered)
    failing = report.errors + (report.warnings if strict else [])
    if failing:
        raise ContentError(failing)
    for problem in report.warnings:
        warn(str(problem))
    doc = build_document(content, report)
    outputs: dict[Path, bytes] = {}
    pages: dict[Path, int | None] = {}
    dirs = template_dirs(project.templates_dir)
    cache = project.output_dir / ".cache" / "charts"
    if "pdf" in formats or "html" in formats:
        from .charts import render_chart

        progress("drawing charts")
        svgs = {c.id: render_chart(c, "svg", cache) for c in doc.charts}
    if "pdf" in formats:
        from .render_html import render_html
        from .render_pdf import render_pdf

        progress("rendering PDF")
        html = render_html(doc, svgs, medium="print", dirs=dirs, paper=project.config.paper)
        attachments = None
        if project.config.pdf_a:
            attachments = [
                (p.name, p.read_bytes()) for p in sorted(project.content_dir.glob("*.yaml"))
            ]
        data, count = render_pdf(
            html,
            dirs,
            title=doc.front.title,
            created=creation_date(doc),
            pdf_a=project.config.pdf_a,
            attachments=attachments,
        )
        path = output_name(project, doc, "pdf")
        outputs[path], pages[path] = data, count
    if "html" in formats:
        from .render_html import render_html

        progress("rendering HTML")
        path = output_name(project, doc, "html")
        outputs[path] = render_html(doc, svgs, medium="screen", dirs=dirs).encode("utf-8")
        pages[path] = None
    if "docx" in formats:
        from .charts import render_chart
        from .render_docx import render_docx

        progress("rendering DOCX")
        pngs = {c.id: render_chart(c, "png", cache) for c in doc.charts}
        path = output_name(project, doc, "docx")
        outputs[path] = render_docx(doc, pngs, dirs=dirs, created=creation_date(doc))
        pages[path] = None
    progress("writing")
    written = publish(outputs)
    return [Built(p, p.suffix[1:], len(outputs[p]), pages[p]) for p in written]
