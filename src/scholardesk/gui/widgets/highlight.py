"""Search hits drawn highlighted in table cells."""

from __future__ import annotations

import html
import re

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRectF, Qt
from PySide6.QtGui import QAbstractTextDocumentLayout, QPainter, QPalette, QTextDocument
from PySide6.QtWidgets import (
    QApplication,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from scholardesk.domain.paper_query import highlight_words

HIGHLIGHT = "#fff59d"


def highlighted_html(text: str, terms: list[str]) -> str:
    """``text`` as HTML with every case-insensitive occurrence of ``terms`` marked."""
    if not terms:
        return html.escape(text)
    pattern = re.compile("|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True)),
                         re.IGNORECASE)
    out: list[str] = []
    last = 0
    for m in pattern.finditer(text):
        out.append(html.escape(text[last:m.start()]))
        out.append(f'<span style="background-color:{HIGHLIGHT}">{html.escape(m.group(0))}</span>')
        last = m.end()
    out.append(html.escape(text[last:]))
    return "".join(out)


def search_terms(query: str) -> list[str]:
    """The words of a search box query worth marking: as the search reads the query
    (domain/paper_query.py), so ``au:Bengio`` marks "Bengio", a quoted phrase is marked whole
    and a dropped stopword is not marked."""
    return highlight_words(query)


class HighlightDelegate(QStyledItemDelegate):
    """Paints a cell's text with the current search terms highlighted; cells without a hit
    are painted the ordinary way (cheap)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.terms: list[str] = []

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        text = str(index.data(Qt.ItemDataRole.DisplayRole) or "")
        lowered = text.casefold()
        if not self.terms or not any(t.casefold() in lowered for t in self.terms):
            super().paint(painter, option, index)
            return
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        style = opt.widget.style() if opt.widget else QApplication.style()
        opt.text = ""
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        doc = QTextDocument()
        doc.setDefaultFont(opt.font)
        doc.setDocumentMargin(0)
        doc.setHtml(highlighted_html(opt.fontMetrics.elidedText(
            text, Qt.TextElideMode.ElideRight, opt.rect.width() - 8), self.terms))
        text_rect = style.subElementRect(QStyle.SubElement.SE_ItemViewItemText, opt, opt.widget)
        painter.save()
        top = text_rect.top() + (text_rect.height() - doc.size().height()) / 2
        painter.translate(text_rect.left() + 2, top)
        ctx = QAbstractTextDocumentLayout.PaintContext()
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        ctx.palette.setColor(QPalette.ColorRole.Text, opt.palette.color(role))
        ctx.clip = QRectF(0, 0, text_rect.width(), text_rect.height())
        doc.documentLayout().draw(painter, ctx)
        painter.restore()
