"""`briefing check`: validate the content, prove provenance, and report in file:line form."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from .claims import check_claims
from .config import find_project
from .content import load_content
from .errors import ContentError, Problem
from .provenance import Report, check_provenance


class Printer(Protocol):
    def info(self, message: str) -> None: ...
    def detail(self, message: str) -> None: ...
    def problem(self, message: str) -> None: ...


@dataclass
class CheckSummary:
    report: Report
    failed: bool


def counted(count: int, noun: str) -> str:
    """'1 source', '2 sources', '0 errors'."""
    return f"{count} {noun}{'s' * (count != 1)}"


def run_check(root: Path, *, strict: bool, out: Printer) -> CheckSummary:
    project = find_project(root)
    content = load_content(project)
    report = check_provenance(project, content)
    report.problems += check_claims(content, report)
    for (source_id, item_id), found in sorted(report.found.items()):
        out.detail(f"{source_id}/{item_id}: seeds/{found.seed}:{found.line}")
    for problem in sorted(report.problems, key=lambda p: (p.location, p.field)):
        out.problem(str(problem))
    for discrepancy in report.discrepancies:
        if discrepancy.explanation:
            out.detail(f"explained: {discrepancy.message}")
    errors, warnings = len(report.errors), len(report.warnings)
    items = len(report.found)
    explained = sum(1 for d in report.discrepancies if d.explanation)
    sources, disagreements = len(content.sources), len(report.discrepancies)
    out.info(
        f"{counted(sources, 'source')}, {counted(items, 'excerpt')} proven; "
        f"{counted(disagreements, 'cross-source disagreement')} ({explained} explained); "
        f"{counted(errors, 'error')}, {counted(warnings, 'warning')}"
    )
    failed = bool(errors or (strict and warnings))
    if failed and strict and not errors:
        out.problem("--strict: warnings count as failures")
    return CheckSummary(report, failed)


REPORT_FORMATS = ("text", "json", "github")


def machine_report(root: Path, *, strict: bool, format: str) -> tuple[str, bool]:
    """The check as JSON or as GitHub Actions annotations, and whether it failed.

    Content problems that stop loading (bad YAML, unknown fields) are reported the same way as
    the excerpt checks' problems; a usage error (no project) still raises.
    """
    counts: dict[str, int | None] = {"sources": None, "excerpts": None}
    try:
        project = find_project(root)
        content = load_content(project)
        report = check_provenance(project, content)
        problems = report.problems
        counts = {"sources": len(content.sources), "excerpts": len(report.found)}
    except ContentError as error:
        problems = error.problems
    problems = sorted(problems, key=lambda p: (p.location, p.field))
    errors = sum(1 for p in problems if p.severity == "error")
    warnings = len(problems) - errors
    failed = bool(errors or (strict and warnings))
    if format == "json":
        document = {
            "ok": not failed,
            "strict": strict,
            **counts,
            "errors": errors,
            "warnings": warnings,
            "problems": [problem_record(p) for p in problems],
        }
        return json.dumps(document, indent=2, ensure_ascii=False) + "\n", failed
    lines = [github_annotation(p) for p in problems]
    lines.append(f"{counted(errors, 'error')}, {counted(warnings, 'warning')}")
    return "\n".join(lines) + "\n", failed


def problem_record(problem: Problem) -> dict[str, object]:
    where = problem.location
    return {
        "file": where.path,
        "line": where.line or None,
        "column": where.column or None,
        "field": problem.field or None,
        "severity": problem.severity,
        "message": problem.message,
    }


def github_annotation(problem: Problem) -> str:
    """`::error file=…,line=…,col=…,title=…::message`, escaped as the Actions runner reads it."""
    where = problem.location
    properties = [f"file={_property(where.path)}"]
    if where.line:
        properties.append(f"line={where.line}")
    if where.column:
        properties.append(f"col={where.column}")
    if problem.field:
        properties.append(f"title={_property(problem.field)}")
    level = "warning" if problem.severity == "warning" else "error"
    return f"::{level} {','.join(properties)}::{_data(problem.message)}"


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")
