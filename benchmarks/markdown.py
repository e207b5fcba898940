"""The briefing's document model as Pandoc Markdown: the same content for pandoc to convert.

Usage: python benchmarks/markdown.py PROJECT OUT.md
Writes OUT.md and, beside it, the charts as PNG files the Markdown links to. It holds what the
briefing holds (takeaways, executive summary, contents, one section per source with its figures
table, quotes with originals, challenges, recommendations, the cross-source table, charts and
the appendix), so pandoc's time is measured on the same work.
"""

from __future__ import annotations

import sys
from pathlib import Path

from briefing.charts import render_chart
from briefing.config import find_project
from briefing.content import load_content
from briefing.document import Document, Prose, build_document
from briefing.provenance import check_provenance


def prose_text(prose: Prose) -> str:
    """A paragraph of the briefing's prose as plain text, each citation as its number."""
    return "".join(run.text + "".join(f" [{c.number}]" for c in run.cites) for run in prose)


def cell(text: object) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def to_markdown(doc: Document, chart_files: dict[str, str]) -> str:
    front = doc.front
    out = [
        "---",
        f"title: {cell(front.title)!r}",
        f"subtitle: {cell(front.subtitle or '')!r}",
        f"author: {cell(front.author or front.organisation)!r}",
        f"date: {front.date.isoformat()}",
        "toc: true",
        "---",
        "",
        f"**{cell(front.marking)}**",
        "",
        "# Key takeaways",
        "",
    ]
    for n, takeaway in enumerate(doc.takeaways, start=1):
        out.append(f"{n}. {cell(prose_text(takeaway.text))}")
    out += ["", "# Executive summary", "", *[prose_text(p) + "\n" for p in doc.executive_summary]]
    for section in doc.sections:
        info = section.info
        out += [f"# {section.number}. {cell(info.title)} {{#{section.anchor}}}", ""]
        out += [f"*{cell(info.type)} · {cell(info.publisher or '')} · {info.published or ''}*", ""]
        out += ["## Summary", "", *[prose_text(p) + "\n" for p in section.summary]]
        if section.figures:
            out += ["## Key figures", "", "| Figure | Value | Unit | Period | Status |"]
            out.append("|---|--:|---|---|---|")
            for entry in section.figures:
                figure = entry.figure
                label = cell(figure.label) + (f" — {cell(figure.note)}" if figure.note else "")
                if figure.original_excerpt:
                    label += f" ({cell(figure.original_excerpt)})"
                out.append(
                    f"| {label} | {figure.value} | {cell(figure.unit)} | {cell(figure.period)} "
                    f"| {figure.status} |"
                )
            out.append("")
        if section.quotes:
            out += ["## In their words", ""]
            for quote in (entry.item for entry in section.quotes):
                out += [f"> “{cell(quote.text)}”", ">"]
                if quote.original:
                    out += [f"> {cell(quote.original)}", ">"]
                out += [f"> — {cell(quote.speaker)}, {cell(quote.role)}", ""]
        for heading, points in (
            ("Challenges", section.challenges),
            ("Recommendations", section.recommendations),
        ):
            if points:
                out += [f"## {heading}", ""]
                out += [f"- **{cell(p.item.title)}.** {cell(p.item.detail)}" for p in points]
                out.append("")
    out += ["# Figures across sources", "", "| Metric | Period | Sources |", "|---|---|---|"]
    for row in doc.comparison:
        says = "; ".join(f"{sid}: {f.value} {cell(f.unit)}" for sid, f in row.cells.items())
        out.append(f"| {cell(row.label)} | {cell(row.period)} | {says} |")
    out.append("")
    for chart in doc.charts:
        out += [f"![{cell(chart.title)}. {cell(chart.caption)}]({chart_files[chart.id]})", ""]
    out += ["# Sources", ""]
    for entry in doc.appendix:
        section, citations, info = entry.section, entry.cited_by, entry.section.info
        out.append(
            f"{section.number}. []{{#ref-{section.source_id}}}{cell(info.title)}. "
            f"{cell(info.publisher or '')}, {info.published or 'n.d.'}. {info.url or ''} "
            f"Cited by: {', '.join(cell(c.label) for c in citations)}"
        )
    return "\n".join(out) + "\n"


def main() -> None:
    project = find_project(Path(sys.argv[1]))
    target = Path(sys.argv[2])
    content = load_content(project)
    doc = build_document(content, check_provenance(project, content))
    files = {}
    for chart in doc.charts:
        png = target.parent / f"{chart.id}.png"
        png.write_bytes(render_chart(chart, "png", project.output_dir / ".cache" / "charts"))
        files[chart.id] = png.name
    target.write_text(to_markdown(doc, files), encoding="utf-8")


if __name__ == "__main__":
    main()
