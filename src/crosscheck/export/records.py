"""Every record kind as CSV, JSONL or Parquet, written from the store only.

JSONL keeps the records of DESIGN.md as they are (``speaker {text, start, end, …}`` stays
nested); CSV and Parquet flatten nested fields to ``<field>_<key>`` columns
(``speaker_name``, ``speaker_start``, ``content_text``, …) with a fixed column list and
type per kind, so an empty export still has its header (CSV) or schema (Parquet). Lists
(``rules``, ``aliases``, a story's ``article_ids``) are JSON text in CSV and list columns
in Parquet.

    from crosscheck.export.records import write_records
    with open_store("news.db") as store, open("statements.csv", "w", newline="") as out:
        write_records(store, "statements", "csv", out, side="Russia")
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import IO, Any

from crosscheck.export.events import event_record
from crosscheck.store import Store

__all__ = [
    "COLUMNS",
    "FORMATS",
    "KINDS",
    "article_record",
    "entity_record",
    "flat_record",
    "iter_records",
    "quantity_record",
    "statement_record",
    "write_records",
]

KINDS = ("articles", "entities", "statements", "quantities", "events", "stories")
FORMATS = ("csv", "jsonl", "parquet")

_S, _I, _F, _B, _L = "str", "int", "float", "bool", "list"


def _span(prefix: str) -> list[tuple[str, str]]:
    return [(f"{prefix}_text", _S), (f"{prefix}_start", _I), (f"{prefix}_end", _I)]


def _participant(prefix: str) -> list[tuple[str, str]]:
    return [(f"{prefix}_name", _S), (f"{prefix}_entity_id", _S), (f"{prefix}_side", _S),
            *_span(prefix)]


#: The flat columns (CSV, Parquet) of each kind, with their types.
COLUMNS: dict[str, list[tuple[str, str]]] = {
    "articles": [("id", _S), ("url", _S), ("outlet", _S), ("title", _S), ("published", _S),
                 ("date_source", _S), ("text", _S), ("format", _S), ("locator", _S),
                 ("processed_version", _S)],
    "entities": [("id", _S), ("name", _S), ("type", _S), ("aliases", _L), ("roles", _L),
                 ("side", _S), ("lat", _F), ("lon", _F), ("geo_precision", _I),
                 ("mentions", _I)],
    "statements": [("id", _S), ("article_id", _S), ("outlet", _S), ("published", _S),
                   ("kind", _S), ("stance", _S), *_participant("speaker"),
                   ("speaker_role", _S), *_span("cue"), *_span("content"),
                   ("intermediary", _S), ("channel", _S), ("date", _S), ("rules", _L)],
    "quantities": [("id", _S), ("article_id", _S), ("statement_id", _S), ("outlet", _S),
                   ("published", _S), ("text", _S), ("start", _I), ("end", _I),
                   ("value", _F), ("low", _F), ("high", _F), ("qualifier", _S),
                   ("counted", _S), ("place", _S), ("as_of", _S), ("claimed_on", _S),
                   ("hedged", _B), ("speaker", _S), ("speaker_side", _S), ("rules", _L)],
    "events": [("id", _S), ("article_id", _S), ("outlet", _S), ("url", _S),
               ("published", _S), ("event_type", _S), ("sub_event_type", _S), ("plover", _S),
               ("status", _S), ("date", _S), ("date_precision", _S),
               *_participant("actor"), *_participant("target"),
               ("location_name", _S), ("location_lat", _F), ("location_lon", _F),
               ("location_precision", _I), *_span("location"), ("fatalities", _I),
               ("statement_id", _S), *_span("evidence"), *_span("trigger"), ("rules", _L)],
    "stories": [("id", _S), ("label", _S), ("start", _S), ("end", _S), ("articles", _I),
                ("article_ids", _L), ("outlets", _L), ("entity_ids", _L), ("entities", _L),
                ("corroborations", _I), ("contradictions", _I), ("series", _I),
                ("version", _S)],
}


# -- records (the JSON shape of DESIGN.md) from stored rows ----------------------------------

def article_record(row: Mapping[str, Any]) -> dict[str, Any]:
    """The article record: ``id, url, outlet, title, published, date_source, text`` plus
    where it was first seen and the extractor version that processed it."""
    return {k: row.get(k) for k in ("id", "url", "outlet", "title", "published",
                                     "date_source", "text", "format", "locator",
                                     "processed_version")}


def entity_record(row: Mapping[str, Any]) -> dict[str, Any]:
    """The entity record: ``id, name, type, aliases[], roles[], side, lat, lon,
    geo_precision`` plus how often it is mentioned."""
    return {"id": row["key"], "name": row["name"], "type": row["type"],
            "aliases": list(row["aliases"] or []), "roles": list(row["roles"] or []),
            "side": row["side"], "lat": row["lat"], "lon": row["lon"],
            "geo_precision": row["geo_precision"], "mentions": row["mentions"]}


def _nested(row: Mapping[str, Any], prefix: str, keys: Iterable[tuple[str, str]]
            ) -> dict[str, Any] | None:
    """``{key: row[prefix_column]}``, or None when every value is missing."""
    out = {key: row.get(f"{prefix}_{column}") for key, column in keys}
    return out if any(v is not None for v in out.values()) else None


_SPAN_KEYS = (("text", "text"), ("start", "start"), ("end", "end"))


def statement_record(row: Mapping[str, Any]) -> dict[str, Any]:
    """The statement record: ``speaker {text, start, end, entity_id, name, side, role}``,
    ``cue`` and ``content`` spans, plus the article's outlet and date."""
    return {
        "id": row["id"], "article_id": row["article_id"], "outlet": row.get("outlet"),
        "published": row.get("published"), "kind": row["kind"], "stance": row["stance"],
        "speaker": _nested(row, "speaker", (*_SPAN_KEYS, ("entity_id", "key"),
                                            ("name", "name"), ("side", "side"),
                                            ("role", "role"))),
        "cue": _nested(row, "cue", _SPAN_KEYS),
        "content": {"text": row["content_text"], "start": row["content_start"],
                    "end": row["content_end"]},
        "intermediary": row["intermediary"], "channel": row["channel"], "date": row["date"],
        "rules": list(row["rules"] or []),
    }


def quantity_record(row: Mapping[str, Any]) -> dict[str, Any]:
    """The quantity record (flat already), plus the article's outlet and date and the side
    of the statement that claims it."""
    record = {k: row.get(k) for k in (
        "id", "article_id", "statement_id", "outlet", "published", "text", "start", "end",
        "value", "low", "high", "qualifier", "counted", "place", "as_of", "claimed_on",
        "hedged", "speaker", "speaker_side")}
    record["hedged"] = bool(record["hedged"])
    record["rules"] = list(row.get("rules") or [])
    return record


def _story_records(store: Store, **filters: Any) -> Iterator[dict[str, Any]]:
    from crosscheck.link import story_record

    # ids first: an in-memory store has one connection, which a pending read would hold
    for story_id in [row["id"] for row in store.iter_stories(**filters)]:
        yield story_record(store, story_id)


_SOURCES: dict[str, tuple[str, Callable[[Any], dict[str, Any]]]] = {
    "articles": ("iter_articles", article_record),
    "entities": ("iter_entities", entity_record),
    "statements": ("iter_statements", statement_record),
    "quantities": ("iter_quantities", quantity_record),
    "events": ("iter_events", event_record),
}


def iter_records(store: Store, kind: str, /, **filters: Any) -> Iterator[dict[str, Any]]:
    """The records of one kind (see :data:`KINDS`), nested as in DESIGN.md; ``filters``
    are those of the store's listing (``Store.iter_statements(side=…, kind=…)``, …)."""
    if kind == "stories":
        yield from _story_records(store, **filters)
        return
    if kind not in _SOURCES:
        raise ValueError(f"unknown record kind {kind!r} ({', '.join(KINDS)})")
    method, build = _SOURCES[kind]
    rows: Iterable[Mapping[str, Any]] = getattr(store, method)(**filters)
    for row in rows:
        yield build(row)


# -- flattening -------------------------------------------------------------------------------

def _flatten(record: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in record.items():
        if isinstance(value, Mapping):
            flat.update(_flatten(value, f"{prefix}{key}_"))
        else:
            flat[f"{prefix}{key}"] = value
    return flat


def _story_flat(record: Mapping[str, Any]) -> dict[str, Any]:
    members = [a for a in record["articles"] for a in (a, *a.get("copies", ()))]
    return {
        "id": record["id"], "label": record["label"], "start": record["start"],
        "end": record["end"], "articles": len(members),
        "article_ids": [a["id"] for a in members],
        "outlets": sorted({a["outlet"] for a in members if a.get("outlet")}),
        "entity_ids": [e["id"] for e in record["entities"]],
        "entities": [e["name"] for e in record["entities"]],
        "corroborations": len(record.get("corroborations") or ()),
        "contradictions": len(record.get("contradictions") or ()),
        "series": len(record.get("series") or ()), "version": record.get("version"),
    }


def flat_record(kind: str, record: Mapping[str, Any]) -> dict[str, Any]:
    """One record as the flat row of CSV and Parquet: exactly the columns of
    :data:`COLUMNS` for its kind, in order (missing nested fields are None)."""
    flat = _story_flat(record) if kind == "stories" else _flatten(record)
    return {name: flat.get(name) for name, _ in COLUMNS[kind]}


# -- writing ------------------------------------------------------------------------------------

def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, list | tuple | dict):
        return json.dumps(value, ensure_ascii=False, default=str)
    return value


def _arrow_schema(kind: str) -> Any:
    import pyarrow as pa

    types = {_S: pa.string(), _I: pa.int64(), _F: pa.float64(), _B: pa.bool_(),
             _L: pa.list_(pa.string())}
    return pa.schema([(name, types[t]) for name, t in COLUMNS[kind]])


def _arrow_value(value: Any, type_: str) -> Any:
    if value is None:
        return None
    if type_ == _L:
        return [str(v) for v in value]
    if type_ == _S and not isinstance(value, str):
        return str(value)
    return value


def _write_parquet(kind: str, records: Iterable[Mapping[str, Any]], out: IO[bytes],
                   batch_size: int = 5000) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = _arrow_schema(kind)
    columns = COLUMNS[kind]
    seekable = getattr(out, "seekable", lambda: False)()
    sink: IO[bytes] = out if seekable else io.BytesIO()  # a pipe cannot tell() its position
    count = 0
    with pq.ParquetWriter(sink, schema) as writer:
        batch: list[dict[str, Any]] = []

        def flush() -> None:
            writer.write_table(pa.Table.from_pylist(batch, schema=schema))
            batch.clear()

        for record in records:
            flat = flat_record(kind, record)
            batch.append({name: _arrow_value(flat[name], t) for name, t in columns})
            count += 1
            if len(batch) >= batch_size:
                flush()
        if batch or count == 0:
            flush()
    if sink is not out:
        out.write(sink.getvalue())  # type: ignore[attr-defined]
    out.flush()
    return count


def write_records(store: Store, kind: str, fmt: str, out: IO[Any], /, *,
                  records: Iterable[Mapping[str, Any]] | None = None,
                  **filters: Any) -> int:
    """Write the records of ``kind`` (all, or those matching ``filters``) as ``csv``,
    ``jsonl`` or ``parquet`` to ``out`` (a text stream for CSV and JSONL, opened with
    ``newline=""``; a binary one for Parquet); return how many were written.

    ``records`` writes those records instead of reading the store."""
    if kind not in KINDS:
        raise ValueError(f"unknown record kind {kind!r} ({', '.join(KINDS)})")
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r} ({', '.join(FORMATS)})")
    rows = records if records is not None else iter_records(store, kind, **filters)
    if fmt == "parquet":
        return _write_parquet(kind, rows, out)
    count = 0
    if fmt == "jsonl":
        for record in rows:
            out.write(json.dumps(record, ensure_ascii=False, default=str) + "\n")
            count += 1
    else:
        names = [name for name, _ in COLUMNS[kind]]
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(names)
        for record in rows:
            flat = flat_record(kind, record)
            writer.writerow([_csv_cell(flat[name]) for name in names])
            count += 1
    out.flush()
    return count
