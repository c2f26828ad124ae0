"""Stored events out: filtered listings and files in PLOVER, GDELT-style, CSV, JSONL or Parquet.

    >>> event_filters(type="consult", since="2018-01-01")
    {'actor': None, 'recipient': None, 'type': 'CONSULT', 'since': datetime.date(2018, 1, 1), 'until': None}
    >>> event_filters(type="MEET")
    Traceback (most recent call last):
    ...
    dyads.errors.SettingsError: --type MEET is not a PLOVER event type; choose one of AGREE, CONSULT, SUPPORT, CONCEDE, COOPERATE, AID, RETREAT, REQUEST, ACCUSE, REJECT, THREATEN, PROTEST, SANCTION, MOBILIZE, COERCE, ASSAULT
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

from dyads import views
from dyads.errors import SettingsError
from dyads.ontology import TYPES, plover_types
from dyads.store import Store

FORMATS = ("plover", "gdelt", "csv", "parquet", "jsonl")
CODEBOOK = "PLOVER 2.0 draft; CAMEO 1.1b3"
# GDELT 2.0 event-table column names for the fields dyads has, then its own provenance.
GDELT_COLUMNS = (
    "GLOBALEVENTID", "SQLDATE", "MonthYear", "Year", "Actor1Code", "Actor1Name", "Actor1CountryCode",
    "Actor1Type1Code", "Actor2Code", "Actor2Name", "Actor2CountryCode", "Actor2Type1Code",
    "IsRootEvent", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass", "GoldsteinScale",
    "NumMentions", "ActionGeo_FullName", "ActionGeo_CountryCode", "ActionGeo_Lat", "ActionGeo_Long",
    "ActionGeo_FeatureID", "SOURCEURL", "PLOVERType", "PLOVERMode", "ArticleId", "Sentence",
)
FLAT_COLUMNS = (
    "id", "article_id", "date", "date_precision", "type", "mode", "cameo", "cameo_root", "goldstein",
    "quad_class", "score", "actor_codes", "actor_names", "recipient_codes", "recipient_names", "place",
    "place_country", "place_lat", "place_lon", "negated", "future", "hypothetical", "historical",
    "quoted", "reported_by", "confidence", "found_by", "trigger", "sentence", "headline",
)


def event_filters(*, actor: str | None = None, recipient: str | None = None, type: str | None = None,
                  since: str | None = None, until: str | None = None) -> dict:
    """Checked filters for ``Store.list_events``.

    Raises:
        SettingsError: an unknown event type or a date that is not YYYY-MM-DD.
    """
    if type is not None and type.upper() not in TYPES:
        raise SettingsError(f"--type {type} is not a PLOVER event type; choose one of {', '.join(TYPES)}")
    return {
        "actor": actor, "recipient": recipient, "type": type.upper() if type else None,
        "since": _date("--since", since), "until": _date("--until", until),
    }


def _date(flag: str, value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as e:
        raise SettingsError(f"{flag} {value!r} is not a date; give it as YYYY-MM-DD") from e


def list_events(store: Store, **filters) -> list[dict]:
    """Stored events as their public JSON shape (``views.event_view``)."""
    return [views.event_view(row) for row in store.list_events(**filters)]


def export_events(store: Store, fmt: str, out: Path, **filters) -> int:
    """Write the events matching ``filters`` to ``out`` in ``fmt``; returns how many events.

    Raises:
        SettingsError: an unknown format, or an ``out`` that cannot be written.
    """
    if fmt not in FORMATS:
        raise SettingsError(f"--format {fmt} is not an export format; choose one of {', '.join(FORMATS)}")
    out = check_out_path(out)
    if fmt == "parquet":
        return store.copy_events_parquet(out, **filters)
    events = list_events(store, **filters)
    with out.open("w", encoding="utf-8", newline="") as f:
        if fmt == "jsonl":
            f.writelines(json.dumps(e, ensure_ascii=False) + "\n" for e in events)
        elif fmt == "plover":
            f.writelines(json.dumps(plover_record(e), ensure_ascii=False) + "\n" for e in events)
        elif fmt == "csv":
            write_rows(f, [flat_row(e) for e in events], FLAT_COLUMNS, delimiter=",")
        else:
            write_rows(f, [row for e in events for row in gdelt_rows(e)], GDELT_COLUMNS, delimiter="\t")
    return len(events)


def check_out_path(out: Path) -> Path:
    """``out`` if a file can be written there.

    Raises:
        SettingsError: it is a folder, or its folder does not exist.
    """
    out = Path(out)
    if out.is_dir():
        raise SettingsError(f"OUT {out} is a folder; give a file path such as {out / 'events.jsonl'}")
    if not out.parent.is_dir():
        raise SettingsError(f"OUT {out}: folder {out.parent} does not exist; create it or choose another path")
    return out


def write_rows(f, rows: list[dict], columns, *, delimiter: str) -> None:
    writer = csv.writer(f, delimiter=delimiter, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows([["" if row.get(c) is None else row.get(c) for c in columns] for row in rows])


def plover_record(event: dict) -> dict:
    """An event as a PLOVER JSON record (manual §"Data Fields")."""
    aux = [name for name, flag in (("historical", event["historical"]), ("future", event["future"]),
                                   ("hypothetical", event["hypothetical"]), ("negation", event["negated"])) if flag]
    place = event["place"]
    return {
        "id": event["id"],
        "date": event["date"],  # first day of the period; see date_precision
        "date_precision": event["date_precision"],
        "has_event": True,
        "actor": [_entity(p) for p in event["actors"]],
        "recipient": [_entity(p) for p in event["recipients"]],
        "event": [event["type"]],
        "mode": [event["mode"]] if event["mode"] else [],
        "context": event["contexts"],
        "quad_code": plover_types()[event["type"]].quad_class,
        "event_scale": event["score"],
        "event_text": [event["evidence"]["trigger"]["text"]],
        "event_loc": {
            "extracted_place": place["text"] or place["name"], "resolved_place": place["name"],
            "geonameid": place["geonameid"], "lat": place["lat"], "lon": place["lon"],
            "country_code": place["country"],
        } if place else None,
        "text": event["evidence"]["sentence"],
        "text_info": {"start": event["evidence"]["start"], "end": event["evidence"]["end"],
                      "sequence": event["evidence"]["sentence_index"], "text_story": event["headline"]},
        "cite_info": {"title": event["headline"], "publication": event["published"], "corpus": "dyads",
                      "codebook": CODEBOOK},
        "coder": "dyads",
        "cameo_code": event["cameo"],
        "goldstein": event["goldstein"],
        "aux_mode": aux,
        "confidence": event["confidence"],
    }


def _entity(party: dict) -> dict:
    return {"code": party["code"], "sector": party["sector"], "entity_text": party["text"],
            "entity_name": party["name"], "identifier_id": party["id"]}


def gdelt_rows(event: dict) -> list[dict]:
    """GDELT-style rows of an event, one per CAMEO dyad (``iter_dyads``), codes as strings."""
    rows = []
    for number, (source, target) in enumerate(_dyads(event)):
        date = event["date"] if event["date_precision"] == "day" else None
        place = event["place"] or {}
        rows.append({
            "GLOBALEVENTID": f"{event['id']}:{number}",
            "SQLDATE": date.replace("-", "") if date else None,
            "MonthYear": f"{event['date_year']}{event['date_month']:02d}" if event["date_year"] and event["date_month"] else None,
            "Year": event["date_year"],
            **_gdelt_actor("Actor1", source), **_gdelt_actor("Actor2", target),
            "IsRootEvent": 1 if event["evidence"]["sentence_index"] <= 1 else 0,
            "EventCode": event["cameo"], "EventBaseCode": event["cameo"][:3], "EventRootCode": event["cameo_root"],
            "QuadClass": event["quad_class"], "GoldsteinScale": event["goldstein"], "NumMentions": 1,
            "ActionGeo_FullName": place.get("name"), "ActionGeo_CountryCode": place.get("country"),
            "ActionGeo_Lat": place.get("lat"), "ActionGeo_Long": place.get("lon"),
            "ActionGeo_FeatureID": place.get("geonameid"), "SOURCEURL": None,
            "PLOVERType": event["type"], "PLOVERMode": event["mode"], "ArticleId": event["article_id"],
            "Sentence": event["evidence"]["sentence"].replace("\t", " ").replace("\n", " "),
        })
    return rows


def _dyads(event: dict) -> Iterator[tuple[dict, dict | None]]:
    """Every actor with every recipient; a reciprocal event (several actors, no recipient)
    in both directions, as CAMEO codes it."""
    actors, recipients = event["actors"], event["recipients"]
    if recipients:
        yield from ((a, r) for a in actors for r in recipients)
    elif len(actors) > 1:
        yield from ((a, b) for a in actors for b in actors if a["id"] != b["id"])
    else:
        yield from ((a, None) for a in actors)


def _gdelt_actor(prefix: str, party: dict | None) -> dict:
    if party is None:
        return {f"{prefix}Code": None, f"{prefix}Name": None, f"{prefix}CountryCode": None, f"{prefix}Type1Code": None}
    code = (party["code"] or "") + (party["sector"] or "") if party["code"] != party["sector"] else party["code"]
    return {f"{prefix}Code": code or None, f"{prefix}Name": party["name"],
            f"{prefix}CountryCode": party["code"], f"{prefix}Type1Code": party["sector"]}


def flat_row(event: dict) -> dict:
    """One event as a flat row (CSV, tables): parties joined with ";"."""
    return {
        "id": event["id"], "article_id": event["article_id"], "date": date_text(event),
        "date_precision": event["date_precision"], "type": event["type"], "mode": event["mode"],
        "cameo": event["cameo"], "cameo_root": event["cameo_root"], "goldstein": event["goldstein"],
        "quad_class": event["quad_class"], "score": event["score"],
        "actor_codes": ";".join(p["code"] or "?" for p in event["actors"]),
        "actor_names": ";".join(p["name"] or "" for p in event["actors"]),
        "recipient_codes": ";".join(p["code"] or "?" for p in event["recipients"]),
        "recipient_names": ";".join(p["name"] or "" for p in event["recipients"]),
        "place": (event["place"] or {}).get("name"), "place_country": (event["place"] or {}).get("country"),
        "place_lat": (event["place"] or {}).get("lat"), "place_lon": (event["place"] or {}).get("lon"),
        "negated": event["negated"], "future": event["future"], "hypothetical": event["hypothetical"],
        "historical": event["historical"], "quoted": event["quoted"],
        "reported_by": (event["reported_by"] or {}).get("name"), "confidence": event["confidence"],
        "found_by": event["found_by"], "trigger": event["evidence"]["trigger"]["text"], "sentence": event["evidence"]["sentence"],
        "headline": event["headline"],
    }


def dyad_rows(event: dict) -> list[dict]:
    """An event expanded into CAMEO dyads, for ``dyads events --dyads``."""
    return [{"id": event["id"], "date": date_text(event), "type": event["type"], "cameo": event["cameo"],
             "source": (s["code"] or "?") + ((s["sector"] or "") if s["sector"] != s["code"] else ""),
             "source_name": s["name"],
             "target": ((t["code"] or "?") + ((t["sector"] or "") if t["sector"] != t["code"] else "")) if t else None,
             "target_name": t["name"] if t else None, "goldstein": event["goldstein"]}
            for s, t in _dyads(event)]


def date_text(event: dict) -> str | None:
    """The date as far as it is known: 2018-01-26, 2016-05, --01-26 (no year)."""
    year, month, day = event["date_year"], event["date_month"], event["date_day"]
    if year and month and day:
        return f"{year:04d}-{month:02d}-{day:02d}"
    if year and month:
        return f"{year:04d}-{month:02d}"
    if year:
        return f"{year:04d}"
    if month and day:
        return f"--{month:02d}-{day:02d}"
    return None

