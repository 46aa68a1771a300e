"""The shape every importer reports in: counts plus one error per bad record."""

from __future__ import annotations

from dataclasses import dataclass, field

from scholardesk.domain.changes import Changes


@dataclass(frozen=True)
class RecordError:
    """One record that could not be imported: where it came from and why."""

    source: str  # file path or URL
    record: str  # record key, line number, id ... whatever lets the user find it
    message: str

    def to_json(self) -> dict[str, str]:
        return {"source": self.source, "record": self.record, "message": self.message}


@dataclass
class ImportReport:
    imported: int = 0
    updated: int = 0
    skipped: int = 0
    errors: list[RecordError] = field(default_factory=list)
    changes: Changes = field(default_factory=Changes)
    # Worth knowing but not an error (e.g. "read as ISO-8859-1, as the file declares").
    notices: list[RecordError] = field(default_factory=list)

    def merge(self, other: ImportReport) -> None:
        self.imported += other.imported
        self.updated += other.updated
        self.skipped += other.skipped
        self.errors.extend(other.errors)
        self.notices.extend(other.notices)
        self.changes = self.changes | other.changes

    def to_json(self) -> dict[str, object]:
        out: dict[str, object] = {
            "imported": self.imported,
            "updated": self.updated,
            "skipped": self.skipped,
            "errors": [e.to_json() for e in self.errors],
        }
        if self.notices:  # only when there are some: the usual report keeps its shape
            out["notices"] = [n.to_json() for n in self.notices]
        return out
