"""The complaint API (``/api/v1/complaints``): the register with its filters, one complaint and its history,
classification and owner, the timers' actions, repeats; scope (another center's complaint is a 404), stale
versions (409), bad input (400/422) that changes nothing."""

import pytest

from propdesk.api.tests.conftest import bearer
from propdesk.complaints.models import Complaint, ComplaintEvent
from propdesk.testing.clock import shanghai_time as local
from propdesk.tickets.choices import Channel, Status

API = "/api/v1/complaints"

pytestmark = pytest.mark.usefixtures("clock")


@pytest.fixture(autouse=True)
def at_ten(clock):
    clock.move_to(local(2026, 11, 18, 10))


def state(complaint) -> tuple:
    row = Complaint.objects.get(pk=complaint.pk)
    return (
        row.version,
        row.responsibility_class,
        row.validity,
        row.owner_id,
        ComplaintEvent.objects.filter(complaint=row).count(),
    )


def test_the_register_lists_filters_and_scopes(record, cast):
    one = record()
    record(content="邻居装修噪音", channel=Channel.LETTER)
    api = bearer(cast.reception)
    body = api.get(API).json()
    assert body["count"] == 2
    api.post(f"{API}/{one.pk}/classify", {"responsibility_class": 1, "validity": "valid"})
    only = api.get(API, {"responsibility_class": 1, "validity": "valid", "status": "open"}).json()
    assert [item["id"] for item in only["items"]] == [one.pk]
    assert only["items"][0]["class_label"].startswith("一类")
    assert api.get(API, {"overdue": True}).json()["count"] == 0
    assert bearer(cast.reception_b).get(API).json()["count"] == 0
    assert bearer(cast.reception_b).get(f"{API}/{one.pk}").status_code == 404


def test_classify_assign_and_history(record, cast):
    complaint = record()
    body = (
        bearer(cast.reception)
        .post(
            f"{API}/{complaint.pk}/classify",
            {
                "responsibility_class": 2,
                "developer_matter": "housing",
                "validity": "valid",
                "expected_version": 1,
            },
        )
        .json()
    )
    assert body["suggested_owner"] == {"id": cast.supervisor.pk, "name": "supervisor-a"}
    assert "房屋质量" in body["suggestion_reason"]
    response = bearer(cast.supervisor).post(f"{API}/{complaint.pk}/owner", {"expected_version": body["version"]})
    assert response.status_code == 200, response.json()
    assert response.json()["owner"]["id"] == cast.supervisor.pk
    assert response.json()["next_due"] is not None
    events = bearer(cast.supervisor).get(f"{API}/{complaint.pk}/events").json()
    assert [e["kind"] for e in events] == ["created", "classified", "owner_suggested", "owner_set"]
    assert "房屋质量" in events[2]["reason"]


def test_stale_versions_and_bad_input_change_nothing(record, cast):
    complaint = record()
    api = bearer(cast.reception)
    before = state(complaint)
    stale = api.post(f"{API}/{complaint.pk}/classify", {"responsibility_class": 1, "expected_version": 7})
    assert stale.status_code == 409
    bad = api.post(f"{API}/{complaint.pk}/classify", {"responsibility_class": 2})
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "developer_matter"
    assert api.post(f"{API}/{complaint.pk}/classify", {"responsibility_class": 9}).status_code == 422
    assert api.post(f"{API}/{complaint.pk}/classify", {"responsibility_class": 1, "validity": "x"}).status_code == 422
    assert api.post(f"{API}/{complaint.pk}/owner", {"owner_id": 9_000_000}).status_code == 400
    assert api.post(f"{API}/{2**63}/classify", {"responsibility_class": 1}).status_code == 422
    assert api.post(f"{API}/{complaint.pk}/agreed-reply", {"reply_at": "2026-11-18T08:00:00+08:00"}).status_code == 400
    assert api.post(f"{API}/{complaint.pk}/agreed-reply", {"reply_at": "2150-01-01T08:00:00+08:00"}).status_code == 422
    assert api.post(f"{API}/{complaint.pk}/original", {"archive_no": "A-1"}).status_code == 403
    assert state(complaint) == before


def test_timers_actions_and_the_repeat(record, cast):
    complaint = record()
    api = bearer(cast.reception)
    agreed = api.post(f"{API}/{complaint.pk}/agreed-reply", {"reply_at": "2026-11-18T16:00:00+08:00"})
    assert agreed.json()["agreed_reply_at"] == "2026-11-18T16:00:00+08:00"
    spot = api.post(f"{API}/{complaint.pk}/on-the-spot", {"content": "当场更换灯泡"}).json()
    assert spot["on_the_spot"] and spot["ticket"]["status"] == Status.RESOLVED
    assert api.post(f"{API}/{complaint.pk}/replies", {"method": "phone", "content": "回访"}).status_code == 400
    replied = api.post(
        f"{API}/{complaint.pk}/replies",
        {
            "method": "phone",
            "content": "回访",
            "customer_opinion": "还是不亮",
            "satisfied": False,
        },
    ).json()
    assert replied["is_repeat"] and replied["owner"]["id"] == cast.supervisor.pk
    earlier = api.get(f"{API}/{complaint.pk}/earlier-handling").json()
    assert earlier["complaint_id"] == complaint.pk
    bench = bearer(cast.supervisor).get(f"{API}/workbench").json()
    assert [item["id"] for item in bench] == [complaint.pk]
    assert bearer(cast.reception).get(f"{API}/workbench").json() == []


def test_major_facts_original_and_repeat_of(record, cast):
    letter = record(channel=Channel.LETTER)
    api = bearer(cast.reception)
    assert api.post(f"{API}/{letter.pk}/major", {"reason": "涉及安全"}).json()["major"] is True
    facts = api.post(f"{API}/{letter.pk}/facts", {"source": "developer_cs", "reason": "开发商转来"}).json()
    assert facts["source"] == "developer_cs"
    filed = bearer(cast.clerk).post(f"{API}/{letter.pk}/original", {"archive_no": "TS-2026-09"}).json()
    assert filed["original_archive_no"] == "TS-2026-09"
    later = record(content="又来投诉")
    assert api.post(f"{API}/{later.pk}/repeat", {"reason": "同一事项", "repeat_of_id": 9_000_000}).status_code == 400
    repeated = api.post(f"{API}/{later.pk}/repeat", {"reason": "同一事项", "repeat_of_id": letter.pk}).json()
    assert repeated["repeat_of_id"] == letter.pk and repeated["is_repeat"]
    progress = api.post(f"{API}/{later.pk}/progress", {"content": "已联系开发商"})
    assert progress.status_code == 200
