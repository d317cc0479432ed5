"""docs/cases-workflow.md, rendered from the workflow tables so that the document cannot fall behind them.

Regenerate with `python -m tongban.cases.workflow_doc`; a test fails when the committed file differs.
"""

from collections.abc import Iterable
from pathlib import Path

from tongban.catalog.choices import Mode

from .choices import Action, CaseStatus, Party, Record, StepStatus
from .step_workflow import STEP_TABLE
from .workflow import (
    ALL_MODES,
    TABLE,
    TERMINAL_STATUSES,
    Guard,
    Need,
    Owner,
    Transition,
    clock_states,
    start_statuses,
)

DOCUMENT_PATH = Path(__file__).resolve().parent.parent.parent / "docs" / "cases-workflow.md"
REGENERATE = "python -m tongban.cases.workflow_doc"


def workflow_markdown() -> str:
    sections = [
        "# Life of a case (办件流转)\n\n"
        f"Generated from `tongban/cases/workflow.py` and `step_workflow.py` by `{REGENERATE}`; do not edit.\n"
        "Services look every move up in this table; a test fails when this file falls behind it.",
        _statuses(),
        _diagram(),
        _transitions(),
        _legend("Parties (who acts)", ((p.value, p.label) for p in Party)),
        _legend("Needs (what the actor must give)", ((n.value, n.label) for n in Need)),
        _legend("Guards (checked against the case's facts)", ((g.value, g.label) for g in Guard)),
        _legend("Owner effects (首问负责)", ((o.value, o.label) for o in Owner)),
        _steps(),
        _records(),
    ]
    return "\n\n".join(sections) + "\n"


def workflow_doc_write(path: Path = DOCUMENT_PATH) -> Path:
    path.write_text(workflow_markdown(), encoding="utf-8")
    return path


def _statuses() -> str:
    states = clock_states()
    rows = []
    for status in CaseStatus:
        modes = [m for m in Mode if status in start_statuses(m)]
        kind = (
            "start (" + ", ".join(modes) + ")"
            if modes
            else ("terminal" if status in TERMINAL_STATUSES else "")
        )
        clock = " or ".join(sorted(s.label for s in states.get(status, ())))
        rows.append((f"`{status.value}`", status.label, kind, clock))
    return "## Statuses\n\n" + _table(("status", "label", "kind", "time limit"), rows)


def _diagram() -> str:
    lines = ["stateDiagram-v2"]
    for t in TABLE:
        if t.frm != t.to:
            lines.append(f"    {t.frm.value if t.frm else '[*]'} --> {t.to.value}: {t.action.value}")
    lines += [f"    {s.value} --> [*]" for s in CaseStatus if s in TERMINAL_STATUSES]
    diagram = "\n".join(dict.fromkeys(lines))  # rows that differ only in parties draw one arrow
    return (
        "## Diagram\n\nHand-overs (`hand_over`) keep the status and are left out of the picture.\n\n"
        f"```mermaid\n{diagram}\n```"
    )


def _transitions() -> str:
    rows = [
        (
            f"`{t.frm.value}`" if t.frm else "(new)",
            f"`{t.action.value}` {Action(t.action).label}",
            f"`{t.to.value}`",
            _codes(t.parties, Party),
            "all" if t.modes == ALL_MODES else _codes(t.modes, Mode),
            t.clock.value,
            _codes(t.needs, Need),
            t.guard.value if t.guard else "",
            _notes(t),
            t.basis,
        )
        for t in TABLE
    ]
    header = ("from", "action", "to", "parties", "modes", "clock", "needs", "guard", "notes", "basis")
    return "## Transitions\n\n" + _table(header, rows)


def _notes(t: Transition) -> str:
    notes = []
    if t.receipt:
        notes.append("receipt of materials (§32's five days start)")
    if t.clock_from_receipt:
        notes.append("clock starts on the day of receipt")
    if t.one_time_notice:
        notes.append("a second notice is a recorded fault and needs a reason")
    if t.decision:
        notes.append(f"decision: {t.decision.value}")
    if t.owner != Owner.FIRST_TOUCH:
        notes.append(f"owner: {t.owner.value}")
    if t.step_effect:
        notes.append(f"steps: {t.step_effect.value}")
    return "; ".join(notes)


def _steps() -> str:
    rows = [
        (
            f"`{t.frm.value}`",
            f"`{t.action.value}` {t.action.label}",
            f"`{t.to.value}`",
            _codes(t.parties, Party),
            t.clock.value,
            "yes" if t.needs_reason else "",
            t.basis,
        )
        for t in STEP_TABLE
    ]
    statuses = _table(("status", "label"), ((f"`{s.value}`", s.label) for s in StepStatus))
    header = ("from", "action", "to", "parties", "clock", "reason", "basis")
    return "## Steps (环节)\n\n" + statuses + "\n\n" + _table(header, rows)


def _records() -> str:
    """Timeline lines that are not transitions (choices.Record); who writes them is their service's rule."""
    rules = {
        Record.STEP_FINISHED: "staff of the step's organization (`services.case_step_finish`)",
        Record.MATERIAL_ADDED: "the applicant (draft, correction) or the window (at the window)",
        Record.SHIPMENT_REGISTERED: "the side that sends the parcel (`services.SHIPMENT_SENDERS`)",
        Record.SHIPMENT_UPDATED: "staff of either side, or a carrier's API token with `shipments:update`",
    }
    rows = ((f"`{r.value}`", r.label, rules[r]) for r in Record)
    return "## Records (timeline lines that move no status)\n\n" + _table(
        ("code", "label", "written by"), rows
    )


def _legend(title: str, entries: Iterable[tuple[str, str]]) -> str:
    return f"## {title}\n\n" + _table(("code", "label"), ((f"`{code}`", label) for code, label in entries))


def _codes(values: Iterable, enumeration) -> str:
    """Members in their enumeration's order, as codes."""
    return ", ".join(m.value for m in enumeration if m in values)


def _table(header: tuple[str, ...], rows: Iterable[tuple[str, ...]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]
    return "\n".join(lines)


if __name__ == "__main__":
    print(workflow_doc_write())
