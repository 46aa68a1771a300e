"""The OCR and layout demos of the Models page.

OCR pairs a registered text detector with a recogniser (two combos, an optional text-line
orientation classifier); the image (chosen or dropped on the panel) is read in a Task on the
inference pool, the text boxes are drawn on it and the recognised lines listed (copyable).
Layout runs a layout detector on an image or one PDF page and draws the boxes with class
names and scores; the threshold slider re-filters the boxes of the last run without running
the model again (the model runs once at the slider's lowest value: per-class NMS keeps the
same boxes above a higher threshold, so filtering afterwards gives what a new run would).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QDragEnterEvent,
    QDropEvent,
    QGuiApplication,
    QImage,
    QPainter,
    QPaintEvent,
    QPen,
    QPolygonF,
)
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QSlider,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from scholardesk.core.i18n import tr, trn
from scholardesk.domain.models import (
    LAYOUT_DETECTION,
    TEXT_DETECTION,
    TEXT_DIRECTION,
    TEXT_RECOGNITION,
    LayoutBox,
    LayoutResult,
    ModelArtifact,
    OcrResult,
)
from scholardesk.gui.models.panels import _fill, _RunningPanel, _table, providers_text
from scholardesk.gui.tasks import Task
from scholardesk.services.context import Services

logger = logging.getLogger(__name__)

LAYOUT_MIN_THRESHOLD = 0.05
PALETTE = ("#e53e3e", "#3182ce", "#38a169", "#d69e2e", "#805ad5", "#dd6b20", "#319795",
           "#d53f8c", "#2b6cb0", "#718096")
IMAGE_FILTER = "Images (*.png *.jpg *.jpeg *.bmp *.webp);;All files (*)"


def qimage_from_rgb(rgb: Any) -> QImage:
    """A QImage that owns a copy of an RGB uint8 array [H, W, 3]."""
    import numpy as np

    array = np.ascontiguousarray(rgb, dtype=np.uint8)
    h, w = array.shape[:2]
    return QImage(array.data, w, h, 3 * w, QImage.Format.Format_RGB888).copy()


class ImageBoxesView(QWidget):
    """An image scaled to fit, with polygons (and their captions) drawn in image pixels."""

    def __init__(self) -> None:
        super().__init__()
        self.image: QImage | None = None
        self.shapes: list[tuple[tuple[tuple[float, float], ...], str, str]] = []
        self.setMinimumSize(240, 160)
        self.placeholder = ""

    def set_image(self, image: QImage | None) -> None:
        self.image = image
        self.shapes = []
        self.update()

    def set_shapes(self, shapes: Sequence[tuple[tuple[tuple[float, float], ...], str, str]]) -> None:
        self.shapes = list(shapes)
        self.update()

    def image_rect(self) -> QRectF:
        if self.image is None or self.image.isNull():
            return QRectF()
        scale = min(self.width() / self.image.width(), self.height() / self.image.height())
        w, h = self.image.width() * scale, self.image.height() * scale
        return QRectF((self.width() - w) / 2, (self.height() - h) / 2, w, h)

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802 (Qt)
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("#f7fafc"))
        if self.image is None or self.image.isNull():
            painter.setPen(QColor("#718096"))
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                             self.placeholder)
            painter.end()
            return
        target = self.image_rect()
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.drawImage(target, self.image)
        scale = target.width() / self.image.width()
        font = painter.font()
        font.setPointSizeF(8.5)
        painter.setFont(font)
        for points, caption, colour in self.shapes:
            polygon = QPolygonF([QPointF(target.x() + x * scale, target.y() + y * scale)
                                 for x, y in points])
            pen = QPen(QColor(colour))
            pen.setWidthF(2.0)
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawPolygon(polygon)
            if caption:
                corner = polygon.boundingRect().topLeft()
                metrics = painter.fontMetrics()
                box = QRectF(corner.x(), corner.y() - metrics.height(),
                             metrics.horizontalAdvance(caption) + 6, metrics.height())
                if box.top() < target.top():
                    box.moveTop(corner.y())
                painter.fillRect(box, QColor(colour))
                painter.setPen(QColor("white"))
                painter.drawText(box, Qt.AlignmentFlag.AlignCenter, caption)
        painter.end()


class _ImageDemoPanel(_RunningPanel):
    """What the OCR and layout panels share: model combos, a file row that accepts drops."""

    file_filter = IMAGE_FILTER

    def __init__(self, services: Services, provider: Callable[[], str]) -> None:
        super().__init__()
        self.services = services
        self.provider = provider
        self.model: ModelArtifact | None = None
        self.known: dict[int, ModelArtifact] = {}
        self.task: Task[Any] | None = None
        self.setAcceptDrops(True)
        self.input_edit = QLineEdit()
        self.browse_button = QPushButton(tr("Browse…"))
        self.browse_button.clicked.connect(self._browse)
        self.run_button = QPushButton(tr("Run"))
        self.run_button.setDefault(True)
        self.run_button.clicked.connect(self.run)
        self.cancel_button = QPushButton(tr("Cancel"))
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel)
        self.status = QLabel("")
        self.status.setWordWrap(True)
        self.view = ImageBoxesView()

    def _file_row(self, label: str) -> QHBoxLayout:
        row = QHBoxLayout()
        row.addWidget(QLabel(label))
        row.addWidget(self.input_edit, 1)
        row.addWidget(self.browse_button)
        row.addWidget(self.run_button)
        row.addWidget(self.cancel_button)
        return row

    @staticmethod
    def _combo() -> QComboBox:
        combo = QComboBox()
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(10)
        return combo

    def _fill_combo(self, combo: QComboBox, models: Sequence[ModelArtifact], task: str,
                    none_label: str | None = None) -> None:
        self.known.update({m.id: m for m in models})
        current = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        if none_label is not None:
            combo.addItem(none_label, None)
        for model in models:
            if model.task == task:
                combo.addItem(f"#{model.id} {model.name}", model.id)
        index = combo.findData(current) if current is not None else -1
        combo.setCurrentIndex(index if index >= 0 else 0)
        combo.blockSignals(False)

    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, tr("Choose an input file"), "", tr(self.file_filter))
        if path:
            self.input_edit.setText(path)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 (Qt)
        urls = event.mimeData().urls()
        if urls and urls[0].isLocalFile():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 (Qt)
        urls = event.mimeData().urls()
        if urls and urls[0].isLocalFile():
            self.drop_file(Path(urls[0].toLocalFile()))
            event.acceptProposedAction()

    def drop_file(self, path: Path) -> None:
        """A dropped file becomes the input and is run at once when the models are chosen."""
        self.input_edit.setText(str(path))
        if self.run_button.isEnabled():
            self.run()

    def _start(self, fn: Callable[[Any], Any], label: str, done: Callable[[Any], None]) -> None:
        self.run_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.status.setText(tr("Running…"))
        self.task = (
            Task(fn, kind="io").with_progress(label).on_success(done).on_failure(self._failed).start()
        )


class OcrPanel(_ImageDemoPanel):
    """A detector and a recogniser paired: boxes drawn on the image, lines listed."""

    failure_text = "The run failed."
    failure_title = "OCR"

    def __init__(self, services: Services, provider: Callable[[], str]) -> None:
        super().__init__(services, provider)
        self.result: OcrResult | None = None
        layout = QVBoxLayout(self)
        # two rows, not one: three combos side by side made the page wider than a 1280 screen
        models = QGridLayout()
        self.det_combo, self.rec_combo, self.cls_combo = self._combo(), self._combo(), self._combo()
        for i, (label, combo) in enumerate(((tr("Detector:"), self.det_combo),
                                            (tr("Recogniser:"), self.rec_combo),
                                            (tr("Line orientation:"), self.cls_combo))):
            models.addWidget(QLabel(label), i // 2, (i % 2) * 2)
            models.addWidget(combo, i // 2, (i % 2) * 2 + 1)
            combo.currentIndexChanged.connect(self._models_changed)
        models.setColumnStretch(1, 1)
        models.setColumnStretch(3, 1)
        layout.addLayout(models)
        self.input_edit.setPlaceholderText(tr("An image with text (or drop one here)"))
        layout.addLayout(self._file_row(tr("Image:")))
        layout.addWidget(self.status)
        split = QSplitter(Qt.Orientation.Horizontal)
        self.view.placeholder = tr(
            "Register a text detector and a text recogniser (PaddleOCR exports), choose an "
            "image, then press Run."
        )
        split.addWidget(self.view)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        self.lines = QListWidget()
        self.lines.setSelectionMode(QListWidget.SelectionMode.ExtendedSelection)
        self.lines.currentRowChanged.connect(self._highlight)
        right_layout.addWidget(self.lines, 1)
        self.copy_button = QPushButton(tr("Copy text"))
        self.copy_button.clicked.connect(self.copy_text)
        self.copy_button.setEnabled(False)
        right_layout.addWidget(self.copy_button)
        split.addWidget(right)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setSizes([450, 300])
        layout.addWidget(split, 1)
        self.set_models([])

    def set_models(self, models: Sequence[ModelArtifact]) -> None:
        self._fill_combo(self.det_combo, models, TEXT_DETECTION)
        self._fill_combo(self.rec_combo, models, TEXT_RECOGNITION)
        self._fill_combo(self.cls_combo, models, TEXT_DIRECTION, none_label=tr("(none)"))
        self._models_changed()

    def _models_changed(self) -> None:
        ready = self.det_combo.currentData() is not None and self.rec_combo.currentData() is not None
        # _RunningPanel enables Run when there is a model: here, when both are chosen.
        self.model = self.known.get(self.det_combo.currentData()) if ready else None
        if self.task is None:
            self.run_button.setEnabled(ready)
        if not ready and self.task is None:
            self.status.setText(tr("Register a text detector and a text recogniser to read text."))
        elif self.task is None and not self.result:
            self.status.setText(tr("Choose an image, then press Run."))

    def run(self) -> None:
        det, rec, cls = (self.det_combo.currentData(), self.rec_combo.currentData(),
                         self.cls_combo.currentData())
        text = self.input_edit.text().strip()
        if det is None or rec is None:
            return
        if not text:
            self.status.setText(tr("Choose an image, then press Run."))
            return
        path, provider = Path(text), self.provider()
        models = self.services.models

        def work(_progress: Any) -> tuple[Any, OcrResult]:
            rgb = models.page_image(path)
            return rgb, models.ocr(path, det, rec, provider, cls=cls)

        self._start(work, tr("Reading text in {name}…", name=path.name), self._show)

    def _show(self, outcome: tuple[Any, OcrResult]) -> None:
        self._idle()
        rgb, result = outcome
        self.result = result
        self.view.set_image(qimage_from_rgb(rgb))
        self.view.set_shapes([(line.box, "", PALETTE[1]) for line in result.lines])
        self.lines.clear()
        for line in result.lines:
            self.lines.addItem(line.text)
        self.copy_button.setEnabled(bool(result.lines))
        status = [trn("{n} line · {providers} · {ms:.0f} ms", "{n} lines · {providers} · {ms:.0f} ms",
                      len(result.lines), providers=providers_text(result.providers_used),
                      ms=result.latency_ms)]
        status += list(result.notes)
        self.status.setText("\n".join(status))

    def _highlight(self, row: int) -> None:
        if self.result is None:
            return
        self.view.set_shapes([
            (line.box, "", PALETTE[0] if i == row else PALETTE[1])
            for i, line in enumerate(self.result.lines)
        ])

    def text(self) -> str:
        selected = sorted(self.lines.selectedIndexes(), key=lambda i: i.row())
        rows = [i.row() for i in selected] or list(range(self.lines.count()))
        return "\n".join(self.lines.item(r).text() for r in rows)

    def copy_text(self) -> None:
        QGuiApplication.clipboard().setText(self.text())
        self.status.setText(tr("Copied to the clipboard."))


class LayoutPanel(_ImageDemoPanel):
    """A layout detector on an image or a PDF page: boxes with class names and scores."""

    failure_text = "The run failed."
    failure_title = "Layout"
    file_filter = "Pages (*.pdf *.png *.jpg *.jpeg *.bmp *.webp);;All files (*)"

    def __init__(self, services: Services, provider: Callable[[], str]) -> None:
        super().__init__(services, provider)
        self.result: LayoutResult | None = None
        self.shown: list[LayoutBox] = []
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(QLabel(tr("Model:")))
        self.model_combo = self._combo()
        self.model_combo.currentIndexChanged.connect(self._model_changed)
        top.addWidget(self.model_combo, 1)
        top.addWidget(QLabel(tr("PDF page:")))
        self.page_box = QSpinBox()
        self.page_box.setRange(1, 100_000)
        top.addWidget(self.page_box)
        top.addWidget(QLabel(tr("Threshold:")))
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(int(LAYOUT_MIN_THRESHOLD * 100), 95)
        self.slider.setValue(50)
        self.slider.setMinimumWidth(120)
        self.slider.valueChanged.connect(self._refilter)
        top.addWidget(self.slider)
        self.threshold_label = QLabel("0.50")
        top.addWidget(self.threshold_label)
        layout.addLayout(top)
        self.input_edit.setPlaceholderText(tr("A page image or a PDF (or drop one here)"))
        layout.addLayout(self._file_row(tr("Page:")))
        layout.addWidget(self.status)
        split = QSplitter(Qt.Orientation.Horizontal)
        self.view.placeholder = tr(
            "Register a layout detector (e.g. a PP-PicoDet export), choose a page image or a "
            "PDF, then press Run."
        )
        split.addWidget(self.view)
        self.table = _table([tr("Region"), tr("Score"), tr("Box")])
        split.addWidget(self.table)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setSizes([450, 300])
        layout.addWidget(split, 1)
        self.set_models([])

    def threshold(self) -> float:
        return self.slider.value() / 100.0

    def set_models(self, models: Sequence[ModelArtifact]) -> None:
        self._fill_combo(self.model_combo, models, LAYOUT_DETECTION)
        self._model_changed()

    def _model_changed(self) -> None:
        ref = self.model_combo.currentData()
        self.model = self.known.get(ref) if ref is not None else None
        if self.task is None:
            self.run_button.setEnabled(self.model is not None)
            if self.model is None:
                self.status.setText(tr("Register a layout detector to find page regions."))
            elif self.result is None:
                self.status.setText(tr("Choose a page image or a PDF, then press Run."))

    def run(self) -> None:
        if self.model is None:
            return
        text = self.input_edit.text().strip()
        if not text:
            self.status.setText(tr("Choose a page image or a PDF, then press Run."))
            return
        path, page, provider, ref = Path(text), self.page_box.value(), self.provider(), self.model.id
        models = self.services.models

        def work(_progress: Any) -> tuple[Any, LayoutResult]:
            rgb = models.page_image(path, page)
            return rgb, models.layout(path, ref, page, LAYOUT_MIN_THRESHOLD, provider)

        self._start(work, tr("Finding regions in {name}…", name=path.name), self._show)

    def _show(self, outcome: tuple[Any, LayoutResult]) -> None:
        self._idle()
        rgb, self.result = outcome
        self.view.set_image(qimage_from_rgb(rgb))
        self._refilter()

    def _refilter(self, _value: int = 0) -> None:
        threshold = self.threshold()
        self.threshold_label.setText(f"{threshold:.2f}")
        if self.result is None:
            return
        labels = sorted({b.label for b in self.result.boxes})
        colour = {label: PALETTE[i % len(PALETTE)] for i, label in enumerate(labels)}
        self.shown = [b for b in self.result.boxes if b.score >= threshold]
        self.view.set_shapes([
            (((b.box[0], b.box[1]), (b.box[2], b.box[1]), (b.box[2], b.box[3]), (b.box[0], b.box[3])),
             f"{b.label} {b.score:.2f}", colour[b.label])
            for b in self.shown
        ])
        _fill(self.table, [
            [b.label, f"{b.score:.2f}", "{:.0f},{:.0f}–{:.0f},{:.0f}".format(*b.box)] for b in self.shown
        ])
        lines = [trn("{n} region at {threshold:.2f} · {providers} · {ms:.0f} ms",
                     "{n} regions at {threshold:.2f} · {providers} · {ms:.0f} ms", len(self.shown),
                     threshold=threshold, providers=providers_text(self.result.providers_used),
                     ms=self.result.latency_ms)]
        if not self.shown:
            lines.append(tr("No region scores {threshold:.2f} or more; lower the threshold.",
                            threshold=threshold))
        lines += [n for n in self.result.notes if not n.startswith("No layout region")]
        self.status.setText("\n".join(lines))
