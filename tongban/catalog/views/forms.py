"""The portal's search form: the query string of /search/ as labelled, validated fields."""

from django import forms

from tongban.catalog.choices import Audience, Mode, Theme
from tongban.catalog.search import SearchFilters
from tongban.regions.models import Region


def _with_all(label: str, choices) -> list[tuple[str, str]]:
    return [("", label), *choices]


class SearchForm(forms.Form):
    """Every field is optional; an invalid value is reported and ignored, the others still apply."""

    q = forms.CharField(label="关键词", required=False, max_length=100, strip=True)
    theme = forms.ChoiceField(label="主题", required=False, choices=_with_all("全部主题", Theme.choices))
    city = forms.ChoiceField(label="实施城市", required=False)
    mode = forms.ChoiceField(label="办理方式", required=False, choices=_with_all("全部方式", Mode.choices))
    audience = forms.ChoiceField(
        label="服务对象",
        required=False,
        choices=_with_all("全部对象", [(Audience.NATURAL, "个人"), (Audience.LEGAL, "企业（法人）")]),
    )
    receivable_in = forms.ChoiceField(label="可在哪里办", required=False)

    def __init__(self, *args, cities: list[Region], **kwargs):
        super().__init__(*args, **kwargs)
        city_choices = [(c.key, c.name) for c in cities]
        self.fields["city"].choices = _with_all("全部城市", city_choices)
        self.fields["receivable_in"].choices = _with_all("不限", city_choices)
        self.fields["q"].widget = forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": "如：社保卡、户口迁移、sbk",
                "autocomplete": "off",
                "maxlength": "100",
            }
        )

    def _post_clean(self):
        """Tie each field's error message to the field for screen readers (WCAG 3.3.1)."""
        super()._post_clean()
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs["aria-describedby"] = f"id_{name}-error"

    def search_args(self) -> tuple[str, SearchFilters]:
        """The query and the filters from the valid fields (call after is_valid())."""
        data = getattr(self, "cleaned_data", {})
        filters = SearchFilters(
            **{
                name: data.get(name) or None
                for name in ("theme", "city", "mode", "audience", "receivable_in")
            }
        )
        return data.get("q", ""), filters
