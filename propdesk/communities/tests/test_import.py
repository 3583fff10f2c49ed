"""The all-or-nothing xlsx import of households (importer.households_import_xlsx) and its page."""

import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from propdesk.communities.importer import ImportRejected, RowError, households_import_xlsx
from propdesk.communities.models import Building, Household, Resident, Unit
from propdesk.core.models import Event
from propdesk.org.choices import Role
from propdesk.testing.factories import staff_user

HEADER = ("楼栋", "单元", "房号", "楼层", "面积", "姓名", "电话", "身份", "证件号码")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Five people in four rooms; numbers typed as numbers the way Excel users do.
GOOD_ROWS = [
    ("5栋", "1单元", 101, 1, 89.5, "王芳", "+86 138 1234 5678", "业主", "11010519491231002X"),
    ("5栋", "1单元", 101, 1, 89.5, "李强", "139 8765 4321", "家庭成员", ""),
    ("5栋", "2单元", "1202", 12, 120, "赵敏", "0755-26881234", "租户", ""),
    ("6栋", "", 301, 3, None, "陈杰", 13700001111, "", ""),
    ("3栋", "2单元", "1203", "12", "96.00", "周静", "", "owner", ""),
]

BAD_ROWS = [
    ("5栋", "1单元", "101", 1, 89.5, "王芳", "13812345678", "业主", ""),  # row 2: fine
    ("5栋", "1单元", "", 1, 89.5, "李强", "13987654321", "业主", ""),  # row 3: no room
    ("5栋", "1单元", "102", 1, 89.5, "赵敏", "12345", "业主", ""),  # row 4: bad phone
    ("5栋", "1单元", "103", 1, 89.5, "陈杰", "13700001111", "业主", "110105194912310021"),  # row 5: check digit
    ("5栋", "1单元", "104", 1, 89.5, "周静", "13700002222", "房东", ""),  # row 6: unknown relation
    ("5栋", "1单元", "201", "abc", 89.5, "孙磊", "13700003333", "业主", ""),  # row 7: floor
    ("5栋", "1单元", "101", 1, 89.5, "王芳", "13812345678", "业主", ""),  # row 8: repeats row 2
]


def make_sheet(rows, header=HEADER) -> bytes:
    """An .xlsx file whose first row is ``header`` (None: no header row) followed by ``rows``."""
    workbook = Workbook()
    sheet = workbook.active
    if header is not None:
        sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def db_counts() -> dict[str, int]:
    return {
        "buildings": Building.objects.count(),
        "units": Unit.objects.count(),
        "households": Household.objects.count(),
        "residents": Resident.objects.count(),
        "events": Event.objects.count(),
    }


@pytest.fixture
def info_manager(world):
    return staff_user("info_a", Role.INFO_MANAGER, center=world.center_a)


# --- the service ---------------------------------------------------------------------------------


def test_good_sheet_creates_buildings_units_households_and_residents(world, info_manager):
    # given a sheet with five people in four rooms, one of them in the existing building 3栋
    before = db_counts()

    # when the info manager of center A imports it into community A
    result = households_import_xlsx(
        actor=info_manager, community=world.community_a, data=make_sheet(GOOD_ROWS), filename="住户.xlsx"
    )

    # then two buildings, four rooms, four households and five residents are new
    assert (
        result.rows,
        result.buildings_created,
        result.units_created,
        result.households_created,
        result.residents_created,
        result.residents_skipped,
    ) == (5, 2, 4, 4, 5, 0)
    after = db_counts()
    assert after["buildings"] - before["buildings"] == 2
    assert after["units"] - before["units"] == 4
    assert after["households"] - before["households"] == 4
    assert after["residents"] - before["residents"] == 5
    assert sorted(Building.objects.filter(community=world.community_a).values_list("name", flat=True)) == [
        "3栋",
        "5栋",
        "6栋",
    ]
    units = {
        u.code: (u.building.name, u.entrance, u.number, u.floor, u.area)
        for u in Unit.objects.filter(building__community=world.community_a).select_related("building")
    }
    assert units == {
        "3-2-1202": ("3栋", "2单元", "1202", None, None),  # the world's unit, untouched
        "3-2-1203": ("3栋", "2单元", "1203", 12, Decimal("96.00")),
        "5-1-101": ("5栋", "1单元", "101", 1, Decimal("89.50")),
        "5-2-1202": ("5栋", "2单元", "1202", 12, Decimal("120.00")),
        "6-301": ("6栋", "", "301", 3, None),
    }
    residents = {
        r.name: (r.household.unit.code, r.phone, r.relation, r.id_number, r.is_active)
        for r in Resident.objects.filter(household__unit__building__community=world.community_a)
        .exclude(pk=world.resident_a.pk)
        .select_related("household__unit")
    }
    assert residents == {
        "王芳": ("5-1-101", "13812345678", "owner", "11010519491231002X", True),
        "李强": ("5-1-101", "13987654321", "family", "", True),
        "赵敏": ("5-2-1202", "0755-26881234", "tenant", "", True),
        "陈杰": ("6-301", "13700001111", "owner", "", True),
        "周静": ("3-2-1203", "", "owner", "", True),
    }
    assert Household.objects.filter(unit__code="5-1-101", is_active=True).count() == 1
    # and one event records who imported what
    events = list(Event.objects.filter(verb="community.households_imported"))
    assert len(events) == 1
    assert after["events"] - before["events"] == 1
    assert events[0].actor == info_manager
    assert events[0].target_id == str(world.community_a.pk)
    assert events[0].data == {
        "file": "住户.xlsx",
        "rows": 5,
        "buildings_created": 2,
        "units_created": 4,
        "households_created": 4,
        "residents_created": 5,
        "residents_skipped": 0,
    }


def test_importing_the_same_sheet_twice_creates_nothing_the_second_time(world, info_manager):
    # given a sheet already imported
    data = make_sheet(GOOD_ROWS)
    households_import_xlsx(actor=info_manager, community=world.community_a, data=data)
    before = db_counts()

    # when it is imported again
    result = households_import_xlsx(actor=info_manager, community=world.community_a, data=data)

    # then every row is skipped and only the import event is new
    assert (
        result.rows,
        result.buildings_created,
        result.units_created,
        result.households_created,
        result.residents_created,
        result.residents_skipped,
    ) == (5, 0, 0, 0, 0, 5)
    assert db_counts() == {**before, "events": before["events"] + 1}


def test_a_resident_already_on_file_is_skipped_and_the_household_reused(world, info_manager):
    # given the world's 张伟 (13812345678) in 3栋2单元1202 and a new family member for that room
    before = db_counts()
    rows = [
        ("3栋", "2单元", "1202", 12, 89, "张伟", "138 1234 5678", "业主", ""),
        ("3栋", "2单元", "1202", 12, 89, "张小伟", "13812340000", "家庭成员", ""),
    ]

    # when it is imported
    result = households_import_xlsx(actor=info_manager, community=world.community_a, data=make_sheet(rows))

    # then 张伟 is skipped and only the family member is added to the existing household
    assert (result.units_created, result.households_created, result.residents_created, result.residents_skipped) == (
        0,
        0,
        1,
        1,
    )
    assert db_counts() == {**before, "residents": before["residents"] + 1, "events": before["events"] + 1}
    assert list(world.household_a.residents.order_by("pk").values_list("name", "relation")) == [
        ("张伟", "owner"),
        ("张小伟", "family"),
    ]


def test_sheet_with_bad_rows_is_rejected_with_every_problem_and_nothing_is_written(world, info_manager):
    # given a sheet whose rows 3 to 8 each have one problem
    before = db_counts()

    # when it is imported
    with pytest.raises(ImportRejected) as caught:
        households_import_xlsx(actor=info_manager, community=world.community_a, data=make_sheet(BAD_ROWS))

    # then every problem is listed with its row and Chinese column name
    assert caught.value.errors == [
        RowError(3, "房号", "不能为空"),
        RowError(4, "电话", "电话号码格式不正确：12345（手机应为 11 位数字，座机如 0755-12345678）"),
        RowError(5, "证件号码", "身份证号码校验位不正确"),
        RowError(6, "身份", "应为 业主、租户 或 家庭成员：房东"),
        RowError(7, "楼层", "楼层应为 -10 到 200 之间的整数"),
        RowError(8, "姓名", "与第 2 行重复"),
    ]
    assert caught.value.messages[0] == "第 3 行「房号」：不能为空"
    assert caught.value.messages[5] == "第 8 行「姓名」：与第 2 行重复"
    # and nothing was written, not even the good row 2
    assert db_counts() == before
    assert not Building.objects.filter(name="5栋").exists()


def test_one_row_with_several_problems_lists_each_of_them(world, info_manager):
    # given a row without a building and a name, with a zero area and a bad phone
    before = db_counts()
    rows = [("", "1单元", "101", 1, 0, "", "abc", "", "")]

    # when it is imported
    with pytest.raises(ImportRejected) as caught:
        households_import_xlsx(actor=info_manager, community=world.community_a, data=make_sheet(rows))

    # then all four problems of row 2 are reported and nothing is written
    assert caught.value.errors == [
        RowError(2, "楼栋", "不能为空"),
        RowError(2, "姓名", "不能为空"),
        RowError(2, "面积", "面积应为大于 0 的数字"),
        RowError(2, "电话", "电话号码格式不正确：abc（手机应为 11 位数字，座机如 0755-12345678）"),
    ]
    assert db_counts() == before


def test_blank_lines_are_skipped_but_keep_row_numbers(world, info_manager):
    # given a blank line between two rows, the second of which has no name
    before = db_counts()
    rows = [GOOD_ROWS[0], (None,) * 9, ("5栋", "1单元", "102", 1, 89.5, "", "13700001111", "", "")]

    # when it is imported
    with pytest.raises(ImportRejected) as caught:
        households_import_xlsx(actor=info_manager, community=world.community_a, data=make_sheet(rows))

    # then the error is on sheet row 4, where the user sees it in Excel
    assert caught.value.errors == [RowError(4, "姓名", "不能为空")]
    assert db_counts() == before


def test_missing_required_column_is_an_error_on_row_1(world, info_manager):
    # given a sheet without the 姓名 and 房号 columns
    before = db_counts()
    header = ("楼栋", "单元", "楼层", "电话")
    data = make_sheet([("5栋", "1单元", 1, "13812345678")], header=header)

    # when it is imported
    with pytest.raises(ImportRejected) as caught:
        households_import_xlsx(actor=info_manager, community=world.community_a, data=data)

    # then the header row is blamed and nothing is written
    assert caught.value.errors == [RowError(1, "表头", "缺少必填列：房号、姓名")]
    assert db_counts() == before


def test_english_headers_in_any_order_are_accepted(world, info_manager):
    # given English headers in another order
    header = ("name", "phone", "room", "building", "relation")
    data = make_sheet([("Alice", "13812345678", "101", "7栋", "tenant")], header=header)

    # when it is imported
    result = households_import_xlsx(actor=info_manager, community=world.community_a, data=data)

    # then the resident lands in room 7-101
    assert (result.buildings_created, result.units_created, result.residents_created) == (1, 1, 1)
    assert list(Resident.objects.filter(household__unit__code="7-101").values_list("name", "phone", "relation")) == [
        ("Alice", "13812345678", "tenant")
    ]


def test_non_xlsx_file_is_rejected_with_a_chinese_message(world, info_manager):
    # given bytes that are not an Excel file
    before = db_counts()

    # when they are imported
    with pytest.raises(ValidationError) as caught:
        households_import_xlsx(actor=info_manager, community=world.community_a, data=b"hello")

    # then the message says to upload an .xlsx file and nothing is written
    assert not isinstance(caught.value, ImportRejected)
    assert caught.value.messages == ["无法读取文件：请上传 Excel (.xlsx) 格式的表格"]
    assert db_counts() == before


def test_empty_sheet_is_rejected(world, info_manager):
    # given a workbook without any cell
    before = db_counts()

    # when it is imported
    with pytest.raises(ImportRejected) as caught:
        households_import_xlsx(actor=info_manager, community=world.community_a, data=make_sheet([], header=None))

    # then the sheet is reported empty and nothing is written
    assert caught.value.errors == [RowError(1, "表头", "表格是空的")]
    assert db_counts() == before


def test_sheet_with_only_a_header_is_rejected(world, info_manager):
    # given a header and no data rows
    before = db_counts()

    # when it is imported
    with pytest.raises(ImportRejected) as caught:
        households_import_xlsx(actor=info_manager, community=world.community_a, data=make_sheet([]))

    # then it says there is no data and nothing is written
    assert caught.value.errors == [RowError(2, "数据", "表格中没有数据行")]
    assert db_counts() == before


def test_file_over_the_size_limit_is_rejected_before_it_is_opened(world, info_manager, settings):
    # given an import limit of 1 MB
    settings.PROPDESK_IMPORT_MAX_BYTES = 2**20
    before = db_counts()

    # when one byte more is imported
    with pytest.raises(ValidationError) as caught:
        households_import_xlsx(actor=info_manager, community=world.community_a, data=b"x" * (2**20 + 1))

    # then it is refused for its size (not its format) and nothing is written
    assert caught.value.messages == ["文件过大：不能超过 1 MB"]
    assert db_counts() == before


def test_sheet_over_the_row_limit_is_rejected(world, info_manager, settings):
    # given an import limit of 2 rows
    settings.PROPDESK_IMPORT_MAX_ROWS = 2
    before = db_counts()

    # when a sheet with 5 rows is imported
    with pytest.raises(ImportRejected) as caught:
        households_import_xlsx(actor=info_manager, community=world.community_a, data=make_sheet(GOOD_ROWS))

    # then the first row over the limit (sheet row 4) is reported and nothing is written
    assert caught.value.errors == [RowError(4, "行数", "超过单次导入上限 2 行")]
    assert db_counts() == before


def test_technician_may_not_import(world):
    # given a technician of center A
    technician = staff_user("tech_a", Role.TECHNICIAN, center=world.center_a)
    before = db_counts()

    # when they import a good sheet
    with pytest.raises(PermissionDenied) as caught:
        households_import_xlsx(actor=technician, community=world.community_a, data=make_sheet(GOOD_ROWS))

    # then they are denied and nothing is written
    assert str(caught.value) == "您没有导入该小区住户资料的权限"
    assert db_counts() == before


def test_info_manager_of_center_b_may_not_import_into_community_a(world):
    # given the info manager of center B
    info_manager_b = staff_user("info_b", Role.INFO_MANAGER, center=world.center_b)
    before = db_counts()

    # when they import into center A's community
    with pytest.raises(PermissionDenied):
        households_import_xlsx(actor=info_manager_b, community=world.community_a, data=make_sheet(GOOD_ROWS))

    # then they are denied and nothing is written
    assert db_counts() == before


# --- the page ------------------------------------------------------------------------------------


def upload(data: bytes, name: str = "住户.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=XLSX)


def test_import_page_shows_the_form_to_an_info_manager(client, world, info_manager):
    # given a logged-in info manager
    client.force_login(info_manager)

    # when they open the page
    response = client.get(reverse("communities:import"))

    # then they see the form with only their community to choose from
    assert response.status_code == 200
    assert list(response.context["form"].fields["community"].queryset) == [world.community_a]
    assert "住户资料导入" in response.content.decode()


def test_posting_a_good_sheet_shows_the_result(client, world, info_manager):
    # given a logged-in info manager
    client.force_login(info_manager)

    # when they upload a good sheet
    response = client.post(
        reverse("communities:import"), {"community": world.community_a.pk, "file": upload(make_sheet(GOOD_ROWS))}
    )

    # then the page shows the counts and the data is written
    assert response.status_code == 200
    html = response.content.decode()
    assert "导入完成" in html
    assert "新建住户成员：5" in html
    assert response.context["errors"] == []
    assert Resident.objects.filter(household__unit__building__community=world.community_a).count() == 6
    assert Event.objects.filter(verb="community.households_imported").get().data["file"] == "住户.xlsx"


def test_posting_a_bad_sheet_lists_the_rows_and_reasons(client, world, info_manager):
    # given a logged-in info manager
    client.force_login(info_manager)
    before = db_counts()

    # when they upload a sheet with bad rows
    response = client.post(
        reverse("communities:import"), {"community": world.community_a.pk, "file": upload(make_sheet(BAD_ROWS))}
    )

    # then the page lists every row number and reason, and nothing is written
    assert response.status_code == 400
    html = response.content.decode()
    assert "发现 6 处错误，未导入任何数据" in html
    assert [(e.row, e.column) for e in response.context["errors"]] == [
        (3, "房号"),
        (4, "电话"),
        (5, "证件号码"),
        (6, "身份"),
        (7, "楼层"),
        (8, "姓名"),
    ]
    for row in (3, 4, 5, 6, 7, 8):
        assert f'<td data-label="行号">{row}</td>' in html
    for reason in (
        "不能为空",
        "电话号码格式不正确：12345",
        "身份证号码校验位不正确",
        "房东",
        "楼层应为",
        "与第 2 行重复",
    ):
        assert reason in html
    assert "导入完成" not in html
    assert db_counts() == before


def test_posting_a_txt_file_is_rejected(client, world, info_manager):
    # given a logged-in info manager
    client.force_login(info_manager)
    before = db_counts()

    # when they upload a .txt file
    response = client.post(
        reverse("communities:import"),
        {
            "community": world.community_a.pk,
            "file": SimpleUploadedFile("住户.txt", b"hello", content_type="text/plain"),
        },
    )

    # then the form asks for an .xlsx file and nothing is written
    assert response.status_code == 400
    assert "请上传 .xlsx" in response.content.decode()
    assert response.context["form"].errors == {"file": ["请上传 .xlsx 格式的 Excel 文件"]}
    assert db_counts() == before


def test_posting_a_broken_xlsx_file_is_rejected(client, world, info_manager):
    # given a logged-in info manager
    client.force_login(info_manager)
    before = db_counts()

    # when they upload a file named .xlsx that is not one
    response = client.post(reverse("communities:import"), {"community": world.community_a.pk, "file": upload(b"hello")})

    # then the form says it cannot be read and nothing is written
    assert response.status_code == 400
    assert response.context["form"].errors == {"file": ["无法读取文件：请上传 Excel (.xlsx) 格式的表格"]}
    assert db_counts() == before


def test_posting_into_another_centers_community_is_rejected(client, world, info_manager):
    # given a logged-in info manager of center A
    client.force_login(info_manager)
    before = db_counts()

    # when they post community B's id
    response = client.post(
        reverse("communities:import"), {"community": world.community_b.pk, "file": upload(make_sheet(GOOD_ROWS))}
    )

    # then the choice is invalid and nothing is written
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["community"]
    assert db_counts() == before


def test_import_page_is_forbidden_to_a_technician(client, world):
    # given a logged-in technician
    client.force_login(staff_user("tech_a", Role.TECHNICIAN, center=world.center_a))
    before = db_counts()

    # when they open the page or post a sheet
    get_response = client.get(reverse("communities:import"))
    post_response = client.post(
        reverse("communities:import"), {"community": world.community_a.pk, "file": upload(make_sheet(GOOD_ROWS))}
    )

    # then both are forbidden and nothing is written
    assert get_response.status_code == 403
    assert post_response.status_code == 403
    assert db_counts() == before
