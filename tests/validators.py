"""The independent validators, each returning its findings as 'rule at location: message' lines.

page-validation (PDF/A, PDF/UA-1) and openxml-audit (Open XML, with Word's app-compat checks)
come from PyPI; html-validate and axe-core from npm (tests/js, locked); axe-core runs inside
Debian's chromium, driven by selenium through Debian's chromium-driver. Nothing is downloaded.
"""

from __future__ import annotations

import json
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

JS = Path(__file__).resolve().parent / "js"
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]  # WCAG 2.1 level AA, A included


def pdf_findings(pdf: Path, profile: str) -> list[str]:
    """Failed rules of one profile: 'ua1', '3a', '3b' (page-validation's names)."""
    import page

    report = page.validate_pdf(pdf, profile=profile)
    findings = []
    for failure in report.failures:
        where = f"object {failure.object_id.object_number}" if failure.object_id else "document"
        findings.append(f"{failure.rule_id} at {where}: {failure.message}")
    assert findings or report.is_compliant, f"{pdf}: not compliant, yet no failed rule"
    return findings


def docx_findings(docx: Path) -> list[str]:
    """Every error and warning openxml-audit reports, Word's app-compat findings included."""
    from openxml_audit import FileFormat, OpenXmlValidator

    result = OpenXmlValidator(file_format=FileFormat.MICROSOFT_365, max_errors=0).validate(docx)
    findings = [
        f"{error.source_class.value} {error.error_type.value} at {error.part_uri}"
        f"{':' + error.path if error.path else ''} ({error.node}): {error.description}"
        for error in result.errors
    ]
    assert findings or result.is_valid, f"{docx}: not valid, yet no finding"
    return findings


def html_validate_findings(html: Path) -> list[str]:
    """html-validate's recommended rules, errors and warnings alike.

    The report goes to a file: node cuts piped output short when it exits, and a report that
    quotes the page's long lines runs past what a pipe holds."""
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "report.json"
        run = subprocess.run(
            [
                str(JS / "node_modules" / ".bin" / "html-validate"),
                "--config",
                str(JS / "htmlvalidate.json"),
                "--formatter",
                f"json={report}",
                str(html),
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert run.returncode in (0, 1), run.stderr
        results = json.loads(report.read_text(encoding="utf-8") or "[]")
    findings = [
        f"{message['ruleId']} at {html.name}:{message['line']}:{message['column']}: "
        f"{message['message']}"
        for result in results
        for message in result["messages"]
    ]
    assert findings or run.returncode == 0, run.stdout + run.stderr
    return findings


@contextmanager
def chromium(*extra: str) -> Iterator[Any]:
    """Debian's chromium, headless, driven through Debian's chromium-driver (Selenium Manager is
    never asked), with a profile of its own; `extra` adds flags such as a window size."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    with tempfile.TemporaryDirectory() as profile:
        for flag in (
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
            f"--user-data-dir={profile}",
            *extra,
        ):
            options.add_argument(flag)
        driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
        try:
            yield driver
        finally:
            driver.quit()


def axe_findings(driver: Any, html: Path, width: int) -> list[str]:
    """axe-core's WCAG 2.1 AA violations of the page at this window width, one line per node."""
    driver.set_window_size(width, 900)
    driver.get(html.resolve().as_uri())
    driver.execute_script((JS / "node_modules" / "axe-core" / "axe.min.js").read_text("utf-8"))
    result = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}})"
        ".then(done).catch(error => done({error: String(error)}));",
        AXE_TAGS,
    )
    assert "error" not in result, result.get("error")
    assert result["passes"], "axe-core checked nothing"
    return [
        f"{violation['id']} at {' '.join(node['target'])}: "
        f"{' '.join(node['failureSummary'].split())}"
        for violation in result["violations"]
        for node in violation["nodes"]
    ]
