"""Pages: login and language, the home page per role, the community directory and household pages."""

import pytest
from django.urls import reverse

from propdesk.org.choices import Role
from propdesk.testing.factories import (
    BuildingFactory,
    HouseholdFactory,
    ResidentFactory,
    UnitFactory,
    UserFactory,
    staff_user,
)

# A fixed bound for the directory pages; the real guard against N+1 is that the count does not
# grow with the number of households (see the query-count tests below).
MAX_QUERIES = 12


@pytest.fixture
def receptionist_a(world):
    return staff_user("reception-a", Role.RECEPTIONIST, center=world.center_a)


@pytest.fixture
def resident_user(world):
    """Resident A's portal login."""
    user = UserFactory(username="zhangwei")
    world.resident_a.user = user
    world.resident_a.save(update_fields=["user"])
    return user


@pytest.fixture
def neighbour_household(world):
    """A second household in community A (5栋1单元101) with its resident."""
    unit = UnitFactory(
        building=BuildingFactory(community=world.community_a, name="5栋"), entrance="1单元", number="101"
    )
    household = HouseholdFactory(unit=unit)
    ResidentFactory(household=household, name="赵敏", phone="13600000002")
    return household


# --- login and language ------------------------------------------------------------------------------


def test_anonymous_home_redirects_to_login(client, db):
    # when
    response = client.get("/")

    # then
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/"


def test_login_page_is_chinese_by_default(client, db):
    # when
    response = client.get(reverse("login"))

    # then
    content = response.content.decode()
    assert response.status_code == 200
    assert "登录" in content
    assert '<html lang="zh-hans">' in content


def test_login_page_switches_to_english(client, db):
    # given the visitor picks English
    switched = client.post("/i18n/setlang/", {"language": "en", "next": reverse("login")})
    assert switched.status_code == 302
    assert switched["Location"] == reverse("login")

    # when
    response = client.get(reverse("login"))

    # then
    content = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="en">' in content
    assert '<html lang="zh-hans">' not in content


# --- home page entries per role --------------------------------------------------------------------------


def test_receptionist_home_lists_directory_but_not_import(client, world, receptionist_a):
    # given
    client.force_login(receptionist_a)

    # when
    response = client.get(reverse("home"))

    # then
    content = response.content.decode()
    assert response.status_code == 200
    assert "小区档案" in content
    assert reverse("communities:list") in content
    assert "住户资料导入" not in content
    assert reverse("communities:import") not in content
    assert "我的房屋" not in content


def test_info_manager_home_lists_import(client, world):
    # given
    client.force_login(staff_user("info-a", Role.INFO_MANAGER, center=world.center_a))

    # when
    response = client.get(reverse("home"))

    # then
    content = response.content.decode()
    assert response.status_code == 200
    assert "小区档案" in content
    assert "住户资料导入" in content
    assert reverse("communities:import") in content


def test_resident_home_lists_my_households_only(client, world, resident_user):
    # given
    client.force_login(resident_user)

    # when
    response = client.get(reverse("home"))

    # then
    content = response.content.decode()
    assert response.status_code == 200
    assert "我的房屋" in content
    assert reverse("communities:mine") in content
    assert "小区档案" not in content
    assert "住户资料导入" not in content
    assert "后台管理" not in content


# --- community directory ---------------------------------------------------------------------------------


def test_community_list_shows_own_community_only(client, world, receptionist_a):
    # given
    client.force_login(receptionist_a)

    # when
    response = client.get(reverse("communities:list"))

    # then
    content = response.content.decode()
    assert response.status_code == 200
    assert [c.pk for c in response.context["communities"]] == [world.community_a.pk]
    assert "翠湖花园" in content
    assert "云山名邸" not in content
    assert reverse("communities:detail", args=[world.community_b.pk]) not in content


def test_community_list_counts_registered_households(client, world, receptionist_a, neighbour_household):
    client.force_login(receptionist_a)

    response = client.get(reverse("communities:list"))

    [community] = response.context["communities"]
    assert (community.building_total, community.registered) == (2, 2)


def test_community_detail_of_other_center_is_404(client, world, receptionist_a):
    # given
    client.force_login(receptionist_a)

    # when
    response = client.get(reverse("communities:detail", args=[world.community_b.pk]))

    # then
    assert response.status_code == 404
    assert "云山名邸" not in response.content.decode()


def test_community_detail_lists_households_with_masked_phones(client, world, receptionist_a, neighbour_household):
    client.force_login(receptionist_a)

    response = client.get(reverse("communities:detail", args=[world.community_a.pk]))

    content = response.content.decode()
    assert response.status_code == 200
    assert [h.pk for h in response.context["page"]] == [world.household_a.pk, neighbour_household.pk]
    assert "138****5678" in content
    assert "13812345678" not in content


@pytest.mark.parametrize("query", ["3-2-1202", "1202", "张伟"])
def test_community_detail_search_finds_the_household(client, world, receptionist_a, neighbour_household, query):
    # given
    client.force_login(receptionist_a)

    # when
    response = client.get(reverse("communities:detail", args=[world.community_a.pk]), {"q": query})

    # then
    content = response.content.decode()
    assert response.status_code == 200
    assert [h.pk for h in response.context["page"]] == [world.household_a.pk]
    assert reverse("communities:household", args=[world.household_a.pk]) in content
    assert "3栋2单元1202" in content
    assert reverse("communities:household", args=[neighbour_household.pk]) not in content


def test_community_detail_search_with_htmx_returns_the_table_only(client, world, receptionist_a):
    client.force_login(receptionist_a)

    response = client.get(
        reverse("communities:detail", args=[world.community_a.pk]), {"q": "3-2-1202"}, HTTP_HX_REQUEST="true"
    )

    content = response.content.decode()
    assert response.status_code == 200
    assert "3栋2单元1202" in content
    assert "<html" not in content


def test_resident_gets_403_on_community_list(client, world, resident_user):
    # when
    client.force_login(resident_user)
    response = client.get(reverse("communities:list"))

    # then
    assert response.status_code == 403
    assert "翠湖花园" not in response.content.decode()


def test_resident_gets_403_on_community_detail(client, world, resident_user):
    client.force_login(resident_user)

    response = client.get(reverse("communities:detail", args=[world.community_a.pk]))

    assert response.status_code == 403


def test_resident_sees_own_household_page(client, world, resident_user):
    client.force_login(resident_user)

    response = client.get(reverse("communities:household", args=[world.household_a.pk]))

    content = response.content.decode()
    assert response.status_code == 200
    assert "3栋2单元1202" in content
    assert "138****5678" in content
    assert "13812345678" not in content


def test_resident_gets_404_on_another_household_page(client, world, resident_user, neighbour_household):
    # given
    client.force_login(resident_user)

    # when
    same_community = client.get(reverse("communities:household", args=[neighbour_household.pk]))
    other_community = client.get(reverse("communities:household", args=[world.household_b.pk]))

    # then
    assert same_community.status_code == 404
    assert other_community.status_code == 404
    assert "赵敏" not in same_community.content.decode()
    assert "李娜" not in other_community.content.decode()


def test_resident_my_households_page(client, world, resident_user, neighbour_household):
    client.force_login(resident_user)

    response = client.get(reverse("communities:mine"))

    content = response.content.decode()
    assert response.status_code == 200
    assert [h.pk for h in response.context["households"]] == [world.household_a.pk]
    assert "翠湖花园 3栋2单元1202" in content
    assert "赵敏" not in content


# --- query counts ---------------------------------------------------------------------------------------


def add_households(community, count: int, *, start: int) -> None:
    """``count`` more households with two residents each, in one new building of ``community``."""
    building = BuildingFactory(community=community, name=f"{90 + start}栋")
    for i in range(start, start + count):
        household = HouseholdFactory(unit=UnitFactory(building=building, entrance="1单元", number=str(1000 + i)))
        ResidentFactory(household=household, name=f"业主{i}", phone=f"135{i:08d}")
        ResidentFactory(household=household, name=f"家属{i}", phone=f"136{i:08d}", relation="family")


@pytest.mark.parametrize("url_name", ["communities:list", "communities:detail"])
def test_directory_query_count_does_not_grow_with_households(
    client, world, receptionist_a, django_assert_max_num_queries, url_name
):
    # given a receptionist and 5 extra households in community A
    client.force_login(receptionist_a)
    args = [world.community_a.pk] if url_name == "communities:detail" else []
    url = reverse(url_name, args=args)
    add_households(world.community_a, 5, start=0)

    # when the page is shown with 5, then with 30 extra households
    with django_assert_max_num_queries(MAX_QUERIES) as with_five:
        response_five = client.get(url)
    add_households(world.community_a, 25, start=5)
    with django_assert_max_num_queries(MAX_QUERIES) as with_thirty:
        response_thirty = client.get(url)

    # then
    assert response_five.status_code == response_thirty.status_code == 200
    assert len(with_thirty.captured_queries) == len(with_five.captured_queries)
    if url_name == "communities:detail":
        assert len(response_thirty.context["page"]) == 31
