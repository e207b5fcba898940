"""The orchestrator: load -> check -> document model -> render every format in memory -> publish.

Phase one gathers and validates everything; phase two writes, only if every format rendered.
"""

from __future__ import annotations

import datetime as dt
import os
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .config import Format, Project, find_project
from .content import Content, load_content
from .document import Document, build_document
from .errors import ContentError, Problem, PublishError, RenderError
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


def prepare_output(project: Project) -> None:
    """Make sure the output folder is a folder of its own, before anything is rendered.

    A symbolic link as the output folder is followed (a build folder on another disk is a common
    set-up), but not into the project's own folders: the built files never land among the inputs.
    """
    out = project.output_dir
    shown = project.shown(out)
    if out.is_symlink() and not out.exists():
        raise PublishError(
            f"{shown} is a symbolic link to {os.readlink(out)}, which does not exist; "
            "expected the output folder or a link to one"
        )
    if out.exists() and not out.is_dir():
        raise PublishError(f"{shown} is a file; expected the output folder (remove the file)")
    real = out.resolve()
    if real == project.root or real in project.root.parents:
        raise PublishError(
            f"{shown} leads to {real}, which holds the whole project; "
            "expected a folder of its own for the built files"
        )
    for role, folder in (
        ("content", project.content_dir),
        ("seeds", project.seeds_dir),
        ("templates", project.templates_dir),
    ):
        folder = folder.resolve()
        if real == folder or folder in real.parents or real in folder.parents:
            raise PublishError(
                f"{shown} leads to {project.shown(real)}, which overlaps the {role} folder; "
                "expected a folder of its own for the built files"
            )


def check_names(project: Project, content: Content, names: list[Path]) -> None:
    """The front matter's version is part of the file name: it must not make a hidden file."""
    for path in names:
        if path.name.startswith("."):
            raise ContentError(
                [
                    Problem(
                        content.front_file.locate(("version",)),
                        f"makes the output file name {path.name!r}, a hidden file; expected a "
                        "version that starts with a letter or digit",
                        "version",
                    )
                ]
            )


def build(
    root: Path,
    formats: list[Format],
    *,
    strict: bool = False,
    progress: Callable[[str], None] = lambda _: None,
    warn: Callable[[str], None] = lambda _: None,
) -> list[Built]:
    project = find_project(root)
    prepare_output(project)
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
    check_names(project, content, [output_name(project, doc, f) for f in formats])
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
        from docx.opc.exceptions import PackageNotFoundError

        from .render_docx import render_docx

        progress("rendering DOCX")
        from .charts import render_chart

        pngs = {c.id: render_chart(c, "png", cache) for c in doc.charts}
        path = output_name(project, doc, "docx")
        try:
            outputs[path] = render_docx(doc, pngs, dirs=dirs, created=creation_date(doc))
        except (KeyError, zipfile.BadZipFile, PackageNotFoundError) as exc:
            unusable = reference_problem(project, dirs, exc)
            if unusable is None:
                raise
            raise unusable from None
        pages[path] = None
    progress("writing")
    written = publish(outputs)
    return [Built(p, p.suffix[1:], len(outputs[p]), pages[p]) for p in written]


def reference_problem(project: Project, dirs: list[Path], exc: Exception) -> RenderError | None:
    """A project's own reference.docx that python-docx cannot use is the user's to fix."""
    from .render_docx import REFERENCE_NAME
    from .render_html import packaged_templates

    reference = next((d / REFERENCE_NAME for d in dirs if (d / REFERENCE_NAME).is_file()), None)
    if reference is None or reference.parent.resolve() == packaged_templates().resolve():
        return None  # the shipped reference document works: this is a bug, not the user's file
    detail = exc.args[0] if exc.args else type(exc).__name__
    return RenderError(
        f"{project.shown(reference)}: cannot use it as the Word reference document ({detail}); "
        "expected a .docx saved by Word with the styles of templates/reference.docx"
    )
