"""The admin asks the dispatch rule set too: a center's dispatch settings are its center manager's to see
and change (``dispatch_settings.change``), a department's shifts its center's managers' (``shift.change``)."""

import datetime as dt

from django.contrib.auth.models import Permission
from django.urls import reverse

from propdesk.dispatch.models import DispatchSettings, ShiftTemplate
from propdesk.org.choices import Role
from propdesk.testing.factories import DepartmentFactory, UserFactory
from propdesk.testing.roles import role_user


def admin_login(client, user):
    user.is_staff = True
    user.save()
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="dispatch"))
    client.force_login(user)
    return client


def test_a_center_manager_sees_and_changes_only_his_centers_settings(client, world):
    mine = DispatchSettings.objects.create(service_center=world.center_a)
    theirs = DispatchSettings.objects.create(service_center=world.center_b)
    admin_login(client, role_user(Role.CENTER_MANAGER, world.center_a))

    listing = client.get(reverse("admin:dispatch_dispatchsettings_changelist"))
    assert [row.pk for row in listing.context["cl"].result_list] == [mine.pk]
    assert client.get(reverse("admin:dispatch_dispatchsettings_change", args=[theirs.pk])).status_code == 302

    response = client.post(
        reverse("admin:dispatch_dispatchsettings_change", args=[mine.pk]),
        {
            "service_center": world.center_a.pk,
            "mode": "grab",
            "return_visit_policy": "always",
            "sample_percent": 30,
            "max_visit_attempts": 3,
        },
    )
    assert response.status_code == 302
    assert DispatchSettings.objects.get(pk=mine.pk).mode == "grab"


def test_a_control_operator_changes_no_settings(client, world):
    DispatchSettings.objects.create(service_center=world.center_a)
    admin_login(client, role_user(Role.CONTROL_OPERATOR, world.center_a))
    listing = client.get(reverse("admin:dispatch_dispatchsettings_changelist"))
    assert list(listing.context["cl"].result_list) == []


def test_shifts_are_listed_to_their_centers_managers(client, world):
    shift_a = ShiftTemplate.objects.create(
        department=DepartmentFactory(service_center=world.center_a), name="白班", starts=dt.time(8), ends=dt.time(17)
    )
    ShiftTemplate.objects.create(
        department=DepartmentFactory(service_center=world.center_b), name="白班", starts=dt.time(8), ends=dt.time(17)
    )
    admin_login(client, role_user(Role.REPAIR_MANAGER, world.center_a))
    listing = client.get(reverse("admin:dispatch_shifttemplate_changelist"))
    assert [row.pk for row in listing.context["cl"].result_list] == [shift_a.pk]

    root = UserFactory(username="root", is_superuser=True, is_staff=True)
    client.force_login(root)
    listing = client.get(reverse("admin:dispatch_shifttemplate_changelist"))
    assert listing.context["cl"].result_count == 2
