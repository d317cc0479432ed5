"""The search index: one row per implementation with a version in force, rebuilt by services.

Text is stored normalized (NFKC, lower case) so that the same LIKE query gives the same rows on SQLite
and PostgreSQL; on PostgreSQL, trigram indexes (migration 0002) speed the LIKEs up.
"""

from django.db import models

from tongban.regions.models import Organization, Region

from .items import Implementation, ServiceItem


class SearchEntry(models.Model):
    implementation = models.OneToOneField(
        Implementation, primary_key=True, on_delete=models.CASCADE, related_name="search_entry"
    )
    service_item = models.ForeignKey(ServiceItem, on_delete=models.CASCADE, related_name="+")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    city = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="+")
    theme = models.CharField(max_length=30, db_index=True)
    audience = models.CharField(max_length=10)
    modes = models.CharField(max_length=40, help_text=",online,proxy,")
    reach = models.TextField(help_text="keys of the cities where it can be received: ,420100,420700,")
    is_tongban = models.BooleanField(default=False, help_text="receivable outside its own city")
    name = models.CharField(max_length=200, help_text="the version's name, normalized")
    names = models.TextField(help_text="name, item name and aliases, normalized, joined by |")
    pinyin = models.TextField(help_text="full pinyin of each name without spaces, joined by |")
    initials = models.TextField(help_text="pinyin initials of each name, joined by |")
    extra = models.TextField(help_text="organization, city, theme: matched with lower weight")
    promised_days = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = verbose_name_plural = "搜索索引"
        indexes = [models.Index(fields=["city", "theme"]), models.Index(fields=["service_item"])]

    def __str__(self) -> str:
        return self.name
