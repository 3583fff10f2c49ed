"""All-or-nothing import of buildings, units, households and residents from an .xlsx sheet.

The sheet's first row names the columns (Chinese or English headers, any order):

    楼栋 | 单元 | 房号 | 楼层 | 面积 | 姓名 | 电话 | 身份 | 证件号码

Every row is validated first; a sheet with any bad row imports nothing and the caller gets every
problem with its row number, column and reason. A good sheet is written in one transaction.
Rows already present (same room, same person name and phone) are skipped, so importing the same
sheet twice creates nothing the second time.
"""

import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from propdesk.core.events import record_event
from propdesk.core.permissions import require

from .choices import Relation
from .models import Building, Community, Household, Resident, Unit, unit_code
from .validators import normalize_phone, validate_id_number, validate_phone

# column key → accepted header spellings
COLUMNS: dict[str, tuple[str, ...]] = {
    "building": ("楼栋", "楼号", "building"),
    "entrance": ("单元", "entrance"),
    "number": ("房号", "房间号", "room"),
    "floor": ("楼层", "floor"),
    "area": ("面积", "建筑面积", "area"),
    "name": ("姓名", "住户姓名", "name"),
    "phone": ("电话", "手机", "联系电话", "phone"),
    "relation": ("身份", "关系", "relation"),
    "id_number": ("证件号码", "身份证号", "id_number"),
}
REQUIRED = ("building", "number", "name")
COLUMN_LABELS = {
    "building": gettext_lazy("楼栋"),
    "entrance": gettext_lazy("单元"),
    "number": gettext_lazy("房号"),
    "floor": gettext_lazy("楼层"),
    "area": gettext_lazy("面积"),
    "name": gettext_lazy("姓名"),
    "phone": gettext_lazy("电话"),
    "relation": gettext_lazy("身份"),
    "id_number": gettext_lazy("证件号码"),
}
RELATION_WORDS = {
    "业主": Relation.OWNER,
    "owner": Relation.OWNER,
    "租户": Relation.TENANT,
    "tenant": Relation.TENANT,
    "家庭成员": Relation.FAMILY,
    "家属": Relation.FAMILY,
    "family": Relation.FAMILY,
}


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return _("第 %(row)s 行「%(column)s」：%(message)s") % {
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }


class ImportRejected(ValidationError):
    """The sheet has problems; nothing was imported. ``errors`` lists every one."""

    def __init__(self, errors: list[RowError]):
        self.errors = errors
        super().__init__([str(e) for e in errors])


@dataclass
class ImportResult:
    rows: int = 0
    buildings_created: int = 0
    units_created: int = 0
    households_created: int = 0
    residents_created: int = 0
    residents_skipped: int = 0


@dataclass
class _Row:
    line: int
    building: str
    entrance: str
    number: str
    floor: int | None
    area: Decimal | None
    name: str
    phone: str
    relation: str
    id_number: str
    errors: list[RowError] = field(default_factory=list)


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _open_sheet(data: bytes):
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a non-xlsx file
        raise ValidationError(_("无法读取文件：请上传 Excel (.xlsx) 格式的表格")) from exc
    return workbook.worksheets[0]


def _positions(header) -> dict[str, int]:
    """Column index of each known column, by any of its spellings; rejects a header missing a required one."""
    positions: dict[str, int] = {}
    for index, title in enumerate(header):
        title = _cell(title).lower()
        for key, spellings in COLUMNS.items():
            if title in spellings and key not in positions:
                positions[key] = index
    missing = [str(COLUMN_LABELS[key]) for key in REQUIRED if key not in positions]
    if missing:
        raise ImportRejected([RowError(1, _("表头"), _("缺少必填列：%(cols)s") % {"cols": "、".join(missing)})])
    return positions


def _number_fields(row: _Row, get, line: int) -> None:
    if get("floor"):
        try:
            row.floor = int(get("floor"))
            if not -10 <= row.floor <= 200:
                raise ValueError
        except ValueError:
            row.errors.append(RowError(line, str(COLUMN_LABELS["floor"]), _("楼层应为 -10 到 200 之间的整数")))
    if get("area"):
        try:
            row.area = Decimal(get("area")).quantize(Decimal("0.01"))
            if row.area <= 0 or row.area >= Decimal("100000"):
                raise InvalidOperation
        except InvalidOperation:
            row.errors.append(RowError(line, str(COLUMN_LABELS["area"]), _("面积应为大于 0 的数字")))


def _person_fields(row: _Row, get, line: int) -> None:
    if get("phone"):
        try:
            validate_phone(get("phone"))
            row.phone = normalize_phone(get("phone"))
        except ValidationError as exc:
            row.errors.append(RowError(line, str(COLUMN_LABELS["phone"]), exc.messages[0]))
    relation = get("relation")
    if not relation:
        row.relation = Relation.OWNER
    elif relation.lower() in RELATION_WORDS:
        row.relation = RELATION_WORDS[relation.lower()]
    else:
        message = _("应为 业主、租户 或 家庭成员：%(v)s") % {"v": relation}
        row.errors.append(RowError(line, str(COLUMN_LABELS["relation"]), message))
    if get("id_number"):
        try:
            validate_id_number(get("id_number"))
            row.id_number = get("id_number").upper()
        except ValidationError as exc:
            row.errors.append(RowError(line, str(COLUMN_LABELS["id_number"]), exc.messages[0]))


def _parse_row(line: int, values, positions: dict[str, int]) -> _Row:
    def get(key: str) -> str:
        index = positions.get(key)
        return _cell(values[index]) if index is not None and index < len(values) else ""

    row = _Row(line, get("building"), get("entrance"), get("number"), None, None, get("name"), "", "", "")
    for key in REQUIRED:
        if not get(key):
            row.errors.append(RowError(line, str(COLUMN_LABELS[key]), _("不能为空")))
    for key, limit in (("building", 20), ("entrance", 20), ("number", 20), ("name", 50)):
        if len(get(key)) > limit:
            row.errors.append(RowError(line, str(COLUMN_LABELS[key]), _("不能超过 %(n)s 个字") % {"n": limit}))
    _number_fields(row, get, line)
    _person_fields(row, get, line)
    return row


def parse_sheet(data: bytes) -> list[_Row]:
    """Read and validate every row; raise ImportRejected listing all problems."""
    if len(data) > settings.PROPDESK_IMPORT_MAX_BYTES:
        raise ValidationError(_("文件过大：不能超过 %(mb)s MB") % {"mb": settings.PROPDESK_IMPORT_MAX_BYTES // 2**20})
    rows = _open_sheet(data).iter_rows(values_only=True)
    header = next(rows, None)
    if header is None:
        raise ImportRejected([RowError(1, _("表头"), _("表格是空的"))])
    positions = _positions(header)
    parsed: list[_Row] = []
    errors: list[RowError] = []
    seen: dict[tuple, int] = {}
    for line, values in enumerate(rows, start=2):
        if values is None or all(_cell(v) == "" for v in values):
            continue
        if len(parsed) >= settings.PROPDESK_IMPORT_MAX_ROWS:
            raise ImportRejected(
                [RowError(line, _("行数"), _("超过单次导入上限 %(n)s 行") % {"n": settings.PROPDESK_IMPORT_MAX_ROWS})]
            )
        row = _parse_row(line, values, positions)
        key = (row.building, row.entrance, row.number, row.name, row.phone)
        if not row.errors and key in seen:
            row.errors.append(RowError(line, str(COLUMN_LABELS["name"]), _("与第 %(n)s 行重复") % {"n": seen[key]}))
        seen.setdefault(key, line)
        errors.extend(row.errors)
        parsed.append(row)
    if errors:
        raise ImportRejected(errors)
    if not parsed:
        raise ImportRejected([RowError(2, _("数据"), _("表格中没有数据行"))])
    return parsed


def households_import_xlsx(*, actor, community: Community, data: bytes, filename: str = "") -> ImportResult:
    """Import a sheet into ``community``: everything or, on any bad row, nothing."""
    require(actor, "community.import", community, _("您没有导入该小区住户资料的权限"))
    rows = parse_sheet(data)
    return _write(actor=actor, community=community, rows=rows, filename=filename)


@transaction.atomic
def _write(*, actor, community: Community, rows: list[_Row], filename: str) -> ImportResult:
    result = ImportResult(rows=len(rows))
    # Serialise imports into one community so two uploads cannot both create the same room.
    Community.objects.select_for_update().get(pk=community.pk)

    buildings = {b.name: b for b in Building.objects.filter(community=community)}
    for name in sorted({r.building for r in rows} - set(buildings)):
        buildings[name] = Building.objects.create(community=community, name=name, developer=community.developer)
        result.buildings_created += 1

    units = {(u.building_id, u.entrance, u.number): u for u in Unit.objects.filter(building__community=community)}
    new_units: dict[tuple, Unit] = {}
    for r in rows:
        building = buildings[r.building]
        key = (building.pk, r.entrance, r.number)
        if key not in units and key not in new_units:
            new_units[key] = Unit(
                building=building,
                entrance=r.entrance,
                number=r.number,
                floor=r.floor,
                area=r.area,
                code=unit_code(building.name, r.entrance, r.number),
            )
    Unit.objects.bulk_create(new_units.values(), batch_size=2000)
    result.units_created = len(new_units)
    if new_units:
        units = {(u.building_id, u.entrance, u.number): u for u in Unit.objects.filter(building__community=community)}

    households = {h.unit_id: h for h in Household.objects.filter(unit__building__community=community, is_active=True)}
    needed = {units[(buildings[r.building].pk, r.entrance, r.number)].pk for r in rows}
    new_households = [Household(unit_id=unit_id) for unit_id in sorted(needed - set(households))]
    Household.objects.bulk_create(new_households, batch_size=2000)
    result.households_created = len(new_households)
    if new_households:
        households = {
            h.unit_id: h for h in Household.objects.filter(unit__building__community=community, is_active=True)
        }

    existing = set(
        Resident.objects.filter(household__in=households.values(), is_active=True).values_list(
            "household_id", "name", "phone"
        )
    )
    new_residents = []
    for r in rows:
        household = households[units[(buildings[r.building].pk, r.entrance, r.number)].pk]
        if (household.pk, r.name, r.phone) in existing:
            result.residents_skipped += 1
            continue
        existing.add((household.pk, r.name, r.phone))
        new_residents.append(
            Resident(household=household, name=r.name, phone=r.phone, relation=r.relation, id_number=r.id_number)
        )
    Resident.objects.bulk_create(new_residents, batch_size=2000)
    result.residents_created = len(new_residents)

    record_event(
        actor=actor,
        verb="community.households_imported",
        target=community,
        data={"file": filename, **result.__dict__},
    )
    return result
