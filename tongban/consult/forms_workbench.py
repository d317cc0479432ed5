"""Forms of the question board's workbench. They check the shape of what was typed (a date is a date, a
department exists); the services decide what is allowed and say why in Chinese, naming the field."""

import datetime as dt

from django import forms
from django.utils import timezone

from tongban.regions.models import Organization

DATE_FORMAT_HINT = "请按 2026-03-01 的格式填写"


def departments():
    """Every organization, for the department choices (any organization may be asked to answer)."""
    return Organization.objects.select_related("region").order_by("region__sort_order", "name", "pk")


class DepartmentField(forms.ModelChoiceField):
    """Any organization; shown as 名称（地区）."""

    def label_from_instance(self, obj: Organization) -> str:
        return f"{obj.name}（{obj.region.display_name}）"


def department_field(*, required: bool) -> DepartmentField:
    return DepartmentField(
        queryset=departments(),
        required=required,
        label="答复部门",
        error_messages={"required": "请选择答复部门。", "invalid_choice": "所选答复部门不存在，请重新选择。"},
    )


class PublishForm(forms.Form):
    department = department_field(required=False)


class RouteForm(forms.Form):
    department = department_field(required=True)


class RejectForm(forms.Form):
    # The service checks presence and length and says so; the form only carries the text.
    reason = forms.CharField(label="不予公开理由", required=False, strip=True)


class MergeForm(forms.Form):
    into = forms.CharField(label="合并到的提问编号", required=False, strip=True, max_length=40)


class EditForm(forms.Form):
    public_text = forms.CharField(label="公开文字", required=False, strip=True)
    reason = forms.CharField(label="修改原因", required=False, strip=True)


class AnswerForm(forms.Form):
    text = forms.CharField(label="答复内容", required=False, strip=False)


class ReviseForm(forms.Form):
    text = forms.CharField(label="答复内容", required=False, strip=False)
    reason = forms.CharField(label="修改原因", required=False, strip=True)


class PeriodForm(forms.Form):
    """The statistics' period: from and to, both days included; by default the end's month up to today."""

    start = forms.DateField(
        label="开始日期",
        required=False,
        input_formats=["%Y-%m-%d"],
        error_messages={"invalid": f"开始日期格式有误，{DATE_FORMAT_HINT}。"},
    )
    end = forms.DateField(
        label="结束日期",
        required=False,
        input_formats=["%Y-%m-%d"],
        error_messages={"invalid": f"结束日期格式有误，{DATE_FORMAT_HINT}。"},
    )

    def clean(self):
        data = super().clean()
        today = timezone.localdate()
        if "start" in data and "end" in data:
            data["end"] = data["end"] or today
            data["start"] = data["start"] or data["end"].replace(day=1)
            if data["end"] < data["start"]:
                self.add_error("end", "结束日期不能早于开始日期。")
        return data

    @staticmethod
    def default() -> tuple[dt.date, dt.date]:
        today = timezone.localdate()
        return today.replace(day=1), today
