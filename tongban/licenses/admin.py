"""Licenses in the back office, for platform administrators: license types (with their face fields) are
edited here; seals and licenses are read-only (they change through the services: issuing, status operations,
seal rotation — the admin action below calls the service); so are presentations (亮证), shown with their use
but never with what would let someone use them: no token, no code, no `jti` and none of the code's digests.
Holder codes are masked."""

from django.contrib import admin, messages

from tongban.core.choices import Channel
from tongban.core.errors import DomainError
from tongban.core.masking import mask_id_number
from tongban.identity.access import actor_from_request

from .choices import HolderCodeType
from .models import License, LicenseEvent, LicenseType, Presentation, Seal
from .presentations import presentation_state
from .services import seal_rotate


def _admin_actor(request):
    return actor_from_request(request, channel=Channel.ADMIN)


class PlatformAdminOnly:
    def has_module_permission(self, request) -> bool:
        return _admin_actor(request).is_platform_admin

    def has_view_permission(self, request, obj=None) -> bool:
        return _admin_actor(request).is_platform_admin


class ReadOnly(PlatformAdminOnly):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(LicenseType)
class LicenseTypeAdmin(PlatformAdminOnly, admin.ModelAdmin):
    list_display = ["code", "name", "holder_kind", "validity_years"]
    search_fields = ["code", "name"]

    def has_add_permission(self, request) -> bool:
        return _admin_actor(request).is_platform_admin

    def has_change_permission(self, request, obj=None) -> bool:
        return _admin_actor(request).is_platform_admin

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # licenses refer to it


@admin.register(Seal)
class SealAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["organization", "fingerprint", "created_at", "retired_at"]
    fields = [
        "organization",
        "public_key",
        "fingerprint",
        "created_at",
        "retired_at",
    ]  # never the private key
    readonly_fields = fields
    list_filter = ["retired_at"]
    actions = ["rotate"]

    @admin.action(description="轮换所选单位的印章（旧印章停用，继续用于验证）")
    def rotate(self, request, queryset):
        actor = _admin_actor(request)
        for seal in queryset.filter(retired_at=None).select_related("organization"):
            try:
                seal_rotate(organization=seal.organization, by=actor)
            except DomainError as exc:
                self.message_user(request, f"{seal.organization}：{exc.message}", messages.ERROR)
            else:
                self.message_user(request, f"{seal.organization}：已启用新印章。")


class LicenseEventInline(ReadOnly, admin.TabularInline):
    model = LicenseEvent
    fields = ["at", "operation", "from_status", "to_status", "actor_label", "reason"]
    readonly_fields = fields


@admin.register(License)
class LicenseAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["identifier", "license_type", "number", "issuer", "holder_name", "status", "issued_on"]
    list_filter = ["status", "license_type"]
    search_fields = ["identifier", "number"]
    fields = [
        "identifier",
        "license_type",
        "number",
        "issuer",
        "holder_name",
        "masked_holder_code",
        "issued_on",
        "valid_from",
        "valid_until",
        "status",
        "seal",
        "signed_at",
    ]
    readonly_fields = fields
    inlines = [LicenseEventInline]

    @admin.display(description="持证主体代码")
    def masked_holder_code(self, obj: License) -> str:
        if obj.holder_code_type == HolderCodeType.ID_NUMBER:
            return mask_id_number(obj.holder_code)
        return obj.holder_code


@admin.register(Presentation)
class PresentationAdmin(ReadOnly, admin.ModelAdmin):
    list_display = [
        "identifier",
        "holder_name",
        "state",
        "created_at",
        "expires_at",
        "used_organization",
        "used_at",
    ]
    list_select_related = ["license", "used_organization"]
    search_fields = ["license__identifier"]
    date_hierarchy = "created_at"
    fields = [
        "identifier",
        "holder_name",
        "created_by",
        "state",
        "created_at",
        "expires_at",
        "cancelled_at",
        "used_at",
        "used_by_label",
        "used_organization",
        "used_channel",
        "purpose",
    ]  # never jti, code_index or live_code: the token and the code derive from the first
    readonly_fields = fields

    @admin.display(description="证照标识", ordering="license__identifier")
    def identifier(self, obj: Presentation) -> str:
        return obj.license.identifier

    @admin.display(description="持证主体", ordering="license__holder_name")
    def holder_name(self, obj: Presentation) -> str:
        return obj.license.holder_name

    @admin.display(description="状态")
    def state(self, obj: Presentation) -> str:
        return presentation_state(obj).label
