"""`briefing init`: a new project folder whose example content passes `check --strict`.

Nothing is overwritten: every file is looked for first, and each is created exclusively.
"""

from __future__ import annotations

from pathlib import Path

from .config import CONFIG_NAME
from .errors import UsageError
from .schema import KINDS, schema_text

CONFIG = """\
# yaml-language-server: $schema=schema/briefing.schema.json
# briefing.yaml: this project's defaults; command-line options override them.
# Every key is optional; the values below are the defaults.

# formats: [pdf]                      # what `briefing build` makes: pdf, docx, html
# output: build                       # the built files, in a folder of their own
# filename: briefing-{date}-v{version}  # letters, digits, . _ - and only {date}, {version}
# paper: A4                           # or Letter
# pdf_a: false                        # true: PDF/A-3b with the content files attached
# email:                              # for `briefing send`
#   host: smtp.example.org
#   port: 587
#   security: starttls                # starttls | tls | none (none: loopback only)
#   user: briefing-bot                # password from BRIEFING_SMTP_PASSWORD or the keyring
#   sender: Research Unit <unit@example.org>
#   to: [Desk <desk@example.org>]
#   attach: [pdf]
"""

FRONT_MATTER = """\
# yaml-language-server: $schema=../schema/front-matter.schema.json
# The briefing itself: title, marking, key takeaways and the executive summary.
title: Example briefing
subtitle: What one example source reports
date: {date}
organisation: Your organisation
author: Your name
version: "0.1"
marking: TLP:CLEAR          # TLP:CLEAR, TLP:GREEN, TLP:AMBER, TLP:AMBER+STRICT or TLP:RED
takeaways:
  - text: >-
      The example source reports that the widget industry grew to 4.2 billion euros in 2025
      [@example-source/widget-industry-2025].
executive_summary: >-
  One example source, summarised to show the shape of a briefing. Replace it with your own
  sources: put each text in seeds/, then run `briefing new seeds/<file>`.
"""

METRICS = """\
# yaml-language-server: $schema=../schema/metrics.schema.json
# Every metric a figure may name, declared once, so figures of one metric mean the same.
metrics:
  - key: widget-industry-size
    label: Widget industry size
    definition: Annual revenue of the widget industry, nationwide.
    basis: industry revenue in the year stated
    unit: billion euros
"""

SEED = """\
Example News, 2 March 2026

The widget industry grew to 4.2 billion euros in 2025, the trade association said.
"Widgets are everywhere now," said Ana Example, the association's director.
Supply of parts remains the main constraint on growth.
"""

SOURCE = """\
# yaml-language-server: $schema=../schema/source.schema.json
# One summary of one seed (seeds/example-source.txt). Every item carries `excerpt`: the seed's
# exact words that support it; `briefing check` proves each one against the seed.
source:
  seed: example-source.txt
  title: The widget industry grows to 4.2 billion euros
  publisher: Example News
  published: 2026-03-02
  type: news report
summary: >-
  A short news report on the size of the widget industry, citing its trade association.
figures:
  - id: widget-industry-2025
    label: Widget industry size
    metric: widget-industry-size
    value: 4.2
    unit: billion euros
    period: "2025"
    status: actual
    excerpt: The widget industry grew to 4.2 billion euros in 2025
quotes:
  - id: widgets-everywhere
    text: Widgets are everywhere now
    speaker: Ana Example
    role: director of the trade association
    excerpt: '"Widgets are everywhere now," said Ana Example'
challenges:
  - id: parts-supply
    title: Parts are scarce
    detail: The supply of parts limits growth.
    excerpt: Supply of parts remains the main constraint on growth.
recommendations: []
"""

README = """\
# {name}

A policy briefing made with `briefing`. What to do next:

1. Put each source text in `seeds/` as plain UTF-8 text, then run
   `briefing new seeds/<file>`: it writes `content/<id>.yaml` for you to fill in.
2. Summarise it, with an exact excerpt of the seed for every figure, quote and challenge;
   cite it from a takeaway in `content/front-matter.yaml`. Delete the example source.
3. `briefing serve` shows the briefing in your browser as you save;
   `briefing check` lists every problem at file:line:column.
4. `briefing build --format all` writes the PDF, DOCX and HTML into `build/`.
"""


def starter_files(folder: Path, date: str) -> dict[Path, str]:
    return {
        folder / CONFIG_NAME: CONFIG,
        folder / "content" / "front-matter.yaml": FRONT_MATTER.format(date=date),
        folder / "content" / "example-source.yaml": SOURCE,
        folder / "content" / "metrics.yaml": METRICS,
        folder / "seeds" / "example-source.txt": SEED,
        **{folder / "schema" / file: schema_text(kind) for kind, (_, file, _) in KINDS.items()},
        folder / "README.md": README.format(name=folder.resolve().name or "Briefing"),
        folder / ".gitignore": "build/\n",
    }


def init_project(folder: Path, date: str) -> list[Path]:
    """Write the starter files into `folder`; refuse, writing nothing, if any of them exists."""
    files = starter_files(folder, date)
    existing = [path for path in files if path.exists() or path.is_symlink()]
    if existing:
        shown = ", ".join(str(p.relative_to(folder)) for p in existing)
        raise UsageError(
            f"{folder}: already has {shown}; briefing init never overwrites "
            "(choose an empty folder)"
        )
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"{folder}: is a file; expected a folder for the new project")
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("x", encoding="utf-8") as handle:  # "x": fail rather than overwrite
            handle.write(text)
    return list(files)
