"""`briefing check`: validate the content, prove provenance, and report in file:line form."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from .claims import check_claims
from .config import find_project
from .content import load_content
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
