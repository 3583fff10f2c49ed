"""Are two complaints about the same event? Text features, an index for candidates, a score and the grouping.

Collective complaints (SPEC R-CP-4) are five or more households complaining about the same event at the same
time. The caller narrows the candidates to the same community, category and time window; this module decides
whether two texts describe the same thing. Pure functions, no Django: a complaint's ``signature`` is a small
JSON-storable dict kept with the complaint, ``index_keys`` gives the short strings of an inverted index
(community, key, created_at) so that candidates are found by equality lookups, and ``score`` compares two
signatures. ``groups`` runs the whole detection over a list of complaints, in arrival order, as intake would.

How a text becomes a signature:

1. normalise (NFKC, lower case, Chinese numerals in "三栋" / "五号楼" to digits);
2. take out the places the text names: buildings (3栋, 3号楼, 3幢, 3座) and units (2单元);
3. find the domain concepts (the thing: 电梯, 门禁, 车库 …; the problem: 停水, 停电, 漏水, 故障, 异响 …)
   by their usual surface forms, synonyms included (停电/断电/没电, 漏水/渗水, 坏了/故障/停运 …);
4. segment the rest with jieba (domain words added) and drop stop words and single characters.

The score is a weighted overlap of the two token sets (concepts weigh more than other words), lowered when
both texts name a thing and the things differ, when both name a problem and the problems differ, and when
the thing is local to a building (a lift, a unit door, a stairwell pipe) and the two complaints are about
different buildings or units. Without a building in the text, the caller's building (``home_building``)
stands in for local things: "我们楼电梯坏了" from 3栋 and from 5栋 are two events.

At intake: keep ``signature(text, home_building=…)`` with the complaint and one index row per ``index_keys``;
read the ``CANDIDATES_PER_KEY`` most recent rows of each key in the community and window, ``shortlist`` them,
keep those of the same category, and ``rank`` their signatures: the matches, best first. The new complaint is
the (distinct households among the matches + 1)-th about the same thing; it joins the open collective complaint
(or group of earlier matches) with the best ``affinity`` at or above ``THRESHOLD``.
"""

import logging
import os
import re
import tempfile
import threading
import unicodedata
from collections.abc import Iterable, Mapping

SIGNATURE_VERSION = 1
# Two complaints score at or above this (same community, category and window) are about the same thing.
# Chosen on the "tuning" split of tests/data/labelled_complaints.json; bench/complaint_similarity.py prints the
# sweep and the held-out splits (docs/benchmarks.md §5).
THRESHOLD = 0.35
DEFAULT_WINDOW_MINUTES = 24 * 60
MIN_HOUSEHOLDS = 5
KEY_MAX_CHARS = 40
# Lookup bounds for a busy community: read at most this many most recent postings per key in the window, and
# score at most MAX_CANDIDATES of them, those sharing the most keys first (bench/complaint_similarity.py).
CANDIDATES_PER_KEY = 100
MAX_CANDIDATES = 200

OBJECT, PROBLEM, MINOR = "o", "p", "m"
WEIGHTS = {OBJECT: 3.0, PROBLEM: 2.5, MINOR: 1.0}
WORD_WEIGHT = 0.7
ONE_SIDED_THING = 0.85
EXTRA_THING = 0.8
PARTIAL_WORD = 0.7

# canonical concept -> (kind, surface forms as a regular expression). Order matters: a span that matched an
# earlier concept is taken out of the text before later ones look (停车费 before 物业费, 车位管理费 is not 物业费).
CONCEPTS: list[tuple[str, str, str]] = [
    ("停车费", OBJECT, r"停车费|停车收费|车位费|车位管理费|车位月租|月租费|月租车位|临时停车费"),
    ("物业费", OBJECT, r"物业费|物业管理费|管理费"),
    ("公摊", OBJECT, r"公摊|分摊|公共能耗"),
    ("电费", MINOR, r"电费"),
    ("水费", MINOR, r"水费"),
    ("二次供水", OBJECT, r"二次供水|水箱|蓄水池"),
    ("电梯", OBJECT, r"电梯|电悌|直梯|升降梯|轿厢|梯控"),
    ("大门", OBJECT, r"小区大门|大门|南门|北门|东门|西门|正门|侧门|小区门口|人行门|门岗"),
    ("地下室", OBJECT, r"地下室|储藏室"),
    ("屋面", OBJECT, r"防水层|楼顶|屋顶|顶楼|天台|顶层|最高层"),
    ("外墙", OBJECT, r"外墙|瓷砖|墙皮|墙面脱落"),
    ("供暖", OBJECT, r"暖气片|暖气|供暖|地暖|采暖|热力"),
    ("网络", OBJECT, r"宽带|网络|断网|wifi|光纤|掉线|上不了网|网速"),
    ("高空抛物", OBJECT, r"高空抛物|高空坠物|往下扔|扔下来|往下丢|扔东西|抛物|高空"),
    ("消防设施", OBJECT, r"消防栓|消火栓|灭火器|烟感|喷淋"),
    ("摊贩", OBJECT, r"摊贩|摆摊|小贩|流动摊"),
    ("群租", OBJECT, r"群租|二房东|隔断房"),
    ("路面", OBJECT, r"路面|坑洼|井盖|地砖|路砖"),
    ("按钮", OBJECT, r"按钮|按键|显示屏"),
    ("消防通道", OBJECT, r"消防通道|消防车道|生命通道"),
    ("道闸", OBJECT, r"道闸|栏杆|起落杆|抬杆|杆子"),
    ("车库", OBJECT, r"地下车库|地库|车库|停车场"),
    ("车位", OBJECT, r"停车位|车位"),
    ("门禁", OBJECT, r"门禁|刷卡|刷脸|闸机|单元门|对讲|门锁"),
    ("燃气", OBJECT, r"燃气|煤气|天然气|液化气"),
    ("路灯", OBJECT, r"路灯|庭院灯|草坪灯"),
    ("楼道灯", OBJECT, r"楼道灯|声控灯|感应灯|走廊灯"),
    ("照明", OBJECT, r"灯泡|灯管|照明|(?<!黑)灯(?![光火])"),
    ("风扇", OBJECT, r"通风扇|风扇|排风扇"),
    ("插座", OBJECT, r"插座|插头|开关面板"),
    ("家电", OBJECT, r"热水器|燃气灶|油烟机|洗衣机|冰箱坏|空调(?!外机)"),
    ("快递柜", OBJECT, r"快递柜|丰巢|智能柜|取件柜"),
    ("电动车", OBJECT, r"电动自行车|电动车|电瓶车|电驴"),
    ("充电", PROBLEM, r"飞线充电|充电|飞线"),
    ("流浪狗", OBJECT, r"流浪狗|野狗|流浪猫|野猫"),
    ("宠物", OBJECT, r"遛狗|狗屎|狗粪|养狗|狗.{0,2}叫"),
    ("酒吧", OBJECT, r"酒吧|清吧|(?<![a-z])bar(?![a-z])|ktv|歌厅|夜场|烧烤摊"),
    ("广场舞", OBJECT, r"广场舞|跳舞|舞曲|广场"),
    ("唱歌", OBJECT, r"唱k|卡拉ok|话筒|麦克风"),
    ("邻里", OBJECT, r"楼上邻居|楼下邻居|隔壁邻居|对门邻居|跑跳|吵架|摔东西|楼上小孩"),
    ("音响", MINOR, r"音响|音箱|音乐|喇叭"),
    ("工地", OBJECT, r"工地|打桩|渣土车|施工队"),
    ("装修", OBJECT, r"装修|电钻|打钻|砸墙|电锯|切割机"),
    ("外机", OBJECT, r"空调外机|外机|排风机|排烟机|风机|排气扇"),
    ("游乐设施", OBJECT, r"秋千|滑梯|游乐场|游乐区|儿童乐园|游乐设施|健身器材"),
    ("垃圾", OBJECT, r"垃圾清运|垃圾桶|垃圾站|垃圾房|垃圾点|垃圾"),
    ("排污", OBJECT, r"下水道|窨井|化粪池|排污管|污水井|污水|脏水|排水管|地漏"),
    ("杂物", OBJECT, r"杂物|纸箱|堆放|堆了"),
    ("打药", OBJECT, r"打药|农药|喷药|杀虫药|杀虫剂|除草剂"),
    ("虫害", OBJECT, r"死老鼠|老鼠|蟑螂|白蚁|蚊子|蚊虫|虫子|灭蚊|灭鼠|消杀|杀虫"),
    ("绿化", MINOR, r"绿化带|绿化|草坪|园林|树枝|树木"),
    ("保洁", OBJECT, r"保洁|打扫|拖地|清扫|卫生"),
    ("保安", MINOR, r"保安|门岗|岗亭|巡逻"),
    ("水管", OBJECT, r"水管|管子|管道|阀门|爆管"),
    ("水龙头", MINOR, r"水龙头|龙头"),
    ("水质", PROBLEM, r"水质|发黄|黄水|黄的|黄色|浑浊|铁锈|沉淀|水有异味|水.{0,3}(?:怪味|异味)|颜色(?:也)?不对"),
    ("停水", PROBLEM, r"停水|断水|没水|没有水|不出水|无水|(?<![起出自])来水|供水|水停了|一滴水"),
    ("停电", PROBLEM, r"停电|断电|没电|(?<![起出])来电|供电|全黑了|都黑了"),
    ("跳闸", PROBLEM, r"跳闸|电闸跳"),
    ("不热", PROBLEM, r"不热|冰凉|凉的|温度太低|温度低|不达标|冻"),
    ("水压", PROBLEM, r"水压|水很小|水流小|水太小|水很细"),
    ("水浸", PROBLEM, r"积水|进水|被淹|倒灌|泡了|泡水"),
    ("漏水", PROBLEM, r"漏水|渗水|滴水|返水|冒水|漏雨|爆了|破裂|破了|淹了|漏了|都漏"),
    ("泄漏", PROBLEM, r"泄漏|泄露|漏气"),
    ("占用", PROBLEM, r"被占|占用|占了|堵死|乱停|停满|占道"),
    ("未清运", PROBLEM, r"没拉走|没倒|没人倒|清运不及时|没人清理|没清理|没人收|不及时"),
    ("堵塞", PROBLEM, r"堵了|堵塞|疏通|冒出来|往外冒|返臭|满了|满出来"),
    ("损毁", PROBLEM, r"撞歪|撞坏|撞倒|被撬|撬了|砸坏|碎了|破损|被偷|偷了"),
    ("发票", PROBLEM, r"发票|收据"),
    ("缴费方式", PROBLEM, r"怎么交|在哪里?交|哪里买|支付宝|微信支付|交不了|缴费方式"),
    ("欠费", PROBLEM, r"欠费|催缴|滞纳金"),
    ("态度", PROBLEM, r"态度|骂人|服务差|不理人|推诿|爱答不理"),
    ("异响", PROBLEM, r"异响|响声|怪声|奇怪的声音|咔咔|摩擦声|咣当|吱吱|抖得"),
    ("困人", MINOR, r"被困|困在|困人|关在"),
    (
        "故障",
        PROBLEM,
        r"坏了|损坏|故障|停运|不动|不能用|罢工|失灵|没反应|卡住|卡在|打不开|关不上|抬不起来|不亮|不转|出问题|修好|维修|坏",
    ),
    ("噪音", PROBLEM, r"噪音|噪声|扰民|吵|震天响|声音太大|太响|轰隆|嗡嗡|咚咚|轰轰|低音炮"),
    ("夜间", MINOR, r"半夜|凌晨|夜里|夜间|深夜|晚上|十点|十一点|十二点|这么晚|几点了"),
    ("白天", MINOR, r"上午|下午|中午|白天"),
    ("气味", PROBLEM, r"臭|异味|刺鼻|熏|气味|味道|尿骚|闻到"),
    ("涨价", PROBLEM, r"涨价|上调|翻倍|提价|太贵|多收|太高|涨"),
    ("公示", MINOR, r"公示|公开|明细|依据|标准"),
    ("未通知", MINOR, r"(?:没|不|未)(?:有|提前)?(?:贴个?)?通知"),
    ("脏乱", PROBLEM, r"(?<!心)脏|灰|烟头|瓜子壳|没人打扫|不到位"),
    ("监控", MINOR, r"监控|摄像头|录像"),
    ("外来人员", MINOR, r"随便进|随意进|外来人员|外人|陌生人|谁都(?:可以|能)进"),
    ("楼道", MINOR, r"楼道|楼梯间|走廊|楼梯口|楼梯"),
]
# Things that belong to one building or one unit: the same complaint about two buildings is two events ...
LOCAL = frozenset({"电梯", "门禁", "楼道灯", "水管", "漏水", "楼道", "排污", "电动车", "充电", "保洁", "燃气"})
# ... unless the text places it somewhere shared by the whole community (the gate's access control).
COMMUNITY_PLACES = frozenset({"大门", "大门内", "车库", "车库内", "广场舞"})
# Places that hold other things: "the light in the lift" is about the light, "the garage barrier" the barrier.
# With another thing in the text they become a minor token ("电梯内"); alone they are the thing.
CONTAINERS = frozenset({"电梯", "车库", "地下室", "大门"})
# An outage is the event; the lift, fridge or heater it stops are its symptoms, not different things.
OUTAGES = frozenset({"停水", "停电", "不热"})
# Different problems that are often one event told two ways (a blocked sewer that smells, a gas leak smelt).
RELATED_PROBLEMS = [
    frozenset({"脏乱", "气味"}),
    frozenset({"堵塞", "气味", "漏水", "未清运"}),
    frozenset({"占用", "堵塞"}),
    frozenset({"泄漏", "气味"}),
    frozenset({"故障", "困人", "停水", "停电"}),
    frozenset({"停电", "跳闸"}),
    frozenset({"漏水", "水浸"}),
    frozenset({"故障", "不热"}),
    frozenset({"涨价", "公示"}),
]

_CN_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_NUMBER = r"[一二两三四五六七八九十]{1,3}"
_BUILDING = re.compile(r"(\d{1,3})\s*(?:号楼|栋|幢|座|号楼栋)")
_UNIT = re.compile(r"(\d{1,2})\s*单元")
_CN_PLACE = re.compile(rf"({_CN_NUMBER})(?=\s*(?:号楼|栋|幢|座|单元))")
_PATTERNS = [(name, kind, re.compile(pattern)) for name, kind, pattern in CONCEPTS]
_NOISE = re.compile(r"[\d\s\W_]+")


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


STOP_WORDS = _words(
    """
    你好 您好 请问 问一下 问问 谢谢 麻烦 请 帮忙 一下 一个 一些 这个 那个 这些 那些 这么 那么 这样 那样 什么
    怎么 怎么回事 怎么办 为什么 为啥 咋 咋回事 到底 究竟 是不是 有没有 能不能 可不可以 可以 能够 还是 或者 而且
    但是 就是 已经 一直 还有 还在 又是 总是 每天 天天 今天 昨天 明天 现在 刚才 刚刚 时候 多久 几点 多长时间
    我们 你们 他们 她们 大家 自己 人家 我家 家里 我是 这边 那边 这里 那里 里面 外面 上面 下面 附近 旁边 楼下
    楼上 门口 小区 物业 物业公司 服务中心 业主 住户 居民 投诉 反映 反馈 情况 问题 处理 解决 管理 管管 赶紧 尽快
    马上 立刻 及时 快点 一点 好几 几个 好多 很多 非常 特别 实在 真的 根本 完全 一样 还要 需要 希望 建议 要求
    知道 看到 发现 听到 说 问 想 要 会 能 让 给 被 把 和 与 及 跟 对 向 从 到 在 有 是 了 的 地 得 着 过 也 都
    还 就 又 再 才 很 太 最 更 挺 吗 呢 啊 吧 呀 哦 嘛 么 哈 呵 哎 唉 不 没 没有 无 人 个 些 次 回 下 上 里 来
    去 点 号 栋 单元 楼 层 室 户 房 号楼 幢 座 啥 谁 哪 哪里 哪家 给个 说法 准话 师傅 来人 派人 看看 检查 一次
    第几次 几次 好几次 两天 几天 好几天 还没 还不 整个 所有 全部 每次 上次 上周 上个月 这个月 回来 出来
    我要 我想 想问 回电 电话 回复 一下子 反映一下 反映 喂 尽快处理 处理一下 谢谢你们 麻烦你们
    """
)


class _Segmenter:
    """jieba, set up once and lazily: no download, a private cache directory, quiet logging."""

    def __init__(self):
        self._lock = threading.Lock()
        self._tokenizer = None

    def cut(self, text: str) -> list[str]:
        if self._tokenizer is None:
            with self._lock:
                if self._tokenizer is None:
                    self._tokenizer = self._build()
        return self._tokenizer.lcut(text)

    @staticmethod
    def _build():
        import jieba  # on first use only: loading its dictionary takes about a second

        logger = logging.getLogger("jieba")
        logger.setLevel(logging.WARNING)
        console = getattr(jieba, "log_console", None)
        if console is not None:
            logger.removeHandler(console)  # records go through the application's logging instead of stderr
        tokenizer = jieba.Tokenizer()
        tokenizer.tmp_dir = _cache_dir()
        tokenizer.initialize()
        for name, _kind, _pattern in CONCEPTS:
            tokenizer.add_word(name, freq=100000)
        for word in ("广场舞", "二次供水", "地下车库", "消防通道", "物业费", "垃圾清运", "单元门禁", "电动车"):
            tokenizer.add_word(word, freq=100000)
        return tokenizer


def _cache_dir() -> str:
    """A directory only this user can write: jieba's prefix-dictionary cache goes there, never the cwd."""
    base = os.path.join(tempfile.gettempdir(), f"propdesk-jieba-{os.getuid()}")
    try:
        os.mkdir(base, 0o700)
    except FileExistsError:
        pass
    except OSError:
        return tempfile.mkdtemp(prefix="propdesk-jieba-")
    info = os.lstat(base)
    if os.path.islink(base) or info.st_uid != os.getuid() or info.st_mode & 0o077:
        return tempfile.mkdtemp(prefix="propdesk-jieba-")  # someone else's or too open: not trusted
    return base


_SEGMENTER = _Segmenter()


def normalise(text: str) -> str:
    """Full-width to half-width, lower case, "三栋" → "3栋"."""
    text = unicodedata.normalize("NFKC", text or "").lower()
    return _CN_PLACE.sub(lambda m: str(_cn_number(m.group(1))), text)


def _cn_number(word: str) -> int:
    if word == "十":
        return 10
    if word.startswith("十"):
        return 10 + _CN_DIGITS.get(word[1:], 0)
    head, ten, tail = word.partition("十")
    if ten:
        return _CN_DIGITS.get(head, 1) * 10 + _CN_DIGITS.get(tail, 0)
    return _CN_DIGITS.get(word, 0)


def signature(text: str, *, home_building: str | int | None = None) -> dict:
    """The features of one complaint text, JSON-storable. ``home_building``: the caller's building, if known."""
    text = normalise(text)
    buildings = sorted(set(_BUILDING.findall(text)), key=int)
    units = sorted(set(_UNIT.findall(text)), key=int)
    rest = _UNIT.sub(" ", _BUILDING.sub(" ", text))
    tokens: dict[str, float] = {}
    for name, kind, pattern in _PATTERNS:
        rest, found = pattern.subn(" ", rest)
        if found:
            tokens[name] = WEIGHTS[kind]
    if tokens.keys() & CONTAINERS and _of_kind(tokens, OBJECT) - CONTAINERS:
        for name in tokens.keys() & CONTAINERS:
            del tokens[name]
            tokens[f"{name}内"] = WEIGHTS[MINOR]
    for word in _SEGMENTER.cut(_NOISE.sub(" ", rest)):
        word = word.strip()
        if len(word) > 1 and word not in STOP_WORDS and word not in tokens:
            tokens[word[: KEY_MAX_CHARS - 2]] = WORD_WEIGHT
    home = str(home_building).strip() if home_building not in (None, "") else None
    return {"v": SIGNATURE_VERSION, "tokens": tokens, "buildings": buildings, "units": units, "home": home}


_KINDS = {name: kind for name, kind, _pattern in CONCEPTS} | {f"{name}内": MINOR for name in CONTAINERS}


def _kind(token: str) -> str | None:
    return _KINDS.get(token)


def index_keys(sig: Mapping) -> list[str]:
    """Short strings for the inverted index: a candidate shares at least one with the new complaint.

    Every token is a key, so any pair with a score above zero shares one: the concepts first, things and
    problems before the minor ones ("c:电梯"), then the other words, longest first ("w:…"). A caller that must
    bound its lookups reads the most recent postings of each key (``rank`` scores what it is given).
    """
    tokens = sig.get("tokens", {})
    order = {OBJECT: 0, PROBLEM: 1, MINOR: 2}
    concepts = sorted((t for t in tokens if _kind(t)), key=lambda t: (order[_kind(t)], t))
    words = sorted((t for t in tokens if not _kind(t)), key=lambda w: (-len(w), w))
    return [f"c:{t}"[:KEY_MAX_CHARS] for t in concepts] + [f"w:{w}"[:KEY_MAX_CHARS] for w in words]


def score(sig_a: Mapping, sig_b: Mapping) -> float:
    """How likely two complaints are about the same thing, in [0, 1]."""
    a, b = sig_a.get("tokens", {}), sig_b.get("tokens", {})
    if not a or not b:
        return 0.0
    shared = a.keys() & b.keys()
    if not shared:
        return 0.0
    common = sum(min(a[t], b[t]) for t in shared) + _partial_words(a, b, shared)
    total_a, total_b = sum(a.values()), sum(b.values())
    dice = 2 * common / (total_a + total_b)
    overlap = common / min(total_a, total_b)
    value = 0.5 * dice + 0.5 * overlap
    if not shared & OUTAGES:
        value *= _things_factor(a, b)
    value *= _problems_factor(a, b)
    if {"夜间", "白天"} <= (a.keys() | b.keys()) and not {"夜间", "白天"} & shared:
        value *= 0.4  # one at night, the other in the daytime
    if shared & LOCAL and _different_places(sig_a, sig_b):
        value *= 0.25
    return max(0.0, min(1.0, value))


def _partial_words(a: Mapping, b: Mapping, shared) -> float:
    """Other words that contain one another count for a part (暖气 / 暖气片, 消杀 / 喷药消杀)."""
    words_a = [w for w in a if w not in shared and w not in _KINDS]
    words_b = [w for w in b if w not in shared and w not in _KINDS]
    if not words_a or not words_b:
        return 0.0
    found_a = sum(1 for w in words_a if any(w in o or o in w for o in words_b))
    found_b = sum(1 for w in words_b if any(w in o or o in w for o in words_a))
    return min(found_a, found_b) * PARTIAL_WORD * WORD_WEIGHT  # symmetric: score(a, b) == score(b, a)


def _of_kind(tokens: Mapping, kind: str) -> set[str]:
    return {t for t in tokens if _KINDS.get(t) == kind}


def _things_factor(a: Mapping, b: Mapping) -> float:
    """Both name things: different things → low; a thing only one of them names → somewhat lower."""
    things_a, things_b = _of_kind(a, OBJECT), _of_kind(b, OBJECT)
    if not things_a or not things_b:
        return ONE_SIDED_THING if things_a or things_b else 1.0
    if not things_a & things_b:
        return 0.4
    return (EXTRA_THING if things_a - things_b else 1.0) * (EXTRA_THING if things_b - things_a else 1.0)


def _problems_factor(a: Mapping, b: Mapping) -> float:
    problems_a, problems_b = _of_kind(a, PROBLEM), _of_kind(b, PROBLEM)
    if not problems_a or not problems_b or problems_a & problems_b:
        return 1.0
    related = any(problems_a & family and problems_b & family for family in RELATED_PROBLEMS)
    return 0.8 if related else 0.4


def _different_places(sig_a: Mapping, sig_b: Mapping) -> bool:
    if (sig_a["tokens"].keys() | sig_b["tokens"].keys()) & COMMUNITY_PLACES:
        return False
    places_a = set(sig_a.get("buildings") or ([sig_a["home"]] if sig_a.get("home") else []))
    places_b = set(sig_b.get("buildings") or ([sig_b["home"]] if sig_b.get("home") else []))
    if places_a and places_b and not places_a & places_b:
        return True
    units_a, units_b = set(sig_a.get("units") or []), set(sig_b.get("units") or [])
    return bool(units_a and units_b and not units_a & units_b)


def same_event(a_text: str, b_text: str, *, threshold: float = THRESHOLD) -> bool:
    """Convenience: do the two texts score at or above the threshold?"""
    return score(signature(a_text), signature(b_text)) >= threshold


def rank(sig: Mapping, candidates: Iterable[tuple[object, Mapping]], *, threshold: float = THRESHOLD) -> list:
    """The candidates (id, signature) that match ``sig``, best first, as (id, score)."""
    found = [(key, s) for key, other in candidates if (s := score(sig, other)) >= threshold]
    return sorted(found, key=lambda item: -item[1])


def shortlist(postings: Mapping[str, Iterable], *, limit: int = MAX_CANDIDATES) -> list:
    """Candidate ids from the postings read per key (most recent first): those sharing the most keys first.

    ``postings`` maps each of the new complaint's keys to the ids found under it (at most
    ``CANDIDATES_PER_KEY`` each, newest first); ties keep the order in which ids were first seen.
    """
    hits: dict = {}
    for ids in postings.values():
        for key in ids:
            hits[key] = hits.get(key, 0) + 1
    ordered = sorted(hits, key=lambda key: -hits[key])  # stable: first seen first among equals
    return ordered[:limit]


def _minutes(record: Mapping) -> float:
    return float(record["minutes_offset"])


def groups(
    records: Iterable[Mapping],
    *,
    min_households: int = MIN_HOUSEHOLDS,
    window_minutes: float = DEFAULT_WINDOW_MINUTES,
    threshold: float = THRESHOLD,
) -> list[list]:
    """The collective complaints in ``records``: lists of record ids, one per event of ``min_households`` or more.

    A record is a mapping with ``id``, ``household``, ``community``, ``category``, ``minutes_offset`` (arrival,
    in minutes) and either ``signature`` or ``text`` (with ``building``, the caller's building, if known).
    Records are taken in arrival order, as intake sees them: each joins the group of earlier complaints (same
    community and category, within the window) it matches best — the mean of its three best scores against
    the group's members in the window must reach the threshold — or starts a group of its own. A group counts
    households, not complaints: one household calling twice is one household.
    """
    clusters: list[dict] = []
    for record in sorted(records, key=_minutes):
        sig = record.get("signature") or signature(record["text"], home_building=record.get("building"))
        member = (record, sig)
        best = _best_cluster(clusters, member, window_minutes, threshold)
        if best is None:
            clusters.append({"key": (record["community"], record["category"]), "members": [member]})
        else:
            best["members"].append(member)
    found = []
    for cluster in clusters:
        households = {rec["household"] for rec, _sig in cluster["members"]}
        if len(households) >= min_households:
            found.append([rec["id"] for rec, _sig in cluster["members"]])
    return found


def _best_cluster(clusters: list[dict], member: tuple, window_minutes: float, threshold: float) -> dict | None:
    record, sig = member
    key, now = (record["community"], record["category"]), _minutes(record)
    best, best_affinity = None, threshold
    for cluster in clusters:
        if cluster["key"] != key:
            continue
        members = [other for rec, other in cluster["members"] if now - _minutes(rec) <= window_minutes]
        if not members:
            continue
        value = affinity(sig, members)
        if value >= best_affinity:
            best, best_affinity = cluster, value
    return best


def affinity(sig: Mapping, members: Iterable[Mapping]) -> float:
    """How well a complaint fits a group: the mean of its three best scores against the group's members.

    The rule ``groups`` uses; intake applies the same one to decide which open collective complaint (or group
    of earlier matches) a new complaint joins: the best affinity at or above ``THRESHOLD``.
    """
    scores = sorted((score(sig, other) for other in members), reverse=True)[:3]
    return sum(scores) / len(scores) if scores else 0.0
