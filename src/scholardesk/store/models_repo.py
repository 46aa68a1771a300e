"""The ONNX model registry: rows ↔ ``ModelArtifact``."""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from scholardesk.domain.models import ModelArtifact, NewModel, TensorSpec
from scholardesk.store.models.onnx_models import OnnxModelRow


def _to_domain(row: OnnxModelRow) -> ModelArtifact:
    return ModelArtifact(
        id=row.id,
        name=row.name,
        path=row.path,
        sha256=row.sha256,
        size_bytes=row.size_bytes,
        task=row.task,
        opset=row.opset,
        producer=row.producer,
        parameters=row.parameters,
        inputs=tuple(TensorSpec.from_json(t) for t in json.loads(row.inputs_json)),
        outputs=tuple(TensorSpec.from_json(t) for t in json.loads(row.outputs_json)),
        metadata=tuple((str(k), str(v)) for k, v in json.loads(row.metadata_json).items()),
        labels=tuple(str(x) for x in json.loads(row.labels_json)),
        assets=tuple((str(k), str(v)) for k, v in json.loads(row.assets_json).items()),
        is_sample=row.is_sample,
        added_at=row.added_at,
    )


class ModelsRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, new: NewModel) -> ModelArtifact:
        info = new.info
        row = OnnxModelRow(
            name=new.name,
            path=new.path,
            sha256=new.sha256,
            size_bytes=new.size_bytes,
            task=new.task,
            opset=info.opset,
            ir_version=info.ir_version,
            producer=info.producer,
            producer_version=info.producer_version,
            parameters=info.parameters,
            inputs_json=json.dumps([t.to_json() for t in info.inputs]),
            outputs_json=json.dumps([t.to_json() for t in info.outputs]),
            metadata_json=json.dumps(dict(info.metadata), ensure_ascii=False),
            labels_json=json.dumps(list(new.labels), ensure_ascii=False),
            assets_json=json.dumps(dict(new.assets), ensure_ascii=False),
            is_sample=new.is_sample,
            added_at=datetime.now().replace(microsecond=0),
        )
        self.session.add(row)
        self.session.flush()
        return _to_domain(row)

    def get(self, model_id: int) -> ModelArtifact | None:
        row = self.session.get(OnnxModelRow, model_id)
        return _to_domain(row) if row else None

    def find(self, path: str, sha256: str) -> ModelArtifact | None:
        row = self.session.scalars(
            select(OnnxModelRow).where(OnnxModelRow.path == path, OnnxModelRow.sha256 == sha256)
        ).first()
        return _to_domain(row) if row else None

    def find_by_name(self, name: str) -> list[ModelArtifact]:
        rows = self.session.scalars(
            select(OnnxModelRow).where(func.lower(OnnxModelRow.name) == name.lower())
        )
        return [_to_domain(r) for r in rows]

    def list(self) -> list[ModelArtifact]:
        rows = self.session.scalars(select(OnnxModelRow).order_by(OnnxModelRow.id))
        return [_to_domain(r) for r in rows]

    def update(
        self,
        model_id: int,
        *,
        name: str | None = None,
        task: str | None = None,
        labels: tuple[str, ...] | None = None,
        assets: dict[str, str] | None = None,
    ) -> ModelArtifact | None:
        row = self.session.get(OnnxModelRow, model_id)
        if row is None:
            return None
        if name is not None:
            row.name = name
        if task is not None:
            row.task = task
        if labels is not None:
            row.labels_json = json.dumps(list(labels), ensure_ascii=False)
        if assets is not None:
            row.assets_json = json.dumps(assets, ensure_ascii=False)
        self.session.flush()
        return _to_domain(row)

    def delete(self, model_id: int) -> bool:
        result = self.session.execute(delete(OnnxModelRow).where(OnnxModelRow.id == model_id))
        return bool(result.rowcount)  # type: ignore[attr-defined]

    def delete_samples(self) -> int:
        result = self.session.execute(delete(OnnxModelRow).where(OnnxModelRow.is_sample.is_(True)))
        return int(result.rowcount)  # type: ignore[attr-defined]

    def count(self) -> int:
        return int(self.session.scalar(select(func.count()).select_from(OnnxModelRow)) or 0)
