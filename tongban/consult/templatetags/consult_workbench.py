"""Template helpers of the question board's workbench: a question's triage flags with their reasons, and
the links to the board's pages that the workbench home shows each staff member by their roles."""

from django import template

from tongban.identity import access
from tongban.identity.access import actor_from_request

from ..rules import ANSWER_ROLES
from ..selectors_workbench import question_flags

register = template.Library()


@register.filter
def flags(question) -> list[dict]:
    return question_flags(question)


@register.inclusion_tag("consult/workbench/_links.html", takes_context=True)
def question_links(context) -> dict:
    """问答审核 for moderators, 待答复的提问 for those who answer for a department, 问答统计 for those who
    may see the statistics (supervisors, moderators, platform admins)."""
    actor = actor_from_request(context["request"])
    return {
        "moderate": access.check(actor, "question.moderate"),
        "answer": bool(actor.organization_ids(*ANSWER_ROLES)),
        "stats": access.check(actor, "question.stats"),
    }
