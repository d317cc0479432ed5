"""Who may do what on the question board.

Asking and reading the public board need no permission. Moderating (`question.moderate`: the queue, publish,
reject, merge, edit the public wording, route) is for question moderators — the board is the circle's one
board, so a moderator's role reaches every question — and platform admins. Answering (`question.answer`) is
for the reviewers, chief service officers and helpers of the department a question was routed to. Seeing a
question's private side (`question.view`: the name as typed, the contact, the triage decisions, the asker's
other askings) is for its moderators, those who may answer it and the supervisors of the department's
region. The statistics (`question.stats`) are for supervisors (of their regions), moderators and platform
admins.
"""

from tongban.identity import access
from tongban.identity.access import Actor
from tongban.identity.choices import Role

from .models import Question

ANSWER_ROLES = (Role.REVIEWER, Role.CHIEF_SERVICE_OFFICER, Role.HELPER)


def may_moderate(actor: Actor, obj=None) -> bool:
    return actor.has_role(Role.QUESTION_MODERATOR) or actor.is_platform_admin


def may_answer(actor: Actor, question: Question) -> bool:
    return question.department_id is not None and question.department_id in actor.organization_ids(
        *ANSWER_ROLES
    )


def supervises(actor: Actor, question: Question) -> bool:
    if question.department_id is None or not actor.has_role(Role.SUPERVISOR):
        return False
    return question.department.region_id in actor.supervised_region_ids()


def may_view(actor: Actor, question: Question) -> bool:
    return may_moderate(actor) or may_answer(actor, question) or supervises(actor, question)


def may_see_stats(actor: Actor, obj=None) -> bool:
    return actor.has_role(Role.SUPERVISOR) or may_moderate(actor)


def register_rules() -> None:
    access.register("question.moderate", may_moderate)
    access.register("question.answer", may_answer)
    access.register("question.view", may_view)
    access.register("question.stats", may_see_stats)
    access.register_view_action(Question, "question.view")
