"""The Django admin: every changelist opens, saves leave an event, personal data stays masked, lists are scoped."""

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.urls import reverse

from propdesk.communities.models import Community
from propdesk.core.models import Event
from propdesk.org.choices import Role
from propdesk.org.models import RoleMembership
from propdesk.testing.factories import (
    BuildingFactory,
    CommunityFactory,
    HouseholdFactory,
    ResidentFactory,
    ServiceCenterFactory,
    UnitFactory,
    staff_user,
)

REGISTERED = sorted(admin.site._registry, key=lambda model: model._meta.label)


def changelist_url(model) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser("root", "root@example.com", "pw-123456")


@pytest.fixture
def admin_staff_a(world):
    """A center-A info manager with admin access and only the view permission on communities and residents."""
    user = staff_user("info-a", Role.INFO_MANAGER, center=world.center_a)
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="communities", codename="view_community"),
        Permission.objects.get(content_type__app_label="communities", codename="view_resident"),
    )
    return user


def filter_choices(response, field_path: str) -> list[tuple[int, str]]:
    """The (pk, label) choices of the changelist's list filter on ``field_path``."""
    [spec] = [spec for spec in response.context["cl"].filter_specs if getattr(spec, "field_path", None) == field_path]
    return list(spec.lookup_choices)


def community_form_data(community: Community, **changes) -> dict:
    data = {
        "service_center": community.service_center_id,
        "name": community.name,
        "code": community.code,
        "address": community.address,
        "household_count": community.household_count,
        "handover_date": community.handover_date.isoformat() if community.handover_date else "",
        "developer": community.developer_id or "",
        "_save": "保存",
    }
    if community.single_owner:
        data["single_owner"] = "on"
    data.update(changes)
    return data


@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label)
def test_superuser_opens_every_changelist(client, world, superuser, model):
    # given
    client.force_login(superuser)

    # when
    response = client.get(changelist_url(model))

    # then
    assert response.status_code == 200


def test_registered_models_cover_the_domain(db):
    assert {model._meta.label for model in REGISTERED} >= {
        "core.Event",
        "core.PersonalDataAccess",
        "org.Company",
        "org.Branch",
        "org.ServiceCenter",
        "org.Department",
        "org.StaffProfile",
        "org.RoleMembership",
        "communities.Developer",
        "communities.Vendor",
        "communities.Community",
        "communities.Building",
        "communities.Unit",
        "communities.Household",
        "communities.Resident",
        "communities.SpecialCustomer",
    }


def test_admin_change_of_community_records_event_with_diff(client, world, superuser):
    # given
    client.force_login(superuser)
    community = world.community_a
    url = reverse("admin:communities_community_change", args=[community.pk])

    # when
    response = client.post(url, community_form_data(community, name="翠湖花园一期", household_count=620))

    # then
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:communities_community_changelist")
    community.refresh_from_db()
    assert (community.name, community.household_count) == ("翠湖花园一期", 620)
    event = Event.objects.get(verb="community.changed")
    assert event.actor == superuser
    assert event.target_id == str(community.pk)
    assert event.target_repr == "翠湖花园一期"
    assert event.data == {"changes": {"name": ["翠湖花园", "翠湖花园一期"], "household_count": [500, 620]}}
    assert Event.objects.count() == 1


def test_admin_save_without_change_records_no_event(client, world, superuser):
    # given
    client.force_login(superuser)
    url = reverse("admin:communities_community_change", args=[world.community_a.pk])

    # when
    response = client.post(url, community_form_data(world.community_a))

    # then
    assert response.status_code == 302
    assert Event.objects.count() == 0


def test_resident_changelist_masks_phone_and_id(client, world, superuser):
    # given
    client.force_login(superuser)

    # when
    response = client.get(changelist_url(world.resident_a.__class__))

    # then
    content = response.content.decode()
    assert response.status_code == 200
    assert "138****5678" in content
    assert "13812345678" not in content
    assert "110***********002X" in content
    assert "11010519491231002X" not in content
    assert "13987654321" not in content


def test_resident_changelist_search_by_full_phone_does_not_show_it(client, world, superuser):
    # given
    client.force_login(superuser)

    # when
    response = client.get(changelist_url(world.resident_a.__class__), {"q": "13812345678"})

    # then the resident is found, and the number shows only masked (the search box echoes the query)
    assert response.status_code == 200
    assert [r.pk for r in response.context["cl"].result_list] == [world.resident_a.pk]
    assert "138****5678" in response.content.decode()


def test_staff_of_center_a_does_not_see_center_b_community_in_changelist(client, world, admin_staff_a):
    # given
    client.force_login(admin_staff_a)

    # when
    response = client.get(changelist_url(Community))

    # then
    content = response.content.decode()
    assert response.status_code == 200
    assert [c.pk for c in response.context["cl"].result_list] == [world.community_a.pk]
    assert "翠湖花园" in content
    assert "云山名邸" not in content


def test_staff_of_center_a_cannot_open_center_b_community(client, world, admin_staff_a):
    # given
    client.force_login(admin_staff_a)

    # when
    response = client.get(reverse("admin:communities_community_change", args=[world.community_b.pk]))

    # then the admin treats it as missing and sends the user back to the index
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")


def test_staff_of_center_a_does_not_see_center_b_residents(client, world, admin_staff_a):
    # given
    client.force_login(admin_staff_a)

    # when
    response = client.get(changelist_url(world.resident_a.__class__))

    # then
    content = response.content.decode()
    assert response.status_code == 200
    assert [r.pk for r in response.context["cl"].result_list] == [world.resident_a.pk]
    assert "李娜" not in content


def test_view_only_staff_cannot_change_community(client, world, admin_staff_a):
    # given a user with only the view permission
    client.force_login(admin_staff_a)
    url = reverse("admin:communities_community_change", args=[world.community_a.pk])

    # when
    response = client.post(url, community_form_data(world.community_a, name="改名"))

    # then
    assert response.status_code == 403
    world.community_a.refresh_from_db()
    assert world.community_a.name == "翠湖花园"
    assert Event.objects.count() == 0


@pytest.fixture
def second_center(world, admin_staff_a):
    """Center C (community 湖畔雅苑, one resident) where the center-A user also works, so filters have 2 choices."""
    center_c = ServiceCenterFactory(branch=world.branch, name="湖畔服务中心", code="C01")
    community_c = CommunityFactory(service_center=center_c, name="湖畔雅苑", code="hupan")
    unit = UnitFactory(building=BuildingFactory(community=community_c, name="1栋"), entrance="", number="101")
    ResidentFactory(household=HouseholdFactory(unit=unit), name="周杰", phone="13700000007")
    RoleMembership.objects.create(user=admin_staff_a, role=Role.INFO_MANAGER, service_center=center_c)
    return center_c


def test_community_changelist_filter_offers_only_visible_centers(client, world, admin_staff_a, second_center):
    # given a user working in centers A and C
    client.force_login(admin_staff_a)

    # when
    response = client.get(changelist_url(Community))

    # then the "service center" filter offers centers A and C and does not name center B
    assert filter_choices(response, "service_center") == [
        (world.center_a.pk, "翠湖服务中心"),
        (second_center.pk, "湖畔服务中心"),
    ]
    assert "云山服务中心" not in response.content.decode()


def test_resident_changelist_filter_offers_only_visible_communities(client, world, admin_staff_a, second_center):
    # given a user working in centers A and C
    client.force_login(admin_staff_a)

    # when
    response = client.get(changelist_url(world.resident_a.__class__))

    # then the "community" filter offers the communities of A and C and does not name community B
    assert filter_choices(response, "household__unit__building__community") == [
        (world.community_a.pk, "翠湖花园"),
        (second_center.communities.get().pk, "湖畔雅苑"),
    ]
    assert "云山名邸" not in response.content.decode()


@pytest.fixture
def admin_editor_a(admin_staff_a):
    admin_staff_a.user_permissions.add(
        Permission.objects.get(content_type__app_label="communities", codename="change_community")
    )
    return admin_staff_a


def test_editor_of_center_a_can_change_own_community(client, world, admin_editor_a):
    # given
    client.force_login(admin_editor_a)
    url = reverse("admin:communities_community_change", args=[world.community_a.pk])

    # when
    response = client.post(url, community_form_data(world.community_a, address="翠湖路 1 号"))

    # then
    assert response.status_code == 302
    event = Event.objects.get(verb="community.changed")
    assert event.actor == admin_editor_a
    assert event.data == {"changes": {"address": ["", "翠湖路 1 号"]}}


def test_editor_of_center_a_cannot_move_community_to_center_b(client, world, admin_editor_a):
    # given
    client.force_login(admin_editor_a)
    url = reverse("admin:communities_community_change", args=[world.community_a.pk])

    # when
    response = client.post(url, community_form_data(world.community_a, service_center=world.center_b.pk))

    # then the form rejects the choice and nothing changed
    assert response.status_code == 200
    assert list(response.context["adminform"].form.errors) == ["service_center"]
    world.community_a.refresh_from_db()
    assert world.community_a.service_center_id == world.center_a.pk
    assert Event.objects.count() == 0
