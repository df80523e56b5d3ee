"""Rows ready to write: values normalised to plain Python, stable ids, content hashes.

Both backends write what `prepared` returns; the only per-backend part is the spatial values
(PostGIS: the EWKT of `geom`), which the backend computes from the normalised columns.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pandas as pd

from core.errors import StoreError
from core.record import RECORD_COLUMNS
from ingest.store.schema import FLOAT_COLUMNS, INT_COLUMNS

ID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://github.com/brussels-initiatives-map/initiative")
# What a source says about an initiative: a change here makes an import "updated". Provenance
# (source row, key, licence, times) and the status an import or a moderator gives are not content.
# Nor is the private contact: exports never carry it, so re-importing an export must not erase it
# (an incoming contact that differs from the stored one still counts as a change).
_NOT_CONTENT = frozenset(
    {"id", "contact", "status", "status_reason", "source_name", "source_row", "source_key", "licence"}
    | {"created_at", "updated_at"}
)
CONTENT_COLUMNS = tuple(c for c in RECORD_COLUMNS if c not in _NOT_CONTENT)
# Content columns added after stores existed: empty, they add nothing to the digest, so a record's
# digest from before them stays valid and re-importing an unchanged file after an upgrade changes nothing.
_LATER_CONTENT = ("opening_hours",)
COORDINATE_DECIMALS = 7  # about 1 cm: the precision GeoJSON round trips keep

# Extra columns computed from the normalised ones, by name (the backend's spatial values).
SpatialValues = Callable[[Mapping[str, list[Any]]], dict[str, list[Any]]]


def now_iso() -> str:
    """Current time as ISO 8601 UTC, to the second."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def stable_id(source_name: str, source_key: str) -> str:
    """The id of a source row: the same (source, key) keeps the same id across re-imports."""
    return str(uuid.uuid5(ID_NAMESPACE, f"{source_name}\x1f{source_key}"))


def normalised(records: pd.DataFrame) -> dict[str, list[Any]]:
    """Record columns as lists of plain Python values: None for missing, floats, ints and stripped text."""
    columns: dict[str, list[Any]] = {}
    for name in RECORD_COLUMNS:
        values = records[name] if name in records.columns else pd.Series(None, index=records.index, dtype=object)
        if name not in FLOAT_COLUMNS and name not in INT_COLUMNS:
            columns[name] = _stripped(values.to_numpy(dtype=object, na_value=None)).tolist()
            continue
        if values.dtype.kind not in "fiu":
            try:
                values = pd.to_numeric(pd.Series(_stripped(values.to_numpy(dtype=object, na_value=None)), dtype=object))
            except (TypeError, ValueError) as exc:
                raise StoreError(f"field {name}: {exc} (validate the records before storing them)") from exc
        numbers = values.to_numpy(float, na_value=np.nan)
        present = ~np.isnan(numbers)
        plain = np.full(len(numbers), None, dtype=object)
        plain[present] = numbers[present].tolist() if name in FLOAT_COLUMNS else numbers[present].astype(int).tolist()
        columns[name] = plain.tolist()
    return columns


def _stripped(values: np.ndarray) -> np.ndarray:
    """Text values stripped, with None for missing or blank ones."""
    present = pd.notna(values)
    text = np.array([str(v).strip() for v in values[present]], dtype=object)
    text[text == ""] = None
    values = values.copy()
    values[present] = text
    return values


def content_hashes(columns: Mapping[str, list[Any]]) -> list[str]:
    """A digest of each record's content columns; coordinates rounded so a GeoJSON round trip keeps it."""
    parts = [
        ["" if v is None else f"{v:.{COORDINATE_DECIMALS}f}" for v in columns[name]]
        if name in ("lon", "lat")
        else ["" if v is None else str(v) for v in columns[name]]
        for name in CONTENT_COLUMNS
        if name not in _LATER_CONTENT
    ]
    later = [["" if v is None else f"\x1f{name}={v}" for v in columns[name]] for name in _LATER_CONTENT]
    rows = zip(zip(*parts, strict=True), zip(*later, strict=True), strict=True)
    texts = ["\x1f".join(p) + "".join(extra) for p, extra in rows]
    return [hashlib.blake2b(text.encode(), digest_size=16).hexdigest() for text in texts]


def prepared(records: pd.DataFrame, spatial_values: SpatialValues) -> list[dict[str, Any]]:
    """Rows ready to write: normalised values, ids filled, the content hash, then the spatial values."""
    columns = normalised(records)
    ids, names, keys = columns["id"], columns["source_name"], columns["source_key"]
    for i in (i for i, value in enumerate(ids) if value is None):
        if names[i] is None or keys[i] is None:
            row = columns["source_row"][i]
            raise StoreError(f"record {columns['name'][i]!r} (row {row}) has no id, source name or key")
        ids[i] = stable_id(names[i], keys[i])
    columns["content_hash"] = content_hashes(columns)
    columns.update(spatial_values(columns))
    return [dict(zip(columns, values, strict=True)) for values in zip(*columns.values(), strict=True)]
