"""Collective-complaint detection: precision/recall on the labelled set, and the cost of one check at 100,000.

    .venv/bin/python bench/complaint_similarity.py                               # the whole run (≈ 1 minute)
    .venv/bin/python bench/complaint_similarity.py --synthetic 20000 --queries 300   # quicker

No database and no network: everything runs in this process (``propdesk.complaints.similarity`` is pure).

(q) quality on ``propdesk/complaints/tests/data/labelled_complaints.json`` (hand-written, labelled by event),
    per split: ``tuning`` (used to develop the detector), ``holdout-1`` (written after the parameters were
    fixed, measured once, then used to widen the lexicon), ``holdout-2`` (written later, never used to tune):
    * pairwise: every pair the detector would compare (same community and category, arrival within the
      window) is predicted "same event" when ``score >= THRESHOLD``; precision/recall against the labels,
      with a sweep over thresholds;
    * groups: ``similarity.groups`` (arrival order, 5+ households). A detected group is *correct* when its
      majority event is a real event with 5+ households among the group's members; member precision is the
      share of linked complaints that belong to their group's event; event recall is the share of labelled
      events with 5+ households that got a correct group.
(s) speed: ``--synthetic`` complaints (default 100,000) in ONE community, all inside the 24-hour window,
    generated from the labelled texts with variations (synonyms, fillers, other building numbers, a dropped
    character), indexed in memory as the database would (key → postings in arrival order, signatures kept
    as JSON text as a JSON column returns them). Then ``--queries`` new complaints (default 2,000) are
    checked: signature, index keys, the most recent ``CANDIDATES_PER_KEY`` postings per key in the window,
    ``shortlist`` (at most ``MAX_CANDIDATES``), ``json.loads`` + ``score`` of each. p50/p95/p99/max per
    phase. ``--uncapped`` queries (default 50) also score every posting in the window, to show what the
    caps save and whether they change the answer ("4+ earlier matches", the point where the fifth makes a
    collective complaint).
"""

import argparse
import bisect
import json
import random
import re
import sys
import time
from collections import Counter
from itertools import combinations
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _common import fmt_row, loadavg, machine_info, summary_ms

from propdesk.complaints import similarity as sim

DATA = Path(__file__).resolve().parent.parent / "propdesk/complaints/tests/data/labelled_complaints.json"
TARGET_MS = 20.0
SWEEP = [0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6]

SWAPS = [
    ("停电", "断电"),
    ("没电", "停电了"),
    ("坏了", "出故障了"),
    ("故障", "坏了"),
    ("漏水", "渗水"),
    ("没水", "停水了"),
    ("停水", "没水"),
    ("太吵了", "噪音太大了"),
    ("吵", "闹"),
    ("物业费", "物业管理费"),
    ("垃圾", "垃圾桶"),
    ("电梯", "电梯"),
]
PREFIXES = ["", "", "你好，", "喂，", "您好，我想反映一下，", "物业你好，", "我要投诉，"]
SUFFIXES = ["", "", "谢谢", "，麻烦尽快处理", "！！", "。", "，请回电"]


def load():
    records = json.loads(DATA.read_text(encoding="utf-8"))["records"]
    for record in records:
        record["signature"] = sim.signature(record["text"], home_building=record["building"])
    return records


def pairwise(records, threshold):
    tp = fp = fn = 0
    for a, b in combinations(records, 2):
        if (a["community"], a["category"]) != (b["community"], b["category"]):
            continue
        if abs(a["minutes_offset"] - b["minutes_offset"]) > sim.DEFAULT_WINDOW_MINUTES:
            continue
        same = a["event"] is not None and a["event"] == b["event"]
        hit = sim.score(a["signature"], b["signature"]) >= threshold
        tp += hit and same
        fp += hit and not same
        fn += same and not hit
    precision = tp / (tp + fp) if tp + fp else float("nan")
    recall = tp / (tp + fn) if tp + fn else float("nan")
    return {"tp": tp, "fp": fp, "fn": fn, "precision": precision, "recall": recall}


def group_quality(records, threshold):
    by_id = {r["id"]: r for r in records}
    events: dict[str, set] = {}
    for record in records:
        if record["event"]:
            events.setdefault(record["event"], set()).add(record["household"])
    collective = {event for event, households in events.items() if len(households) >= sim.MIN_HOUSEHOLDS}
    found = sim.groups(records, threshold=threshold)
    correct, linked, right, detected, strays = 0, 0, 0, set(), []
    for ids in found:
        event, count = Counter(by_id[i]["event"] for i in ids).most_common(1)[0]
        linked += len(ids)
        right += count if event else 0
        households = {by_id[i]["household"] for i in ids if by_id[i]["event"] == event}
        if event is not None and len(households) >= sim.MIN_HOUSEHOLDS:
            correct += 1
            detected.add(event)
        strays += [(event, by_id[i]["event"], by_id[i]["text"]) for i in ids if by_id[i]["event"] != event]
    return {
        "groups": len(found),
        "correct": correct,
        "group_precision": correct / len(found) if found else float("nan"),
        "member_precision": right / linked if linked else float("nan"),
        "events": len(collective),
        "event_recall": len(detected & collective) / len(collective),
        "missed": sorted(collective - detected),
        "strays": strays,
    }


def report_quality(records):
    events = Counter(r["event"] for r in records if r["event"])
    print(
        f"labelled set: {len(records)} complaints, {len(events)} events, "
        f"{sum(1 for r in records if not r['event'])} singletons / hard negatives; THRESHOLD = {sim.THRESHOLD}"
    )
    splits = sorted({r["split"] for r in records}, key=lambda name: (name != "tuning", name))
    print("\n(q1) at the threshold, by split (pairs: same community and category, arrival within 24 h)")
    print(
        fmt_row(
            ["split", "complaints", "pair P", "pair R", "TP/FP/FN", "groups", "correct", "member P", "events found"]
        )
    )
    print(fmt_row(["---"] * 9))
    for split in [*splits, "all"]:
        chosen = records if split == "all" else [r for r in records if r["split"] == split]
        p, g = pairwise(chosen, sim.THRESHOLD), group_quality(chosen, sim.THRESHOLD)
        found = round(g["event_recall"] * g["events"])
        print(
            fmt_row(
                [
                    split,
                    len(chosen),
                    f"{p['precision']:.3f}",
                    f"{p['recall']:.3f}",
                    f"{p['tp']}/{p['fp']}/{p['fn']}",
                    g["groups"],
                    g["correct"],
                    f"{g['member_precision']:.3f}",
                    f"{found}/{g['events']} ({g['event_recall']:.2f})",
                ]
            )
        )
    print("\n(q2) threshold sweep, all splits together")
    print(fmt_row(["threshold", "pair P", "pair R", "TP/FP/FN", "groups", "correct", "member P", "event recall"]))
    print(fmt_row(["---"] * 8))
    for threshold in sorted({*SWEEP, sim.THRESHOLD}):
        p, g = pairwise(records, threshold), group_quality(records, threshold)
        mark = " ←" if threshold == sim.THRESHOLD else ""
        print(
            fmt_row(
                [
                    f"{threshold:.2f}{mark}",
                    f"{p['precision']:.3f}",
                    f"{p['recall']:.3f}",
                    f"{p['tp']}/{p['fp']}/{p['fn']}",
                    g["groups"],
                    g["correct"],
                    f"{g['member_precision']:.3f}",
                    f"{g['event_recall']:.3f}",
                ]
            )
        )
    g = group_quality(records, sim.THRESHOLD)
    print("\n(q3) at the threshold: events with 5+ households not detected:", ", ".join(g["missed"]) or "none")
    for group_event, own, text in g["strays"]:
        print(f"  linked to {group_event} but labelled {own}: {text}")


def vary(text: str, rng: random.Random) -> str:
    if rng.random() < 0.5:
        old, new = rng.choice(SWAPS)
        text = text.replace(old, new, 1)
    text = re.sub(r"\d+(?=栋|号楼)", lambda _m: str(rng.randint(1, 30)), text)
    if rng.random() < 0.15 and len(text) > 6:
        cut = rng.randrange(len(text))
        text = text[:cut] + text[cut + 1 :]
    return rng.choice(PREFIXES) + text + rng.choice(SUFFIXES)


def synthesise(records, count: int, rng: random.Random, start: float, span: float):
    made = []
    for n in range(count):
        source = rng.choice(records)
        building = str(rng.randint(1, 30))
        made.append(
            {
                "id": n,
                "text": vary(source["text"], rng),
                "building": building,
                "household": f"{building}-{rng.randint(1, 4)}-{rng.randint(1, 33)}{rng.randint(1, 4):02d}",
                "minutes_offset": start + span * n / max(1, count),
            }
        )
    return made


class Index:
    """The inverted index of one community, as the table (community, key, created_at) would hold it."""

    def __init__(self):
        self.times: dict[str, list[float]] = {}
        self.ids: dict[str, list[int]] = {}
        self.stored: list[str] = []  # signature JSON by id

    def add(self, record, sig) -> None:
        assert record["id"] == len(self.stored)
        self.stored.append(json.dumps(sig, ensure_ascii=False))
        for key in sim.index_keys(sig):
            self.times.setdefault(key, []).append(record["minutes_offset"])
            self.ids.setdefault(key, []).append(record["id"])

    def postings(self, keys, since: float, per_key: int | None) -> dict[str, list[int]]:
        found = {}
        for key in keys:
            times = self.times.get(key)
            if not times:
                continue
            first = bisect.bisect_left(times, since)
            if per_key is not None:
                first = max(first, len(times) - per_key)
            found[key] = self.ids[key][first:][::-1]  # newest first, as ORDER BY created_at DESC
        return found


def build_index(records, count: int, seed: int):
    rng = random.Random(seed)
    started = time.perf_counter()
    made = synthesise(records, count, rng, 0.0, sim.DEFAULT_WINDOW_MINUTES - 1)
    index = Index()
    cache: dict[tuple, dict] = {}
    for record in made:
        key = (record["text"], record["building"])
        if key not in cache:
            cache[key] = sim.signature(record["text"], home_building=record["building"])
        index.add(record, cache[key])
    postings = sum(len(ids) for ids in index.ids.values())
    print(
        f"\n(s1) index: {count:,} complaints in one community within 24 h, {len(cache):,} distinct texts, "
        f"{len(index.ids):,} keys, {postings:,} postings ({postings / count:.1f} per complaint), "
        f"built in {time.perf_counter() - started:.1f} s"
    )
    biggest = sorted(index.ids.items(), key=lambda item: -len(item[1]))[:5]
    print("  longest posting lists:", ", ".join(f"{k} {len(v):,}" for k, v in biggest))
    return index, rng


def check(index: Index, text: str, building: str, now: float, per_key, limit):
    """One intake check; returns phase timings (s), the number of candidates scored and of matches."""
    t0 = time.perf_counter()
    sig = sim.signature(text, home_building=building)
    t1 = time.perf_counter()
    postings = index.postings(sim.index_keys(sig), now - sim.DEFAULT_WINDOW_MINUTES, per_key)
    candidates = sim.shortlist(postings, limit=limit) if limit else list({i for ids in postings.values() for i in ids})
    t2 = time.perf_counter()
    matches = sim.rank(sig, ((i, json.loads(index.stored[i])) for i in candidates))
    t3 = time.perf_counter()
    return (t1 - t0, t2 - t1, t3 - t2, t3 - t0), len(candidates), len(matches)


def report_speed(records, args):
    index, rng = build_index(records, args.synthetic, args.seed)
    now = float(sim.DEFAULT_WINDOW_MINUTES)
    queries = synthesise(records, args.queries, rng, now, 0.0)
    sim.signature("预热")  # jieba's dictionary is loaded once per process, at the first signature
    phases, sizes, hits = [[], [], [], []], [], []
    for query in queries:
        times, size, found = check(
            index, query["text"], query["building"], now, sim.CANDIDATES_PER_KEY, sim.MAX_CANDIDATES
        )
        for bucket, value in zip(phases, times, strict=True):
            bucket.append(value)
        sizes.append(size)
        hits.append(found)
    print(
        f"\n(s2) {len(queries):,} new complaints checked against it (CANDIDATES_PER_KEY = "
        f"{sim.CANDIDATES_PER_KEY}, MAX_CANDIDATES = {sim.MAX_CANDIDATES}); milliseconds"
    )
    print(fmt_row(["phase", "p50", "p95", "p99", "max", "mean"]))
    print(fmt_row(["---"] * 6))
    names = ["signature (jieba + concepts)", "index lookups + shortlist", "load + score candidates", "**total**"]
    for name, values in zip(names, phases, strict=True):
        s = summary_ms(values)
        print(fmt_row([name, *(f"{s[k]:.2f}" for k in ("p50", "p95", "p99", "max", "mean"))]))
    sizes.sort()
    print(
        f"  candidates scored: p50 {sizes[len(sizes) // 2]}, max {sizes[-1]}; queries with 4+ matches: "
        f"{sum(h >= 4 for h in hits) / len(hits):.1%}"
    )
    total = summary_ms(phases[3])
    verdict = "met" if total["p95"] < TARGET_MS else "MISSED"
    print(f"  target: the check adds < {TARGET_MS:.0f} ms at 100,000 complaints → p95 {total['p95']:.2f} ms: {verdict}")
    report_uncapped(index, queries[: args.uncapped], now)


def report_uncapped(index: Index, queries, now: float):
    if not queries:
        return
    totals, sizes, agree = [], [], 0
    for query in queries:
        capped = check(index, query["text"], query["building"], now, sim.CANDIDATES_PER_KEY, sim.MAX_CANDIDATES)
        full = check(index, query["text"], query["building"], now, None, None)
        totals.append(full[0][3])
        sizes.append(full[1])
        agree += (capped[2] >= 4) == (full[2] >= 4)
    s = summary_ms(totals)
    sizes.sort()
    print(
        f"\n(s3) without the caps ({len(queries)} of the same complaints, every posting in the window scored): "
        f"p50 {s['p50']:.1f} / p95 {s['p95']:.1f} / max {s['max']:.1f} ms, candidates p50 "
        f"{sizes[len(sizes) // 2]:,} max {sizes[-1]:,}; same '4+ earlier matches' answer as with the caps: "
        f"{agree}/{len(queries)}"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--synthetic", type=int, default=100_000, help="complaints in the community's window")
    parser.add_argument("--queries", type=int, default=2_000, help="new complaints checked (p50/p95 over these)")
    parser.add_argument("--uncapped", type=int, default=50, help="queries also run without the lookup caps")
    parser.add_argument("--seed", type=int, default=20261129)
    parser.add_argument("--quality-only", action="store_true")
    args = parser.parse_args()
    info = machine_info()
    print(
        f"machine: {info.get('nproc')} CPUs, {info.get('cpu', '?')}, {info.get('memory', '?')}; "
        f"Python {info['python']}; {info['date']}; load {loadavg():.2f}"
    )
    started = time.perf_counter()
    records = load()
    print(f"jieba loaded and {len(records)} signatures computed in {time.perf_counter() - started:.2f} s")
    report_quality(records)
    if not args.quality_only:
        report_speed(records, args)
    print(f"\nload at the end {loadavg():.2f}")


if __name__ == "__main__":
    main()
