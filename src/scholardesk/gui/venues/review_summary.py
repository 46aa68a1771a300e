"""The compact review-time summary of the Venues page's detail pane: median days from
received to accepted, n, and the n < 20 warning, for the selected journal.

The page loads the figures with a Task (``ReviewsService.summary_for``, by the venue's name and
aliases: the catalogue carries no ISSNs) and hands the result to :meth:`show_summary`; this
widget never touches the database.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from scholardesk.core.i18n import tr, trn
from scholardesk.services.reviews import JournalSummary

WARNING_COLOR = "#b45309"


def _days(value: float) -> str:
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"


class ReviewSummaryLabel(QLabel):
    """One or two lines under the venue title; hidden for conferences."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("venue-review-summary")
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.summary: JournalSummary | None = None
        self.venue_id: int | None = None  # the venue whose figures are shown (or loading)
        self.hide()

    def show_conference(self) -> None:
        self.summary = None
        self.venue_id = None
        self.clear()
        self.hide()

    def show_loading(self) -> None:
        self.summary = None
        self.setText(tr("Review times: loading…"))
        self.show()

    def show_failure(self) -> None:
        self.summary = None
        self.setText(tr("Review times: could not be loaded."))
        self.show()

    def show_summary(self, summary: JournalSummary | None) -> None:
        self.summary = summary
        head = "<b>" + tr("Review times") + "</b> · "
        if summary is None or summary.stats.n == 0 or summary.stats.median_days is None:
            excluded = summary.stats.excluded if summary is not None else 0
            text = head + tr(
                "no usable received/accepted dates for this journal yet "
                "(collect or import them on the Review times page)."
            )
            if excluded:
                text += " " + trn("{n} article excluded.", "{n} articles excluded.", excluded)
            self.setText(text)
            self.show()
            return
        s = summary.stats
        ids = ", ".join(dict.fromkeys(i for i in (summary.issn, summary.eissn) if i))
        line = head + tr(
            "received → accepted: median {days} days · n = {n}",
            days=_days(s.median_days or 0.0), n=s.n,
        )
        if s.excluded:
            line += " · " + tr("{n} excluded", n=s.excluded)
        line += f"<br><small>{escape(summary.journal)}{' (' + ids + ')' if ids else ''}</small>"
        if s.warning:
            line += (f"<br><span style='color:{WARNING_COLOR}'>"
                     + tr("Fewer than 20 articles: the figures are unreliable.") + "</span>")
        self.setText(line)
        self.show()
