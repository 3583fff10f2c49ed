"""A realistic demo company: two service centers, communities, staff for every role, residents.

Used by ``manage.py load_demo`` (make run) and by tests at small scale. Bulk inserts keep
100,000 households well under two minutes on SQLite.
"""

import random
from dataclasses import dataclass, field
from datetime import date

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import Q

from propdesk.communities.choices import Relation, SpecialCustomerKind, VendorCategory
from propdesk.communities.models import (
    Building,
    Community,
    Developer,
    Household,
    Resident,
    SpecialCustomer,
    Unit,
    Vendor,
    unit_code,
)
from propdesk.core.events import record_event
from propdesk.demo.activity import create_activity
from propdesk.demo.complaints_demo import create_complaints_demo
from propdesk.demo.engagement_demo import create_engagement_demo
from propdesk.demo.filings_demo import create_filings_demo
from propdesk.demo.internal_demo import create_internal_demo
from propdesk.demo.names import AREA_CODES, GIVEN, MOBILE_PREFIXES, SURNAMES
from propdesk.demo.notices_demo import create_notices_demo
from propdesk.demo.notify_demo import create_notify_demo
from propdesk.demo.portal_demo import create_portal_demo
from propdesk.demo.seal import give_seal
from propdesk.demo.training_demo import create_training_demo
from propdesk.demo.visitors_demo import create_visitors_demo
from propdesk.org.choices import DepartmentKind, Role
from propdesk.org.models import Branch, Company, Department, RoleMembership, ServiceCenter, StaffProfile

# (username, display name, role, department kind, scope: "center" | "company" | "branch")
DEMO_STAFF = (
    ("control", "陈晓东", Role.CONTROL_OPERATOR, DepartmentKind.CONTROL_CENTER, "center"),
    ("reception", "林小慧", Role.RECEPTIONIST, DepartmentKind.CUSTOMER_SERVICE, "center"),
    ("csassistant", "黄丽娟", Role.CS_ASSISTANT, DepartmentKind.CUSTOMER_SERVICE, "center"),
    ("cssupervisor", "周敏", Role.CS_SUPERVISOR, DepartmentKind.CUSTOMER_SERVICE, "center"),
    ("manager", "郑国华", Role.CENTER_MANAGER, DepartmentKind.OFFICE, "center"),
    ("deptmanager", "吴建国", Role.DEPARTMENT_MANAGER, DepartmentKind.ENGINEERING, "center"),
    ("repairmanager", "梁志强", Role.REPAIR_MANAGER, DepartmentKind.ENGINEERING, "center"),
    ("securitymanager", "赵军", Role.SECURITY_MANAGER, DepartmentKind.SECURITY, "center"),
    ("tech", "刘师傅", Role.TECHNICIAN, DepartmentKind.ENGINEERING, "center"),
    ("housekeeper", "何阿姨", Role.HOUSEKEEPER, DepartmentKind.HOUSEKEEPING, "center"),
    ("guard", "孙磊", Role.SECURITY_GUARD, DepartmentKind.SECURITY, "center"),
    ("infomanager", "许文婷", Role.INFO_MANAGER, DepartmentKind.OFFICE, "center"),
    ("hr", "冯雪梅", Role.HR_ADMIN, DepartmentKind.HR, "center"),
    ("records", "曹静", Role.RECORDS_CLERK, DepartmentKind.OFFICE, "center"),
    ("clubhouse", "韩欣怡", Role.CLUBHOUSE_ADMIN, DepartmentKind.CUSTOMER_SERVICE, "center"),
    ("quality", "唐海燕", Role.QUALITY_DEPT, DepartmentKind.QUALITY, "company"),
    ("business", "宋博文", Role.BUSINESS_DEPT, DepartmentKind.BUSINESS, "company"),
    ("branchleader", "罗浩然", Role.BRANCH_LEADER, DepartmentKind.OFFICE, "branch"),
)
# Extra technicians and housekeepers so dispatch has a choice.
EXTRA_STAFF = (
    ("tech_deng", "邓师傅", Role.TECHNICIAN, DepartmentKind.ENGINEERING),
    ("tech_peng", "彭师傅", Role.TECHNICIAN, DepartmentKind.ENGINEERING),
    ("housekeeper_yuan", "袁阿姨", Role.HOUSEKEEPER, DepartmentKind.HOUSEKEEPING),
)

COMMUNITIES = (
    # (center index, code, name, buildings, entrances per building, developer index, handover, single owner)
    (0, "cuihu-garden", "翠湖花园", 12, 2, 0, date(2019, 6, 30), False),
    (0, "cuihu-court", "翠湖雅苑", 6, 2, 0, date(2026, 3, 28), False),
    (1, "yunshan", "云山名邸", 10, 3, 1, date(2022, 12, 18), False),
    (1, "yunshan-plaza", "云山商务中心", 1, 1, 1, date(2021, 9, 1), True),
)


ROOMS_PER_ENTRANCE = 33 * 4


@dataclass
class DemoResult:
    households: int = 0
    residents: int = 0
    logins: list[tuple[str, str, str]] = field(default_factory=list)  # (username, role label, where)


def _name(rng: random.Random) -> str:
    given_len = rng.choice((1, 2, 2))
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(given_len))


def _mobile(rng: random.Random) -> str:
    return rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"


def _id_number(rng: random.Random) -> str:
    birth = date(1950, 1, 1).toordinal() + rng.randrange(20000)
    body = rng.choice(AREA_CODES) + date.fromordinal(birth).strftime("%Y%m%d") + f"{rng.randrange(1000):03d}"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, weights, strict=True)) % 11]


def demo_exists() -> bool:
    return Company.objects.filter(code="huayue").exists()


def _create_org():
    """The company, its branch, two service centers and their departments."""
    company = Company.objects.create(name="华悦物业服务有限公司", code="huayue", hotline="400-820-1234")
    branch = Branch.objects.create(company=company, name="深圳分公司", code="sz")
    centers = [
        ServiceCenter.objects.create(
            branch=branch, name="翠湖服务中心", code="HY01", phone="0755-26881234", address="深圳市南山区翠湖路 88 号"
        ),
        ServiceCenter.objects.create(
            branch=branch, name="云山服务中心", code="HY02", phone="0755-86325678", address="深圳市福田区云山大道 16 号"
        ),
    ]
    for center in centers:
        give_seal(center)
    departments: dict[tuple[int | None, str], Department] = {}
    for kind in (DepartmentKind.QUALITY, DepartmentKind.BUSINESS):
        departments[(None, kind)] = Department.objects.create(company=company, kind=kind, name=str(kind.label))
    for center in centers:
        for kind in DepartmentKind:
            if kind in (DepartmentKind.QUALITY, DepartmentKind.BUSINESS):
                continue
            departments[(center.pk, kind)] = Department.objects.create(
                company=company, service_center=center, kind=kind, name=str(kind.label)
            )

    return company, branch, centers, departments


def _create_partners(rng, company):
    """Developers and external units (外联单位)."""
    developers = [
        Developer.objects.create(
            company=company,
            name="华城地产集团",
            project_dept_contact="高工",
            project_dept_phone="0755-88886666",
            cs_center_contact="林经理",
            cs_center_phone="400-660-8888",
        ),
        Developer.objects.create(
            company=company,
            name="云山置业有限公司",
            project_dept_contact="马工",
            project_dept_phone="0755-83339999",
            cs_center_contact="钱主任",
            cs_center_phone="0755-83330000",
        ),
    ]
    vendors = [
        ("中国电信南山营业部", VendorCategory.TELECOM, 24),
        ("长城宽带客服中心", VendorCategory.BROADBAND, 24),
        ("万和热水器售后", VendorCategory.WATER_HEATER, 48),
        ("安居可视对讲", VendorCategory.VIDEO_INTERCOM, 24),
        ("盾安防盗门维修部", VendorCategory.SECURITY_DOOR, 48),
        ("日立电梯深圳维保站", VendorCategory.ELEVATOR, 2),
    ]
    for name, category, hours in vendors:
        Vendor.objects.create(
            company=company,
            name=name,
            category=category,
            contact=_name(rng),
            phone=_mobile(rng),
            promised_response_hours=hours,
        )

    return developers


def _create_communities(centers, developers) -> list:
    """Four communities with their buildings (warranty two years from hand-over)."""
    communities = []
    for center_index, code, name, n_buildings, entrances, dev_index, handover, single_owner in COMMUNITIES:
        community = Community.objects.create(
            service_center=centers[center_index],
            code=code,
            name=name,
            developer=developers[dev_index],
            handover_date=handover,
            single_owner=single_owner,
            address=f"{centers[center_index].address}·{name}",
        )
        communities.append((community, n_buildings, entrances))
        for b in range(1, n_buildings + 1):
            Building.objects.create(
                community=community,
                name=f"{b}栋" if not single_owner else "A座",
                developer=developers[dev_index],
                warranty_end=date(handover.year + 2, handover.month, min(handover.day, 28)),
            )
    return communities


def _create_special_customers(rng, communities) -> None:
    for community, _, _ in communities:
        for kind, label in (
            (SpecialCustomerKind.KINDERGARTEN, "幼儿园"),
            (SpecialCustomerKind.SHOP, "便利店"),
            (SpecialCustomerKind.CLUBHOUSE, "会所"),
            (SpecialCustomerKind.CANTEEN, "员工食堂"),
        ):
            SpecialCustomer.objects.create(
                community=community, kind=kind, name=f"{community.name}{label}", contact=_name(rng), phone=_mobile(rng)
            )
    SpecialCustomer.objects.create(
        community=communities[0][0],
        kind=SpecialCustomerKind.SCHOOL,
        name="翠湖实验小学",
        contact="校办",
        phone="0755-26880001",
    )
    SpecialCustomer.objects.create(
        community=communities[2][0],
        kind=SpecialCustomerKind.MALL,
        name="云山购物广场",
        contact="商管部",
        phone="0755-86320002",
    )


@transaction.atomic
def load_demo(*, households: int = 600, password: str = "demo1234", seed: int = 20261122) -> DemoResult:  # noqa: S107
    """Create the demo company. Call once on an empty database (``demo_exists`` tells)."""
    rng = random.Random(seed)
    result = DemoResult()
    company, branch, centers, departments = _create_org()
    developers = _create_partners(rng, company)
    communities = _create_communities(centers, developers)
    for vendor in Vendor.objects.filter(company=company):
        vendor.communities.set([c for c, _, _ in communities])
    _create_special_customers(rng, communities)
    _create_households(rng, communities, households, result)
    _create_staff(rng, company, branch, centers, departments, communities, password, result)
    _create_dispatch(centers)
    create_activity(centers[0], rng, _id_number)
    _create_app_demos(centers[0], rng)
    record_event(actor=None, verb="demo.loaded", target=company, data={"households": result.households})
    return result


# Each app's demo data, for the first center (its own module in propdesk/demo/), in the order of the layers.
APP_DEMOS = (
    create_notify_demo,
    create_complaints_demo,
    create_notices_demo,
    create_visitors_demo,
    create_internal_demo,
    create_engagement_demo,
    create_training_demo,
    create_portal_demo,
    create_filings_demo,
)


def _create_app_demos(center, rng: random.Random) -> None:
    for create in APP_DEMOS:
        create(center, rng)


def _create_households(rng, communities, total: int, result: DemoResult) -> None:
    """Spread ``total`` households over the communities' buildings, filling floors 4 rooms at a time."""
    weights = [n_buildings * entrances for _, n_buildings, entrances in communities]
    shares = [total * w // sum(weights) for w in weights]
    shares[0] += total - sum(shares)
    batch = 5000
    for (community, _n_buildings, entrances), share in zip(communities, shares, strict=True):
        buildings = list(Building.objects.filter(community=community).order_by("pk"))
        # At most 33 floors of 4 rooms per entrance: larger scales get more buildings, not taller ones.
        needed = -(-share // (entrances * ROOMS_PER_ENTRANCE))
        for b in range(len(buildings) + 1, needed + 1):
            buildings.append(
                Building.objects.create(
                    community=community,
                    name=f"{b}栋",
                    developer=buildings[0].developer,
                    warranty_end=buildings[0].warranty_end,
                )
            )
        per_stack = min(ROOMS_PER_ENTRANCE, max(1, -(-share // (len(buildings) * entrances))))
        units: list[Unit] = []
        for building in buildings:
            for e in range(1, entrances + 1):
                entrance = f"{e}单元" if entrances > 1 else ""
                for i in range(per_stack):
                    if len(units) >= share:
                        break
                    floor, room = divmod(i, 4)
                    number = f"{floor + 1}{room + 1:02d}"
                    units.append(
                        Unit(
                            building=building,
                            entrance=entrance,
                            number=number,
                            floor=floor + 1,
                            area=rng.choice((68, 89, 96, 118, 126, 143)),
                            code=unit_code(building.name, entrance, number),
                        )
                    )
        for start in range(0, len(units), batch):
            chunk = Unit.objects.bulk_create(units[start : start + batch])
            homes = Household.objects.bulk_create([Household(unit=u, moved_in=community.handover_date) for u in chunk])
            people = []
            for home in homes:
                surname = rng.choice(SURNAMES)
                owner = surname + rng.choice(GIVEN) + rng.choice(GIVEN)
                people.append(
                    Resident(
                        household=home,
                        name=owner,
                        phone=_mobile(rng),
                        relation=Relation.OWNER,
                        id_number=_id_number(rng) if rng.random() < 0.6 else "",
                    )
                )
                roll = rng.random()
                if roll < 0.55:
                    people.append(
                        Resident(household=home, name=_name(rng), phone=_mobile(rng), relation=Relation.FAMILY)
                    )
                elif roll < 0.75:
                    people.append(
                        Resident(household=home, name=_name(rng), phone=_mobile(rng), relation=Relation.TENANT)
                    )
            Resident.objects.bulk_create(people, batch_size=batch)
            result.households += len(homes)
            result.residents += len(people)
        Community.objects.filter(pk=community.pk).update(household_count=len(units) + len(units) // 20)


def _create_staff(rng, company, branch, centers, departments, communities, password, result) -> None:
    User = get_user_model()
    master_data = Group.objects.create(name="主数据维护")
    master_data.permissions.set(
        Permission.objects.filter(content_type__app_label__in=["communities", "org"]).exclude(
            codename__startswith="delete_"
        )
    )
    auditors = Group.objects.create(name="审计查看")
    auditors.permissions.set(Permission.objects.filter(content_type__app_label="core", codename__startswith="view_"))

    # One hash for every demo login: hashing dozens of passwords would dominate the load time.
    hashed = make_password(password)
    User.objects.create(username="admin", email="admin@example.com", password=hashed, is_staff=True, is_superuser=True)
    result.logins.append(("admin", "系统管理员", "全部"))
    number = 1000
    for center_index, center in enumerate(centers):
        suffix = "" if center_index == 0 else str(center_index + 1)
        staff = [(u + suffix, n, r, k, s) for u, n, r, k, s in DEMO_STAFF if s == "center" or center_index == 0]
        staff += [(u + suffix, n, r, k, "center") for u, n, r, k in EXTRA_STAFF]
        for username, name, role, kind, scope in staff:
            number += 1
            dept = departments[(None, kind)] if scope == "company" else departments[(center.pk, kind)]
            user = User.objects.create(
                username=username,
                password=hashed,
                is_staff=role in (Role.INFO_MANAGER, Role.CENTER_MANAGER, Role.QUALITY_DEPT),
            )
            display = name if center_index == 0 else rng.choice(SURNAMES) + name[1:]
            StaffProfile.objects.create(
                user=user, name=display, employee_no=f"HY{number}", phone=_mobile(rng), department=dept
            )
            target = {
                "company": {"company": company},
                "branch": {"branch": branch},
                "center": {"service_center": center},
            }[scope]
            RoleMembership.objects.create(user=user, role=role, **target)
            if role in (Role.INFO_MANAGER, Role.CENTER_MANAGER):
                user.groups.add(master_data)
            if role in (Role.QUALITY_DEPT, Role.CENTER_MANAGER):
                user.groups.add(auditors)
            base = username.removesuffix(suffix) if suffix else username
            if (center_index == 0 and "_" not in base) or base in {"reception", "tech"}:
                where = {"company": company.name, "branch": branch.name, "center": center.name}[scope]
                result.logins.append((username, str(Role(role).label), where))

    # A resident login for the first household of the first community.
    community = communities[0][0]
    owner = (
        Resident.objects.filter(household__unit__building__community=community, relation=Relation.OWNER)
        .order_by("pk")
        .first()
    )
    if owner:
        user = User.objects.create(username="resident", password=hashed)
        Resident.objects.filter(pk=owner.pk).update(user=user)
        result.logins.append(("resident", str(Role.RESIDENT.label), f"{community.name} {owner.household.unit.label}"))


def demo_logins() -> list[tuple[str, str, str]]:
    """One demo login per role, read back from the database: (username, role, where)."""
    User = get_user_model()
    logins: list[tuple[str, str, str]] = []
    if User.objects.filter(username="admin", is_superuser=True).exists():
        logins.append(("admin", "系统管理员", "全部"))
    seen: set[str] = set()
    memberships = (
        RoleMembership.objects.filter(is_active=True, user__is_active=True)
        .select_related("user", "company", "branch", "service_center", "community")
        .order_by("pk")
    )
    for m in memberships:
        if m.role in seen:
            continue
        seen.add(m.role)
        logins.append((m.user.username, str(Role(m.role).label), str(m.scope_object)))
    resident = (
        Resident.objects.filter(user__isnull=False, user__is_active=True)
        .select_related("user", "household__unit__building__community")
        .order_by("pk")
        .first()
    )
    if resident:
        unit = resident.household.unit
        logins.append(
            (resident.user.username, str(Role.RESIDENT.label), f"{unit.building.community.name} {unit.label}")
        )
    return logins


@transaction.atomic
def demo_set_password(password: str) -> int:
    """Give every demo login ``password`` (so `DEMO_PASSWORD=… make run` works on an existing database)."""
    User = get_user_model()
    company = Company.objects.get(code="huayue")
    usernames = {username for username, _role, _where in demo_logins()}
    count = User.objects.filter(Q(pk__in=RoleMembership.objects.values("user")) | Q(username__in=usernames)).update(
        password=make_password(password)
    )
    record_event(actor=None, verb="demo.password_reset", target=company, data={"logins": count})
    return count


DEMO_TRADES = {
    "tech": ["plumbing", "electrical", "general"],
    "tech_deng": ["carpentry", "locksmith", "general"],
    "tech_peng": ["hvac", "appliance", "general"],
    "housekeeper": ["housekeeping", "cleaning"],
    "housekeeper_yuan": ["housekeeping", "cleaning"],
}


def _create_dispatch(centers) -> None:
    """Trades, shifts and a rota around today, everyone in the field checked in, and a few open requests."""
    import datetime as dt

    from django.utils import timezone

    from propdesk.dispatch.choices import DispatchMode, DutyEventKind
    from propdesk.dispatch.models import DispatchSettings, ShiftTemplate
    from propdesk.dispatch.services import duty_update, rota_set
    from propdesk.tickets.services import ticket_create

    User = get_user_model()
    admin = User.objects.get(username="admin")
    today = timezone.localdate()
    for index, center in enumerate(centers):
        suffix = "" if index == 0 else str(index + 1)
        DispatchSettings.objects.create(
            service_center=center, mode=DispatchMode.DIRECT if index == 0 else DispatchMode.GRAB
        )
        engineering = Department.objects.get(service_center=center, kind=DepartmentKind.ENGINEERING)
        housekeeping = Department.objects.get(service_center=center, kind=DepartmentKind.HOUSEKEEPING)
        day = ShiftTemplate.objects.create(department=engineering, name="白班", starts=dt.time(8), ends=dt.time(17))
        night = ShiftTemplate.objects.create(department=engineering, name="夜班", starts=dt.time(17), ends=dt.time(8))
        hk_day = ShiftTemplate.objects.create(department=housekeeping, name="白班", starts=dt.time(8), ends=dt.time(17))
        for base, trades in DEMO_TRADES.items():
            user = User.objects.get(username=base + suffix)
            StaffProfile.objects.filter(user=user).update(trades=trades)
            shifts = {"tech_deng": night}.get(base, hk_day if base.startswith("housekeeper") else day)
            for offset in range(-1, 7):
                rota_set(actor=admin, user=user, day=today + dt.timedelta(days=offset), shift=shifts)
            duty_update(actor=admin, user=user, kind=DutyEventKind.CHECK_IN, service_center=center)
        reception = User.objects.get(username="reception" + suffix)
        households = list(Household.objects.filter(unit__building__community__service_center=center).order_by("pk")[:3])
        for household, text in zip(
            households,
            ("卫生间下水道堵塞，水漫出来了", "客厅插座没电，跳闸后合不上", "门锁坏了，钥匙拧不动"),
            strict=False,
        ):
            caller = Resident.objects.filter(household=household).order_by("pk").first()
            ticket_create(actor=reception, kind="repair", content=text, channel="phone", resident=caller)
