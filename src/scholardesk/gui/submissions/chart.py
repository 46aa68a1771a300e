"""The timeline chart: one horizontal bar per stage span, on a shared date axis (QPainter)."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from scholardesk.core.i18n import tr
from scholardesk.domain.submissions import StageSpan, Timeline
from scholardesk.gui.submissions.stages import stage_colour, stage_label

ROW_HEIGHT = 22
TOP = 8
AXIS_HEIGHT = 22


class TimelineChart(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._spans: tuple[StageSpan, ...] = ()
        self._empty_text = tr("Select a submission to see its timeline.")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.setMinimumHeight(120)

    def set_timeline(self, timeline: Timeline | None) -> None:
        self._spans = timeline.stages if timeline else ()
        # a minimum height instead of a Python sizeHint() override: Qt may ask a widget being
        # torn down for its size hint, and a Python override then risks a dead wrapper
        self.setMinimumHeight(TOP + AXIS_HEIGHT + ROW_HEIGHT * max(len(self._spans), 3) + 8)
        self.update()

    @property
    def spans(self) -> tuple[StageSpan, ...]:
        return self._spans

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.fillRect(self.rect(), self.palette().base())
        if not self._spans:
            p.setPen(self.palette().placeholderText().color())
            p.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self._empty_text)
            return
        fm = QFontMetrics(self.font())
        label_w = max(fm.horizontalAdvance(stage_label(s.stage)) for s in self._spans) + 16
        days_w = fm.horizontalAdvance("9999 d") + 12
        left = label_w
        right = max(left + 40, self.width() - days_w)
        first = min(min(s.start, s.end) for s in self._spans)
        last = max(max(s.start, s.end) for s in self._spans)
        total = max((last - first).days, 1)

        def x_of(day: dt.date) -> float:
            return left + (right - left) * (day - first).days / total

        text_pen = QPen(self.palette().text().color())
        grid = QColor(self.palette().mid().color())
        grid.setAlpha(80)
        bottom = TOP + ROW_HEIGHT * len(self._spans)
        for i, span in enumerate(self._spans):
            y = TOP + i * ROW_HEIGHT
            p.setPen(text_pen)
            p.drawText(
                QRectF(4, y, label_w - 8, ROW_HEIGHT),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                stage_label(span.stage),
            )
            x0, x1 = x_of(span.start), x_of(span.end)
            if x1 < x0:  # a date typo: the span runs backwards; show it in red outline
                p.setPen(QPen(QColor("#c62828"), 1.5, Qt.PenStyle.DashLine))
                p.setBrush(Qt.BrushStyle.NoBrush)
                p.drawRect(QRectF(x1, y + 4, x0 - x1, ROW_HEIGHT - 8))
            else:
                colour = stage_colour(span.stage)
                p.setPen(Qt.PenStyle.NoPen)
                p.setBrush(colour)
                p.drawRoundedRect(QRectF(x0, y + 4, max(x1 - x0, 3.0), ROW_HEIGHT - 8), 3, 3)
                if span.open:  # still running: a dashed edge at "today"
                    p.setPen(QPen(colour.darker(160), 1.5, Qt.PenStyle.DashLine))
                    p.drawLine(int(x1), y + 2, int(x1), y + ROW_HEIGHT - 2)
            p.setPen(text_pen)
            p.drawText(
                QRectF(max(x0, x1) + 4, y, days_w + 40, ROW_HEIGHT),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                tr("{days} d", days="?" if span.days is None else span.days),  # out of order
            )
        p.setPen(QPen(grid))
        p.drawLine(int(left), bottom + 2, int(right), bottom + 2)
        p.setPen(text_pen)
        p.drawText(
            QRectF(left - 40, bottom + 4, 120, AXIS_HEIGHT),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop,
            first.isoformat(),
        )
        p.drawText(
            QRectF(right - 80, bottom + 4, 120, AXIS_HEIGHT),
            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop,
            last.isoformat(),
        )
