"""`briefing new` scaffolds a content file that validates, and never overwrites one."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from briefing.cli import app

SEED = """date 2026-01-05 https://example.org/news/ai-compute-2026

Provinces race to build computing clusters for AI

Officials said 12 new clusters opened in 2025.
"""


def test_new_scaffolds_metadata_and_refuses_to_overwrite(project: Path) -> None:
    seed = project / "seeds" / "005_compute.txt"
    seed.write_text(SEED, encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(app, ["new", "seeds/005_compute.txt", "--project", str(project)])
    assert result.exit_code == 0, result.output
    target = project / "content" / "005-compute.yaml"
    text = target.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../schema/source.schema.json")
    data = yaml.safe_load(text)
    assert data["source"]["title"] == "Provinces race to build computing clusters for AI"
    assert data["source"]["url"] == "https://example.org/news/ai-compute-2026"
    assert str(data["source"]["published"]) == "2026-01-05"
    assert data["figures"] == [] and data["quotes"] == []

    again = runner.invoke(app, ["new", "seeds/005_compute.txt", "--project", str(project)])
    assert again.exit_code == 2
    assert "content/005-compute.yaml already exists" in again.output
    assert target.read_text(encoding="utf-8") == text

    check = runner.invoke(app, ["check", "--project", str(project)])
    assert "Traceback" not in check.output
    assert (
        "content/005-compute.yaml:5:3: warning: no key takeaway cites this source" in check.output
    )
    # The scaffold's own text must be replaced before the source can ship.
    assert (
        'content/005-compute.yaml:18:3: summary: still holds the placeholder "Two to four '
        "sentences in your own words\" from briefing new; write the source's own text"
    ) in check.output
    assert check.exit_code == 1


def test_new_refuses_a_missing_seed(project: Path) -> None:
    result = CliRunner().invoke(app, ["new", "seeds/nope.txt", "--project", str(project)])
    assert result.exit_code == 2
    assert "error: seeds/nope.txt: no such seed file" in result.output


def test_new_source_end_to_end(project: Path) -> None:
    """briefing new, fill in, briefing check, briefing build --format all."""
    (project / "seeds" / "005_compute.txt").write_text(SEED, encoding="utf-8")
    runner = CliRunner()
    assert (
        runner.invoke(app, ["new", "seeds/005_compute.txt", "--project", str(project)]).exit_code
        == 0
    )
    target = project / "content" / "005-compute.yaml"
    text = target.read_text(encoding="utf-8")
    text = text.replace(
        "Two to four sentences in your own words: what the source says, and nothing else.",
        "Provinces report twelve new computing clusters opened in 2025.",
    ).replace(
        "figures: []",
        "figures:\n"
        "  - id: clusters-2025\n"
        "    label: New computing clusters opened\n"
        "    metric: new-computing-clusters\n"
        "    value: 12\n"
        "    unit: clusters\n"
        '    period: "2025"\n'
        "    excerpt: Officials said 12 new clusters opened in 2025.",
    )
    target.write_text(text, encoding="utf-8")
    metrics = project / "content" / "metrics.yaml"
    metrics.write_text(
        metrics.read_text(encoding="utf-8") + "  - key: new-computing-clusters\n"
        "    label: New computing clusters opened\n"
        "    definition: Computing clusters opened in the year, across provinces.\n"
        "    basis: clusters opened\n"
        "    unit: clusters\n",
        encoding="utf-8",
    )
    front = project / "content" / "front-matter.yaml"
    front.write_text(
        front.read_text(encoding="utf-8").replace(
            "takeaways:\n",
            "takeaways:\n"
            "  - text: Provinces opened 12 new computing clusters in 2025 [@005-compute/clusters-2025].\n",
            1,
        ),
        encoding="utf-8",
    )
    check = runner.invoke(app, ["check", "--strict", "--project", str(project)])
    assert check.exit_code == 0, check.output
    assert "6 sources, 90 excerpts proven" in check.output
    built = runner.invoke(app, ["build", "--format", "all", "--project", str(project)])
    assert built.exit_code == 0, built.output
    html = next((project / "build").glob("*.html")).read_text(encoding="utf-8")
    assert "New computing clusters opened" in html
    assert {p.suffix for p in (project / "build").glob("briefing-*")} == {".pdf", ".docx", ".html"}


@pytest.mark.parametrize(
    ("given", "made", "error"),
    [
        ("compute-clusters-2026", "content/compute-clusters-2026.yaml", None),
        (
            "Compute_Clusters",
            None,
            "error: --id 'Compute_Clusters': expected lowercase letters, digits and single "
            "hyphens, at most 64 characters (it names content/<id>.yaml)\n",
        ),
        (
            "a" * 65,
            None,
            f"error: --id '{'a' * 65}': expected lowercase letters, digits and single "
            "hyphens, at most 64 characters (it names content/<id>.yaml)\n",
        ),
    ],
)
def test_new_takes_the_id_it_is_given(
    project: Path, given: str, made: str | None, error: str | None
) -> None:
    (project / "seeds" / "005_compute.txt").write_text(SEED, encoding="utf-8")
    result = CliRunner().invoke(
        app, ["new", "seeds/005_compute.txt", "--id", given, "--project", str(project)]
    )
    if made is None:
        assert result.exit_code == 2
        assert result.stderr == error
        assert not (project / "content" / "005-compute.yaml").exists()
    else:
        assert result.exit_code == 0, result.output
        assert (project / made).is_file()
