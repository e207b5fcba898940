"""Benchmarks: whole-process builds against the tools a user would pick instead, at N sources.

Usage: .venv/bin/pip install -e '.[bench]' && .venv/bin/python benchmarks/run.py
       [--sizes 5 50 200] [--runs 5] [--no-profile]
For each N, on one synthetic project (benchmarks/synthetic.py): `briefing build` for pdf (chart
cache warm and empty), docx and html; a bare process that imports WeasyPrint and renders the
same final HTML; pandoc writing a DOCX from equivalent Markdown (benchmarks/markdown.py);
pandoc -> HTML -> WeasyPrint; `briefing check`. Then `briefing check` and `briefing --help` on
the repository's own five-source briefing, and a profile of one PDF and one DOCX build.
Then save to updated page: `briefing serve` running, a page open in Debian's headless Chromium,
a content file saved, and the time until the page shows its new text (`--save-to-page` runs only
this measure and merges it into the results).
Writes benchmarks/results.json and docs/benchmarks.md. Not part of the test command.
"""

from __future__ import annotations

import argparse
import compileall
import itertools
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from synthetic import synthetic_project

REPO = Path(__file__).resolve().parents[1]
# docs/benchmarks.md below this line is written by hand (what each step bought) and kept.
KEPT = "<!-- Written by hand below this line; benchmarks/run.py keeps it. -->"
BIN = Path(sys.executable).parent
BRIEFING = str(BIN / "briefing")

BARE_RENDER = """
import sys
from weasyprint import HTML
from briefing.render_pdf import ASSET_SCHEME, locked_fetcher
from briefing.render_html import template_dirs
html = open(sys.argv[1], encoding="utf-8").read()
HTML(string=html, base_url=ASSET_SCHEME + "/", url_fetcher=locked_fetcher(template_dirs(None))
     ).write_pdf(sys.argv[2], pdf_variant="pdf/ua-1")
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

# pandoc's HTML rendered by WeasyPrint with the briefing's own fonts, so both PDF paths do the
# same font work; WeasyPrint's default fetcher reads the fonts from the template folder.
PANDOC_WEASYPRINT = """
import sys
from weasyprint import CSS, HTML
fonts = sys.argv[3]
css = CSS(string=f'''
@font-face {{ font-family: "Noto Serif"; src: url("file://{fonts}/NotoSerif-Regular.ttf"); }}
@font-face {{ font-family: "Noto Serif"; font-weight: bold; src: url("file://{fonts}/NotoSerif-Bold.ttf"); }}
@font-face {{ font-family: "Noto Sans CJK SC"; src: url("file://{fonts}/NotoSansSC-Regular-subset.ttf"); }}
@page {{ size: A4; margin: 24mm 20mm 22mm; }}
body {{ font-family: "Noto Serif", "Noto Sans CJK SC"; font-size: 10.5pt; max-width: none; }}
table {{ width: 100%; border-collapse: collapse; font-size: 8.5pt; }}
img {{ max-width: 100%; }}
''')
HTML(filename=sys.argv[1]).write_pdf(sys.argv[2], stylesheets=[css])
"""

# Rebuilds inside one running process, as `briefing watch` does them: the first build pays for
# the imports, the next ones are timed. Prints the median, min and max seconds as JSON.
WARM_REBUILD = """
import json, statistics, sys, time
from pathlib import Path
from briefing.build import build
project, fmt, runs = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
build(project, [fmt])
times = []
for _ in range(runs):
    started = time.perf_counter()
    build(project, [fmt])
    times.append(time.perf_counter() - started)
print(json.dumps({"median": round(statistics.median(times), 3), "min": round(min(times), 3),
                  "max": round(max(times), 3)}))
"""

# The plain brief (benchmarks/plain.py) rendered as the briefing is: PDF/UA-1, tags and all.
PLAIN_RENDER = """
import sys
from weasyprint import HTML
HTML(filename=sys.argv[1]).write_pdf(sys.argv[2], pdf_variant="pdf/ua-1")
"""

# `briefing watch` on the PDF: an edit of a content file is saved, and the time runs until the
# watcher reports the new PDF written. The first edit is timed too; the start-up build is not.
WATCH_SAVE = """
import json, resource, statistics, sys, threading, time
from pathlib import Path
from briefing.watch import watch
project, runs = Path(sys.argv[1]), int(sys.argv[2])
said, stop, rebuilt = [], threading.Event(), threading.Event()
def say(line):
    said.append(line)
    if " rebuilt " in line or "failed" in line:  # "12:00:00 rebuilt briefing-….pdf in 1.0 s"
        rebuilt.set()
ready = threading.Event()
def start(line):
    say(line)
    if line.startswith("watching"):
        ready.set()
worker = threading.Thread(target=watch, args=(project, ["pdf"], start, say, stop))
worker.start()
ready.wait()  # waiting on an event, not polling: a polling thread slows the build's thread
summary = project / "content" / "source-0000.yaml"
text = summary.read_text(encoding="utf-8")
times, cpu = [], []
for run in range(runs):
    rebuilt.clear()
    summary.write_text(text.replace("summary: ", f"summary: Edit {run}. ", 1), encoding="utf-8")
    started, used = time.perf_counter(), resource.getrusage(resource.RUSAGE_SELF)
    rebuilt.wait()
    times.append(time.perf_counter() - started)
    now = resource.getrusage(resource.RUSAGE_SELF)
    cpu.append(now.ru_utime + now.ru_stime - used.ru_utime - used.ru_stime)
    if " rebuilt " not in said[-1]:
        raise SystemExit(said)
stop.set()
worker.join()
summary.write_text(text, encoding="utf-8")
print(json.dumps({"median": round(statistics.median(times), 3), "min": round(min(times), 3),
                  "max": round(max(times), 3), "cpu_median": round(statistics.median(cpu), 3)}))
"""

# Peak RSS after each stage of one PDF build in one process, WeasyPrint's own stages
# included: ru_maxrss only grows, so each figure is the peak up to the end of that stage.
MEMORY_BY_STAGE = """
import json, resource, sys
from pathlib import Path
import weasyprint.document as wd
from briefing import build as hub
peaks = {}
def peak(stage):
    peaks[stage] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
def after(stage, function):
    def wrapped(*args, **kwargs):
        result = function(*args, **kwargs)
        peak(stage)
        return result
    return wrapped
def before(stage, function):
    def wrapped(*args, **kwargs):
        peak(stage)
        return function(*args, **kwargs)
    return wrapped
peak("imports")
hub.load_content = after("load and validate content", hub.load_content)
hub.check_provenance = after("prove excerpts, compare figures", hub.check_provenance)
hub.build_document = after("document model", hub.build_document)
wd.get_all_computed_styles = after("WeasyPrint: cascade", wd.get_all_computed_styles)
wd.build_formatting_structure = after("WeasyPrint: box building", wd.build_formatting_structure)
# layout_document is a generator: the pages are laid out while the caller iterates
layout_pages = wd.layout_document
wd.layout_document = after("WeasyPrint: layout", lambda *a, **k: list(layout_pages(*a, **k)))
import weasyprint.pdf as wp
wp.build_fonts_dictionary = before("WeasyPrint: drawing the pages", wp.build_fonts_dictionary)
wp.add_tags = after("WeasyPrint: PDF/UA tags", wp.add_tags)
wd.Document.write_pdf = after("WeasyPrint: writing the PDF", wd.Document.write_pdf)
hub.publish = after("publishing the files", hub.publish)
hub.build(Path(sys.argv[1]), ["pdf"])
print(json.dumps(peaks))
"""

# Where the time of one build goes: (bucket, module file suffix, function name); cumulative.
PROFILE_BUCKETS = [
    ("load and validate content", "briefing/content.py", "load_content"),
    ("prove excerpts, compare figures", "briefing/provenance.py", "check_provenance"),
    ("document model", "briefing/document.py", "build_document"),
    ("charts", "briefing/charts.py", "render_chart"),
    ("template rendering (Jinja)", "briefing/render_html.py", "render_html"),
    ("WeasyPrint: parsing the HTML", "weasyprint/__init__.py", "__init__"),
    (
        "WeasyPrint: cascade (stylesheets, selectors)",
        "weasyprint/css/__init__.py",
        "get_all_computed_styles",
    ),
    (
        "WeasyPrint: box building",
        "weasyprint/formatting_structure/build.py",
        "build_formatting_structure",
    ),
    ("WeasyPrint: layout", "weasyprint/layout/__init__.py", "layout_document"),
    ("  of which margin boxes", "weasyprint/layout/page.py", "make_margin_boxes"),
    ("  of which tables", "weasyprint/layout/table.py", "table_layout"),
    ("  of which line breaking (Pango)", "weasyprint/text/line_break.py", "split_first_line"),
    ("WeasyPrint: drawing and writing the PDF", "weasyprint/document.py", "write_pdf"),
    ("  of which painting the pages", "weasyprint/document.py", "paint"),
    ("  of which PDF/UA tags", "weasyprint/pdf/tags.py", "add_tags"),
    ("  of which fonts", "weasyprint/pdf/fonts.py", "build_fonts_dictionary"),
    ("DOCX: building the document", "briefing/render_docx.py", "write"),
    ("DOCX: parsing the body", "briefing/ooxml.py", "finish"),
    ("DOCX: saving the package", "briefing/ooxml.py", "save_package"),
    ("publishing the files", "briefing/publish.py", "publish"),
]


def timed(command: list[str], runs: int, before: Any = None) -> dict[str, float]:
    """Median, min and max wall time and the peak RSS of a whole process, over `runs` runs."""
    times, peaks = [], []
    for _ in range(runs):
        if before:
            before()
        started = time.perf_counter()
        proc = subprocess.run(
            ["/usr/bin/time", "-f", "%M", *command], capture_output=True, text=True
        )
        times.append(time.perf_counter() - started)
        if proc.returncode != 0:
            raise SystemExit(f"{' '.join(command)} failed:\n{proc.stderr[-2000:]}")
        peaks.append(int(proc.stderr.strip().splitlines()[-1]) / 1024)
    return {
        "median": round(statistics.median(times), 3),
        "min": round(min(times), 3),
        "max": round(max(times), 3),
        "peak_rss_mb": round(max(peaks)),
    }


def chromium() -> Any:
    """Debian's headless chromium through Debian's chromium-driver (nothing is downloaded)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    profile = tempfile.mkdtemp(prefix="bench-chromium-")
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
                     "--disable-background-networking", "--disable-component-update",
                     f"--user-data-dir={profile}", "--window-size=1280,1600"):  # fmt: skip
        options.add_argument(argument)
    return webdriver.Chrome(
        service=Service(executable_path="/usr/bin/chromedriver"), options=options
    )


def save_to_page(size: int, runs: int, work: Path) -> dict[str, Any]:
    """Seconds from saving a content file to the open page showing its new text, in a browser.

    `briefing serve` runs as the editor runs it; each run saves a new summary sentence into one
    source and polls the page (every 10 ms) until the reloaded page contains it.
    """
    project = synthetic_project(work / "serve", size)
    command = [BRIEFING, "serve", "--project", str(project), "--port", "0"]
    server = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert server.stdout is not None
    url = None
    for line in server.stdout:
        found = re.search(r"serving (http://\S+) ", line)
        if found:
            url = found.group(1)
            break
    if url is None:
        raise SystemExit(f"briefing serve did not start at N={size}")
    target = next(
        p for p in sorted((project / "content").glob("source-*.yaml"))
        if re.search(r"^summary: [^'\"]", p.read_text(encoding="utf-8"), re.MULTILINE)
    )  # fmt: skip
    original = target.read_text(encoding="utf-8")
    driver = chromium()
    times = []
    try:
        driver.get(url)
        for run in range(runs):
            sentence = f"Saved edit number {run}."
            started = time.perf_counter()
            target.write_text(original.replace("summary: ", f"summary: {sentence} ", 1))
            while not driver.execute_script(
                "return document.body.textContent.includes(arguments[0]);", sentence
            ):
                time.sleep(0.01)
            times.append(time.perf_counter() - started)
            time.sleep(1)  # the page's event stream reconnects before the next save
    finally:
        driver.quit()
        server.send_signal(signal.SIGINT)
        server.wait(timeout=30)
    return {
        "median": round(statistics.median(times), 3),
        "min": round(min(times), 3),
        "max": round(max(times), 3),
        "peak_rss_mb": None,
    }


SAVE_TO_PAGE_LIMITS = {5: 0.6, 50: 1.5}  # seconds, from the editor's-loop issue


def save_to_page_targets(measured: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {
            "target": f"N={n}: save to updated page",
            "measured": m["median"],
            "limit": SAVE_TO_PAGE_LIMITS[int(n)],
            "unit": "s",
            "met": m["median"] <= SAVE_TO_PAGE_LIMITS[int(n)],
        }
        for n, m in measured.items()
        if int(n) in SAVE_TO_PAGE_LIMITS
    ]


def pdf_pages(path: Path) -> int:
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout
    return int(next(line.split()[-1] for line in out.splitlines() if line.startswith("Pages:")))


def pandoc_binary() -> str:
    try:
        import pypandoc  # type: ignore[import-not-found]
    except ImportError:
        raise SystemExit("pandoc is a benchmark dependency: pip install -e '.[bench]'") from None
    return str(pypandoc.get_pandoc_path())


def measure_size(size: int, runs: int, work: Path, pandoc: str) -> dict[str, Any]:
    project = synthetic_project(work / "project", size)
    where = ["--project", str(project)]
    build = [BRIEFING, "build", "-q", *where, "-f"]
    charts = project / "build" / ".cache" / "charts"
    subprocess.run([*build, "all"], check=True, capture_output=True)  # warm the chart cache
    row: dict[str, Any] = {"sources": size}
    row["build pdf"] = timed([*build, "pdf"], runs)
    row["build docx"] = timed([*build, "docx"], runs)
    row["build html"] = timed([*build, "html"], runs)
    warm = subprocess.run(
        [sys.executable, "-c", WARM_REBUILD, str(project), "docx", str(runs)],
        check=True,
        capture_output=True,
        text=True,
    )
    row["docx rebuild in a running process"] = json.loads(warm.stdout) | {"peak_rss_mb": None}
    if size <= 50:  # the empty-cache target is set at N=5 and N=50
        row["build pdf, empty chart cache"] = timed(
            [*build, "pdf"], runs, before=lambda: shutil.rmtree(charts, ignore_errors=True)
        )
    row["check"] = timed([BRIEFING, "check", "-q", *where], runs)
    built = {p.suffix: p for p in (project / "build").iterdir() if p.is_file()}
    html, bare_pdf = work / "final.html", work / "bare.pdf"
    subprocess.run([sys.executable, "-c", FINAL_HTML, str(project), str(html)], check=True)
    row["bare weasyprint"] = timed(
        [sys.executable, "-c", BARE_RENDER, str(html), str(bare_pdf)], runs
    )
    plain_html, plain_pdf = work / "plain.html", work / "plain.pdf"
    subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "plain.py"), str(project), str(plain_html)],
        check=True,
    )
    row["plain brief"] = timed(
        [sys.executable, "-c", PLAIN_RENDER, str(plain_html), str(plain_pdf)], runs
    )
    markdown = work / "pandoc" / "briefing.md"
    markdown.parent.mkdir()
    subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "markdown.py"), str(project), str(markdown)],
        check=True,
    )
    os.chdir(markdown.parent)  # pandoc finds the chart images beside the Markdown
    row["pandoc docx"] = timed([pandoc, markdown.name, "-o", "pandoc.docx"], runs)
    fonts = REPO / "templates" / "fonts"
    (markdown.parent / "render.py").write_text(PANDOC_WEASYPRINT, encoding="utf-8")
    script = (
        f"{pandoc} -s {markdown.name} -o pandoc.html --metadata lang=en && "
        f"{sys.executable} render.py pandoc.html pandoc.pdf {fonts}"
    )
    row["pandoc -> weasyprint"] = timed(["sh", "-c", script], runs)
    os.chdir(REPO)
    row["outputs"] = {
        "pdf pages": pdf_pages(built[".pdf"]),
        "pdf bytes": built[".pdf"].stat().st_size,
        "docx bytes": built[".docx"].stat().st_size,
        "html bytes": built[".html"].stat().st_size,
        "bare pdf pages": pdf_pages(bare_pdf),
        "plain brief pages": pdf_pages(plain_pdf),
        "pandoc pdf pages": pdf_pages(markdown.parent / "pandoc.pdf"),
        "pandoc docx bytes": (markdown.parent / "pandoc.docx").stat().st_size,
        "markdown bytes": markdown.stat().st_size,
    }
    if size <= 5:  # the watch target is set at N=5; last, as it edits the content
        row["watch: save to new PDF"] = watch_save(project, runs)
    return row


def watch_save(project: Path, runs: int) -> dict[str, Any]:
    """The real `briefing watch` in a fresh process, timed from each save to the PDF written."""
    watched = subprocess.run(
        [sys.executable, "-c", WATCH_SAVE, str(project), str(max(runs, 5))],
        check=True,
        capture_output=True,
        text=True,
    )
    measured: dict[str, Any] = json.loads(watched.stdout) | {"peak_rss_mb": None}
    return measured


def merge_watch(runs: int) -> None:
    """Only the watch measure at N=5, merged into the results of the last full run."""
    path = REPO / "benchmarks" / "results.json"
    results = json.loads(path.read_text())
    with tempfile.TemporaryDirectory() as tmp:
        measured = watch_save(synthetic_project(Path(tmp) / "watch", 5), runs)
    results["sizes"]["5"]["watch: save to new PDF"] = measured
    name = "N=5: briefing watch, save to new PDF"
    results["targets"] = [t for t in results["targets"] if t["target"] != name]
    results["targets"].append({"target": name, "measured": measured["median"], "limit": 1.2,
                               "unit": "s", "met": measured["median"] <= 1.2})  # fmt: skip
    path.write_text(json.dumps(results, indent=2) + "\n")
    write_report(results)
    print(json.dumps(measured, indent=2))


def write_report(results: dict[str, Any]) -> None:
    """docs/benchmarks.md from the results, keeping the part written by hand below KEPT."""
    docs = REPO / "docs" / "benchmarks.md"
    kept = docs.read_text(encoding="utf-8").partition(KEPT)[2] if docs.exists() else ""
    docs.write_text(markdown_report(results) + ("\n" + KEPT + kept if kept else ""), "utf-8")


def profile(fmt: str, size: int, work: Path) -> dict[str, float]:
    """Cumulative seconds per stage of one in-process build, from cProfile."""
    project = synthetic_project(work / f"profile-{fmt}", size)
    warm = [BRIEFING, "build", "-q", "-f", fmt, "--project", str(project)]
    subprocess.run(warm, check=True, capture_output=True)  # charts cached, as in an edit loop
    stats_file = work / f"{fmt}.prof"
    code = (
        "import cProfile, sys; from pathlib import Path; from briefing.build import build; "
        "cProfile.run('build(Path(sys.argv[1]), [sys.argv[3]])', sys.argv[2])"
    )
    subprocess.run([sys.executable, "-c", code, str(project), str(stats_file), fmt], check=True)
    import pstats

    stats = pstats.Stats(str(stats_file)).stats  # type: ignore[attr-defined]
    total = max(ct for (_, _, _, ct, _) in stats.values())
    summary = {"total (under the profiler)": round(total, 3)}
    for bucket, suffix, name in PROFILE_BUCKETS:
        seconds = sum(
            ct
            for (file, _, func), (_, _, _, ct, _) in stats.items()
            if func == name and file.endswith(suffix)
        )
        if seconds:
            summary[bucket] = round(seconds, 3)
    return summary


def memory_by_stage(size: int, work: Path) -> dict[str, int]:
    """Peak RSS in MB at the end of each stage of one PDF build at `size` sources."""
    project = synthetic_project(work / "memory", size)
    warm = [BRIEFING, "build", "-q", "-f", "pdf", "--project", str(project)]
    subprocess.run(warm, check=True, capture_output=True)  # charts cached, as in the timings
    out = subprocess.run(
        [sys.executable, "-c", MEMORY_BY_STAGE, str(project)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    peaks: dict[str, int] = json.loads(out)
    return peaks


def targets(sizes: dict[str, Any], real: dict[str, Any]) -> list[dict[str, Any]]:
    """Each target of the benchmark issue, with the measured figure and whether it is met."""
    found: list[dict[str, Any]] = []

    def add(name: str, value: float, limit: float, unit: str = "×") -> None:
        found.append({"target": name, "measured": round(value, 3), "limit": limit,
                      "unit": unit, "met": value <= limit})  # fmt: skip

    for n, row in sizes.items():
        pdf, bare = row["build pdf"]["median"], row["bare weasyprint"]["median"]
        if int(n) <= 50:
            add(f"N={n}: PDF build / bare WeasyPrint (cache warm)", pdf / bare, 1.15)
            empty = row["build pdf, empty chart cache"]["median"]
            add(f"N={n}: PDF build / bare WeasyPrint (empty chart cache)", empty / bare, 1.4)
        add(
            f"N={n}: PDF build / pandoc -> WeasyPrint",
            pdf / row["pandoc -> weasyprint"]["median"],
            1.0,
        )
        pages, plain_pages = row["outputs"]["pdf pages"], row["outputs"]["plain brief pages"]
        add(
            f"N={n}: PDF build / plain brief, per page",
            (pdf / pages) / (row["plain brief"]["median"] / plain_pages),
            1.2,
        )
        if "watch: save to new PDF" in row:
            add(f"N={n}: briefing watch, save to new PDF", row["watch: save to new PDF"]["median"],
                1.2, "s")  # fmt: skip
        add(
            f"N={n}: DOCX build / pandoc DOCX",
            row["build docx"]["median"] / row["pandoc docx"]["median"],
            0.8,
        )
    small, large = min(sizes, key=int), max(sizes, key=int)
    if small != large:
        for fmt in ("pdf", "docx", "html"):
            per_small = sizes[small][f"build {fmt}"]["median"] / int(small)
            per_large = sizes[large][f"build {fmt}"]["median"] / int(large)
            add(f"{fmt}: time per source at N={large} / at N={small}", per_large / per_small, 1.25)
        add(f"PDF peak RSS at N={large}", sizes[large]["build pdf"]["peak_rss_mb"], 900, "MB")
    add("briefing check, five-source briefing", real["check"]["median"], 0.35, "s")
    add("briefing --help", real["--help"]["median"], 0.25, "s")
    return found


def docx_ratios(sizes: dict[str, Any], real: dict[str, Any]) -> dict[str, float]:
    """Each DOCX measure over pandoc's time at the same N, with the floor of a Python process."""
    ratios = {}
    docx_floor = real["python importing python-docx"]["median"]
    for n, row in sizes.items():
        pandoc = row["pandoc docx"]["median"]
        ratios[f"N={n}: briefing build"] = round(row["build docx"]["median"] / pandoc, 3)
        ratios[f"N={n}: rebuild in a running process"] = round(
            row["docx rebuild in a running process"]["median"] / pandoc, 3
        )
        ratios[f"N={n}: a Python process that only imports python-docx"] = round(
            docx_floor / pandoc, 3
        )
    return ratios


def marginal(sizes: dict[str, Any]) -> dict[str, Any]:
    """Seconds each extra source adds, between consecutive sizes: flat slopes mean linear."""
    ordered = sorted(sizes, key=int)
    slopes: dict[str, Any] = {}
    for fmt in ("pdf", "docx", "html"):
        slopes[fmt] = {
            f"{a}->{b}": round(
                (sizes[b][f"build {fmt}"]["median"] - sizes[a][f"build {fmt}"]["median"])
                / (int(b) - int(a)),
                4,
            )
            for a, b in itertools.pairwise(ordered)
        }
    return slopes


def markdown_report(results: dict[str, Any]) -> str:
    lines = [
        "# Benchmarks",
        "",
        f"Machine: {results['machine']}. Taken {results['date']} with `python benchmarks/run.py"
        f" --sizes {' '.join(results['sizes'])} --runs {results['runs']} --large-runs "
        f"{results['large_runs']}`; every figure is a whole process, median of the runs "
        "(min–max), peak RSS in MB.",
        "",
        "| N | measure | median s | min–max s | peak RSS MB |",
        "|---|---|---|---|---|",
    ]
    for n, row in results["sizes"].items():
        for name, m in row.items():
            if isinstance(m, dict) and "median" in m:
                lines.append(
                    f"| {n} | {name} | {m['median']:.2f} | {m['min']:.2f}–{m['max']:.2f} "
                    f"| {m['peak_rss_mb'] or '–'} |"
                )
    for name, m in results["real"].items():
        lines.append(
            f"| 5 (real) | {name} | {m['median']:.2f} | {m['min']:.2f}–{m['max']:.2f} "
            f"| {m['peak_rss_mb']} |"
        )
    for n, m in results.get("save to updated page", {}).items():
        lines.append(
            f"| {n} | save to updated page (`briefing serve`, headless Chromium) "
            f"| {m['median']:.2f} | {m['min']:.2f}–{m['max']:.2f} | – |"
        )
    lines += ["", "## Targets", "", "| target | measured | limit | met |", "|---|---|---|---|"]
    for t in results["targets"]:
        lines.append(
            f"| {t['target']} | {t['measured']}{' ' + t['unit'] if t['unit'] != '×' else '×'} "
            f"| {t['limit']} | {'yes' if t['met'] else '**no**'} |"
        )
    lines += ["", "## DOCX against pandoc", "", "| measure | × pandoc DOCX |", "|---|---|"]
    lines += [
        f"| {name} | {ratio:.2f}× |" for name, ratio in results["docx against pandoc"].items()
    ]
    lines += [
        "",
        "## Outputs",
        "",
        "| N | " + " | ".join(next(iter(results["sizes"].values()))["outputs"]) + " |",
    ]
    lines.append("|---" * (1 + len(next(iter(results["sizes"].values()))["outputs"])) + "|")
    for n, row in results["sizes"].items():
        lines.append(f"| {n} | " + " | ".join(str(v) for v in row["outputs"].values()) + " |")
    lines += [
        "",
        "## Seconds added per source",
        "",
        "```",
        json.dumps(results["marginal"], indent=2),
        "```",
    ]
    if "memory by stage" in results:
        memory = results["memory by stage"]
        lines += [
            "",
            f"## Peak memory by stage: one pdf build at N={memory['sources']}",
            "",
            "Peak RSS at the end of each stage, in one process (the peak so far only grows).",
            "",
            "| stage | peak RSS MB |",
            "|---|---|",
        ]
        lines += [f"| {stage} | {mb} |" for stage, mb in memory["peak_rss_mb"].items()]
    for fmt, summary in results.get("profiles", {}).items():
        lines += [
            "",
            f"## Where the time goes: one {fmt} build at N={results.get('profile size', 5)}",
            "",
            "Cumulative seconds under cProfile (which slows small calls most), charts cached.",
            "",
            "| stage | seconds |",
            "|---|---|",
        ]
        lines += [f"| {stage} | {seconds} |" for stage, seconds in summary.items()]
    return "\n".join(lines) + "\n"


def measure_save_to_page(sizes: list[int], runs: int) -> dict[str, Any]:
    measured = {}
    for size in sizes:
        if size in SAVE_TO_PAGE_LIMITS:
            with tempfile.TemporaryDirectory() as tmp:
                print(f"save to page, N={size} …", file=sys.stderr)
                measured[str(size)] = save_to_page(size, runs, Path(tmp))
    return measured


def merge_save_to_page(sizes: list[int], runs: int) -> None:
    """Only the save-to-page measure, merged into the results of the last full run."""
    path = REPO / "benchmarks" / "results.json"
    results = json.loads(path.read_text())
    measured = measure_save_to_page(sizes, runs)
    results["save to updated page"] = {**results.get("save to updated page", {}), **measured}
    results["save to updated page runs"] = runs
    names = {t["target"] for t in save_to_page_targets(measured)}
    results["targets"] = [t for t in results["targets"] if t["target"] not in names]
    results["targets"] += save_to_page_targets(measured)
    path.write_text(json.dumps(results, indent=2) + "\n")
    write_report(results)
    print(json.dumps(measured, indent=2))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[5, 50, 200])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--large-runs", type=int, default=3, help="runs for N above 50, where a PDF takes minutes"
    )
    parser.add_argument("--profile-size", type=int, default=5)
    parser.add_argument("--no-profile", action="store_true")
    parser.add_argument(
        "--save-to-page",
        action="store_true",
        help="run only the save-to-updated-page measure and merge it into results.json",
    )
    parser.add_argument(
        "--watch",
        action="store_true",
        help="run only the briefing watch save-to-new-PDF measure (N=5) and merge it into "
        "results.json",
    )
    args = parser.parse_args()
    if args.watch:
        compileall.compile_dir(REPO / "briefing", quiet=1)
        merge_watch(args.runs)
        return
    if args.save_to_page:
        merge_save_to_page(args.sizes, args.runs)
        return
    pandoc = pandoc_binary()
    # Bytecode for every module, as an installed package has it: without it (an edited checkout,
    # or PYTHONDONTWRITEBYTECODE) every timed process would compile the changed modules again.
    compileall.compile_dir(REPO / "briefing", quiet=1)
    cpu = next(
        (line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
         if line.startswith("model name")), platform.processor())  # fmt: skip
    results: dict[str, Any] = {
        "machine": f"{cpu}, {len(os.sched_getaffinity(0))} cores, {platform.system()} "
        f"{platform.machine()}, Python {platform.python_version()}",
        "date": time.strftime("%Y-%m-%d"),
        "runs": args.runs,
        "large_runs": args.large_runs,
        "sizes": {},
    }
    for size in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            print(f"N={size} …", file=sys.stderr)
            runs = args.runs if size <= 50 else args.large_runs
            results["sizes"][str(size)] = measure_size(size, runs, Path(tmp), pandoc)
            results["sizes"][str(size)]["runs"] = runs
    results["real"] = {
        "check": timed([BRIEFING, "check", "-q", "--project", str(REPO)], args.runs),
        "--help": timed([BRIEFING, "--help"], args.runs),
        # Floors: what a Python process costs before any work, alone and with python-docx.
        "python, nothing imported": timed([sys.executable, "-c", "pass"], args.runs),
        "python importing python-docx": timed([sys.executable, "-c", "import docx"], args.runs),
    }
    with tempfile.TemporaryDirectory() as tmp:
        results["memory by stage"] = {
            "sources": max(args.sizes),
            "peak_rss_mb": memory_by_stage(max(args.sizes), Path(tmp)),
        }
    if not args.no_profile:
        with tempfile.TemporaryDirectory() as tmp:
            results["profile size"] = args.profile_size
            results["profiles"] = {
                fmt: profile(fmt, args.profile_size, Path(tmp)) for fmt in ("pdf", "docx")
            }
    results["save to updated page"] = measure_save_to_page(args.sizes, args.runs)
    results["targets"] = targets(results["sizes"], results["real"])
    results["targets"] += save_to_page_targets(results["save to updated page"])
    results["docx against pandoc"] = docx_ratios(results["sizes"], results["real"])
    results["marginal"] = marginal(results["sizes"])
    (REPO / "benchmarks" / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    write_report(results)
    print(markdown_report(results))


if __name__ == "__main__":
    main()
