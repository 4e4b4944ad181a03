"""The ingest report: per source file, rows read / loaded / rejected, errors and warnings."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class FileReport:
    """What happened to one source. Invariant: rows_loaded + rows_rejected == rows_read."""

    source: str
    file: str
    rows_read: int = 0
    rows_loaded: int = 0
    rows_rejected: int = 0
    errors: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()

    @property
    def status(self) -> str:
        if self.errors and not self.rows_loaded:
            return "skipped"
        if self.errors:
            return "partial"
        return "ok"


@dataclass(frozen=True)
class IngestReport:
    files: tuple[FileReport, ...] = ()
    notes: tuple[str, ...] = field(default=())

    @property
    def rows_read(self) -> int:
        return sum(f.rows_read for f in self.files)

    @property
    def rows_loaded(self) -> int:
        return sum(f.rows_loaded for f in self.files)

    @property
    def rows_rejected(self) -> int:
        return sum(f.rows_rejected for f in self.files)

    @property
    def errors(self) -> list[str]:
        return [e for f in self.files for e in f.errors]

    @property
    def warnings(self) -> list[str]:
        return [w for f in self.files for w in f.warnings]

    @property
    def sources_loaded(self) -> int:
        return sum(1 for f in self.files if f.rows_loaded)

    def to_dict(self) -> dict[str, Any]:
        return {
            "files": [asdict(f) for f in self.files],
            "notes": list(self.notes),
            "rows_read": self.rows_read,
            "rows_loaded": self.rows_loaded,
            "rows_rejected": self.rows_rejected,
            "sources": len(self.files),
            "sources_loaded": self.sources_loaded,
            "errors": len(self.errors),
            "warnings": len(self.warnings),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> IngestReport:
        files = tuple(
            FileReport(
                **{
                    **f,
                    "errors": tuple(f.get("errors", ())),
                    "warnings": tuple(f.get("warnings", ())),
                }
            )
            for f in data.get("files", ())
        )
        return cls(files=files, notes=tuple(data.get("notes", ())))

    def format_table(self) -> str:
        """A plain-text table, one line per source, then the errors and warnings in full."""
        header = ("source", "file", "read", "loaded", "rejected", "status")
        rows = [
            (f.source, f.file, f"{f.rows_read:,}", f"{f.rows_loaded:,}", f"{f.rows_rejected:,}", f.status)
            for f in self.files
        ]
        rows.append(
            ("total", "", f"{self.rows_read:,}", f"{self.rows_loaded:,}", f"{self.rows_rejected:,}", "")
        )
        widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
        right = {2, 3, 4}

        def line(cells: tuple[str, ...]) -> str:
            return "  ".join(
                c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(cells, widths, strict=True))
            ).rstrip()

        out = [line(header), line(tuple("-" * w for w in widths))]
        out += [line(r) for r in rows]
        for f in self.files:
            out += [f"error: {e}" for e in f.errors]
        for f in self.files:
            out += [f"warning: {w}" for w in f.warnings]
        out += [f"note: {n}" for n in self.notes]
        return "\n".join(out)
