"""亮证: the holder shows one valid license as a QR code plus a 6-digit check code, valid for a few minutes
and for one verification. A verifier — any staff member in the workbench, or a kiosk or another department's
system through an API token with scope licenses:verify — scans the QR or types the code, states a purpose,
and sees the license with its signature status. The use is kept on the presentation (who, for which
organization, through which channel, why, when), shown to the holder, and audited.

The QR code's signed token and the 6-digit code are derived from the row's `jti` (presentation_codes.py);
the `Presentation` row is what makes them expire and work once: a conditional UPDATE flips `used_at` from
NULL, so of two simultaneous verifications exactly one succeeds. `live_code`, the code's keyed digest and
unique, holds the code while the presentation may be used. Six digits can be guessed where a signature
cannot, so:
- failed verifications are counted per verifier, and past FAILURE_RATE no code is even looked at;
- a typed code that is wrong, expired, cancelled or used by someone else gets one and the same answer, so a
  guess never tells whether a presentation with that code exists for someone else (a scanned token, which
  cannot be guessed, is told apart: expired and cancelled 410, used 409);
- a new presentation of a license supersedes its open one, so few codes are in use at any time.
"""

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django_ratelimit.core import get_usage

from tongban.core.audit import AuditObject, audit_record, audit_record_now
from tongban.core.errors import Conflict, DomainError, ValidationFailed
from tongban.core.masking import mask_id_number
from tongban.identity import access
from tongban.identity.access import AccessDenied, ActionRefused, Actor
from tongban.regions.models import Organization

from . import presentation_codes as codes
from .choices import HolderCodeType, LicenseStatus, PresentationState
from .models import License, Presentation
from .selectors import license_face_rows, license_verify, licenses_held
from .verification import Result, Verdict

# How long a presentation may be used; settings.PRESENTATION_MINUTES (TONGBAN_PRESENTATION_MINUTES) overrides.
PRESENTATION_MINUTES = 5
CODE_ATTEMPTS = 8  # draws of a free code before giving up (with few open presentations, one suffices)
# A typed code's refusal is audited with the presentation that last had it only if that one is this recent;
# an older one is a stranger's long-gone presentation, not what the verifier was shown.
RECENT = timedelta(hours=1)
PURPOSE_MAX = 200

VERIFY_RATE = "30/m"  # every verification, per verifier: a busy window reads a code every few seconds at most
# Failed verifications, per verifier. With N presentations open across the circle a guess succeeds with
# probability N/10⁶; ten guesses an hour keep that small, and each refusal is audited.
FAILURE_RATE = "10/h"

MAY_NOT_PRESENT = "只有持证人本人（或企业的经办人）可以亮证。"
MAY_NOT_VERIFY = "核验亮证需要工作人员账号，或具有“核验亮证”（licenses:verify）权限的接口令牌。"
INVALID = "亮证码无效，请核对后重新输入或扫描。"
WRONG_CODE = "亮证码不正确或已失效（已过期、已被核验或已取消）。请核对后重新输入，或请持证人重新亮证。"
EXPIRED = "亮证码已过期，请持证人重新亮证。"
USED = "该亮证码已被核验过，不能重复使用；请持证人重新亮证。"
USED_BY_YOU = "该亮证码已由您核验过，不能重复使用；如需再次查看，请持证人重新亮证。"
CANCELLED = "持证人已取消本次亮证，请持证人重新亮证。"
TOO_FAST = "核验过于频繁，请约 1 分钟后再试。"
TOO_MANY_FAILURES = "核验失败次数过多，为防止猜测亮证码，请约 {minutes} 分钟后再试。"


def _now() -> datetime:
    """The clock of this module (tests move it instead of sleeping)."""
    return timezone.now()


def presentation_lifetime() -> timedelta:
    return timedelta(minutes=int(getattr(settings, "PRESENTATION_MINUTES", PRESENTATION_MINUTES)))


def presentation_state(presentation: Presentation, now: datetime | None = None) -> PresentationState:
    if presentation.used_at is not None:
        return PresentationState.USED
    if presentation.cancelled_at is not None:
        return PresentationState.CANCELLED
    if presentation.expires_at <= (now or _now()):
        return PresentationState.EXPIRED
    return PresentationState.OPEN


def presentation_seconds_left(presentation: Presentation) -> int:
    return max(0, int((presentation.expires_at - _now()).total_seconds()))


# --- Who may (rules.py: presentation.create, presentation.cancel, presentation.redeem) ----------------


def holder_require(actor: Actor, action: str, license_: License) -> None:
    """access.require, refusing someone who sees the license but does not hold it in the holder's words."""
    try:
        access.require(actor, action, license_)
    except ActionRefused:
        raise ActionRefused(action, license_, message=MAY_NOT_PRESENT) from None


# --- The holder: show, cancel, see the uses ---------------------------------------------------------


def _presentable(license_: License, today) -> None:
    """Only a valid license within its validity is shown (as for 免证明)."""
    if license_.status != LicenseStatus.VALID:
        raise Conflict(f"证照当前状态为「{LicenseStatus(license_.status).label}」，不能亮证。")
    if license_.valid_from > today:
        raise Conflict("证照尚未到有效期起始日期，不能亮证。")
    if license_.valid_until is not None and license_.valid_until < today:
        raise Conflict("证照已超过有效期，不能亮证。")


def _open(now: datetime) -> dict:
    return {"used_at": None, "cancelled_at": None, "expires_at__gt": now}


def presentation_create(*, license_: License, by: Actor) -> Presentation:
    """A new presentation of the license, valid for presentation_lifetime(); the license's open one, if
    any, is cancelled (superseded)."""
    holder_require(by, "presentation.create", license_)
    _presentable(license_, timezone.localdate())
    if license_verify(license_).verdict != Verdict.VALID:
        raise Conflict("证照签名验证未通过，不能亮证，请联系颁发机构。")
    with transaction.atomic():
        locked = License.objects.select_for_update().get(pk=license_.pk)
        _presentable(locked, timezone.localdate())  # the status as of the lock
        now = _now()
        superseded = Presentation.objects.filter(license=locked, **_open(now)).update(
            cancelled_at=now, live_code=None
        )
        presentation = _insert(locked, by=by, now=now)
        audit_record(
            action="license_presentation.created",
            context=by.audit_context(),
            obj=AuditObject.of(locked, locked.identifier),
            detail={
                "presentation": presentation.pk,
                "expires_at": presentation.expires_at.isoformat(),
                "superseded": superseded,
            },
        )
    return presentation


def _insert(license_: License, *, by: Actor, now: datetime) -> Presentation:
    for _ in range(CODE_ATTEMPTS):
        jti = secrets.token_urlsafe(12)
        index = codes.code_index(codes.check_code(jti))
        # An expired presentation lets go of its code here (used and cancelled ones did when they ended).
        Presentation.objects.filter(live_code=index, expires_at__lte=now).update(live_code=None)
        try:
            with transaction.atomic():
                return Presentation.objects.create(
                    license=license_,
                    created_by=by.user,
                    jti=jti,
                    code_index=index,
                    live_code=index,
                    created_at=now,
                    expires_at=now + presentation_lifetime(),
                )
        except IntegrityError:
            continue  # an open presentation has this code: draw another
    raise DomainError("暂时无法生成亮证码，请稍后再试。", status=503)


def presentation_cancel(*, presentation: Presentation, by: Actor) -> Presentation:
    """The holder withdraws an unused presentation (cancelling it twice is harmless)."""
    holder_require(by, "presentation.cancel", presentation.license)
    now = _now()
    with transaction.atomic():
        cancelled = Presentation.objects.filter(pk=presentation.pk, **_open(now)).update(
            cancelled_at=now, live_code=None
        )
        presentation.refresh_from_db()
        if cancelled:
            audit_record(
                action="license_presentation.cancelled",
                context=by.audit_context(),
                obj=AuditObject.of(presentation.license, presentation.license.identifier),
                detail={"presentation": presentation.pk},
            )
    state = presentation_state(presentation, now)
    if state == PresentationState.USED:
        raise Conflict("本次亮证已被核验，不能取消。")
    if state == PresentationState.EXPIRED:
        raise Conflict("本次亮证已过期，无需取消。")
    return presentation


def presentations_of(actor: Actor, license_: License | None = None) -> QuerySet[Presentation]:
    """The presentations of the licenses the actor holds (a company's, for its operators too), newest
    first, each with its use: what the holder sees of who looked at their license."""
    found = Presentation.objects.filter(license__in=licenses_held(actor).values("pk"))
    if license_ is not None:
        found = found.filter(license=license_)
    return found.select_related("license__license_type", "used_organization").order_by("-created_at", "-id")


def presentation_get(actor: Actor, pk: int) -> Presentation:
    """One presentation for its holder; anyone else is told it is unknown."""
    found = presentations_of(actor).filter(pk=pk).first()
    if found is None:
        raise AccessDenied("presentation.cancel")  # the holder's presentations are all one may look up
    return found


def presentation_current(license_: License) -> Presentation | None:
    """The license's open presentation, if any."""
    return Presentation.objects.filter(license=license_, **_open(_now())).order_by("-created_at").first()


# --- The verifier -----------------------------------------------------------------------------------


class PresentationRefused(DomainError):
    """A code that shows no license: see the module docstring for what each answer may tell."""

    def __init__(self, reason: str, message: str, status: int, presentation: Presentation | None = None):
        super().__init__(message=message, status=status)
        self.reason, self.presentation = reason, presentation


@dataclass(frozen=True)
class Presented:
    """What the verifier sees: the license as shown (the ID number masked), its signature status, the use."""

    presentation: Presentation
    license: License
    result: Result
    holder_code: str
    face: list[tuple[str, str]]

    @property
    def verified_at(self) -> datetime:
        return self.presentation.used_at


def presentation_verify(
    *, code: str, purpose: str, by: Actor, organization_id: int | None = None
) -> Presented:
    """Show the license behind a scanned token or a typed 6-digit code, once. Refusals are audited and
    raised as PresentationRefused; a missing purpose or code is a ValidationFailed that uses nothing."""
    # Not require(): with no object it would answer 404, and a verifier without the right is told why (403).
    if not access.check(by, "presentation.redeem"):
        raise ActionRefused("presentation.redeem", message=MAY_NOT_VERIFY)
    purpose = " ".join((purpose or "").split())
    if not purpose:
        raise ValidationFailed.on("purpose", "请填写核验事由，如“办理不动产登记，查验不动产权证书”。")
    if len(purpose) > PURPOSE_MAX:
        raise ValidationFailed.on("purpose", f"核验事由不能超过 {PURPOSE_MAX} 个字。")
    text = (code or "").strip().replace(" ", "")
    if not text:
        raise ValidationFailed.on("code", "请输入持证人出示的 6 位亮证码，或扫描亮证二维码。")
    organization = _verifier_organization(by, organization_id)
    now, refusal = _now(), None
    with transaction.atomic():
        try:
            presentation = _claim(text, by=by, organization=organization, purpose=purpose, now=now)
        except PresentationRefused as exc:
            refusal = exc
    if refusal is not None:
        _record_refusal(refusal, by=by, typed=codes.is_check_code(text))
        raise refusal
    return _presented(presentation)


def _verifier_organization(by: Actor, organization_id: int | None) -> Organization | None:
    """A system verifies for its token's organization; a staff member for the one they chose among theirs
    (by default the first, as in their audit entries)."""
    if by.token is not None:
        return by.token.organization
    ids = by.organization_ids()
    if organization_id is None:
        organization_id = min(ids) if ids else None
    elif organization_id not in ids:
        raise ValidationFailed.on("organization", "请选择您所在的单位。")
    return Organization.objects.filter(pk=organization_id).first() if organization_id else None


def _claim(
    text: str, *, by: Actor, organization: Organization | None, purpose: str, now: datetime
) -> Presentation:
    """Find the presentation and record the use on it, audited; or refuse."""
    typed = codes.is_check_code(text)
    presentation = _by_code(text, by=by, now=now) if typed else _by_token(text, by=by, now=now)
    context = by.audit_context()
    # Works once, also under concurrency: only the verification that flips used_at from NULL wins.
    claimed = Presentation.objects.filter(pk=presentation.pk, **_open(now)).update(
        used_at=now,
        live_code=None,
        used_by=by.user,
        used_by_token=by.token,
        used_by_label=context.actor_label[:200],
        used_organization=organization,
        used_channel=by.channel,
        purpose=purpose,
    )
    if claimed != 1:
        raise PresentationRefused("used", WRONG_CODE if typed else USED, 400 if typed else 409, presentation)
    presentation.refresh_from_db()
    audit_record(
        action="license_presentation.used",
        context=context,
        obj=AuditObject.of(presentation.license, presentation.license.identifier),
        detail={
            "presentation": presentation.pk,
            "organization": organization.name if organization else "",
            "purpose": purpose,
        },
    )
    return presentation


def _by_code(code: str, *, by: Actor, now: datetime) -> Presentation:
    index = codes.code_index(code)
    found = Presentation.objects.filter(live_code=index).first()
    if found is not None and presentation_state(found, now) == PresentationState.OPEN:
        return found
    # One answer whatever the reason; the reason and the presentation (if recent) are audited.
    last = found or (
        Presentation.objects.filter(code_index=index, expires_at__gt=now - RECENT)
        .order_by("-created_at", "-id")
        .first()
    )
    if last is None:
        raise PresentationRefused("invalid", WRONG_CODE, 400)
    reason = presentation_state(last, now).value
    if reason == PresentationState.USED and _used_by(last, by):
        raise PresentationRefused("used", USED_BY_YOU, 409, last)
    raise PresentationRefused(reason, WRONG_CODE, 400, last)


def _by_token(token: str, *, by: Actor, now: datetime) -> Presentation:
    claims = codes.token_claims(token)
    if claims is None:
        raise PresentationRefused("invalid", INVALID, 400)
    jti, expires_at = claims
    if expires_at <= now:
        raise PresentationRefused("expired", EXPIRED, 410)
    found = Presentation.objects.filter(jti=jti).first()
    if found is None:
        raise PresentationRefused("invalid", INVALID, 400)
    state = presentation_state(found, now)
    if state == PresentationState.USED:
        raise PresentationRefused("used", USED_BY_YOU if _used_by(found, by) else USED, 409, found)
    if state == PresentationState.CANCELLED:
        raise PresentationRefused("cancelled", CANCELLED, 410, found)
    if state == PresentationState.EXPIRED:
        raise PresentationRefused("expired", EXPIRED, 410, found)
    return found


def _used_by(presentation: Presentation, by: Actor) -> bool:
    if by.token is not None:
        return presentation.used_by_token_id == by.token.pk
    return by.user_id is not None and presentation.used_by_id == by.user_id


def _presented(presentation: Presentation) -> Presented:
    license_ = (
        License.objects.select_related("license_type", "issuer", "seal", "jurisdiction")
        .defer("seal__private_key")  # a verification never reads the seal's private key
        .get(pk=presentation.license_id)
    )
    code = license_.holder_code
    return Presented(
        presentation=presentation,
        license=license_,
        result=license_verify(license_),
        holder_code=mask_id_number(code) if license_.holder_code_type == HolderCodeType.ID_NUMBER else code,
        face=license_face_rows(license_),
    )


def _record_refusal(refusal: PresentationRefused, *, by: Actor, typed: bool) -> None:
    detail = {"reason": refusal.reason, "entered": "check_code" if typed else "qr_token"}
    obj = None
    if refusal.presentation is not None:
        detail["presentation"] = refusal.presentation.pk
        license_ = refusal.presentation.license
        obj = AuditObject.of(license_, license_.identifier)
    entry = {
        "action": "license_presentation.refused",
        "context": by.audit_context(),
        "obj": obj,
        "detail": detail,
    }
    # Kept even when the caller's request fails: outside a transaction on its own, inside one joining it.
    (audit_record if transaction.get_connection().in_atomic_block else audit_record_now)(**entry)


# --- Limits (for the adapters: they know the request) -----------------------------------------------


def _verifier_key(actor: Actor) -> str:
    return f"token:{actor.token.pk}" if actor.token is not None else f"user:{actor.user_id}"


def verification_limited(request, actor: Actor) -> str | None:
    """Count this attempt; the Chinese answer if the verifier is over a limit (nothing is looked up then)."""
    key = _verifier_key(actor)
    attempts = get_usage(
        request, group="license_presentation.verify", key=lambda *_: key, rate=VERIFY_RATE, increment=True
    )
    if attempts is not None and attempts["should_limit"]:
        return TOO_FAST
    failures = get_usage(request, group="license_presentation.failed", key=lambda *_: key, rate=FAILURE_RATE)
    if failures is not None and failures["count"] >= failures["limit"]:
        return TOO_MANY_FAILURES.format(minutes=max(1, (failures["time_left"] + 59) // 60))
    return None


def verification_failed(request, actor: Actor) -> None:
    """Count a refused verification against the verifier's FAILURE_RATE."""
    key = _verifier_key(actor)
    get_usage(
        request, group="license_presentation.failed", key=lambda *_: key, rate=FAILURE_RATE, increment=True
    )
