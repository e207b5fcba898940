"""Python calls per WeasyPrint stage and boxes per page of one bare render, for side-by-side tables.

Usage: python benchmarks/boxes.py FINAL.html [--plain]
Renders the HTML as benchmarks/run.py's bare render does (PDF/UA-1; --plain: the plain brief,
with its own file URLs) under cProfile with the cycle collector off, so the counts are the same
from run to run, and prints JSON: calls for parsing, cascade, box building, layout, drawing and
writing; the laid-out boxes by type; the pages; the computed styles and style look-ups.
"""

from __future__ import annotations

import collections
import cProfile
import gc
import json
import sys
from pathlib import Path
from typing import Any

import weasyprint.document as wd
from weasyprint import HTML

from briefing.render_html import template_dirs
from briefing.render_pdf import ASSET_SCHEME, locked_fetcher

profiler = cProfile.Profile()
calls: dict[str, int] = collections.defaultdict(int)


def total() -> int:
    profiler.disable()
    profiler.create_stats()
    count = sum(entry[1] for entry in profiler.stats.values())  # type: ignore[attr-defined]
    profiler.enable()
    return count


def counted(stage: str, function: Any) -> Any:
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        before = total()
        result = function(*args, **kwargs)
        calls[stage] += total() - before
        return result

    return wrapped


def boxes_by_type(document: Any) -> collections.Counter[str]:
    found: collections.Counter[str] = collections.Counter()
    stack = [page._page_box for page in document.pages]
    while stack:
        box = stack.pop()
        found[type(box).__name__] += 1
        stack.extend(getattr(box, "children", None) or [])
    return found


def main() -> None:
    path, plain = sys.argv[1], "--plain" in sys.argv[2:]
    wd.get_all_computed_styles = counted("cascade", wd.get_all_computed_styles)
    wd.build_formatting_structure = counted("box building", wd.build_formatting_structure)
    layout_pages = wd.layout_document  # a generator: it lays out while the caller iterates
    wd.layout_document = counted("layout", lambda *a, **k: list(layout_pages(*a, **k)))
    wd.Document.write_pdf = counted("drawing and writing", wd.Document.write_pdf)
    html = Path(path).read_text(encoding="utf-8")
    gc.disable()
    profiler.enable()
    start = total()
    if plain:
        page = HTML(string=html, base_url=path)
    else:
        fetcher = locked_fetcher(template_dirs(None))
        page = HTML(string=html, base_url=ASSET_SCHEME + "/", url_fetcher=fetcher)
    calls["parsing the HTML"] = total() - start
    document = page.render()
    document.write_pdf(pdf_variant="pdf/ua-1")
    calls["total"] = total() - start
    profiler.disable()
    stats = profiler.stats  # type: ignore[attr-defined]
    looked_up = {
        name: sum(
            v[1] for (f, _, n), v in stats.items() if f.endswith("css/__init__.py") and n == fn
        )
        for name, fn in (
            ("computed styles", "set_computed_styles"),
            ("style look-ups", "__missing__"),
        )
    }
    found = boxes_by_type(document)
    print(
        json.dumps(
            {
                "pages": len(document.pages),
                "calls": dict(calls),
                **looked_up,
                "boxes": sum(found.values()),
                "boxes by type": dict(found.most_common()),
            }
        )
    )


if __name__ == "__main__":
    main()
