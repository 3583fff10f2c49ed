"""The collective-complaint detector: same event in other words, hard negatives, the fifth household, precision."""

import json
import subprocess
import sys
from collections import Counter
from itertools import combinations
from pathlib import Path

import pytest

from propdesk.complaints import similarity
from propdesk.complaints.similarity import THRESHOLD, groups, index_keys, same_event, score, signature

DATA = Path(__file__).resolve().parent / "data" / "labelled_complaints.json"
REPO = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def labelled():
    records = json.loads(DATA.read_text(encoding="utf-8"))["records"]
    for record in records:
        record["signature"] = signature(record["text"], home_building=record["building"])
    return records


# --- the same event told in different words -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("3栋电梯坏了，停在8楼不动", "三号楼的电梯又停运了，什么时候修好"),
        ("电梯故障了，我们被困在里面了", "3栋电梯卡住了，里面有人被困"),
        ("家里突然停水了，也没通知", "怎么没水了？水龙头拧开一滴水都没有"),
        ("小区停电了，冰箱都不转了", "断电两个小时了，什么时候来电"),
        ("楼上漏水，天花板一直在滴水", "楼上渗水到我家天花板了"),
        ("晚上十点还在装修打电钻，吵得睡不着", "都几点了楼上还在砸墙装修，太吵了"),
        ("物业费凭什么涨价？没开业主大会", "物业管理费上调了三成，谁同意的"),
        ("消防通道被私家车占了", "消防车道上停满了车，太危险了"),
        ("广场舞音响太大声了", "跳广场舞的音乐吵死了，天天晚上都这样"),
        ("地下车库道闸坏了，车出不去", "车库出口的栏杆抬不起来，排了好多车"),
    ],
)
def test_the_same_event_in_different_words_is_matched(a, b):
    assert same_event(a, b), (a, b, score(signature(a), signature(b)))


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("3栋电梯坏了，停在8楼不动", "3栋电梯运行的时候咔咔响，有异响"),  # stopped vs noisy
        ("3栋电梯坏了，停在8楼不动", "5栋电梯坏了，停在8楼不动"),  # same words, another building
        ("家里突然停水了，也没通知", "厨房水龙头漏水，关不紧"),  # outage vs leak
        ("停水了，什么时候来水", "自来水发黄，有铁锈味"),  # outage vs water quality
        ("晚上十点还在装修打电钻，吵得睡不着", "楼下酒吧音乐开得震天响，吵得睡不着"),  # renovation vs bar
        ("物业费凭什么涨价？没开业主大会", "停车费怎么涨到300了"),  # property fee vs parking fee
        ("物业费凭什么涨价？没开业主大会", "物业费怎么开发票"),
        ("地下车库道闸坏了，车出不去", "地下车库的灯坏了好几盏，太暗了"),
        ("3栋电梯坏了，停在8楼不动", "3栋电梯里的灯不亮了"),
        ("小区大门门禁坏了，外人随便进", "小区大门的保安态度很差"),
        ("晚上装修太吵了", "下午装修有点吵，能不能早点完工"),  # night vs daytime
    ],
)
def test_hard_negatives_are_not_matched(a, b):
    assert not same_event(a, b), (a, b, score(signature(a), signature(b)))


def test_the_callers_building_separates_lifts_when_the_text_names_none():
    text = "我们楼电梯又坏了，一直停着不动"
    same_building = score(signature(text, home_building="3"), signature("电梯故障，门打不开", home_building="3"))
    other_building = score(signature(text, home_building="3"), signature("电梯故障，门打不开", home_building="5"))
    assert same_building >= THRESHOLD > other_building
    # A water outage is the whole community's: the buildings do not matter.
    assert score(signature("6栋停水了", home_building="6"), signature("2栋这边也没水", home_building="2")) >= THRESHOLD


def test_signatures_are_json_storable_and_keys_are_short(labelled):
    for record in labelled:
        stored = json.loads(json.dumps(record["signature"], ensure_ascii=False))
        assert stored == record["signature"]
        keys = index_keys(stored)
        assert keys, record["text"]
        assert all(0 < len(key) <= 40 for key in keys), keys


def test_score_is_symmetric_and_bounded(labelled):
    for a, b in combinations(labelled, 2):
        if a["community"] != b["community"]:
            continue
        value = score(a["signature"], b["signature"])
        assert 0.0 <= value <= 1.0
        assert value == pytest.approx(score(b["signature"], a["signature"]))


def test_every_match_shares_an_index_key(labelled):
    """Candidates come from equality lookups on the keys: a pair that matches must be findable that way."""
    unreachable = [
        (a["text"], b["text"])
        for a, b in combinations(labelled, 2)
        if a["community"] == b["community"]
        and score(a["signature"], b["signature"]) >= THRESHOLD
        and not set(index_keys(a["signature"])) & set(index_keys(b["signature"]))
    ]
    assert unreachable == []


# --- the fifth household --------------------------------------------------------------------------------------

LIFT = [
    "3栋电梯又坏了，上班下不去",
    "电梯停在8楼不动了，按了没反应，我是3栋的",
    "3号楼电梯故障，门关不上",
    "三栋电梯停运了，老人下不了楼",
    "我们楼电梯坏了，麻烦尽快修",
    "3栋电梯不能用了，爬了二十层",
]


def _record(n, text, *, household=None, minutes=None, building="3", category="repair", community="翠湖苑"):
    return {
        "id": n,
        "household": household or f"{building}-1-{n}01",
        "community": community,
        "category": category,
        "building": building,
        "text": text,
        "minutes_offset": n * 10 if minutes is None else minutes,
    }


def test_four_households_are_not_yet_a_collective_complaint():
    assert groups([_record(n, text) for n, text in enumerate(LIFT[:4], 1)]) == []


def test_the_fifth_household_makes_it_a_collective_complaint():
    found = groups([_record(n, text) for n, text in enumerate(LIFT[:5], 1)])
    assert found == [[1, 2, 3, 4, 5]]


def test_a_sixth_household_joins_the_existing_group():
    found = groups([_record(n, text) for n, text in enumerate(LIFT, 1)])
    assert found == [[1, 2, 3, 4, 5, 6]]


def test_one_household_calling_twice_counts_once():
    records = [_record(n, text) for n, text in enumerate(LIFT[:5], 1)]
    records[4]["household"] = records[0]["household"]
    assert groups(records) == []


def test_unrelated_complaints_in_the_same_building_do_not_join():
    records = [_record(n, text) for n, text in enumerate(LIFT[:5], 1)]
    records += [
        _record(6, "3栋电梯运行时有咔咔的异响"),
        _record(7, "3栋楼道的声控灯坏了"),
        _record(8, "3栋1单元卫生间下水道堵了"),
        _record(9, "3栋电梯里的灯不亮了"),
    ]
    assert groups(records) == [[1, 2, 3, 4, 5]]


def test_another_building_category_or_day_does_not_join():
    records = [_record(n, text) for n, text in enumerate(LIFT[:4], 1)]
    fifth = LIFT[4]  # "我们楼电梯坏了": the building comes from the caller
    assert groups([*records, _record(5, fifth, building="5")]) == []
    assert groups([*records, _record(5, fifth, category="noise")]) == []
    assert groups([*records, _record(5, fifth, community="金桂园")]) == []
    assert groups([*records, _record(5, fifth, minutes=40 + 24 * 60 + 1)]) == []
    assert groups([*records, _record(5, fifth, minutes=40 + 24 * 60 + 1)], window_minutes=48 * 60) != []


# --- the labelled set ------------------------------------------------------------------------------------------


def test_the_labelled_set_is_large_and_realistic(labelled):
    assert len(labelled) >= 200
    by_event = {}
    for record in labelled:
        if record["event"]:
            by_event.setdefault(record["event"], set()).add(record["household"])
    assert sum(1 for h in by_event.values() if len(h) >= 5) >= 25
    assert sum(1 for r in labelled if r["event"] is None) >= 40
    assert len({r["text"] for r in labelled}) == len(labelled)


def _split(labelled, split):
    return labelled if split == "all" else [r for r in labelled if r["split"] == split]


@pytest.mark.parametrize("split", ["tuning", "holdout-1", "holdout-2", "holdout-3", "all"])
def test_precision_at_five_households_on_the_labelled_set(labelled, split):
    """Of the complaints put into a collective complaint (5+ households), at least 90 % belong to its event;
    at least 90 % of the detected collective complaints are a real event of 5+ households."""
    records = _split(labelled, split)
    by_id = {r["id"]: r for r in records}
    found = groups(records)
    assert found, "no collective complaint detected at all"
    linked = right = correct = 0
    detected = set()
    for ids in found:
        event, count = Counter(by_id[i]["event"] for i in ids).most_common(1)[0]
        linked += len(ids)
        if event is not None:
            right += count
            if len({by_id[i]["household"] for i in ids if by_id[i]["event"] == event}) >= 5:
                correct += 1
                detected.add(event)
    assert right / linked >= 0.9, (right, linked)
    assert correct / len(found) >= 0.9, (correct, len(found))
    if split == "tuning":  # recall on the held-out sets (0.29 on unseen ones) is reported by the bench, not promised
        events = {}
        for record in records:
            if record["event"]:
                events.setdefault(record["event"], set()).add(record["household"])
        collective = {event for event, households in events.items() if len(households) >= 5}
        assert len(detected) / len(collective) >= 0.8, sorted(collective - detected)


UNSEEN_PAIRS_MISS = pytest.mark.xfail(
    strict=True, reason="pairwise precision 0.74 on the unseen holdout-3 (docs/benchmarks.md §5)"
)


@pytest.mark.parametrize(
    "split", ["tuning", "holdout-1", "holdout-2", pytest.param("holdout-3", marks=UNSEEN_PAIRS_MISS), "all"]
)
def test_pairwise_precision_on_the_labelled_set(labelled, split):
    records = _split(labelled, split)
    matched = correct = 0
    for a, b in combinations(records, 2):
        if (a["community"], a["category"]) != (b["community"], b["category"]):
            continue
        if abs(a["minutes_offset"] - b["minutes_offset"]) > similarity.DEFAULT_WINDOW_MINUTES:
            continue
        if score(a["signature"], b["signature"]) >= THRESHOLD:
            matched += 1
            correct += a["event"] is not None and a["event"] == b["event"]
    assert matched and correct / matched >= 0.9, (correct, matched)


# --- the segmenter ---------------------------------------------------------------------------------------------


def test_jieba_is_quiet_and_caches_in_a_private_temp_directory(tmp_path):
    """First use in a fresh process: nothing on stderr, nothing written where the process runs."""
    cwd, tmp = tmp_path / "cwd", tmp_path / "tmp"
    cwd.mkdir()
    tmp.mkdir()
    code = "from propdesk.complaints.similarity import signature; print(sorted(signature('3栋电梯坏了')['tokens']))"
    done = subprocess.run(  # noqa: S603 - our own interpreter and a fixed snippet
        [sys.executable, "-c", code],
        cwd=cwd,
        env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin", "TMPDIR": str(tmp)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert "电梯" in done.stdout
    assert list(cwd.iterdir()) == []
    (cache_dir,) = tmp.iterdir()
    assert cache_dir.name.startswith("propdesk-jieba-")
    assert cache_dir.stat().st_mode & 0o077 == 0
    assert any(cache_dir.iterdir())
