"""Document model -> HTML through Jinja: autoescaped, strict about undefined names."""

from __future__ import annotations

import re
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from markupsafe import Markup, escape

from .assets import Assets, Rendered, template_files_key
from .document import ChartData, Document, Prose
from .errors import RenderError
from .files import MAX_TEMPLATE_BYTES, decode_text, read_file
from .models import TLP_COLOURS, Figure

PACKAGED_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def packaged_templates() -> Path:
    """The default templates: beside the package in a wheel, at the repository top in a checkout."""
    from importlib import resources

    try:
        return Path(str(resources.files("briefing.templates")))
    except ModuleNotFoundError:
        return PACKAGED_TEMPLATES


@dataclass(frozen=True)
class RenderedChart:
    id: str
    title: str
    caption: Prose
    source_line: str
    alt: str
    svg: Markup


def number(value: Decimal) -> str:
    """1882 -> '1,882'; 1.20 stays '1.20' as the editor wrote it."""
    text = format(value, "f")
    whole, _, fraction = text.partition(".")
    grouped = f"{int(whole):,}" if whole.lstrip("-").isdigit() else whole
    if whole.startswith("-0"):
        grouped = "-" + grouped
    return grouped + (f".{fraction}" if fraction else "")


def bound_text(figure: Figure) -> str:
    """The mark before a value. A symbol is joined to it by a non-breaking space, so "> 4,500"
    never wraps between the two in a narrow column; a word ("nearly 600") may."""
    return {
        "exact": "",
        "about": "about ",
        "nearly": "nearly ",
        "more-than": ">\u00a0",
        "less-than": "<\u00a0",
    }[figure.bound]


def marking_colour(marking: str) -> str:
    """The colour of the marking's letters, which stand on black; a marking of the project's
    own list (briefing.yaml `markings`) is white on black, like TLP:CLEAR."""
    return TLP_COLOURS.get(marking, "#FFFFFF")


def marking_class(marking: str) -> str:
    """The CSS class that colours the marking: tlp-clear, tlp-amber-strict, or tlp-other."""
    if marking not in TLP_COLOURS:
        return "tlp-other"
    return "tlp-" + marking.removeprefix("TLP:").lower().replace("+", "-")


def template_dirs(project_templates: Path | None) -> list[Path]:
    """A project's own templates shadow the packaged defaults, file by file."""
    dirs = [packaged_templates()]
    if (
        project_templates
        and project_templates.is_dir()
        and project_templates.resolve() != dirs[0].resolve()
    ):
        dirs.insert(0, project_templates)
    return dirs


def render(doc: Document, assets: Assets) -> Rendered:
    """The self-contained HTML page for a screen, carrying its fonts: the shipped fonts subset
    to the page's characters, inline as WOFF2, so Chinese shows on a machine without CJK fonts."""
    html = render_html(doc, assets.charts(doc, "svg"), medium="screen", dirs=assets.dirs)
    cache = assets.project.output_dir / ".cache" / "fonts"
    fonts = inline_fonts(page_text(html), assets.dirs, cache)
    head_end = html.index("</head>")  # the template's: content is escaped, so it has none
    return Rendered((html[:head_end] + fonts + html[head_end:]).encode("utf-8"))


def page_text(html: str) -> str:
    """Every character the page may show: its text, attribute values, the SVG's labels."""
    import html as html_module

    return html_module.unescape(
        re.sub(r"<[^>]*>", " ", html) + " ".join(re.findall(r'"([^"]*)"', html))
    )


def inline_fonts(text: str, dirs: list[Path], cache: Path | None) -> str:
    """A <style> of @font-face rules whose sources are the subset fonts as data: URLs."""
    import base64

    from .fonts import shipped_subsets

    rules = []
    for face in shipped_subsets(dirs, text, cache, "woff2"):
        data = base64.b64encode(face.data).decode("ascii")
        rules.append(
            f'@font-face {{ font-family: "{face.family}"; '
            f"font-weight: {'bold' if face.bold else 'normal'}; "
            f"font-style: {'italic' if face.italic else 'normal'}; "
            f'src: url("data:font/woff2;base64,{data}") format("woff2"); }}'
        )
    return "<style>" + "\n".join(rules) + "</style>\n"


def render_html(
    doc: Document,
    charts: dict[str, bytes],
    *,
    medium: str,
    dirs: list[Path],
    paper: str = "A4",
    cited_pages: dict[str, str] | None = None,
) -> str:
    """medium is 'print' (for WeasyPrint) or 'screen' (the self-contained HTML page);
    cited_pages, by source id, are the appendix's "pp. 1–2, 11–15" from a print layout.

    Templates run in Jinja's sandbox: projects share templates between teams, and a template
    reaches the document model and the filters here, never Python's internals or the files.
    """
    from jinja2 import TemplateError

    env = template_environment(dirs)
    loader = env.loader
    assert loader is not None
    names = ["base.css", "print.css" if medium == "print" else "screen.css"]
    styles = [Markup(loader.get_source(env, name)[0]) for name in names]
    if medium == "print":
        marking = _css_string(doc.front.marking)
        # TLP 2.0: the marking right-justified in the header and the footer of every page.
        colour = marking_colour(doc.front.marking)
        box = f"content: {marking}; color: {colour};"
        styles.append(
            Markup(f"@page {{ size: {paper}; @top-right {{ {box} }} @bottom-right {{ {box} }} }}")
        )
    rendered = [_chart(c, charts) for c in doc.charts]
    try:
        html: str = env.get_template("briefing.html.j2").render(
            doc=doc,
            charts=rendered,
            styles=styles,
            medium=medium,
            number=number,
            bound_text=bound_text,
            marking_class=marking_class(doc.front.marking),
            # The comparison's metric row heads the rows of its group. WeasyPrint's PDF tags
            # make any header but a row header a header of its column, which would give the
            # first column's cells every metric above them; in print it is the row's own header.
            group_scope="row" if medium == "print" else "rowgroup",
            cited_pages=cited_pages or {},
        )
    except TemplateError as exc:
        raise RenderError(template_problem(exc, dirs)) from None
    return html


# The Jinja environment outlives a render, so `briefing watch` compiles each template once:
# one entry, keyed by the template files (path, modification time, size), so a template edited,
# added or removed starts a fresh environment, which reads and compiles every template again.
_ENVIRONMENTS: dict[tuple[tuple[str, int, int], ...], Any] = {}


def template_environment(dirs: list[Path]) -> Any:
    """The sandboxed Jinja environment for these template folders, kept while their files stay
    the same."""
    key = template_files_key(dirs)
    env = _ENVIRONMENTS.get(key)
    if env is None:
        from jinja2 import StrictUndefined
        from jinja2.sandbox import SandboxedEnvironment

        _ENVIRONMENTS.clear()
        env = _ENVIRONMENTS[key] = SandboxedEnvironment(
            loader=confined_loader(dirs),
            autoescape=True,
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            auto_reload=False,  # the key above is what tells a changed template
        )
    return env


def confined_loader(dirs: list[Path]) -> Any:
    """A Jinja loader for the template folders, each file read only from inside its own folder
    (a link that stays inside is fine), as a regular file of a bounded size."""
    from jinja2 import BaseLoader, Environment, TemplateNotFound
    from jinja2.loaders import split_template_path

    class ConfinedLoader(BaseLoader):
        def get_source(
            self, environment: Environment, template: str
        ) -> tuple[str, str, Callable[[], bool]]:
            pieces = split_template_path(template)  # refuses '..' in a name
            for folder in dirs:
                path = folder.joinpath(*pieces)
                if path.exists() or path.is_symlink():
                    shown = f"{folder.name}/{'/'.join(pieces)}"
                    data = read_file(
                        path, folder, shown, limit=MAX_TEMPLATE_BYTES, kind="templates",
                        within="the templates folder",
                    )  # fmt: skip
                    return decode_text(data), str(path), lambda: True
            raise TemplateNotFound(template)

    return ConfinedLoader()


def template_problem(exc: Exception, dirs: list[Path]) -> str:
    """One line for a template that failed: the template and line, what went wrong, the fix."""
    from jinja2 import TemplateNotFound, TemplateSyntaxError
    from jinja2.exceptions import SecurityError

    where = "templates"
    if isinstance(exc, TemplateSyntaxError) and exc.filename:
        where = f"{_shown(exc.filename, dirs)}:{exc.lineno}"
    else:  # Jinja rewrites the traceback: template frames carry the template's file and line
        for frame, line in traceback.walk_tb(exc.__traceback__):
            if _shown(frame.f_code.co_filename, dirs) != frame.f_code.co_filename:
                where = f"{_shown(frame.f_code.co_filename, dirs)}:{line}"
    if isinstance(exc, TemplateNotFound):
        folders = "the packaged templates"
        if len(dirs) > 1:
            folders = f"{dirs[0].name}/ and {folders}"
        return (
            f"{where}: no template {exc.name!r}; includes, imports and extends are confined to "
            f"the template folders ({folders}): name a file inside them, such as 'notes.html.j2'"
        )
    if isinstance(exc, SecurityError):
        return (
            f"{where}: {str(exc).rstrip('.')}; templates run in Jinja's sandbox and may use the document model "
            "and filters, not Python's internals"
        )
    return f"{where}: {type(exc).__name__}: {exc}"


def _shown(filename: str, dirs: list[Path]) -> str:
    for folder in dirs:
        if Path(filename).is_relative_to(folder):
            return f"{folder.name}/{Path(filename).relative_to(folder).as_posix()}"
    return filename


def _css_string(text: str) -> str:
    """Text as a CSS string literal: every character outside plain ASCII letters escaped."""
    return '"' + "".join(c if c.isalnum() and c.isascii() else f"\\{ord(c):x} " for c in text) + '"'


def scope_svg_ids(svg: str, prefix: str) -> str:
    """Prefix an inlined SVG's ids, which matplotlib numbers the same way in every chart."""
    ids = set(re.findall(r'\bid="([^"]+)"', svg))
    if not ids:
        return svg
    names = "|".join(sorted((re.escape(i) for i in ids), key=len, reverse=True))
    return re.sub(rf'(\bid="|#)({names})(?=["\)])', rf"\g<1>{prefix}\g<2>", svg)


def titled_svg(svg: str, title: str) -> str:
    """The SVG with its alternative text as its first child <title>.

    WeasyPrint gives an inline SVG's Figure structure element the text of that <title> as /Alt,
    which PDF/UA-1 requires of every figure; a browser shows it as the chart's tooltip.
    """
    start = svg.index(">", svg.index("<svg")) + 1
    return f"{svg[:start]}<title>{escape(title)}</title>{svg[start:]}"


def _chart(chart: ChartData, charts: dict[str, bytes]) -> RenderedChart:
    svg = charts[chart.id].decode("utf-8")
    svg = scope_svg_ids(svg[svg.index("<svg") :], f"chart-{chart.id}-")  # inlined: no prolog
    svg = titled_svg(svg, chart.alt)
    return RenderedChart(
        chart.id, chart.title, chart.caption, chart.source_line, chart.alt, Markup(svg)
    )
