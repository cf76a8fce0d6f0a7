"""Events as an ACLED-style table (CSV), GeoJSON and JSONL.

The ACLED-style table keeps ACLED's column names where they exist (event_date,
time_precision, event_type, sub_event_type, actor1, actor2, location, latitude, longitude,
geo_precision, source, notes, fatalities) and adds, for every field, the article it came
from and the character span of the words that support it (``*_start``/``*_end``), plus
crosscheck's status, PLOVER type and statement link.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from typing import Any, TextIO

from crosscheck.store import Store

__all__ = ["ACLED_COLUMNS", "event_record", "write_events"]

ACLED_COLUMNS = [
    "event_id", "event_date", "year", "time_precision", "event_type", "sub_event_type",
    "actor1", "actor1_side", "actor2", "actor2_side", "location", "latitude", "longitude",
    "geo_precision", "fatalities", "source", "source_url", "notes",
    "status", "plover", "statement_id", "article_id",
    "event_type_start", "event_type_end", "event_date_start", "event_date_end",
    "actor1_start", "actor1_end", "actor2_start", "actor2_end",
    "location_start", "location_end", "fatalities_start", "fatalities_end",
    "notes_start", "notes_end",
]
_TIME_PRECISION = {"day": 1, "week": 2, "weekend": 2, "month": 3, "year": 3}


def event_record(row: dict[str, Any]) -> dict[str, Any]:
    """The event record of DESIGN.md from a stored row."""
    def role(prefix: str) -> dict[str, Any] | None:
        if row[f"{prefix}_text"] is None and row[f"{prefix}_name"] is None:
            return None
        return {"name": row[f"{prefix}_name"], "entity_id": row[f"{prefix}_key"],
                "side": row[f"{prefix}_side"], "text": row[f"{prefix}_text"],
                "start": row[f"{prefix}_start"], "end": row[f"{prefix}_end"]}

    location = None
    if row["location_name"] is not None:
        location = {"name": row["location_name"], "lat": row["lat"], "lon": row["lon"],
                    "precision": row["geo_precision"], "text": row["location_text"],
                    "start": row["location_start"], "end": row["location_end"]}
    return {
        "id": row["id"], "article_id": row["article_id"], "event_type": row["event_type"],
        "sub_event_type": row["sub_event_type"], "plover": row["plover"],
        "actor": role("actor"), "target": role("target"), "location": location,
        "date": row["date"], "date_precision": row["date_precision"], "status": row["status"],
        "statement_id": row["statement_id"], "fatalities": row["fatalities"],
        "evidence": {"text": row["evidence_text"], "start": row["evidence_start"],
                     "end": row["evidence_end"]},
        "trigger": {"text": row["trigger_text"], "start": row["trigger_start"],
                    "end": row["trigger_end"]},
        "rules": row["rules"], "outlet": row.get("outlet"), "url": row.get("url"),
        "published": row.get("published"),
    }


def _acled_row(row: dict[str, Any], facts: dict[str, Any]) -> dict[str, Any]:
    date_span = next((d for d in facts["dates"]
                      if d["value"] == row["date"] and row["evidence_start"] <= d["start"]
                      and d["end"] <= row["evidence_end"]), None)
    dead = next((q for q in facts["quantities"] if q["id"] in (row["quantity_ids"] or [])
                 and q["counted"] == "dead"), None)
    event_date = row["date"] or row.get("published")
    return {
        "event_id": row["id"], "event_date": event_date,
        "year": event_date[:4] if event_date else None,
        "time_precision": _TIME_PRECISION.get(row["date_precision"] or "")
        if row["date"] else (1 if row.get("published") else None),
        "event_type": row["event_type"], "sub_event_type": row["sub_event_type"],
        "actor1": row["actor_name"] or row["actor_text"], "actor1_side": row["actor_side"],
        "actor2": row["target_name"] or row["target_text"], "actor2_side": row["target_side"],
        "location": row["location_name"], "latitude": row["lat"], "longitude": row["lon"],
        "geo_precision": row["geo_precision"], "fatalities": row["fatalities"] or 0,
        "source": row.get("outlet"), "source_url": row.get("url"),
        "notes": row["evidence_text"], "status": row["status"], "plover": row["plover"],
        "statement_id": row["statement_id"], "article_id": row["article_id"],
        "event_type_start": row["trigger_start"], "event_type_end": row["trigger_end"],
        "event_date_start": date_span["start"] if date_span else None,
        "event_date_end": date_span["end"] if date_span else None,
        "actor1_start": row["actor_start"], "actor1_end": row["actor_end"],
        "actor2_start": row["target_start"], "actor2_end": row["target_end"],
        "location_start": row["location_start"], "location_end": row["location_end"],
        "fatalities_start": dead["start"] if dead else None,
        "fatalities_end": dead["end"] if dead else None,
        "notes_start": row["evidence_start"], "notes_end": row["evidence_end"],
    }


def write_events(store: Store, out: TextIO, fmt: str, rows: Iterable[dict[str, Any]] | None = None,
                 **filters: Any) -> int:
    """Write events (all, or those matching ``filters`` of :meth:`Store.iter_events`) as
    ``acled-csv``, ``geojson`` or ``jsonl``; return how many were written."""
    rows = rows if rows is not None else store.iter_events(**filters)
    count = 0
    if fmt == "acled-csv":
        writer = csv.DictWriter(out, fieldnames=ACLED_COLUMNS, lineterminator="\n")
        writer.writeheader()
        facts_cache: dict[str, dict[str, Any]] = {}
        for row in rows:
            if row["article_id"] not in facts_cache:
                facts_cache.clear()  # rows come grouped by article
                facts_cache[row["article_id"]] = store.facts(row["article_id"])
            writer.writerow(_acled_row(row, facts_cache[row["article_id"]]))
            count += 1
    elif fmt == "geojson":
        out.write('{"type": "FeatureCollection", "features": [')
        for row in rows:
            if row["lat"] is None or row["lon"] is None:
                continue
            feature = {"type": "Feature",
                       "geometry": {"type": "Point", "coordinates": [row["lon"], row["lat"]]},
                       "properties": event_record(row)}
            out.write(("\n  " if count == 0 else ",\n  ")
                      + json.dumps(feature, ensure_ascii=False, default=str))
            count += 1
        out.write("\n]}\n")
    elif fmt == "jsonl":
        for row in rows:
            out.write(json.dumps(event_record(row), ensure_ascii=False, default=str) + "\n")
            count += 1
    else:
        raise ValueError(f"unknown event export format {fmt!r}")
    return count
