"""Registered ONNX models (the Models page's registry)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, DateTime, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from scholardesk.store.models.base import Base


class OnnxModelRow(Base):
    __tablename__ = "onnx_models"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    path: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    task: Mapped[str] = mapped_column(String(40))
    opset: Mapped[int] = mapped_column(Integer)
    ir_version: Mapped[int] = mapped_column(Integer)
    producer: Mapped[str] = mapped_column(String(200))
    producer_version: Mapped[str] = mapped_column(String(100))
    parameters: Mapped[int] = mapped_column(BigInteger)
    # JSON documents: [{"name", "dtype", "shape"}], {key: value}, [label], {kind: path}
    inputs_json: Mapped[str] = mapped_column(Text)
    outputs_json: Mapped[str] = mapped_column(Text)
    metadata_json: Mapped[str] = mapped_column(Text)
    labels_json: Mapped[str] = mapped_column(Text)
    assets_json: Mapped[str] = mapped_column(Text)
    is_sample: Mapped[bool] = mapped_column(Boolean, default=False)
    added_at: Mapped[datetime] = mapped_column(DateTime)
