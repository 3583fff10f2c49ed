"""Each kind's chain written out literally: (step, from, to), with and without the quality center's step."""

from propdesk.filings.choices import chain_of

HALF_MONTH = [
    ("submit", "draft", "submitted"),
    ("manager_approve", "submitted", "approved"),
    ("circulate", "approved", "circulated"),
]
QUARTERLY = [
    ("submit", "draft", "submitted"),
    ("review", "submitted", "reviewed"),
    ("approve", "reviewed", "approved"),
    ("post", "approved", "posted"),
    ("publish", "posted", "published"),
    ("deliver", "published", "delivered"),
]
QUARTERLY_NEW_PROJECT = [
    ("submit", "draft", "submitted"),
    ("review", "submitted", "reviewed"),
    ("approve", "reviewed", "approved"),
    ("quality_approve", "approved", "quality_approved"),
    ("post", "quality_approved", "posted"),
    ("publish", "posted", "published"),
    ("deliver", "published", "delivered"),
]
BRIEF = [
    ("submit", "draft", "submitted"),
    ("review", "submitted", "reviewed"),
    ("approve", "reviewed", "approved"),
    ("deliver", "approved", "delivered"),
]
BRIEF_NEW_PROJECT = [
    ("submit", "draft", "submitted"),
    ("review", "submitted", "reviewed"),
    ("approve", "reviewed", "approved"),
    ("quality_approve", "approved", "quality_approved"),
    ("deliver", "quality_approved", "delivered"),
]
BUDGET = [("submit", "draft", "submitted"), ("publish", "submitted", "published")]


def _plain(steps):
    return [(str(a), str(b), str(c)) for a, b, c in steps]


def test_the_chains():
    assert _plain(chain_of("half_month", False)) == HALF_MONTH
    assert _plain(chain_of("quarterly", False)) == QUARTERLY
    assert _plain(chain_of("quarterly", True)) == QUARTERLY_NEW_PROJECT
    assert _plain(chain_of("brief", False)) == BRIEF
    assert _plain(chain_of("brief", True)) == BRIEF_NEW_PROJECT
    assert _plain(chain_of("budget", False)) == BUDGET
