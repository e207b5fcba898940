"""The JSON Schema of the content files, so editors get completion and inline errors."""

from __future__ import annotations

import json

from pydantic import TypeAdapter

from .models import FrontMatter, MetricsFile, SourceSummary


def content_schema() -> str:
    """One schema that accepts a source summary, the front matter or the metric declarations."""
    schema = TypeAdapter(SourceSummary | FrontMatter | MetricsFile).json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "briefing content file"
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"
