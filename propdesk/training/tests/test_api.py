"""The training API: a procedure registered, approved, scheduled, its sheet signed and the untrained listed —
with clear 4xx answers for bad input, a stale version, the wrong role and another center's records."""

from django.core.files.uploadedfile import SimpleUploadedFile

from propdesk.api.tests.conftest import bearer
from propdesk.testing.clock import shanghai_time

API = "/api/v1/training"


def _body(team, world, **overrides) -> dict:
    body = {
        "center_id": world.center_a.pk,
        "department_id": team.engineering.pk,
        "title": "电梯困人救援流程",
        "summary": "接报后 5 分钟内到场。",
        "effective_on": "2026-12-01",
        "due_on": "2026-12-20",
        "roles": ["technician"],
    }
    return {**body, **overrides}


def test_a_procedure_through_its_life_over_the_api(team, world, clock):
    dept = bearer(team.eng_manager)
    created = dept.post(f"{API}/procedures", _body(team, world))
    assert created.status_code == 201, created.content
    procedure = created.json()
    assert (procedure["status"], procedure["trainees"], procedure["target_role_labels"]) == ("pending", 0, ["维修人员"])
    hr = bearer(team.hr)
    too_early = hr.post(
        f"{API}/procedures/{procedure['id']}/sessions",
        {"starts_at": "2026-11-20T14:00", "place": "会议室", "trainer_id": team.eng_manager.pk, "capacity": 5},
    )
    assert too_early.status_code == 400
    manager = bearer(team.manager)
    assert [p["id"] for p in manager.get(f"{API}/procedures?waiting=true").json()] == [procedure["id"]]
    stale = manager.post(f"{API}/procedures/{procedure['id']}/decide", {"approve": True, "expected_version": 5})
    assert stale.status_code == 409
    decided = manager.post(f"{API}/procedures/{procedure['id']}/decide", {"approve": True, "expected_version": 0})
    assert decided.status_code == 200 and decided.json()["status"] == "approved"
    assert decided.json()["trainees"] == 2
    session = hr.post(
        f"{API}/procedures/{procedure['id']}/sessions",
        {"starts_at": "2026-11-20T14:00", "place": "会议室", "trainer_id": team.eng_manager.pk, "capacity": 5},
    )
    assert session.status_code == 201, session.content
    sid = session.json()["id"]
    invited = hr.post(f"{API}/sessions/{sid}/invite", {"user_ids": [team.plumber.pk]})
    assert [r["user"]["name"] for r in invited.json()["sheet"]] == ["王师傅"]
    clock.move_to(shanghai_time(2026, 11, 20, 14, 2))
    signed = hr.post(f"{API}/sessions/{sid}/attendance", {"user_id": team.plumber.pk, "mark": "present"})
    assert signed.status_code == 200, signed.content
    assert (signed.json()["mark"], signed.json()["trained"]) == ("present", True)
    untrained = manager.get(f"{API}/untrained").json()
    assert [p["user"]["name"] for p in untrained["people"]] == ["李师傅"]
    assert untrained["departments"] == [
        {"department_id": team.engineering.pk, "department": "工程维修部", "untrained": 1, "overdue": 0}
    ]
    mine = bearer(team.plumber).get(f"{API}/mine").json()
    assert [(m["procedure"]["name"], bool(m["trained_at"])) for m in mine] == [("电梯困人救援流程", True)]


def test_a_return_needs_a_reason_over_the_api(team, world):
    procedure = bearer(team.eng_manager).post(f"{API}/procedures", _body(team, world)).json()
    manager = bearer(team.manager)
    assert manager.post(f"{API}/procedures/{procedure['id']}/decide", {"approve": False}).status_code == 400
    returned = manager.post(f"{API}/procedures/{procedure['id']}/decide", {"approve": False, "note": "补充客服"})
    assert (returned.json()["status"], returned.json()["decision_note"]) == ("returned", "补充客服")
    again = bearer(team.eng_manager).post(
        f"{API}/procedures/{procedure['id']}/resubmit",
        {**_body(team, world), "department_ids": [team.service.pk], "expected_version": 1},
    )
    assert again.status_code == 200 and again.json()["status"] == "pending", again.content


def test_bad_input_and_the_wrong_people_are_4xx(team, world):
    dept = bearer(team.eng_manager)
    assert dept.post(f"{API}/procedures", _body(team, world, due_on="1999-01-01")).status_code in (400, 422)
    assert dept.post(f"{API}/procedures", _body(team, world, title="x" * 101)).status_code == 422
    assert dept.post(f"{API}/procedures", _body(team, world, roles=["nobody"])).status_code == 400
    assert bearer(team.plumber).post(f"{API}/procedures", _body(team, world)).status_code == 403
    procedure = dept.post(f"{API}/procedures", _body(team, world)).json()
    assert bearer(team.hr).post(f"{API}/procedures/{procedure['id']}/decide", {"approve": True}).status_code == 403
    assert bearer(team.tech_b).get(f"{API}/procedures/{procedure['id']}").status_code == 404
    assert bearer(team.plumber).get(f"{API}/untrained").status_code == 403


def test_a_document_is_uploaded_before_approval(team, world):
    dept = bearer(team.eng_manager)
    procedure = dept.post(f"{API}/procedures", _body(team, world)).json()
    bad = dept.upload(f"{API}/procedures/{procedure['id']}/document", {"file": SimpleUploadedFile("a.pdf", b"MZ")})
    assert bad.status_code == 400
    pdf = SimpleUploadedFile("a.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")
    ok = dept.upload(f"{API}/procedures/{procedure['id']}/document", {"file": pdf})
    assert ok.status_code == 200 and ok.json()["has_document"], ok.content
