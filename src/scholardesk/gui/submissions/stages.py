"""Shared bits of the Submissions page: translated stage names and stage colours."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QColor

from scholardesk.core.i18n import tr
from scholardesk.domain.submissions import Stage

_STAGE_LABELS: dict[Stage, Callable[[], str]] = {
    Stage.SUBMITTED: lambda: tr("Submitted"),
    Stage.WITH_EDITOR: lambda: tr("With Editor"),
    Stage.UNDER_REVIEW: lambda: tr("Under Review"),
    Stage.REVIEWS_COMPLETED: lambda: tr("Required Reviews Completed"),
    Stage.DECISION_IN_PROCESS: lambda: tr("Decision in Process"),
    Stage.MAJOR_REVISION: lambda: tr("Major Revision"),
    Stage.MINOR_REVISION: lambda: tr("Minor Revision"),
    Stage.REVISION_SUBMITTED: lambda: tr("Revision Submitted"),
    Stage.ACCEPTED: lambda: tr("Accepted"),
    Stage.REJECTED: lambda: tr("Rejected"),
    Stage.DESK_REJECTED: lambda: tr("Desk Rejected"),
    Stage.REJECT_TRANSFER: lambda: tr("Reject & Transfer"),
    Stage.TRANSFERRED: lambda: tr("Transferred"),
    Stage.WITHDRAWN: lambda: tr("Withdrawn"),
    Stage.PROOFS: lambda: tr("Proofs"),
    Stage.PUBLISHED: lambda: tr("Published"),
    Stage.APC_INVOICED: lambda: tr("APC Invoiced"),
    Stage.APC_PAID: lambda: tr("APC Paid"),
    Stage.OTHER: lambda: tr("Other"),
}

_COLOURS: dict[Stage, str] = {
    Stage.SUBMITTED: "#90a4ae",
    Stage.WITH_EDITOR: "#ffb74d",
    Stage.UNDER_REVIEW: "#4fc3f7",
    Stage.REVIEWS_COMPLETED: "#4db6ac",
    Stage.DECISION_IN_PROCESS: "#9575cd",
    Stage.MAJOR_REVISION: "#f06292",
    Stage.MINOR_REVISION: "#f48fb1",
    Stage.REVISION_SUBMITTED: "#ba68c8",
    Stage.ACCEPTED: "#66bb6a",
    Stage.REJECTED: "#e57373",
    Stage.DESK_REJECTED: "#d32f2f",
    Stage.REJECT_TRANSFER: "#ff8a65",
    Stage.TRANSFERRED: "#a1887f",
    Stage.WITHDRAWN: "#757575",
    Stage.PROOFS: "#aed581",
    Stage.PUBLISHED: "#2e7d32",
    Stage.APC_INVOICED: "#fff176",
    Stage.APC_PAID: "#dce775",
    Stage.OTHER: "#bdbdbd",
}

STUCK_BACKGROUND = QColor("#ffe0e0")
WARNING_BACKGROUND = QColor("#fff4cc")


def stage_label(stage: Stage | None) -> str:
    if stage is None:
        return ""
    return _STAGE_LABELS[stage]()


def stage_colour(stage: Stage) -> QColor:
    return QColor(_COLOURS.get(stage, "#bdbdbd"))
