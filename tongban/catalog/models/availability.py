"""Where (region, window, kiosk, or the whole circle) and how (mode) an implementation can be received."""

from django.core.exceptions import ValidationError
from django.db import models

from tongban.catalog.choices import Mode
from tongban.regions.models import Kiosk, Region, Window

from .items import Implementation

CIRCLE = "circle"


class Availability(models.Model):
    """An explicit entry of an implementation's reach. Agreements add reach on top (see selectors).

    At most one of region, window and kiosk is set; none means the whole circle (typical for 全程网办).
    `scope_key` and `scope_city` are derived on save so that uniqueness and "outside its own city" are
    plain column comparisons on SQLite and PostgreSQL alike.
    """

    implementation = models.ForeignKey(
        Implementation, verbose_name="实施清单", on_delete=models.CASCADE, related_name="availability"
    )
    mode = models.CharField("办理模式", max_length=10, choices=Mode.choices)
    region = models.ForeignKey(
        Region, verbose_name="可受理地区", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    window = models.ForeignKey(
        Window,
        verbose_name="可受理窗口",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="availability",
    )
    kiosk = models.ForeignKey(
        Kiosk,
        verbose_name="自助终端",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="availability",
    )
    scope_key = models.CharField("范围标识", max_length=40, editable=False)
    scope_city = models.ForeignKey(
        Region,
        verbose_name="受理地所属市",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        editable=False,
        related_name="+",
    )
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "通办范围"
        ordering = ["implementation_id", "mode", "scope_key"]
        constraints = [
            models.UniqueConstraint(
                fields=["implementation", "mode", "scope_key"], name="availability_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_mode_display()} · {self.scope_label}"

    def save(self, *args, **kwargs):
        self.derive_scope()
        super().save(*args, **kwargs)

    @property
    def scope_label(self) -> str:
        if self.window_id:
            return str(self.window)
        if self.kiosk_id:
            return str(self.kiosk)
        if self.region_id:
            return self.region.display_name
        return "都市圈内均可办理"

    def clean(self) -> None:
        scopes = [s for s in (self.region_id, self.window_id, self.kiosk_id) if s]
        if len(scopes) > 1:
            raise ValidationError("地区、窗口、自助终端只能选择其中一项。")
        if self.mode == Mode.ONLINE and self.window_id:
            raise ValidationError({"window": "全程网办无需指定受理窗口。"})
        if self.mode != Mode.ONLINE and not scopes:
            raise ValidationError({"region": "异地代收代办和多地联办必须指定受理地区、窗口或自助终端。"})

    def derive_scope(self) -> None:
        if self.window_id:
            self.scope_key, self.scope_city_id = f"window:{self.window_id}", self.window.hall.region.city_id
        elif self.kiosk_id:
            self.scope_key, self.scope_city_id = f"kiosk:{self.kiosk_id}", self.kiosk.region.city_id
        elif self.region_id:
            self.scope_key, self.scope_city_id = f"region:{self.region_id}", self.region.city_id
        else:
            self.scope_key, self.scope_city_id = CIRCLE, None
