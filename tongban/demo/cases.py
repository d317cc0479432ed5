"""Demo cases: some fifty applications of the demo accounts, in every status and mode, across 武汉, 鄂州,
黄石 and the two development zones 东湖高新区 and 葛店经开区, so that a person trying the platform finds
their "my cases" and the workbench inboxes filled — cases to receive, to accept, to review, corrections
awaited, parcels on their way, and red and yellow lights.

The stories are in cases_data.py. Every case is played through the cases services
(tongban.cases.services), acting as the demo accounts, on items that really are offered in its mode at
its place, so that its events, steps, notices, deadlines and notifications are exactly what the platform
makes. Each act happens on a working day of the last weeks: the services read the time from
django.utils.timezone, and `_at` sets that clock for the act (the demo loads before any server or worker
starts, in one thread, and the clock is put back after each act). A story with a light (`due_in`) is
placed so that its promised limit ends that many working days after the last working day up to today
(1: yellow, negative: red), whatever the day of the week the demo is loaded. Last, the sweep's light
refresh runs as of today, as the worker would, and tells the owners and supervisors of the yellow and
red cases.

What is not here, because the demo catalog does not have it: a 多地联办 guide whose steps belong to
organizations of several cities (every demo guide's steps are at the handling organization; the joint
cases are received in one city and handled in the other, 葛店经开区 ↔ 东湖高新区).
"""

import datetime as dt
import itertools
import struct
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone

from tongban.cases import services
from tongban.cases.models import Case, CaseStep
from tongban.cases.rules import HANDLER_ROLES
from tongban.cases.services import Deficiency
from tongban.cases.sweep import lights_refresh
from tongban.catalog.choices import Necessity
from tongban.catalog.formdef import parse_definition
from tongban.catalog.models import Implementation, ImplementationVersion
from tongban.core.calendar import calendar_snapshot
from tongban.core.choices import Channel
from tongban.identity.access import Actor, actor_for
from tongban.identity.models import StaffRole, User
from tongban.licenses.models import License
from tongban.regions.models import Window

from .accounts import CITIZENS, COMPANY_NAME, COMPANY_USCC, COMPANY_USERNAME, EMAIL_DOMAIN, OPERATOR
from .cases_data import HALLS, SF, STORIES, Act, Hall, Item, Story

# --- Playing the stories -----------------------------------------------------------------------------


def demo_cases_create() -> list[Case]:
    """Play every story (nothing when the database already holds cases); then refresh the lights as of
    today, as the sweep does. The cases, in the order of STORIES."""
    if Case.objects.exists():
        return []
    director = Director()
    cases = [director.play(story) for story in STORIES]
    lights_refresh()
    return cases


@contextmanager
def _at(moment: dt.datetime) -> Iterator[None]:
    """The services' clock (django.utils.timezone.now, which localdate() and auto_now read too) stands at
    `moment` until the block ends."""
    real = timezone.now
    timezone.now = lambda: moment
    try:
        yield
    finally:
        timezone.now = real


class Director:
    """Plays stories: finds the items, halls and accounts once, and knows the working days."""

    def __init__(self):
        self.users = {u.username: u for u in User.objects.filter(username__in=_usernames())}
        self.actors: dict[tuple[str, str], Actor] = {}
        self.versions: dict[Item, ImplementationVersion] = {}
        self.windows = {key: _window(hall) for key, hall in HALLS.items()}
        self.calendar = calendar_snapshot()
        self.anchor = timezone.localdate()
        while not self.calendar.is_working_day(self.anchor):
            self.anchor -= dt.timedelta(days=1)
        self.parcels = itertools.count(1)

    def day(self, back: int) -> dt.date:
        """The `back`-th working day before the anchor (the last working day up to today)."""
        if back < 1:
            raise ValueError(f"a demo act must lie in the past, not {back} working days back")
        day = self.anchor
        for _ in range(back):
            day -= dt.timedelta(days=1)
            while not self.calendar.is_working_day(day):
                day -= dt.timedelta(days=1)
        return day

    def play(self, story: Story) -> Case:
        version = self.version(story.item)
        pivot = 0 if story.due_in is None else version.promised_days - story.due_in
        case, on_day, last = None, Counter(), None
        for act in story.acts:
            day = self.day(pivot + act.day)
            if last is not None and day < last:
                raise ValueError(f"the acts of a story go forward in time: {act} comes after {last}")
            moment = timezone.make_aware(
                dt.datetime.combine(day, dt.time(9)) + dt.timedelta(minutes=17 * on_day[day])
            )
            on_day[day] += 1
            last = day
            with _at(moment):
                case = VERBS[act.verb](self, Scene(story, version, case, act, day))
        return case

    def version(self, item: Item) -> ImplementationVersion:
        if item not in self.versions:
            implementation = Implementation.objects.select_related(
                "current__implementation__organization"
            ).get(organization__name=item.organization, service_item__name=item.name)
            self.versions[item] = implementation.current
        return self.versions[item]

    def actor(self, who: str, channel: str = Channel.WEB) -> Actor:
        """The actor for "username" or "username>principal" (acting for the principal)."""
        if (who, channel) not in self.actors:
            name, _, principal = who.partition(">")
            behalf = self.users[principal] if principal else None
            self.actors[(who, channel)] = actor_for(self.users[name], channel=channel, on_behalf_of=behalf)
        return self.actors[(who, channel)]

    def step_handler(self, step: CaseStep, default: str) -> str:
        """The demo account that works the step: the case's handler, or staff of the step's organization
        (a 多地联办 partner in the other city)."""
        if step.organization_id in self.actor(default).organization_ids(*HANDLER_ROLES):
            return default
        role = StaffRole.objects.filter(
            organization_id=step.organization_id, role__in=HANDLER_ROLES, revoked_at=None
        ).first()
        if role is None:
            raise ValueError(f"no demo account works at {step.organization}")
        return next(name for name, user in self.users.items() if user.pk == role.user_id)

    def tracking_number(self, carrier: str) -> str:
        serial = next(self.parcels)
        return f"SF14{serial:010d}" if carrier == SF else f"EA9{serial:08d}CN"


@dataclass
class Scene:
    """What a verb needs: the story, its guide version, the case so far, the act and its day."""

    story: Story
    version: ImplementationVersion
    case: Case | None
    act: Act
    day: dt.date

    @property
    def applicant(self) -> str:
        return self.act.by or self.story.applicant

    @property
    def applicant_user(self) -> str:
        return self.story.applicant.rpartition(">")[2]

    @property
    def handler(self) -> str:
        return self.act.by or self.story.item.handler

    @property
    def clerk(self) -> str:
        return self.act.by or HALLS[self.story.hall].clerk

    @property
    def remedies(self) -> str:
        city = self.case.handling_org.region.city or self.case.handling_org.region
        return (
            f"如对本决定不服，可以自收到本决定之日起六十日内向{city.name}人民政府申请行政复议，"
            "或者自收到本决定之日起六个月内依法向人民法院提起行政诉讼。"
        )


def _window(hall: Hall) -> Window:
    return Window.objects.select_related("hall__organization", "hall__region__city").get(
        hall__organization__name=hall.organization, is_cross_city=True
    )


def _usernames() -> set[str]:
    names = {COMPANY_USERNAME, *(c.username for c in CITIZENS)}
    for story in STORIES:
        names |= {story.item.handler, *story.applicant.split(">")}
        names |= {part for act in story.acts for part in act.by.split(">") if part}
        names |= {act.arg[0] for act in story.acts if act.verb == "hand_over"}
    return names | {hall.clerk for hall in HALLS.values()}


# --- The verbs ----------------------------------------------------------------------------------------


def _start(d: Director, s: Scene) -> Case:
    by = d.actor(s.applicant)
    case = services.case_start_online(
        by=by, implementation_version=s.version, form_data=_form(s), mode=s.story.mode
    )
    _materials_attach(d, case, by)
    return case


def _receive(d: Director, s: Scene) -> Case:
    by = d.actor(s.clerk, Channel.WINDOW)
    case = services.case_receive_at_window(
        by=by,
        window=d.windows[s.story.hall],
        implementation_version=s.version,
        applicant=d.users[s.applicant_user],
        consent=True,
        form_data=_form(s),
        mode=s.story.mode,
    )
    _materials_attach(d, case, by)  # the clerk scans what the applicant brought
    return case


def _accept(d: Director, s: Scene) -> Case:
    deficiency = ()
    if s.act.arg == "容缺":  # 容缺受理: the first material the guide lets come later, in three working days
        material = (
            s.version.materials.filter(necessity=Necessity.DEFERRABLE).order_by("position", "id").first()
        )
        deficiency = (Deficiency(material.pk, d.calendar.add(max(s.day, d.anchor), 3).date),)
    return services.case_accept(case=s.case, by=d.actor(s.handler), with_deficiency=deficiency)


def _notice(d: Director, s: Scene) -> Case:
    services.correction_notice_issue(
        case=s.case, by=d.actor(s.handler), items=s.act.arg["items"], reason=s.act.arg.get("reason", "")
    )
    return _fresh(s.case)


def _upload(d: Director, s: Scene) -> Case:
    material = s.version.materials.get(name=s.act.arg)
    services.case_material_upload(
        case=s.case, by=d.actor(s.applicant), file=_file(material.name), guide_material_id=material.pk
    )
    return s.case


def _special(d: Director, s: Scene) -> Case:
    kind, days, description = s.act.arg
    services.special_procedure_start(
        case=s.case, by=d.actor(s.handler), kind=kind, expected_days=days, description=description
    )
    return _fresh(s.case)


def _steps(d: Director, s: Scene) -> Case:
    """The active steps are finished by their organizations (agreeing, unless the act says otherwise)."""
    arg = s.act.arg or {"agree": True, "opinion": "同意。"}
    for step in CaseStep.objects.filter(case=s.case, status="active").order_by("position"):
        services.case_step_finish(
            step=step, by=d.actor(d.step_handler(step, s.handler)), agree=arg["agree"], opinion=arg["opinion"]
        )
    return _fresh(s.case)


# What a reviewer types on a result license's face when neither the form nor a license the applicant
# already holds says it (the face fields of the types the demo's approvals issue).
RESULT_FACE_SAMPLES = {
    "bank": "中国工商银行",
    "card_kind": "第三代社会保障卡",
    "business_term": "长期",
}


def _result_face(case: Case) -> dict[str, str]:
    """When approving issues an e-license (its type is in the demo), the face data a reviewer would type:
    the form's values of the same keys, else those of the applicant's newest valid license of the type
    (any issuer's), else the holder's sex from the ID number, a sample, or a date or number."""
    license_type = services.result_license_type(case)
    if license_type is None:
        return {}
    held = (
        License.objects.filter(holder_id=case.applicant_id, license_type=license_type, status="valid")
        .order_by("-issued_on", "-id")
        .first()
    )
    person = getattr(case.applicant, "person", None)
    derived = {"sex": ("女", "男")[int(person.id_number[16]) % 2]} if person else {}
    known = {**RESULT_FACE_SAMPLES, **derived, **(held.face_data if held else {}), **(case.form_data or {})}
    fallback = {"date": timezone.localdate().isoformat(), "number": "1"}
    return {
        f["key"]: str(known.get(f["key"]) or fallback.get(f.get("type"), f"{case.service_item.name}（演示）"))
        for f in license_type.face_fields
    }


def _hand_over(d: Director, s: Scene) -> Case:
    recipient, reason = s.act.arg
    by = d.actor(s.clerk, Channel.WINDOW)
    return services.case_hand_over(case=s.case, by=by, to=d.users[recipient], reason=reason)


def _ship(d: Director, s: Scene) -> Case:
    purpose, carrier = s.act.arg
    sender = s.clerk if services.SHIPMENT_SENDERS[purpose] == "receiving_clerk" else s.handler
    services.shipment_create(
        case=s.case,
        by=d.actor(sender),
        purpose=purpose,
        carrier=carrier,
        tracking_number=d.tracking_number(carrier),
    )
    return _fresh(s.case)


def _parcel(d: Director, s: Scene) -> Case:
    """News of the case's latest parcel, entered by the side that sent it."""
    status, text = s.act.arg
    shipment = s.case.shipments.order_by("-created_at", "-id").first()
    sender = s.clerk if services.SHIPMENT_SENDERS[shipment.purpose] == "receiving_clerk" else s.handler
    services.shipment_update(shipment=shipment, by=d.actor(sender), status=status, text=text)
    return _fresh(s.case)


def _complete(d: Director, s: Scene) -> Case:
    by = d.actor(s.act.by, Channel.WINDOW) if s.act.by else d.actor(s.applicant)
    return services.case_complete(case=s.case, by=by)


def _fresh(case: Case) -> Case:
    case.refresh_from_db()
    return case


Verb = Callable[[Director, Scene], Case]
VERBS: dict[str, Verb] = {
    "start": _start,
    "receive": _receive,
    "submit": lambda d, s: services.case_submit(case=s.case, by=d.actor(s.applicant)),
    "forward": lambda d, s: services.case_forward(case=s.case, by=d.actor(s.clerk, Channel.WINDOW)),
    "accept": _accept,
    "notice": _notice,
    "upload": _upload,
    "resubmit": lambda d, s: services.case_resubmit(case=s.case, by=d.actor(s.applicant)),
    "refuse": lambda d, s: services.case_refuse(
        case=s.case, by=d.actor(s.handler), reason=s.act.arg[0], remedies=s.remedies
    ),
    "deem": lambda d, s: services.case_deem_accepted(case=s.case),
    "review": lambda d, s: services.case_start_review(case=s.case, by=d.actor(s.handler)),
    "special": _special,
    "special_end": lambda d, s: services.special_procedure_end(case=s.case, by=d.actor(s.handler)),
    "suspend": lambda d, s: services.case_suspend(case=s.case, by=d.actor(s.handler), reason=s.act.arg),
    "approve": lambda d, s: services.case_decide(
        case=s.case, by=d.actor(s.handler), approve=True, license_face=_result_face(s.case)
    ),
    "deny": lambda d, s: services.case_decide(
        case=s.case, by=d.actor(s.handler), approve=False, reason=s.act.arg, remedies=s.remedies
    ),
    "steps": _steps,
    "deliver": lambda d, s: services.case_deliver(
        case=s.case, by=d.actor(s.handler), method=s.act.arg[0], note=s.act.arg[1]
    ),
    "complete": _complete,
    "withdraw": lambda d, s: services.case_withdraw(case=s.case, by=d.actor(s.applicant), reason=s.act.arg),
    "hand_over": _hand_over,
    "ship": _ship,
    "parcel": _parcel,
}


# --- Forms and materials ------------------------------------------------------------------------------


def _form(s: Scene) -> dict[str, Any]:
    """The application form filled in with the applicant's own details (the company's, with its operator
    as the contact), each field as its definition asks."""
    person = next(
        c
        for c in CITIZENS
        if c.username == (OPERATOR if s.applicant_user == COMPANY_USERNAME else s.applicant_user)
    )
    values = {
        "applicant_name": person.name,
        "contact_name": person.name,
        "company_name": COMPANY_NAME,
        "id_number": person.id_number,
        "uscc": COMPANY_USCC,
        "phone": person.phone,
        "email": f"{person.username}@{EMAIL_DOMAIN}",
    }
    form = {}
    for spec in parse_definition(s.version.form_schema).fields:
        if spec.key in values:
            form[spec.key] = values[spec.key]
        elif spec.type in values:
            form[spec.key] = values[spec.type]
        elif spec.options:
            first = spec.options[0].value
            form[spec.key] = [first] if spec.type == "multichoice" else first
        elif spec.required:
            form[spec.key] = _typed_value(spec, s.day)
    return form


def _typed_value(spec, day: dt.date) -> Any:
    match spec.type:
        case "integer" | "decimal":
            return str(spec.min_value if spec.min_value is not None else 1)
        case "date":
            return day.isoformat()
        case "boolean":
            return True
        case _:
            return "演示数据"[: spec.max_length or None].ljust(spec.min_length or 0, "。")


def _materials_attach(d: Director, case: Case, by: Actor) -> None:
    """The guide's required materials: an e-license where the guide accepts one, else a scan."""
    for material in case.implementation_version.materials.filter(necessity=Necessity.REQUIRED).order_by(
        "position", "id"
    ):
        if material.license_type_code:
            reference = f"1.2.156.3005.2.{material.license_type_code}.DEMO.{case.number}"
            services.case_material_license(
                case=case, by=by, guide_material_id=material.pk, license_reference=reference
            )
        else:
            services.case_material_upload(
                case=case, by=by, file=_file(material.name), guide_material_id=material.pk
            )


def _file(name: str) -> ContentFile:
    """A small scan: a photo as PNG, any other material as a one-page PDF."""
    return ContentFile(PNG if "照片" in name else PDF, name="scan.png" if "照片" in name else "scan.pdf")


def _png() -> bytes:
    """A 1×1 white PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0\xff\xff\xff"))
        + chunk(b"IEND", b"")
    )


def _pdf() -> bytes:
    """A one-page PDF that says it is a demo scan."""
    text = b"BT /F1 18 Tf 72 760 Td (Tongban demo scan) Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(text), text),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return out


PNG, PDF = _png(), _pdf()
