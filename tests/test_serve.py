"""`briefing serve` in Debian's headless Chromium: reload on save, problems over the last good page."""

from __future__ import annotations

import io
import socket
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import WebDriverWait

from briefing.errors import UsageError
from briefing.serve import PreviewServer, host_warning

from .validators import chromium

SUMMARY = "content/ccid-open-source-models.yaml"


@pytest.fixture(scope="module")
def browser() -> Iterator[WebDriver]:
    with chromium("--window-size=1280,1600") as driver:
        yield driver


@pytest.fixture
def server(project: Path) -> Iterator[PreviewServer]:
    with PreviewServer(project, port=0) as running:
        yield running


def edit(project: Path, old: str, new: str) -> str:
    """Replace text in the summary file; return the original text."""
    path = project / SUMMARY
    original = path.read_text(encoding="utf-8")
    assert old in original
    path.write_text(original.replace(old, new, 1), encoding="utf-8")
    return original


def overlay_lines(driver: WebDriver) -> list[str]:
    return [item.text for item in driver.find_elements(By.CSS_SELECTOR, ".briefing-problem")]


def test_the_page_reloads_with_the_new_text_after_a_save(
    server: PreviewServer, project: Path, browser: WebDriver
) -> None:
    browser.get(server.url)
    assert "Saved while serving." not in browser.find_element(By.TAG_NAME, "body").text
    browser.execute_script("window.beforeTheSave = true;")
    edit(project, "summary: >-\n", "summary: >-\n  Saved while serving.\n")

    wait = WebDriverWait(browser, 30, poll_frequency=0.1)
    wait.until(lambda d: "Saved while serving." in d.find_element(By.TAG_NAME, "body").text)
    assert browser.execute_script("return window.beforeTheSave === undefined;")  # a real reload
    assert browser.find_elements(By.ID, "briefing-problems") == []


def test_the_reading_position_survives_the_reload(
    server: PreviewServer, project: Path, browser: WebDriver
) -> None:
    browser.get(server.url)
    sections = browser.find_elements(By.CSS_SELECTOR, "section.source")
    target = sections[-2].get_attribute("id")
    browser.execute_script(
        "document.getElementById(arguments[0]).scrollIntoView(); window.scrollBy(0, -40);", target
    )
    top = "return document.getElementById(arguments[0]).getBoundingClientRect().top;"
    assert browser.execute_script(top, target) == pytest.approx(40, abs=2)
    browser.execute_script("window.beforeTheSave = true;")
    edit(project, "summary: >-\n", "summary: >-\n  Saved while reading.\n")

    wait = WebDriverWait(browser, 30, poll_frequency=0.1)
    wait.until(lambda d: d.execute_script("return window.beforeTheSave === undefined;"))
    # textContent, not .text: innerText would lay out every section the page has left unrendered.
    text = "return document.body.textContent.includes('Saved while reading.');"
    assert browser.execute_script(text)
    assert browser.execute_script(top, target) == pytest.approx(40, abs=2)


def test_a_broken_edit_shows_its_problems_over_the_last_good_page_until_fixed(
    server: PreviewServer, project: Path, browser: WebDriver
) -> None:
    browser.get(server.url)
    before = browser.find_element(By.TAG_NAME, "h1").text
    browser.execute_script("window.beforeTheBreak = true;")
    original = edit(project, "summary: >-\n", "summary: [unclosed\nsummary: >-\n")

    wait = WebDriverWait(browser, 30, poll_frequency=0.1)
    wait.until(lambda d: d.find_elements(By.ID, "briefing-problems"))
    [line] = overlay_lines(browser)
    assert line.startswith(f"{SUMMARY}:")
    where, _, message = line.partition(": ")
    assert len(where.split(":")) == 3  # file:line:column
    assert message
    overlay = browser.find_element(By.ID, "briefing-problems")
    assert overlay.find_element(By.TAG_NAME, "h2").text == (
        "1 problem; the page shows the last good build"
    )
    # The last good preview is still underneath, not replaced by an error page.
    assert browser.find_element(By.TAG_NAME, "h1").text == before
    assert browser.execute_script("return window.beforeTheBreak === true;")

    (project / SUMMARY).write_text(original, encoding="utf-8")
    wait.until(lambda d: not d.find_elements(By.ID, "briefing-problems"))
    assert browser.find_element(By.TAG_NAME, "h1").text == before


def test_the_overlay_lists_every_problem_as_check_reports_it(
    project: Path, browser: WebDriver
) -> None:
    """A project broken from the start: a holding page, and check's own lines."""
    from typer.testing import CliRunner

    from briefing.cli import app

    edit(project, "  published: 2026-04-27\n", "  published: 2026-13-01\n  publisher_name: x\n")
    checked = CliRunner().invoke(app, ["check", "-C", str(project)])
    expected = [line for line in checked.stderr.splitlines() if line.startswith("content/")]
    assert len(expected) >= 1
    with PreviewServer(project, port=0) as server:
        browser.get(server.url)
        WebDriverWait(browser, 30).until(lambda d: d.find_elements(By.ID, "briefing-problems"))
        assert overlay_lines(browser) == expected
        assert "No good build yet" in browser.find_element(By.TAG_NAME, "body").text


def test_the_page_links_build_pdf_and_docx_on_request(
    server: PreviewServer, browser: WebDriver
) -> None:
    import docx
    from pypdf import PdfReader

    browser.get(server.url)
    links = {
        f: browser.find_element(By.ID, f"briefing-build-{f}").get_attribute("href")
        for f in ("pdf", "docx")
    }
    assert links == {f: f"{server.url}_briefing/build/{f}" for f in ("pdf", "docx")}
    with urllib.request.urlopen(links["docx"], timeout=60) as response:
        assert response.url.startswith(f"{server.url}_briefing/files/briefing-")
        assert response.headers["Content-Disposition"].startswith("attachment; ")
        document = docx.Document(io.BytesIO(response.read()))
    assert any(p.style.name.startswith("Heading") for p in document.paragraphs)
    with urllib.request.urlopen(links["pdf"], timeout=120) as response:
        assert response.headers["Content-Type"] == "application/pdf"
        assert response.headers["Content-Disposition"].startswith("inline; ")
        assert len(PdfReader(io.BytesIO(response.read())).pages) > 1


def test_a_build_on_request_that_fails_says_why(server: PreviewServer, project: Path) -> None:
    edit(project, "summary: >-\n", "summary: [unclosed\nsummary: >-\n")
    with pytest.raises(urllib.error.HTTPError) as failed:
        urllib.request.urlopen(f"{server.url}_briefing/build/docx", timeout=60)
    assert failed.value.code == 409
    with failed.value:
        body = failed.value.read().decode()
    assert "<h1>The DOCX was not built</h1>" in body
    assert f"<code>{SUMMARY}:" in body


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/_briefing/files/briefing.pdf", 404),  # never built on request
        ("/_briefing/files/..%2f..%2fcontent%2ffront-matter.yaml", 404),
        ("/_briefing/build/html", 404),
        ("/content/front-matter.yaml", 404),
    ],
)
def test_only_the_page_and_files_built_here_are_served(
    server: PreviewServer, path: str, status: int
) -> None:
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(server.url.rstrip("/") + path, timeout=10)
    refused.value.close()
    assert refused.value.code == status


def test_a_page_that_renamed_itself_to_loopback_is_refused(server: PreviewServer) -> None:
    """DNS rebinding: another site's page whose name now points at 127.0.0.1."""
    request = urllib.request.Request(server.url, headers={"Host": "attacker.example:80"})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)
    refused.value.close()
    assert refused.value.code == 403


def test_a_port_in_use_is_a_usage_error(project: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(UsageError) as error:
            PreviewServer(project, port=port)
    assert str(error.value) == f"port {port} is in use; pass another with --port"


@pytest.mark.parametrize(
    ("host", "marking", "warning"),
    [
        ("127.0.0.1", "TLP:AMBER", None),
        ("localhost", "TLP:AMBER", None),
        ("::1", "TLP:AMBER", None),
        (
            "0.0.0.0",
            "TLP:AMBER",
            "warning: serving on 0.0.0.0, not only on this machine: anyone who can reach it can "
            "read the briefing (marked TLP:AMBER) while it is being written",
        ),
        (
            "192.168.1.20",
            None,
            "warning: serving on 192.168.1.20, not only on this machine: anyone who can reach it "
            "can read the briefing while it is being written",
        ),
    ],
)
def test_serving_beyond_loopback_warns(host: str, marking: str | None, warning: str | None) -> None:
    assert host_warning(host, marking) == warning
