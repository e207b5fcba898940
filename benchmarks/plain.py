"""A plain brief of the same content: the reference the briefing's HTML is measured against.

Usage: python benchmarks/plain.py PROJECT OUT.html
Writes OUT.html: the parts the briefing has (contents with page numbers, running header and
footer, prose, one figures table per source, quotes, points, the cross-source table, the
charts, the appendix) in the plainest markup and style that shows them, with the briefing's
fonts, page size and margins. The benchmark renders it with the same PDF/UA-1 tagging, so the
difference per page is what the briefing's own markup and style cost WeasyPrint.
"""

from __future__ import annotations

import sys
from html import escape
from pathlib import Path

from markdown import prose_text

from briefing.charts import render_chart
from briefing.config import find_project
from briefing.content import load_content
from briefing.document import Document, build_document
from briefing.provenance import check_provenance
from briefing.render_html import number, packaged_templates, scope_svg_ids

STYLE = """
@font-face { font-family: "Noto Serif"; src: url("{fonts}/NotoSerif-Regular.ttf"); }
@font-face { font-family: "Noto Serif"; font-weight: bold; src: url("{fonts}/NotoSerif-Bold.ttf"); }
@font-face { font-family: "Noto Serif"; font-style: italic; src: url("{fonts}/NotoSerif-Italic.ttf"); }
@font-face { font-family: "Noto Sans"; src: url("{fonts}/NotoSans-Regular.ttf"); }
@font-face { font-family: "Noto Sans"; font-weight: bold; src: url("{fonts}/NotoSans-Bold.ttf"); }
@font-face { font-family: "Noto Sans CJK SC"; src: url("{fonts}/NotoSansSC-Regular-subset.ttf"); }
@page { size: A4; margin: 24mm 20mm 22mm;
  @top-left { content: string(title); font: 8pt "Noto Sans"; }
  @bottom-right { content: "Page " counter(page) " of " counter(pages); font: 8pt "Noto Sans"; } }
body { font-family: "Noto Serif", "Noto Sans CJK SC"; font-size: 10.5pt; line-height: 1.45; }
h1 { string-set: title content(); font-size: 24pt; }
h2 { break-before: page; font-size: 17pt; }
table { width: 100%; border-collapse: collapse; font-size: 8.5pt; }
th, td { text-align: left; padding: 4px 6px; border-bottom: 1px solid #ccc; }
nav a::after { content: leader(". ") target-counter(attr(href), page); }
nav a { display: block; }
svg { width: 100%; height: auto; }
"""


def plain_brief(doc: Document, svgs: dict[str, str], fonts: Path) -> str:
    e = escape
    out = [
        f'<!DOCTYPE html><html lang="{e(doc.front.language)}"><head><meta charset="utf-8">',
        f"<title>{e(doc.front.title)}</title>",
        f"<style>{STYLE.replace('{fonts}', fonts.as_uri())}</style></head><body>",
        f"<p>{e(doc.front.marking)}</p><h1>{e(doc.front.title)}</h1>",
        "<h3>Key takeaways</h3><ol>",
        *[f"<li>{e(prose_text(t.text))}</li>" for t in doc.takeaways],
        "</ol>",
        '<h2 id="summary">Executive summary</h2>',
        *[f"<p>{e(prose_text(p))}</p>" for p in doc.executive_summary],
        '<h2>Contents</h2><nav><a href="#summary">Executive summary</a>',
        *[f'<a href="#{s.anchor}">{s.number}. {e(s.info.title)}</a>' for s in doc.sections],
        '<a href="#across">Across the sources</a><a href="#appendix">Appendix</a></nav>',
    ]
    for s in doc.sections:
        out += [f'<h2 id="{s.anchor}">{s.number}. {e(s.info.title)}</h2>']
        out += [f"<p>{e(s.info.type)} · {e(s.info.publisher or '')}</p><h3>Summary</h3>"]
        out += [f"<p>{e(prose_text(p))}</p>" for p in s.summary]
        if s.figures:
            out.append("<h3>Key figures</h3><table><tr><th>Figure</th><th>Value</th>")
            out.append("<th>Unit</th><th>Period</th><th>Status</th></tr>")
            for entry in s.figures:
                f = entry.figure
                label = e(f.label) + (f"<br>{e(f.note)}" if f.note else "")
                out.append(
                    f"<tr><td>{label}</td><td>{number(f.value)}</td><td>{e(f.unit)}</td>"
                    f"<td>{e(f.period)}</td><td>{e(f.status)} [{s.number}]</td></tr>"
                )
            out.append("</table>")
        if s.quotes:
            out.append("<h3>In their words</h3>")
            for q in (entry.item for entry in s.quotes):
                original = f"<p>{e(q.original)}</p>" if q.original else ""
                out.append(
                    f"<blockquote><p>“{e(q.text)}”</p>{original}"
                    f"<p>{e(q.speaker)}, {e(q.role)} [{s.number}]</p></blockquote>"
                )
        for heading, points in (
            ("Challenges", s.challenges),
            ("Policy recommendations", s.recommendations),
        ):
            if points:
                out.append(f"<h3>{heading}</h3><ul>")
                out += [f"<li><b>{e(p.item.title)}.</b> {e(p.item.detail)}</li>" for p in points]
                out.append("</ul>")
        if s.info.notes:
            out += ["<h3>About this source</h3><ul>"]
            out += [f"<li>{e(n)}</li>" for n in s.info.notes] + ["</ul>"]
    out.append('<h2 id="across">Across the sources</h2><table>')
    out.append("<tr><th>Metric and period</th><th>Source</th><th>Reported</th><th>Status</th></tr>")
    for row in doc.comparison:
        for sid, f in row.cells.items():
            out.append(
                f"<tr><td>{e(row.label)} {e(row.period)}</td><td>[{doc.numbers[sid]}] "
                f"{e(doc.short_labels[sid])}</td><td>{number(f.value)} {e(f.unit)}</td>"
                f"<td>{e(f.status)}</td></tr>"
            )
    out.append("</table>")
    for chart in doc.charts:
        out.append(f"<figure>{svgs[chart.id]}<figcaption>{e(chart.title)}</figcaption></figure>")
    out.append('<h2 id="appendix">Appendix: sources</h2><ol>')
    for entry in doc.appendix:
        info = entry.section.info
        out.append(
            f"<li>{e(', '.join(info.authors))}. <cite>{e(info.title)}</cite>. "
            f"{e(info.publisher or '')}. {info.published or ''}. {e(info.url or '')}. "
            f"Cited by: {e('; '.join(c.label for c in entry.cited_by))}</li>"
        )
    out.append("</ol></body></html>")
    return "\n".join(out)


def main() -> None:
    project = find_project(Path(sys.argv[1]))
    content = load_content(project)
    doc = build_document(content, check_provenance(project, content))
    cache = project.output_dir / ".cache" / "charts"
    svgs = {}
    for chart in doc.charts:
        svg = render_chart(chart, "svg", cache).decode("utf-8")
        svgs[chart.id] = scope_svg_ids(svg[svg.index("<svg") :], f"chart-{chart.id}-")
    html = plain_brief(doc, svgs, packaged_templates() / "fonts")
    Path(sys.argv[2]).write_text(html, encoding="utf-8")


if __name__ == "__main__":
    main()
