"""A synthetic briefing project of N sources with the real content's shape and varied text.

Each source gets its own seed text and summary, drawn with a per-source random generator
(so every run builds the same project): long paragraphs of real sentences from the shipped
seeds in a new order, figure sentences with a Chinese original for some of them, quotes with
Chinese originals, challenges and recommendations, notes and relations. Every excerpt is
written into the seed, so `briefing check` proves the synthetic project as it does the real
one. Two metrics feed the charts; they occur in the first sources only, so the charts keep
the real briefing's size at every N and the comparison table grows with N.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]

# metric key, English subject, Chinese subject, unit, Chinese unit, typical magnitude
METRICS = [
    ("core-ai-industry-size", "the core AI industry", "人工智能核心产业规模", "trillion yuan", "万亿元", 1.2),
    ("ai-firm-count", "the number of AI companies", "人工智能企业数量", "firms", "家", 5000),
    ("computing-power", "intelligent computing power", "智能算力规模", "EFLOPS", "EFLOPS", 1500),
    ("open-model-downloads", "downloads of open-source models", "开源模型下载量", "billion downloads", "亿次", 10),
    ("ai-patent-share", "the share of AI patent applications", "人工智能专利申请占比", "%", "%", 55),
    ("dataset-count", "high-quality datasets", "高质量数据集", "datasets", "个", 90000),
    ("cluster-count", "ten-thousand-card clusters", "万卡集群", "clusters", "个", 40),
    ("chip-share", "the domestic share of AI chips", "国产人工智能芯片占比", "%", "%", 50),
    ("manufacturing-cases", "manufacturing's share of application cases", "制造业应用案例占比", "%", "%", 25),
    ("robot-density", "industrial robot density", "工业机器人密度", "robots per 10,000 workers", "台/万人", 400),
    ("ai-investment", "venture investment in AI", "人工智能风险投资", "billion yuan", "亿元", 80),
    ("token-volume", "daily token consumption", "日均词元调用量", "trillion tokens", "万亿", 30),
    ("talent-pool", "AI professionals", "人工智能人才", "thousand people", "千人", 500),
    ("export-value", "AI-related exports", "人工智能相关出口", "billion US dollars", "亿美元", 60),
    ("model-count", "registered generative models", "备案生成式模型", "models", "个", 300),
]  # fmt: skip
CHART_METRICS = ("core-ai-industry-size", "ai-firm-count")
CHARTED_SOURCES = 8
STATUSES = ["actual", "actual", "actual", "estimate", "forecast", "target"]
BOUNDS = ["exact", "exact", "about", "nearly", "more-than"]
SPEAKERS = [
    ("Zhong Xinlong", "associate researcher", "China Center for Information Industry Development"),
    ("Wang Yuxia", "research fellow", "CCID Research Institute"),
    ("Li Ming", "chief engineer", "a provincial industrial-internet platform"),
    ("Chen Hao", "director", "an AI laboratory in Shanghai"),
    ("Zhao Lei", "deputy head", "a municipal economic and information bureau"),
    ("Sun Qing", "professor", "Tsinghua University"),
]
PUBLISHERS = ["Global Times", "Xinhua", "China Daily", "Qiushi", "CGTN", "Caixin", "Sixth Tone"]
TYPES = ["news report", "analysis", "op-ed", "research report", "interview"]
CHALLENGE_TITLES = [
    "Access to advanced chips", "Closed software ecosystems", "Scarce high-quality data",
    "Unreliable models in critical uses", "No profit model beyond subsidies", "Talent shortages",
    "Fragmented computing capacity", "Standards set abroad", "Energy cost of data centres",
]  # fmt: skip
RECOMMENDATION_TITLES = [
    "Pool public datasets", "Fund open-source ecosystems", "Build shared computing platforms",
    "Set safety evaluation rules", "Train industry engineers", "Support domestic chip design",
    "Open procurement to small firms", "Join international standards bodies",
]  # fmt: skip


def sentence_pools() -> tuple[list[str], list[str]]:
    """Real English sentences and real Chinese sentences from the shipped seeds."""
    english: list[str] = []
    chinese: list[str] = []
    for seed in sorted((REPO / "seeds").glob("*.txt")):
        text = seed.read_text(encoding="utf-8")
        for line in text.splitlines():
            if re.search(r"[\u4e00-\u9fff]{8}", line):
                chinese += [s + "。" for s in line.split("。") if 12 <= len(s) <= 120]
            else:
                english += [
                    s.strip().rstrip(".") + "."
                    for s in re.split(r"(?<=[a-z])\. ", line)
                    if 60 <= len(s.strip()) <= 320 and s.strip()[0].isupper()
                ]
    return sorted(set(english)), sorted(set(chinese))


def _number(rng: random.Random, magnitude: float) -> str:
    value = magnitude * rng.uniform(0.5, 1.6)
    if magnitude >= 100:
        return str(int(value))
    return f"{value:.1f}"


def _figure(rng: random.Random, index: int, metric: tuple, chinese: bool) -> tuple[dict, list[str]]:
    key, subject, subject_zh, unit, unit_zh, magnitude = metric
    value = _number(rng, magnitude)
    year = rng.choice(["2024", "2025", "2026", "2027"])
    shown = f"{int(value):,}" if "." not in value else value
    sentence = (
        f"In {year}, {subject} stood at {shown} {unit}, "
        f"{rng.choice(['according to official data', 'the report said', 'industry figures show'])}."
    )
    figure = {
        "id": f"{key}-{index}",
        "label": f"{subject[0].upper()}{subject[1:]} ({year})",
        "metric": key,
        "value": value,
        "unit": unit,
        "period": year,
        "status": rng.choice(STATUSES),
        "bound": rng.choice(BOUNDS),
        "excerpt": sentence,
    }
    lines = [sentence]
    if chinese:
        original = f"{year}年，{subject_zh}达到{value}{unit_zh}。"
        figure["original_excerpt"] = original
        lines.append(original)
    if rng.random() < 0.4:
        figure["note"] = rng.choice(
            [
                "The source gives no date for the count; the period is inferred from the text.",
                "Stated as a lower bound; other sources report the same quantity differently.",
                "The figure is attributed only to unnamed official and industrial reports.",
            ]
        )
    return figure, lines


def source_files(
    index: int, english: list[str], chinese: list[str], total: int
) -> tuple[str, dict]:
    """The seed text and the summary of synthetic source number `index`."""
    rng = random.Random(index)
    paragraphs = [
        " ".join(rng.sample(english, rng.randint(3, 7))) for _ in range(rng.randint(10, 24))
    ]
    inserts: list[list[str]] = []
    metrics = [m for m in METRICS if m[0] not in CHART_METRICS]
    chosen = rng.sample(metrics, rng.randint(5, 10))
    if index < CHARTED_SOURCES:
        chosen += [m for m in METRICS if m[0] in CHART_METRICS]
    figures = []
    for n, metric in enumerate(chosen):
        figure, lines = _figure(rng, n, metric, chinese=rng.random() < 0.35)
        figures.append(figure)
        inserts.append(lines)
    quotes = []
    for n in range(rng.randint(2, 4)):
        speaker, role, organisation = rng.choice(SPEAKERS)
        words = rng.choice(english)
        said = f'"{words}" said {speaker}, {role} at {organisation}.'
        quote = {
            "id": f"quote-{n}",
            "text": words,
            "speaker": speaker,
            "role": role,
            "organisation": organisation,
            "excerpt": said,
        }
        lines = [said]
        if rng.random() < 0.5:
            quote["original"] = rng.choice(chinese)
            lines.append(quote["original"])
        quotes.append(quote)
        inserts.append(lines)
    points: dict[str, list[dict]] = {"challenges": [], "recommendations": []}
    for kind, titles in (
        ("challenges", CHALLENGE_TITLES),
        ("recommendations", RECOMMENDATION_TITLES),
    ):
        for n, title in enumerate(rng.sample(titles, rng.randint(2, 5))):
            evidence = rng.choice(english)
            points[kind].append(
                {
                    "id": f"{kind[:-1]}-{n}",
                    "title": title,
                    "detail": " ".join(rng.sample(english, 2)),
                    "excerpt": evidence,
                }
            )
            inserts.append([evidence])
    for lines in inserts:  # the excerpts sit inside the prose, as in a real article
        at = rng.randrange(len(paragraphs))
        paragraphs.insert(at, " ".join(lines))
    title = " ".join(rng.sample(english, 1)[0].split()[:10]).rstrip(".,;:")
    seed_text = f"{title}\n\n" + "\n\n".join(paragraphs) + "\n"
    summary = {
        "source": {
            "seed": f"{index:04d}_synthetic.txt",
            "title": title,
            "publisher": rng.choice(PUBLISHERS),
            "authors": [rng.choice(SPEAKERS)[0]],
            "published": f"2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            "url": f"https://example.org/articles/{index:04d}",
            "language": "en",
            "type": rng.choice(TYPES),
            "completeness": rng.choice(["complete", "complete", "partial"]),
            "relations": (
                [{"kind": "same-original", "source": source_id(index - 1)}]
                if index % 7 == 3
                else []
            ),
            "notes": [" ".join(rng.sample(english, 2)) for _ in range(rng.randint(1, 3))],
        },
        "summary": " ".join(rng.sample(english, rng.randint(5, 9))),
        "figures": figures,
        "quotes": quotes,
        **points,
    }
    return seed_text, summary


def source_id(index: int) -> str:
    return f"source-{index:04d}"


def front_matter(total: int, english: list[str]) -> dict:
    rng = random.Random(-1)
    ids = [source_id(i) for i in range(total)]
    takeaways = [
        {"text": " ".join(rng.sample(english, 3)), "sources": ids[n::8][:20]}
        for n in range(min(8, total))
    ]
    return {
        "title": "Synthetic briefing: China's AI industry at scale",
        "subtitle": f"{total} synthetic sources with the shape of the real content",
        "short_title": f"Synthetic briefing ({total} sources)",
        "date": "2026-11-23",
        "organisation": "Briefing Research Unit",
        "author": "Benchmarks",
        "version": "1.0",
        "marking": "TLP:CLEAR",
        "language": "en",
        "keywords": ["benchmark", "synthetic"],
        "takeaways": takeaways,
        "executive_summary": " ".join(rng.sample(english, 8)),
        "charts": [
            {
                "id": "industry-size",
                "metric": "core-ai-industry-size",
                "title": "Core AI industry size, by source and year",
                "caption": "Synthetic values, as each synthetic source states them.",
            },
            {
                "id": "firm-count",
                "metric": "ai-firm-count",
                "title": "Number of AI companies, by source and year",
                "caption": "Synthetic values, as each synthetic source states them.",
            },
        ],
    }


def synthetic_project(target: Path, sources: int) -> Path:
    english, chinese = sentence_pools()
    (target / "content").mkdir(parents=True)
    (target / "seeds").mkdir()
    dump = {"allow_unicode": True, "sort_keys": False, "width": 100}
    for index in range(sources):
        seed_text, summary = source_files(index, english, chinese, sources)
        (target / "seeds" / summary["source"]["seed"]).write_text(seed_text, encoding="utf-8")
        text = yaml.safe_dump(summary, **dump)
        (target / "content" / f"{source_id(index)}.yaml").write_text(text, encoding="utf-8")
    front = yaml.safe_dump(front_matter(sources, english), **dump)
    (target / "content" / "front-matter.yaml").write_text(front, encoding="utf-8")
    declared = {"metrics": [metric_declaration(m) for m in METRICS]}
    text = yaml.safe_dump(declared, **dump)
    (target / "content" / "metrics.yaml").write_text(text, encoding="utf-8")
    return target


def metric_declaration(metric: tuple) -> dict:
    key, subject, _, unit, _, _ = metric
    return {
        "key": key,
        "label": subject[:1].upper() + subject[1:],
        "definition": f"Synthetic values for {subject}.",
        "basis": subject,
        "unit": unit,
    }
