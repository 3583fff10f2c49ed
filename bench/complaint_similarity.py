"""Collective-complaint detection: precision/recall on the labelled set, and the cost of one check at 100,000.

    .venv/bin/python bench/complaint_similarity.py                               # the whole run (≈ 1 minute)
    .venv/bin/python bench/complaint_similarity.py --synthetic 20000 --queries 300   # quicker

    .venv/bin/python bench/complaint_similarity.py --pg 1000                     # + 1,000 checks via PostgreSQL

``propdesk.complaints.similarity`` is pure Python; phases (q) and (s) run in this process. Only ``--pg`` talks to
PostgreSQL on 127.0.0.1, in a scratch database (``propdesk_bench_similarity``) created and dropped by the script.

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
(p) with ``--pg N``: the same complaints COPYed into PostgreSQL — a signature table (jsonb) and the inverted
    index (community, key, created_at, complaint_id) with an index on (community, key, created_at DESC) — and N
    checks through it: one statement for the lookups of all keys (``unnest`` + ``LATERAL … LIMIT``), the
    shortlist, one fetch of the signatures, the score; with the EXPLAIN of the lookup for the longest keys.
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

from _common import check_db_name, fmt_row, loadavg, machine_info, pg_connect, summary_ms

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
        self.minutes: list[float] = []  # arrival by id

    def add(self, record, sig) -> None:
        assert record["id"] == len(self.stored)
        self.stored.append(json.dumps(sig, ensure_ascii=False))
        self.minutes.append(record["minutes_offset"])
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
    """One intake check; returns phase timings (s; the last is this process's CPU time for the whole check),
    the number of candidates scored and of matches."""
    cpu = time.process_time()
    t0 = time.perf_counter()
    sig = sim.signature(text, home_building=building)
    t1 = time.perf_counter()
    postings = index.postings(sim.index_keys(sig), now - sim.DEFAULT_WINDOW_MINUTES, per_key)
    candidates = sim.shortlist(postings, limit=limit) if limit else list({i for ids in postings.values() for i in ids})
    t2 = time.perf_counter()
    matches = sim.rank(sig, ((i, json.loads(index.stored[i])) for i in candidates))
    t3 = time.perf_counter()
    return (t1 - t0, t2 - t1, t3 - t2, t3 - t0, time.process_time() - cpu), len(candidates), len(matches)


def report_speed(records, args):
    index, rng = build_index(records, args.synthetic, args.seed)
    now = float(sim.DEFAULT_WINDOW_MINUTES)
    queries = synthesise(records, args.queries, rng, now, 0.0)
    sim.signature("预热")  # jieba's dictionary is loaded once per process, at the first signature
    phases, sizes, hits = [[], [], [], [], []], [], []
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
    names = [
        "signature (jieba + concepts)",
        "index lookups + shortlist",
        "load + score candidates",
        "**total**",
        "total, CPU time of this process",
    ]
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
    if args.pg:
        try:
            report_pg(index, queries[: args.pg])
        finally:
            with pg_connect("postgres") as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{check_db_name(PG_DB)}"')


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


PG_DB = "propdesk_bench_similarity"
PG_SCHEMA = """
CREATE TABLE complaint_signature (id bigint PRIMARY KEY, community_id int NOT NULL,
    created_at timestamptz NOT NULL, signature jsonb NOT NULL);
CREATE TABLE complaint_key (community_id int NOT NULL, key varchar(40) NOT NULL,
    created_at timestamptz NOT NULL, complaint_id bigint NOT NULL);
"""
PG_INDEX = "CREATE INDEX complaint_key_lookup ON complaint_key (community_id, key, created_at DESC)"
PG_LOOKUP = """
SELECT p.complaint_id FROM unnest(%s::text[]) AS k(key) CROSS JOIN LATERAL (
    SELECT complaint_id FROM complaint_key
    WHERE community_id = %s AND key = k.key AND created_at >= %s
    ORDER BY created_at DESC LIMIT %s) AS p
"""
PG_FETCH = "SELECT id, signature FROM complaint_signature WHERE id = ANY(%s)"


def pg_load(index: Index, epoch) -> None:
    """The same 100,000 complaints in PostgreSQL: the signature table and the inverted index (COPY)."""
    import datetime as dt

    with pg_connect("postgres") as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{check_db_name(PG_DB)}"')
        admin.execute(f'CREATE DATABASE "{PG_DB}"')
    started = time.perf_counter()
    with pg_connect(PG_DB) as conn:
        conn.execute(PG_SCHEMA)
        with conn.cursor().copy("COPY complaint_signature FROM STDIN") as copy:
            for complaint_id, (stored, minutes) in enumerate(zip(index.stored, index.minutes, strict=True)):
                copy.write_row((complaint_id, 1, epoch + dt.timedelta(minutes=minutes), stored))
        with conn.cursor().copy("COPY complaint_key FROM STDIN") as copy:
            for key, ids in index.ids.items():
                for complaint_id, minutes in zip(ids, index.times[key], strict=True):
                    copy.write_row((1, key, epoch + dt.timedelta(minutes=minutes), complaint_id))
        conn.execute(PG_INDEX)
        conn.execute("VACUUM ANALYZE complaint_key")
        conn.execute("VACUUM ANALYZE complaint_signature")
        size = conn.execute("SELECT pg_size_pretty(pg_database_size(current_database()))").fetchone()[0]
    print(f"\n(p1) PostgreSQL database {PG_DB}: loaded in {time.perf_counter() - started:.1f} s, {size}")


def pg_check(conn, text: str, building: str, since) -> tuple[tuple, int]:
    t0 = time.perf_counter()
    sig = sim.signature(text, home_building=building)
    keys = sim.index_keys(sig)
    t1 = time.perf_counter()
    rows = conn.execute(PG_LOOKUP, (keys, 1, since, sim.CANDIDATES_PER_KEY)).fetchall()
    postings: dict[str, list[int]] = {"all": [row[0] for row in rows]}
    candidates = sim.shortlist(postings)
    t2 = time.perf_counter()
    stored = conn.execute(PG_FETCH, (candidates,)).fetchall()
    t3 = time.perf_counter()
    sim.rank(sig, stored)
    t4 = time.perf_counter()
    return (t1 - t0, t2 - t1, t3 - t2, t4 - t3, t4 - t0), len(candidates)


def report_pg(index: Index, queries) -> None:
    import datetime as dt

    epoch = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
    pg_load(index, epoch)
    since = epoch  # the window: everything loaded is inside it
    phases = [[], [], [], [], []]
    with pg_connect(PG_DB) as conn:
        plan = conn.execute("EXPLAIN (ANALYZE, BUFFERS) " + PG_LOOKUP, (["c:故障", "c:电梯"], 1, since, 100)).fetchall()
        for query in queries:
            times, _size = pg_check(conn, query["text"], query["building"], since)
            for bucket, value in zip(phases, times, strict=True):
                bucket.append(value)
    print(f"(p2) {len(queries):,} checks with PostgreSQL (one lookup statement for all keys, one fetch); ms")
    print(fmt_row(["phase", "p50", "p95", "p99", "max", "mean"]))
    print(fmt_row(["---"] * 6))
    names = [
        "signature + keys",
        "lookup statement + shortlist",
        f"fetch ≤ {sim.MAX_CANDIDATES} signatures (jsonb)",
        "score",
        "**total**",
    ]
    for name, values in zip(names, phases, strict=True):
        s = summary_ms(values)
        print(fmt_row([name, *(f"{s[k]:.2f}" for k in ("p50", "p95", "p99", "max", "mean"))]))
    total = summary_ms(phases[4])
    verdict = "met" if total["p95"] < TARGET_MS else "MISSED"
    print(f"  target < {TARGET_MS:.0f} ms → p95 {total['p95']:.2f} ms: {verdict}")
    print("  lookup plan for the two longest keys:")
    for (line,) in plan:
        print("   ", line)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--synthetic", type=int, default=100_000, help="complaints in the community's window")
    parser.add_argument("--queries", type=int, default=2_000, help="new complaints checked (p50/p95 over these)")
    parser.add_argument("--uncapped", type=int, default=50, help="queries also run without the lookup caps")
    parser.add_argument("--seed", type=int, default=20261129)
    parser.add_argument("--quality-only", action="store_true")
    parser.add_argument(
        "--pg",
        type=int,
        default=0,
        help=f"also run this many checks against PostgreSQL (database {PG_DB}, dropped at the end)",
    )
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
