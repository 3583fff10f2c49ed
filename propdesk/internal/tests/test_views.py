"""The internal pages: "my day" on a phone (going out and back, my leave, what waits for me), the board, the
leave pages with their actions and the printable slip, the manager's dashboard — and who may open them."""

from django.urls import reverse

from propdesk.internal import services
from propdesk.internal.models import LeaveRequest, Outing


def page(client, user, name, *args, **params):
    client.force_login(user)
    return client.get(reverse(name, args=args), params)


def test_my_day_posts_going_out_and_back(client, office):
    plumber = office.crew.plumber
    html = page(client, plumber, "internal:my_day").content.decode()
    assert "登记外出" in html and "我的工作单" in html
    response = client.post(
        reverse("internal:outing_post"),
        {"reason": "取快递", "place": "物流中心", "phone": "13900001111", "expected_back": "11:00"},
    )
    assert response.status_code == 302
    outing = Outing.objects.get(user=plumber)
    html = client.get(reverse("internal:my_day")).content.decode()
    assert "我正在外出" in html and "物流中心" in html
    client.post(reverse("internal:outing_return", args=[outing.pk]), {"version": outing.version})
    assert Outing.objects.get(pk=outing.pk).back_at is not None


def test_a_refused_outing_shows_its_errors(client, office):
    client.force_login(office.crew.plumber)
    response = client.post(
        reverse("internal:outing_post"), {"reason": "", "place": "物流中心", "phone": "139", "expected_back": "09:00"}
    )
    assert response.status_code == 400
    assert Outing.objects.count() == 0
    assert 'role="alert"' in response.content.decode()


def test_the_board_lists_who_is_out(client, office):
    services.outing_post(
        actor=office.crew.electrician,
        reason="开会",
        place="分公司",
        phone="13900001111",
        expected_back=office_time(11),
    )
    html = page(client, office.crew.receptionist, "internal:board").content.decode()
    assert "分公司" in html and "electrician" in html


def office_time(hour):
    from propdesk.dispatch.tests.helpers import on18

    return on18(hour)


def test_leave_pages_request_approve_and_print(client, office):
    client.force_login(office.crew.electrician)
    response = client.post(
        reverse("internal:leave_new"),
        {"kind": "annual", "starts_on": "2026-11-19", "ends_on": "2026-11-20", "reason": "探亲"},
    )
    leave = LeaveRequest.objects.get()
    assert response.status_code == 302
    assert page(client, office.crew.electrician, "internal:leave_print", leave.pk).status_code == 404
    html = page(client, office.dept_manager, "internal:leave", leave.pk).content.decode()
    assert "批准" in html
    client.post(reverse("internal:leave_action", args=[leave.pk, "approve"]), {"version": leave.version})
    assert LeaveRequest.objects.get().status == "approved"
    sheet = page(client, office.hr, "internal:leave_print", leave.pk).content.decode()
    assert "探亲" in sheet and "dept-manager" in sheet
    assert page(client, office.crew.plumber, "internal:leave", leave.pk).status_code == 404


def test_a_bad_leave_form_is_shown_again(client, office):
    client.force_login(office.crew.electrician)
    response = client.post(
        reverse("internal:leave_new"),
        {"kind": "annual", "starts_on": "2026-11-20", "ends_on": "2026-11-19", "reason": "x"},
    )
    assert response.status_code == 400
    assert "结束日期不能早于开始日期" in response.content.decode()


def test_the_dashboard_is_for_managers_and_hr(client, office):
    assert page(client, office.crew.manager, "internal:dashboard").status_code == 200
    assert page(client, office.hr, "internal:dashboard").status_code == 200
    assert page(client, office.crew.plumber, "internal:dashboard").status_code == 403


def test_residents_have_no_my_day(client, office, world):
    from propdesk.testing.factories import UserFactory

    user = UserFactory(username="resident-login")
    world.resident_a.user = user
    world.resident_a.save()
    assert page(client, user, "internal:my_day").status_code == 403
