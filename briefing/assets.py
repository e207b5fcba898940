"""Project and document model -> the shared assets every renderer may ask for, and what it returns.

A renderer is one function, `render(doc, assets) -> Rendered`. The assets carry what is the
same for every format: the template folders, the creation date, the project settings, and the
charts, drawn in the form a renderer asks for (SVG for pages, PNG for Word) and cached by
content hash, so two formats that want the same form draw it once.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from .config import Project
from .document import Document
from .errors import UsageError

ChartForm = Literal["svg", "png"]


@dataclass(frozen=True)
class Rendered:
    """One format rendered in memory: its bytes, and its page count when the format has pages."""

    data: bytes
    pages: int | None = None


@dataclass(frozen=True)
class Assets:
    """What the renderers share beside the document model."""

    project: Project
    dirs: list[Path]  # template folders, the project's own first
    created: dt.date
    _charts: dict[ChartForm, dict[str, bytes]] = field(default_factory=dict, repr=False)
    # Anchor -> page, from the PDF's layout in this build (the PDF renders first), so the DOCX
    # can store real page numbers in its PAGEREF fields.
    pages: dict[str, int] = field(default_factory=dict, repr=False)

    @property
    def layout_cache(self) -> Path:
        """Where the PDF keeps its last layout's page numbers, for the next build."""
        return self.project.output_dir / ".cache" / "pages.json"

    def stored_layout(self) -> dict[str, Any]:
        """The last PDF layout's record (cited pages, anchor pages); empty when there is
        none or it is damaged, as for every cache (files.py)."""
        import json

        from .files import read_cache

        entry = read_cache(self.layout_cache)
        try:
            stored = json.loads(entry) if entry is not None else {}
        except ValueError:
            return {}
        return stored if isinstance(stored, dict) else {}

    def store_layout(self, cited: dict[str, str], pages: dict[str, int]) -> None:
        import json

        from .files import write_cache

        write_cache(self.layout_cache, json.dumps({"cited": cited, "pages": pages}).encode())

    def known_pages(self) -> dict[str, int]:
        """Page numbers from this build's PDF, else from the last PDF built (none: empty)."""
        if self.pages:
            return self.pages
        try:
            return {str(k): int(v) for k, v in self.stored_layout().get("pages", {}).items()}
        except (ValueError, AttributeError, TypeError):
            return {}

    def charts(self, doc: Document, form: ChartForm) -> dict[str, bytes]:
        """Every chart of the document as `form` bytes, by chart id."""
        if form not in self._charts:
            from .charts import render_chart

            cache = self.project.output_dir / ".cache" / "charts"
            self._charts[form] = {c.id: render_chart(c, form, cache) for c in doc.charts}
        return self._charts[form]


def template_files_key(dirs: list[Path]) -> tuple[tuple[str, int, int], ...]:
    """Every file under the template folders with its modification time and size."""
    found = []
    for base in dirs:
        for path in sorted(base.rglob("*")):
            if path.is_file():
                stat = path.lstat()  # a font swapped for a link changes the key too
                found.append((str(path), stat.st_mtime_ns, stat.st_size))
    return tuple(found)


def gather_assets(project: Project, doc: Document) -> Assets:
    from .render_html import template_dirs  # the HTML renderer owns the template folders

    return Assets(project, template_dirs(project.templates_dir), creation_date(doc))


def creation_date(doc: Document) -> dt.date:
    """The content date, or SOURCE_DATE_EPOCH when set: never the clock."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    if not epoch:
        return doc.front.date
    if not re.fullmatch("[0-9]{1,20}", epoch):
        shown = repr(epoch) if len(epoch) <= 40 else repr(epoch[:37]) + " …"
        raise UsageError(
            f"SOURCE_DATE_EPOCH is {shown}; expected whole seconds since 1970-01-01 UTC, "
            "such as 1767225600"
        )
    if int(epoch) > LAST_EPOCH:
        raise UsageError(
            f"SOURCE_DATE_EPOCH is {epoch}, after the year 9999; expected whole seconds since "
            f"1970-01-01 UTC, at most {LAST_EPOCH} (milliseconds divided by 1000)"
        )
    return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC).date()


LAST_EPOCH = 253402300799  # 9999-12-31T23:59:59Z, the last moment a date can hold
