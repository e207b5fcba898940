"""The schemas as an editor uses them: the real yaml-language-server (npm), spoken to over stdio.

VS Code's YAML extension runs this server; it reads the schema named in a file's first line.
Diagnostics on a broken file must fall on the lines `check` reports, and a file `check` accepts
must get none; completion must offer the fields and the enum values.
"""

from __future__ import annotations

import json
import queue
import shutil
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from briefing.cli import app

REPO = Path(__file__).resolve().parents[1]
SERVER = REPO / "tests/js/node_modules/yaml-language-server/bin/yaml-language-server"


class LanguageServer:
    """A client of a language server over stdio: JSON-RPC with Content-Length framing."""

    def __init__(self, root: Path):
        self.process = subprocess.Popen(
            [shutil.which("node") or "node", str(SERVER), "--stdio"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        self.messages: queue.Queue[dict[str, Any]] = queue.Queue()
        self.next_id = 0
        threading.Thread(target=self._read, daemon=True).start()
        self.request("initialize", {"processId": None, "rootUri": root.as_uri(), "capabilities": {
            "textDocument": {"completion": {"completionItem": {"snippetSupport": False}},
                             "publishDiagnostics": {}},
            "workspace": {"configuration": True},
        }})  # fmt: skip
        self.notify("initialized", {})
        self.notify("workspace/didChangeConfiguration", {"settings": {"yaml": SETTINGS}})

    def _read(self) -> None:
        stream = self.process.stdout
        assert stream is not None
        while True:
            length = 0
            while (line := stream.readline()) not in (b"\r\n", b""):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            if not line:
                return
            self.messages.put(json.loads(stream.read(length)))

    def send(self, message: dict[str, Any]) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode()
        assert self.process.stdin is not None
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.process.stdin.flush()

    def notify(self, method: str, params: dict[str, Any]) -> None:
        self.send({"method": method, "params": params})

    def request(self, method: str, params: dict[str, Any]) -> Any:
        self.next_id += 1
        wanted = self.next_id
        self.send({"id": wanted, "method": method, "params": params})
        return self.wait(lambda m: m.get("id") == wanted and "method" not in m)["result"]

    def wait(self, matches: Any, seconds: float = 30) -> dict[str, Any]:
        """The first message that matches, answering the server's own requests meanwhile."""
        while True:
            message = self.messages.get(timeout=seconds)
            if "method" in message and "id" in message:  # a request from the server
                self.send({"id": message["id"], "result": self._answer(message)})
                continue
            if matches(message):
                return message

    def _answer(self, request: dict[str, Any]) -> Any:
        if request["method"] == "workspace/configuration":
            return [SETTINGS if i.get("section") == "yaml" else None
                    for i in request["params"]["items"]]  # fmt: skip
        return None

    def diagnostics(self, path: Path) -> list[dict[str, Any]]:
        self.notify("textDocument/didOpen", {"textDocument": {
            "uri": path.as_uri(), "languageId": "yaml", "version": 1,
            "text": path.read_text(encoding="utf-8")}})  # fmt: skip
        found = self.wait(
            lambda m: (
                m.get("method") == "textDocument/publishDiagnostics"
                and m["params"]["uri"] == path.as_uri()
            )
        )
        return list(found["params"]["diagnostics"])

    def completion(self, path: Path, line: int, character: int) -> list[str]:
        result = self.request("textDocument/completion", {
            "textDocument": {"uri": path.as_uri()}, "position": {"line": line, "character": character}})  # fmt: skip
        items = result["items"] if isinstance(result, dict) else result
        return sorted(item["label"] for item in items)

    def close(self) -> None:
        self.request("shutdown", {})
        self.notify("exit", {})
        self.process.wait(timeout=10)


SETTINGS = {"validate": True, "completion": True, "hover": False, "schemaStore": {"enable": False}}


@pytest.fixture
def starter(tmp_path: Path) -> Path:
    CliRunner().invoke(app, ["init", str(tmp_path)])
    return tmp_path


@pytest.fixture
def server(starter: Path) -> Iterator[LanguageServer]:
    if not SERVER.exists():
        pytest.fail("yaml-language-server is missing: make test installs it (npm ci in tests/js)")
    client = LanguageServer(starter)
    try:
        yield client
    finally:
        client.close()


def check_lines(root: Path) -> dict[tuple[str, int], str]:
    result = CliRunner().invoke(app, ["check", "-C", str(root), "--format", "json"])
    report = json.loads(result.stdout)
    return {(p["file"], p["line"]): p["message"] for p in report["problems"]}


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_files_check_accepts_get_no_diagnostics(starter: Path, server: LanguageServer) -> None:
    source, front = starter / "content/example-source.yaml", starter / "content/front-matter.yaml"
    edit(source, 'period: "2025"', "period: 2025")  # YAML reads a number; check keeps the text
    edit(front, 'version: "0.1"', "version: 0.1")
    assert check_lines(starter) == {}
    assert server.diagnostics(source) == []
    assert server.diagnostics(front) == []
    assert server.diagnostics(starter / "briefing.yaml") == []


@pytest.mark.parametrize(
    ("file", "old", "new"),
    [
        ("content/example-source.yaml", "value: 4.2", "value: one"),
        ("content/example-source.yaml", "status: actual", "status: planned"),
        (
            "content/example-source.yaml",
            "publisher: Example News",
            "publisher: Example News\n  url: ftp://example.org/widgets",
        ),
        ("content/example-source.yaml", "    label: Widget", "    labels: Widget"),
        ("content/front-matter.yaml", "marking: TLP:CLEAR", "marking: TLP:WHITE"),
        ("content/front-matter.yaml", "date: ", "date: 2026-13-01\nold_date: "),
    ],
    ids=["value", "status", "url", "unknown-field", "marking", "date"],
)
def test_diagnostics_fall_on_the_lines_check_reports(
    starter: Path, server: LanguageServer, file: str, old: str, new: str
) -> None:
    edit(starter / file, old, new)
    expected = {line for (path, line) in check_lines(starter) if path == file}
    assert expected, "check must reject the edit"
    diagnostics = server.diagnostics(starter / file)
    assert {d["range"]["start"]["line"] + 1 for d in diagnostics} == expected, diagnostics


def test_completion_offers_the_fields_and_the_enum_values(
    starter: Path, server: LanguageServer
) -> None:
    source = starter / "content/example-source.yaml"
    text = source.read_text(encoding="utf-8")
    lines = text.splitlines()
    status = next(i for i, line in enumerate(lines) if line.strip() == "status: actual")
    lines[status] = "    status: "
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    server.diagnostics(source)
    assert server.completion(source, status, len(lines[status])) == [
        "actual", "estimate", "forecast", "target"
    ]  # fmt: skip
    blank = len(lines)  # a new top-level line at the end of the file
    source.write_text("\n".join(lines) + "\n\n", encoding="utf-8")
    server.notify("textDocument/didChange", {
        "textDocument": {"uri": source.as_uri(), "version": 2},
        "contentChanges": [{"text": source.read_text(encoding="utf-8")}]})  # fmt: skip
    offered = server.completion(source, blank, 0)  # every field is there: none is offered again
    fresh = starter / "content/new-source.yaml"
    fresh.write_text("# yaml-language-server: $schema=../schema/source.schema.json\n\n")
    server.diagnostics(fresh)
    fields = {"source", "summary", "figures", "quotes", "challenges", "recommendations"}
    assert fields <= set(server.completion(fresh, 1, 0))
    assert not fields & set(offered)
