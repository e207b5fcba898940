"""The models -> one JSON Schema per kind of file, for completion and inline errors in an editor.

The schema says what `check` accepts, as an editor's YAML parser sees the file: the loader
keeps every scalar as text, so a field of text takes `2024` or `1.0` as well; a number field
takes only a number. Each file names its schema in its first line.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel

from .config import Config
from .models import TLP_MARKINGS, FrontMatter, MetricsFile, SourceSummary

KINDS: dict[str, tuple[type[BaseModel], str, str]] = {
    "source": (SourceSummary, "source.schema.json", "briefing source summary (content/<id>.yaml)"),
    "front-matter": (FrontMatter, "front-matter.schema.json", "briefing front matter"),
    "metrics": (MetricsFile, "metrics.schema.json", "briefing metric declarations"),
    "config": (Config, "briefing.schema.json", "briefing project settings (briefing.yaml)"),
}

DESCRIPTIONS = {
    "SourceSummary.source": "What the seed is: its file, title, publisher, date and language.",
    "SourceSummary.summary": "Two to four sentences in your own words: what the source says.",
    "SourceSummary.figures": "Numbers the source states, each with the excerpt that states it.",
    "SourceSummary.quotes": "Words of a named speaker, verbatim, each with its excerpt.",
    "SourceSummary.challenges": "Problems the source names, each with its excerpt.",
    "SourceSummary.recommendations": "What the source recommends, each with its excerpt.",
    "SourceInfo.title": "The title as the source gives it.",
    "SourceInfo.publisher": "The publisher as the text states it.",
    "SourceInfo.authors": "The authors as the text states them.",
    "SourceInfo.published": "The date of publication, YYYY-MM-DD, if the text gives it.",
    "SourceInfo.url": "The web address (http:// or https://), if the text gives it.",
    "SourceInfo.language": "The seed's language tag, such as en or zh-Hans.",
    "SourceInfo.original_language": "For a translation: the language of the original.",
    "SourceInfo.translator": "For a translation: who translated it.",
    "SourceInfo.completeness": "partial when the text stops before the original does.",
    "SourceInfo.relations": "How this seed relates to other seeds of the briefing.",
    "Relation.kind": "The relation: same-original, translation-of, excerpt-of or update-of.",
    "Relation.note": "What the relation is, in a sentence.",
    "Figure.id": "An id for the figure, unique in the file: lowercase letters, digits, hyphens.",
    "Figure.label": "What is measured, as a table row reads it.",
    "Figure.value": "The number as the source states it, without units or commas.",
    "Figure.status": "actual, estimate, forecast or target.",
    "Figure.bound": "exact, about, nearly, more-than or less-than, as the source words it.",
    "Figure.note": "Anything a reader needs to read the figure right.",
    "Quote.id": "An id for the quote, unique in the file.",
    "Quote.text": "The speaker's words, verbatim; proven against the seed like an excerpt.",
    "Quote.speaker": "Who said it.",
    "Quote.role": "The speaker's role as the text gives it.",
    "Quote.organisation": "The speaker's organisation, if the text gives it.",
    "Quote.note": "Anything a reader needs to read the quote right.",
    "Point.id": "An id, unique in the file.",
    "Point.title": "A scannable title line.",
    "Point.detail": "One or two sentences in your own words.",
    "FrontMatter.title": "The briefing's title.",
    "FrontMatter.subtitle": "A line under the title.",
    "FrontMatter.short_title": "The running header, at most 60 characters.",
    "FrontMatter.date": "The briefing's date, YYYY-MM-DD; part of the output file name.",
    "FrontMatter.organisation": "Who publishes the briefing.",
    "FrontMatter.author": "Who wrote it.",
    "FrontMatter.version": "The version, such as 1.0; part of the output file name.",
    "FrontMatter.marking": "The TLP marking, printed on every page and in the email subject.",
    "FrontMatter.language": "The briefing's language tag, such as en.",
    "FrontMatter.keywords": "Keywords for the PDF's metadata.",
    "FrontMatter.takeaways": "One to eight key takeaways, each citing the sources it rests on.",
    "FrontMatter.executive_summary": "The executive summary; paragraphs apart by a blank line.",
    "FrontMatter.reconciliations": "Why sources disagree on a metric, shown under the comparison.",
    "FrontMatter.charts": "Charts drawn from the figures of one metric across sources.",
    "Takeaway.text": "One synthesising sentence or two.",
    "Takeaway.sources": "The ids of the sources it rests on.",
    "Reconciliation.metric": "The metric the sources disagree on.",
    "Reconciliation.explanation": "Why they disagree.",
    "ChartRequest.id": "An id for the chart.",
    "ChartRequest.metric": "The metric whose figures it draws.",
    "ChartRequest.title": "The chart's title.",
    "ChartRequest.caption": "A sentence or two under the chart.",
    "MetricsFile.metrics": "Every metric a figure may name, each declared once.",
    "Metric.label": "The metric's name as tables and charts show it.",
    "Config.content": "The folder of content files, relative to the project.",
    "Config.seeds": "The folder of seed texts.",
    "Config.templates": "A folder of templates that shadow the packaged ones, file by file.",
    "Config.output": "The folder the built files go into, a folder of its own.",
    "Config.formats": "What `briefing build` makes without --format.",
    "Config.filename": "The output file name: letters, digits, . _ - and {date}, {version}.",
    "Config.paper": "The PDF's paper size.",
    "Config.markings": "The markings the front matter may carry (default: TLP 2.0).",
    "Config.pdf_a": "true: PDF/A-3b with the content files attached.",
    "Config.email": "How `briefing send` delivers the briefing.",
    "EmailSettings.host": "The SMTP server.",
    "EmailSettings.port": "The SMTP port (default: 587, or 465 with tls).",
    "EmailSettings.security": "starttls, tls, or none (loopback only).",
    "EmailSettings.user": "The SMTP user; the password comes from the environment or keyring.",
    "EmailSettings.sender": "The From address, such as Unit <unit@example.org>.",
    "EmailSettings.to": "Recipients.",
    "EmailSettings.cc": "Copy recipients.",
    "EmailSettings.bcc": "Blind copy recipients.",
    "EmailSettings.subject": "The subject (default: the marking, title and date).",
    "EmailSettings.ca_file": "A CA certificate file for a private relay.",
    "EmailSettings.timeout": "Seconds to wait for the server.",
    "EmailSettings.attach": "What to attach: pdf and/or docx.",
    "EmailSettings.greeting": "The message's first line.",
    "EmailSettings.signature": "The message's closing lines.",
    "Config.distribution": "Who may receive the briefing under each marking.",
    "Distribution.organisation": "The organisation's own domains (default: the sender's).",
    "Distribution.domains": "Partner domains that may receive GREEN and AMBER briefings.",
    "Distribution.markings": "A rule of its own for a marking, replacing its TLP default.",
    "MarkingRule.domains": "The domains that may receive briefings under this marking.",
    "MarkingRule.addresses": "Addresses that may receive them, whatever their domain.",
}


def kind_schema(kind: str) -> dict[str, Any]:
    model, _, title = KINDS[kind]
    schema = model.model_json_schema()
    for name, definition in [(model.__name__, schema), *schema.get("$defs", {}).items()]:
        for field, spec in definition.get("properties", {}).items():
            key = f"{name}.{field}"
            if "description" not in spec and key in DESCRIPTIONS:
                spec["description"] = DESCRIPTIONS[key]
            spec.pop("title", None)
            _as_yaml_reads_it(spec)
    if kind == "front-matter":
        schema["properties"]["marking"] = {
            "description": DESCRIPTIONS["FrontMatter.marking"]
            + " briefing.yaml's markings may allow others.",
            "enum": list(TLP_MARKINGS),
        }
    if kind == "source":
        url = schema["$defs"]["SourceInfo"]["properties"]["url"]
        url["anyOf"][0] |= {"format": "uri", "pattern": r"^https?://"}
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema, "title": title}


def _as_yaml_reads_it(spec: dict[str, Any]) -> None:
    """Text takes what YAML reads as a number (check keeps it as written); numbers are numbers."""
    options = spec.get("anyOf")
    if options and any(o.get("type") == "number" for o in options):
        spec["anyOf"] = [o for o in options if o.get("type") != "string"]  # '1,2' is refused
    for part in [spec, *(options or []), spec.get("items", {})]:
        if part.get("type") == "string" and "enum" not in part and "format" not in part:
            part["type"] = ["string", "number"]


def schema_text(kind: str) -> str:
    return json.dumps(kind_schema(kind), indent=2, ensure_ascii=False) + "\n"


def content_schema() -> str:
    """The source summaries' schema (kept for callers that want the one most files use)."""
    return schema_text("source")
