"""Single sign-on through the provincial platform's OpenID Connect provider (mozilla-django-oidc).

Accounts are matched by the provider's subject (`sub` → User.external_subject), never by e-mail: a
provider may reuse or not verify addresses, its subject is stable. A new subject becomes a person
account; when the claims carry a resident ID number already registered here, the subject is linked to
that account instead of making a second one. Every refusal comes back to the login page with a Chinese
message (shown by identity/_sso_button.html); nothing is created on the way.

Settings (settings.py): OIDC_ENABLED (the views answer 404 when off, checked per request),
OIDC_PROVIDER_NAME, the OIDC_RP_*/OIDC_OP_* values mozilla-django-oidc reads, and optionally
OIDC_ID_NUMBER_CLAIM (default "id_number"): the claim that carries the resident ID number.
"""

import hashlib
from functools import wraps

import jwt
import requests
import structlog
from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.db import IntegrityError, transaction
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import resolve_url
from django.urls import path
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView
from stdnum.cn import ric
from stdnum.exceptions import ValidationError as StdnumError

from tongban.core.audit import AuditObject, audit_record
from tongban.core.masking import mask_id_number

from .access import actor_for, client_ip
from .choices import AccountKind, IdentityVerification
from .models import Person, User, id_number_index

log = structlog.get_logger("tongban.identity.oidc")

# The session key under which a refusal waits for the login page (popped by the SSO button's tag).
ERROR_SESSION_KEY = "tongban_sso_error"

MESSAGE_CANCELLED = "您已取消在{provider}的登录。"
MESSAGE_FAILED = "{provider}登录未能完成，请重新登录或使用账号密码登录。"
MESSAGE_UNAVAILABLE = "{provider}暂时无法连接，请稍后再试或使用账号密码登录。"
MESSAGE_STALE = "登录请求已失效，请重新点击“使用{provider}登录”。"
MESSAGE_NO_NAME = "{provider}未提供您的姓名，无法为您建立账号。请联系{provider}或使用账号密码注册。"
MESSAGE_BAD_ID = "{provider}提供的公民身份号码无效，无法为您建立账号。请到窗口核验身份。"
MESSAGE_OTHER_SUBJECT = "该公民身份号码的账号已绑定另一个{provider}账号，请使用原账号登录或到窗口核验身份。"
MESSAGE_INACTIVE = "您的账号已停用，请联系窗口工作人员。"


class SsoRefused(Exception):
    """The provider's answer cannot make or find an account here; the message says why."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def provider_name() -> str:
    return getattr(settings, "OIDC_PROVIDER_NAME", "统一身份认证平台")


def _message(template: str) -> str:
    return template.format(provider=provider_name())


def _username(subject: str) -> str:
    # The subject may be long or personal (some providers use the ID number): keep only a digest.
    return "sso_" + hashlib.sha256(subject.encode()).hexdigest()[:24]


def _valid_id_number(value: str) -> str:
    number = ric.compact(str(value)).upper()
    try:
        return ric.validate(number)
    except StdnumError:
        raise SsoRefused(_message(MESSAGE_BAD_ID)) from None


class TongbanOIDCBackend(OIDCAuthenticationBackend):
    """Find the account of a provider subject, or make one (see the module docstring)."""

    def id_number_claim(self) -> str:
        return getattr(settings, "OIDC_ID_NUMBER_CLAIM", "id_number")

    def verify_claims(self, claims) -> bool:
        if not claims.get("sub"):
            raise SsoRefused(_message(MESSAGE_FAILED))
        if not str(claims.get("name") or "").strip():
            raise SsoRefused(_message(MESSAGE_NO_NAME))
        return True

    def filter_users_by_claims(self, claims):
        return User.objects.filter(external_subject=claims["sub"])

    def describe_user_by_claims(self, claims) -> str:
        return f"subject {claims.get('sub')}"

    def update_user(self, user, claims):
        return user

    def create_user(self, claims):
        id_number = claims.get(self.id_number_claim())
        number = _valid_id_number(id_number) if id_number else ""
        try:
            with transaction.atomic():
                if number and (
                    person := Person.objects.filter(id_number_index=id_number_index(number)).first()
                ):
                    return self._link(person.user, claims)
                return self._create(claims, number)
        except IntegrityError:
            # The same subject signed in twice at once: the other request made the account.
            user = User.objects.filter(external_subject=claims["sub"]).first()
            if user is None:
                raise
            return user

    def _create(self, claims: dict, number: str) -> User:
        name = str(claims["name"]).strip()[:50]
        user = User(username=_username(claims["sub"]), kind=AccountKind.PERSON, display_name=name)
        user.external_subject = claims["sub"]
        user.set_unusable_password()
        user.save()
        if number:
            Person.objects.create(
                user=user,
                real_name=name,
                id_number=number,
                birth_date=ric.get_birth_date(number),
                region_code=number[:6],
                verification=IdentityVerification.SSO,
            )
        # As the registration form records it (account.registered), saying the provider vouched for it.
        detail = {"kind": AccountKind.PERSON, "via": "sso"}
        self._audit(
            "account.registered", user, detail | ({"id_number": mask_id_number(number)} if number else {})
        )
        return user

    def _link(self, user: User, claims: dict) -> User:
        if user.external_subject and user.external_subject != claims["sub"]:
            raise SsoRefused(_message(MESSAGE_OTHER_SUBJECT))
        user.external_subject = claims["sub"]
        detail = {"via": "sso"}
        person = user.person
        if person.verification == IdentityVerification.SELF_DECLARED:
            # The account was registered with a self-declared ID number, perhaps by someone else: now that
            # the provider vouches for its owner, the password and mail address chosen at registration are
            # not trusted any more. Changing the password hash also ends every other session of the account.
            user.set_unusable_password()
            user.email = ""
            person.verification = IdentityVerification.SSO
            person.save(update_fields=["verification"])
            detail["password_cleared"] = True
        user.save(update_fields=["external_subject", "password", "email"])
        self._audit("account.sso_linked", user, detail)
        return user

    def _audit(self, action: str, user: User, detail: dict) -> None:
        actor = actor_for(user, ip=client_ip(self.request))
        audit_record(action=action, context=actor.audit_context(), obj=AuditObject.of(user), detail=detail)

    def get_or_create_user(self, access_token, id_token, payload):
        try:
            return super().get_or_create_user(access_token, id_token, payload)
        except SsoRefused as refusal:
            # Remembered on the request for the callback view, which tells the user.
            self.request.tongban_sso_refusal = refusal.message
            return None


def axes_exempt(request, credentials=None) -> bool:
    """AXES_WHITELIST_CALLABLE: the callback is no password guess (only the provider's one-time code signs
    in there, and the provider throttles its own logins). Counted per address without a user name, five
    refusals would lock everyone behind one office's NAT out of single sign-on for 15 minutes."""
    match = getattr(request, "resolver_match", None)
    return match is not None and match.url_name == "oidc_authentication_callback"


def _enabled_only(view):
    """Single sign-on answers 404 while it is off (decided per request: settings may change in tests)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not getattr(settings, "OIDC_ENABLED", False):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


class SsoCallbackView(OIDCAuthenticationCallbackView):
    """mozilla's callback, with every failure sent back to the login page with a message in Chinese."""

    def get(self, request):
        try:
            response = super().get(request)
        except SuspiciousOperation as exc:
            # A state not in this session (a stale tab, a replayed or forged callback), or an ID token
            # whose signature or nonce does not hold.
            log.warning("sso callback refused", reason=str(exc))
            return self._failure(MESSAGE_STALE)
        except jwt.InvalidTokenError as exc:  # an expired or malformed ID token
            log.warning("sso callback refused: id token", reason=str(exc))
            return self._failure(MESSAGE_FAILED)
        except requests.HTTPError as exc:  # the provider refused the code (used, expired, wrong client)
            log.warning("sso callback refused by the provider", status=exc.response.status_code)
            return self._failure(MESSAGE_FAILED)
        except requests.RequestException:
            log.exception("sso callback: the provider did not answer")
            return self._failure(MESSAGE_UNAVAILABLE)
        return response

    def login_failure(self):
        refusal = getattr(self.request, "tongban_sso_refusal", None)
        if refusal:
            return self._failure(refusal, formatted=True)
        if self.request.GET.get("error") == "access_denied":
            return self._failure(MESSAGE_CANCELLED)
        user = getattr(self, "user", None)
        if user is not None and not user.is_active:
            return self._failure(MESSAGE_INACTIVE)
        return self._failure(MESSAGE_FAILED)

    def _failure(self, message: str, *, formatted: bool = False) -> HttpResponseRedirect:
        self.request.session[ERROR_SESSION_KEY] = message if formatted else _message(message)
        return HttpResponseRedirect(resolve_url(settings.LOGIN_URL))


urlpatterns = [
    path(
        "authenticate/",
        _enabled_only(OIDCAuthenticationRequestView.as_view()),
        name="oidc_authentication_init",
    ),
    path("callback/", _enabled_only(SsoCallbackView.as_view()), name="oidc_authentication_callback"),
]
