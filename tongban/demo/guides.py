"""A published guide (办事指南) for one item at one organization, made from its family.

Pure functions of (family, sub-item, place, seeded Random): no database. What real cities vary is varied
here, deterministically per implementation code: the promised days within the family's range, whether a
visit is needed, an extra or deferrable (容缺) material, postal support. That keeps the best-standard
comparison (对标最优) meaningful across the circle.
"""

import random
from dataclasses import dataclass
from typing import Any

from tongban.catalog.choices import CaseType, MaterialForm, Necessity, ResultType

from .licenses import license_code, license_name
from .spec import POWER_OF_ATTORNEY, Family, Material, Sub

COMMITMENT = Material("申请人告知承诺书", standard="本人签字")
ID_COPY = Material("申请人居民身份证复印件", form=MaterialForm.COPY)
GENERIC_FAQ = (
    ("可以委托他人代办吗？", "可以。受托人携带授权委托书和本人身份证件办理，法律规定须本人到场的除外。"),
    ("在哪里查询办理进度？", "登录湖北政务服务网“我的办件”，或拨打12345政务服务便民热线查询。"),
)


@dataclass(frozen=True)
class Place:
    """Where an implementation is handled: the hall it is received in and the local hotline."""

    hall_name: str
    hall_address: str
    hall_hours: str
    area_code: str

    @property
    def phone(self) -> str:
        return f"{self.area_code}-12345"


@dataclass
class Guide:
    """The fields of an ImplementationVersion and its rows, as plain values."""

    fields: dict[str, Any]
    materials: list[dict[str, Any]]
    steps: list[dict[str, Any]]
    fees: list[dict[str, Any]]
    locations: list[dict[str, Any]]
    faqs: list[dict[str, Any]]


def is_instant(family: Family, sub: Sub) -> bool:
    return family.instant if sub.instant is None else sub.instant


def is_online(family: Family, sub: Sub) -> bool:
    return family.online if sub.online is None else sub.online


def guide_build(family: Family, sub: Sub, place: Place, rng: random.Random) -> Guide:
    instant = is_instant(family, sub)
    promised = 0 if instant else min(rng.randint(*family.promised), family.statutory)
    steps = steps_for(family, instant, promised, rng)
    result_name = sub.result if sub.result is not None else family.result
    result_license = sub.result_license if sub.result_license is not None else family.result_license
    fields = {
        "name": sub.name,
        "conditions": family.conditions,
        "case_type": CaseType.IMMEDIATE if instant else CaseType.PROMISED,
        "statutory_days": family.statutory,
        "promised_days": promised,
        "visits": visits_for(family, sub, rng),
        "handling_process": "申请 → " + " → ".join(s["name"] for s in steps),
        "consultation_phone": place.phone,
        "complaint_phone": "12345",
        "postal_materials": not instant and rng.random() < 0.7,
        "postal_results": bool(result_name) and rng.random() < 0.8,
        "result_name": result_name,
        "result_type": result_type(result_name, result_license),
        "result_license_type_code": license_code(result_license),
        "form_schema": form_schema(family),
    }
    return Guide(
        fields=fields,
        materials=materials_for(family, sub, instant, rng),
        steps=steps,
        fees=[{"name": f.name, "standard": f.standard, "basis": f.basis} for f in [family.fee] if f],
        locations=[
            {
                "name": place.hall_name,
                "address": place.hall_address,
                "hours": place.hall_hours,
                "phone": place.phone,
            }
        ],
        faqs=[{"question": q, "answer": a} for q, a in (*family.faq, *GENERIC_FAQ)[:2]],
    )


def result_type(name: str, license_key: str) -> str:
    if license_key:
        return ResultType.PAPER_AND_LICENSE
    return ResultType.PAPER if name else ResultType.NONE


def visits_for(family: Family, sub: Sub, rng: random.Random) -> int:
    """Cities that finished 全程网办 for an item need no visit, a few still ask for one, and cities
    that post results save the second visit (to collect them)."""
    visits = family.visits if sub.visits is None else sub.visits
    if is_online(family, sub) and visits and rng.random() < 0.4:
        return 0
    if not visits and rng.random() < 0.15:
        return 1
    if visits == 2 and rng.random() < 0.3:
        return 1
    return visits


def materials_for(family: Family, sub: Sub, instant: bool, rng: random.Random) -> list[dict[str, Any]]:
    chosen = [*family.materials, *sub.extra]
    shared = [m for m in chosen[1:] if m.license]
    if shared and rng.random() < 0.2:
        chosen.remove(shared[-1])  # this city fetches it from the e-license library (免提交)
    if not instant and rng.random() < 0.2:
        chosen.append(COMMITMENT)
    if POWER_OF_ATTORNEY not in chosen and rng.random() < 0.3:
        chosen.append(POWER_OF_ATTORNEY)
    rows = [material_row(m) for m in chosen]
    deferrable = [r for r in rows[1:] if r["necessity"] == Necessity.REQUIRED and not r["license_type_code"]]
    if not instant and deferrable and rng.random() < 0.25:
        deferrable[-1]["necessity"] = Necessity.DEFERRABLE
        deferrable[-1]["note"] = "可容缺受理，办结前补齐"
    return rows


def material_row(m: Material) -> dict[str, Any]:
    return {
        "name": m.name,
        "necessity": m.necessity,
        "form": m.form,
        "copies": m.copies,
        "source": m.source,
        "license_type_code": license_code(m.license),
        "license_type_name": license_name(m.license),
        "blank_form": f"{m.name}.pdf" if m.blank_form else "",
        "sample": f"{m.name}（填写示例）.pdf" if m.blank_form else "",
        "acceptance_standard": m.standard,
        "note": "",
    }


def with_partner_step(guide: Guide, partner_id: int, partner_name: str) -> Guide:
    """多地联办: the partner zone's organization checks at the same stage as the review (in parallel, within
    the review's own limit), so one acceptance makes steps in two cities."""
    steps = [dict(s) for s in guide.steps]
    review = next((s for s in steps if s["name"].startswith("审查")), None)
    if review is None:
        return guide
    check = {
        "name": "联办地核查",
        "time_limit_days": review["time_limit_days"],
        "actor": "联办地审批人员",
        "counts_in_limit": True,
        "is_special": False,
        "stage": review["stage"],
        "organization_id": partner_id,
        "description": f"{partner_name}与审查环节同步核查本地登记信息，核查结果两地互认。",
    }
    steps.insert(steps.index(review) + 1, check)
    return Guide(guide.fields, guide.materials, steps, guide.fees, guide.locations, guide.faqs)


def steps_for(family: Family, instant: bool, promised: int, rng: random.Random) -> list[dict[str, Any]]:
    """受理 → 审查 → 决定 → 制证/送达 (审查 and 决定 merged in some cities), limits adding up to the
    promised days (never above statutory); a special step (公示, 现场核查…) pauses the clock and is not
    counted (特殊环节)."""
    deliver = "制证送达" if family.result else "送达"
    if instant:
        plan = [("受理", 0, "窗口工作人员"), ("审查", 0, "审批人员"), ("决定", 0, "审批人员")]
    else:
        accept = 1 if promised >= 3 else 0
        decide = 1 if promised >= 2 else 0
        send = 1 if promised >= 4 else 0
        review = promised - accept - decide - send
        plan = [
            ("受理", accept, "窗口工作人员"),
            ("审查", review, "审批人员"),
            ("决定", decide, "科室负责人"),
            (deliver, send, "窗口工作人员"),
        ]
        if rng.random() < 0.25:  # cities that merged review and decision (压减环节)
            plan[1:3] = [("审查决定", review + decide, "审批人员")]
    steps = [
        {"name": name, "time_limit_days": days, "actor": actor, "counts_in_limit": True, "is_special": False}
        for name, days, actor in plan
    ]
    if family.special and not instant:
        steps.insert(
            2,
            {
                "name": family.special,
                "time_limit_days": rng.choice((5, 10, 15, 20)),
                "actor": "审批人员",
                "counts_in_limit": False,
                "is_special": True,
                "description": "该环节所需时间不计算在办结时限内，将书面告知申请人。",
            },
        )
    for stage, step in enumerate(steps, start=1):
        step["stage"] = stage
        step.setdefault("description", f"{step['actor']}按办事指南{step['name']}。")
    return steps


NATURAL_FIELDS = (
    {"key": "applicant_name", "label": "申请人姓名", "type": "text", "max_length": 30},
    {"key": "id_number", "label": "身份证号码", "type": "id_number"},
    {"key": "phone", "label": "联系电话", "type": "phone"},
)
LEGAL_FIELDS = (
    {"key": "company_name", "label": "单位名称", "type": "text", "max_length": 100},
    {"key": "uscc", "label": "统一社会信用代码", "type": "uscc"},
    {"key": "contact_name", "label": "经办人姓名", "type": "text", "max_length": 30},
    {"key": "phone", "label": "经办人手机号码", "type": "phone"},
)
DEFAULT_CHOICE = ("method", "办理方式", ("本人办理", "委托他人代办"))


def form_schema(family: Family) -> dict[str, Any]:
    key, label, options = family.choice or DEFAULT_CHOICE
    base = LEGAL_FIELDS if family.audience == "legal" else NATURAL_FIELDS
    choice = {
        "key": key,
        "label": label,
        "type": "choice",
        "options": [{"value": str(i), "label": o} for i, o in enumerate(options, start=1)],
    }
    remark = {"key": "remark", "label": "备注", "type": "textarea", "required": False, "max_length": 300}
    return {"schema": 1, "fields": [*[dict(f) for f in base], choice, remark]}


def earlier_version(guide: Guide) -> tuple[Guide, str]:
    """The version a guide replaced, and the change note: a longer promise, or a material that e-license
    sharing has since made unnecessary (减证便民)."""
    fields = dict(guide.fields)
    statutory, promised = fields["statutory_days"], fields["promised_days"]
    if fields["case_type"] == CaseType.PROMISED and promised + 2 <= statutory:
        older = promised + 2
        fields["promised_days"] = older
        steps = [dict(s) for s in guide.steps]
        review = next(s for s in steps if s["name"].startswith("审查"))
        review["time_limit_days"] += 2
        note = f"压缩承诺办结时限：由{older}个工作日压缩至{promised}个工作日。"
        return Guide(fields, guide.materials, steps, guide.fees, guide.locations, guide.faqs), note
    materials = [*guide.materials, material_row(ID_COPY)]
    note = f"取消“{ID_COPY.name}”，改为通过电子证照共享获取。"
    return Guide(fields, materials, guide.steps, guide.fees, guide.locations, guide.faqs), note
