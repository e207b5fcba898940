"""Benchmarks: whole-process build times against a bare WeasyPrint render, at N sources.

Usage: .venv/bin/python benchmarks/run.py [--sizes 5 50] [--runs 5]
Writes benchmarks/results.json and prints a Markdown table. Not part of the test command.
"""

from __future__ import annotations

import argparse
import json
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent

BARE_RENDER = """
import sys
from weasyprint import HTML
from briefing.render_pdf import ASSET_SCHEME, locked_fetcher
from briefing.render_html import template_dirs
html = open(sys.argv[1], encoding="utf-8").read()
HTML(string=html, base_url=ASSET_SCHEME + "/", url_fetcher=locked_fetcher(template_dirs(None))).write_pdf(
    sys.argv[2], pdf_variant="pdf/ua-1")
"""

FINAL_HTML = """
import sys
from pathlib import Path
from briefing.config import find_project
from briefing.content import load_content
from briefing.provenance import check_provenance
from briefing.document import build_document
from briefing.charts import render_chart
from briefing.render_html import render_html, template_dirs
project = find_project(Path(sys.argv[1]))
content = load_content(project)
doc = build_document(content, check_provenance(project, content))
svgs = {c.id: render_chart(c, "svg", project.output_dir / ".cache" / "charts") for c in doc.charts}
html = render_html(doc, svgs, medium="print", dirs=template_dirs(project.templates_dir))
Path(sys.argv[2]).write_text(html, encoding="utf-8")
"""


def synthetic_project(target: Path, sources: int) -> Path:
    """The real content's shape scaled to N sources: seeds and summaries copied under new ids."""
    (target / "content").mkdir(parents=True)
    (target / "seeds").mkdir()
    originals = sorted(p for p in (REPO / "content").glob("*.yaml") if p.stem != "front-matter")
    ids = [p.stem for p in originals]
    front = (REPO / "content" / "front-matter.yaml").read_text(encoding="utf-8")
    for copy in range(-(-sources // len(originals))):
        for original in originals:
            if len(list((target / "content").glob("*.yaml"))) >= sources:
                break
            text = original.read_text(encoding="utf-8")
            seed = re.search(r"seed: (\S+)", text).group(1)  # type: ignore[union-attr]
            new_seed = f"c{copy:03d}_{seed}" if copy else seed
            shutil.copy(REPO / "seeds" / seed, target / "seeds" / new_seed)
            new_id = f"{original.stem}-c{copy}" if copy else original.stem
            text = text.replace(f"seed: {seed}", f"seed: {new_seed}")
            for other in ids:  # relations point at the copy of the same round
                if copy:
                    text = text.replace(f"source: {other}\n", f"source: {other}-c{copy}\n")
            (target / "content" / f"{new_id}.yaml").write_text(text, encoding="utf-8")
    (target / "content" / "front-matter.yaml").write_text(front, encoding="utf-8")
    return target


def timed(command: list[str], runs: int) -> dict[str, float]:
    times, peaks = [], []
    for _ in range(runs):
        started = time.perf_counter()
        proc = subprocess.run(
            ["/usr/bin/time", "-f", "%M", *command], capture_output=True, text=True
        )
        times.append(time.perf_counter() - started)
        if proc.returncode not in (0, 1):
            raise SystemExit(f"{' '.join(command)} failed:\n{proc.stderr}")
        peaks.append(int(proc.stderr.strip().splitlines()[-1]) / 1024)
    return {"median": statistics.median(times), "min": min(times), "max": max(times),
            "peak_rss_mb": max(peaks)}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[5, 50])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    briefing = str(BIN / "briefing")
    results = {"machine": f"{platform.machine()}, {platform.python_version()}, "
               f"{len(__import__('os').sched_getaffinity(0))} cores", "sizes": {}}  # fmt: skip
    for size in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            project = synthetic_project(Path(tmp) / "project", size)
            p = ["--project", str(project)]
            row: dict[str, dict[str, float]] = {}
            subprocess.run(
                [briefing, "build", "-q", "-f", "pdf", *p], check=True
            )  # warm chart cache
            for fmt in ("pdf", "docx", "html"):
                row[f"build {fmt}"] = timed([briefing, "build", "-q", "-f", fmt, *p], args.runs)
            html, pdf = Path(tmp) / "final.html", Path(tmp) / "bare.pdf"
            subprocess.run([sys.executable, "-c", FINAL_HTML, str(project), str(html)], check=True)
            row["bare weasyprint"] = timed(
                [sys.executable, "-c", BARE_RENDER, str(html), str(pdf)], args.runs
            )
            row["check"] = timed([briefing, "check", "-q", *p], args.runs)
            row["--help"] = timed([briefing, "--help"], args.runs)
            row["ratio pdf/bare"] = {
                "median": row["build pdf"]["median"] / row["bare weasyprint"]["median"]
            }
            built = next((project / "build").glob("*.pdf"))
            row["pdf bytes"] = {"median": built.stat().st_size}
            results["sizes"][str(size)] = row  # type: ignore[index]
    out = REPO / "benchmarks" / "results.json"
    out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print("| N | measure | median s | min | max | peak RSS MB |\n|---|---|---|---|---|---|")
    for size, row in results["sizes"].items():  # type: ignore[union-attr]
        for name, m in row.items():
            print(
                f"| {size} | {name} | {m['median']:.2f} | {m.get('min', 0):.2f} | "
                f"{m.get('max', 0):.2f} | {m.get('peak_rss_mb', 0):.0f} |"
            )


if __name__ == "__main__":
    main()
