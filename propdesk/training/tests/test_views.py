"""The training pages: register (with the document), approve, schedule, sign in on the sheet, the untrained
list, the printable sheet and "my trainings" — and what each role is refused."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from propdesk.testing.clock import shanghai_time
from propdesk.training.models import Procedure, Session, Trainee

from .helpers import approved, register, schedule


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _form(team, **overrides) -> dict:
    data = {
        "department_id": team.engineering.pk,
        "title": "消防水泵月度试运行规程",
        "summary": "每月第一个周一试运行并记录。",
        "effective_on": "2026-12-01",
        "due_on": "2026-12-20",
        "roles": ["technician"],
    }
    return {**data, **overrides}


def test_a_department_registers_with_a_document_and_the_manager_approves(team, world):
    dept = _client(team.eng_manager)
    assert dept.get("/training/new/").status_code == 200
    pdf = SimpleUploadedFile("规程.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")
    response = dept.post("/training/new/", {**_form(team), "document": pdf})
    procedure = Procedure.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/training/{procedure.pk}/"
    assert dept.get(f"/training/{procedure.pk}/document/").status_code == 200
    manager = _client(team.manager)
    page = manager.get("/training/").content.decode()
    assert "待我审批" in page and "消防水泵月度试运行规程" in page
    assert "approve-button" in manager.get(f"/training/{procedure.pk}/").content.decode()
    manager.post(f"/training/{procedure.pk}/approve/", {"version": "0"})
    procedure.refresh_from_db()
    assert procedure.status == "approved" and Trainee.objects.filter(procedure=procedure).count() == 2
    detail = _client(team.hr).get(f"/training/{procedure.pk}/").content.decode()
    assert "schedule-form" in detail and "王师傅" in detail


def test_a_bad_form_is_shown_again_with_the_errors_and_nothing_saved(team):
    dept = _client(team.eng_manager)
    response = dept.post("/training/new/", _form(team, title="", roles=[]))
    assert response.status_code == 400
    assert "不能为空" in response.content.decode()
    assert not Procedure.objects.exists()
    assert _client(team.plumber).get("/training/new/").status_code == 403


def test_hr_schedules_and_signs_in_on_the_sheet(team, world, clock):
    procedure = approved(team, world)
    hr = _client(team.hr)
    hr.post(
        f"/training/{procedure.pk}/schedule/",
        {"starts_at": "2026-11-20T14:00", "place": "三楼会议室", "trainer_id": team.eng_manager.pk, "capacity": "8"},
    )
    session = Session.objects.get()
    hr.post(f"/training/sessions/{session.pk}/invite/", {})
    clock.move_to(shanghai_time(2026, 11, 20, 14, 3))
    sheet = hr.get(f"/training/sessions/{session.pk}/").content.decode()
    assert "王师傅" in sheet and "李师傅" in sheet
    response = hr.post(f"/training/sessions/{session.pk}/sign/", {"user_id": team.plumber.pk, "mark": "present"})
    assert response.status_code == 302 and response["Location"].endswith("#sheet")
    assert Trainee.objects.get(user=team.plumber).trained_at is not None
    printed = hr.get(f"/training/sessions/{session.pk}/print/").content.decode()
    assert "培训签到表" in printed and "14:03" in printed
    assert _client(team.plumber).get(f"/training/sessions/{session.pk}/print/").status_code == 403
    untrained = _client(team.manager).get("/training/untrained/").content.decode()
    assert "李师傅" in untrained and "王师傅" not in untrained


def test_scheduling_before_approval_is_refused_on_the_page(team, world):
    procedure = register(team, world)
    response = _client(team.hr).post(
        f"/training/{procedure.pk}/schedule/",
        {"starts_at": "2026-11-20T14:00", "place": "三楼会议室", "trainer_id": team.eng_manager.pk, "capacity": "8"},
        follow=True,
    )
    assert "新程序经经理审批后才能安排培训" in response.content.decode()
    assert not Session.objects.exists()


def test_my_trainings_on_a_phone_and_in_english(team, world):
    procedure = approved(team, world)
    schedule(team, procedure)
    from propdesk.training import services

    services.session_invite(actor=team.hr, session=Session.objects.get())
    page = _client(team.plumber).get("/training/mine/").content.decode()
    assert "二次供水水箱清洗规程" in page and "请在 2026-12-15 前完成培训" in page and "三楼会议室" in page
    english = _client(team.plumber)
    english.cookies["django_language"] = "en"
    text = english.get("/training/mine/", headers={"Accept-Language": "en"}).content.decode()
    assert "My trainings" in text
    assert _client(team.plumber).get("/training/untrained/").status_code == 403
    assert _client(team.tech_b).get(f"/training/{procedure.pk}/").status_code == 404


def test_the_home_page_offers_my_trainings_to_everyone_and_the_procedures_to_those_who_run_them(team):
    from propdesk.home.navigation import entries_for

    def urls(user):
        return {e["url"] for e in entries_for(user)}

    assert {"/training/mine/", "/training/"} <= urls(team.hr)
    assert {"/training/mine/", "/training/"} <= urls(team.supervisor)
    assert "/training/mine/" in urls(team.plumber) and "/training/" not in urls(team.plumber)
