"""Stored records out: events as PLOVER, GDELT-style, CSV, JSONL or Parquet; quotes and actors
as CSV, JSONL or Parquet. Every format carries the ids the listings show (``ARTICLE:N`` for an
event, ``ARTICLE:qN`` for a quote, the actor id), so a row leads back to ``dyads show``.

A file path, or a binary stream such as ``sys.stdout.buffer`` (``dyads export ... -``):

    >>> check_format("quotes", "plover")
    Traceback (most recent call last):
    ...
    dyads.errors.SettingsError: --format plover is for events only; export quotes as csv, jsonl or parquet
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from dyads import views
from dyads.errors import SettingsError
from dyads.ontology import plover_types
from dyads.store import Store, write_parquet

FORMATS = ("plover", "gdelt", "csv", "parquet", "jsonl")  # events
RECORD_FORMATS = ("csv", "jsonl", "parquet")  # quotes and actors
KIND_FORMATS = {"events": FORMATS, "quotes": RECORD_FORMATS, "actors": RECORD_FORMATS}
CODEBOOK = "PLOVER 2.0 draft; CAMEO 1.1b3"
# GDELT 2.0 event-table column names for the fields dyads has, then its own provenance.
GDELT_COLUMNS = (
    "GLOBALEVENTID",
    "SQLDATE",
    "MonthYear",
    "Year",
    "Actor1Code",
    "Actor1Name",
    "Actor1CountryCode",
    "Actor1Type1Code",
    "Actor2Code",
    "Actor2Name",
    "Actor2CountryCode",
    "Actor2Type1Code",
    "IsRootEvent",
    "EventCode",
    "EventBaseCode",
    "EventRootCode",
    "QuadClass",
    "GoldsteinScale",
    "NumMentions",
    "NumSources",
    "NumArticles",
    "ActionGeo_FullName",
    "ActionGeo_CountryCode",
    "ActionGeo_Lat",
    "ActionGeo_Long",
    "ActionGeo_FeatureID",
    "SOURCEURL",
    "PLOVERType",
    "PLOVERMode",
    "EventId",
    "ClusterId",
    "ArticleId",
    "Sentence",
)
FLAT_COLUMNS = (
    "id",
    "article_id",
    "date",
    "date_precision",
    "type",
    "mode",
    "cameo",
    "cameo_root",
    "goldstein",
    "quad_class",
    "score",
    "actor_codes",
    "actor_names",
    "recipient_codes",
    "recipient_names",
    "place",
    "place_country",
    "place_lat",
    "place_lon",
    "negated",
    "future",
    "hypothetical",
    "historical",
    "quoted",
    "reported_by",
    "confidence",
    "found_by",
    "trigger",
    "sentence",
    "headline",
)
# A quote as a flat row (CSV, Parquet) and the DuckDB types of its Parquet columns.
QUOTE_COLUMNS = {
    "id": "VARCHAR",
    "article_id": "VARCHAR",
    "index": "INTEGER",
    "published": "DATE",
    "speaker": "VARCHAR",
    "speaker_id": "VARCHAR",
    "speaker_name": "VARCHAR",
    "title": "VARCHAR",
    "country": "VARCHAR",
    "sector": "VARCHAR",
    "cue": "VARCHAR",
    "kind": "VARCHAR",
    "text": "VARCHAR",
    "about": "VARCHAR",
    "about_ids": "VARCHAR",
    "headline": "VARCHAR",
    "found_by": "VARCHAR",
}
# An actor as a flat row; in CSV its titles are joined with "; ", in Parquet a list.
ACTOR_COLUMNS = {
    "id": "VARCHAR",
    "kind": "VARCHAR",
    "name": "VARCHAR",
    "label": "VARCHAR",
    "country": "VARCHAR",
    "sector": "VARCHAR",
    "titles": "VARCHAR[]",
    "articles": "BIGINT",
    "mentions": "BIGINT",
}


def list_events(store: Store, **filters) -> list[dict]:
    """Stored events as their public JSON shape (``views.event_view``)."""
    return [views.event_view(row) for row in store.list_events(**filters)]


def check_format(kind: str, fmt: str) -> str:
    """``fmt`` if ``kind`` (events, quotes, actors) exports in it.

    Raises:
        SettingsError: an unknown format, or one for another kind.
    """
    formats = KIND_FORMATS[kind]
    if fmt in formats:
        return fmt
    if fmt in FORMATS:
        raise SettingsError(
            f"--format {fmt} is for events only; export {kind} as {', '.join(formats[:-1])} or {formats[-1]}"
        )
    raise SettingsError(f"--format {fmt} is not an export format; choose one of {', '.join(formats)}")


def export_events(store: Store, fmt: str, out: Path | BinaryIO, **filters) -> int:
    """Write the events matching ``filters`` to ``out`` (a path or a binary stream) in ``fmt``;
    returns how many events.

    Raises:
        SettingsError: an unknown format, or an ``out`` that cannot be written.
    """
    check_format("events", fmt)
    if fmt == "parquet":
        with _parquet_out(out) as path:
            return store.copy_events_parquet(path, **filters)
    events = list_events(store, **filters)
    with _text_out(out) as f:
        if fmt == "jsonl":
            f.writelines(json.dumps(e, ensure_ascii=False) + "\n" for e in events)
        elif fmt == "plover":
            f.writelines(json.dumps(plover_record(e), ensure_ascii=False) + "\n" for e in events)
        elif fmt == "csv":
            write_rows(f, [flat_row(e) for e in events], FLAT_COLUMNS, delimiter=",")
        else:
            clusters = store.clusters_of(e["id"] for e in events)
            write_rows(
                f,
                [row for e in events for row in gdelt_rows(e, cluster=clusters.get(e["id"]))],
                GDELT_COLUMNS,
                delimiter="\t",
            )
    return len(events)


def list_quotes(store: Store, **filters) -> list[dict]:
    """Stored quotes as ``dyads quotes --json`` lists them (``views.quote_listing``)."""
    return [views.quote_listing(row) for row in store.list_quotes(**filters)]


def export_quotes(store: Store, fmt: str, out: Path | BinaryIO, **filters) -> int:
    """Write the quotes matching ``filters`` (``Store.list_quotes``) to ``out`` as CSV, JSONL
    (the shape of ``dyads quotes --json``) or Parquet (the CSV's columns); returns how many.

    Raises:
        SettingsError: a format quotes do not export in, or an ``out`` that cannot be written.
    """
    check_format("quotes", fmt)
    quotes = list_quotes(store, **filters)
    _write_records(quotes, [quote_row(q) for q in quotes], QUOTE_COLUMNS, fmt, out)
    return len(quotes)


def export_actors(store: Store, fmt: str, out: Path | BinaryIO, **filters) -> int:
    """Write the actors matching ``filters`` (``Store.list_actors``) to ``out`` as CSV, JSONL
    (the shape of ``dyads actors --json``) or Parquet; returns how many.

    Raises:
        SettingsError: a format actors do not export in, or an ``out`` that cannot be written.
    """
    check_format("actors", fmt)
    actors = [views.actor_summary(row) for row in store.list_actors(**filters)]
    _write_records(actors, actors, ACTOR_COLUMNS, fmt, out)
    return len(actors)


def _write_records(
    records: list[dict], rows: list[dict], columns: dict[str, str], fmt: str, out: Path | BinaryIO
) -> None:
    """JSONL of ``records``; CSV or Parquet of their flat ``rows``."""
    if fmt == "parquet":
        with _parquet_out(out) as path:
            write_parquet(rows, columns, path)
        return
    with _text_out(out) as f:
        if fmt == "jsonl":
            f.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
        else:
            write_rows(f, [{c: _csv_cell(row.get(c)) for c in columns} for row in rows], columns, delimiter=",")


def _csv_cell(value):
    return "; ".join(value) if isinstance(value, list) else value


def quote_row(quote: dict) -> dict:
    """One quote as a flat row (CSV, Parquet, the ``dyads quotes`` table)."""
    speaker = quote["speaker"] or {}
    actor = speaker.get("actor") or {}
    return {
        "id": quote["id"],
        "article_id": quote["article_id"],
        "index": quote["index"],
        "published": quote["published"],
        "speaker": actor.get("name") or speaker.get("text") or "(unnamed)",
        "speaker_id": actor.get("id"),
        "speaker_name": actor.get("name"),
        "title": actor.get("title"),
        "country": actor.get("country"),
        "sector": actor.get("sector"),
        "cue": quote["cue"]["text"] if quote["cue"] else None,
        "kind": quote["kind"],
        "text": quote["text"],
        "about": "; ".join(a["name"] for a in quote["about"]),
        "about_ids": "; ".join(a["id"] or "" for a in quote["about"]),
        "headline": quote["headline"],
        "found_by": quote["found_by"],
    }


@contextlib.contextmanager
def _text_out(out: Path | BinaryIO) -> Iterator[io.TextIOBase]:
    """A text file at ``out``, or a UTF-8 text layer over the stream ``out`` (left open)."""
    if isinstance(out, (str, Path)):
        with check_out_path(Path(out)).open("w", encoding="utf-8", newline="") as f:
            yield f
        return
    f = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=True)
    try:
        yield f
    finally:
        f.flush()
        f.detach()  # the stream is the caller's: stdout stays open


@contextlib.contextmanager
def _parquet_out(out: Path | BinaryIO) -> Iterator[Path]:
    """A path to write Parquet to: ``out`` itself, or a temporary file then copied to the stream
    (DuckDB writes Parquet to files only)."""
    if isinstance(out, (str, Path)):
        yield check_out_path(Path(out))
        return
    with tempfile.TemporaryDirectory(prefix="dyads-export-") as folder:
        path = Path(folder) / "out.parquet"
        yield path
        with path.open("rb") as f:
            shutil.copyfileobj(f, out)
        out.flush()


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
    aux = [
        name
        for name, flag in (
            ("historical", event["historical"]),
            ("future", event["future"]),
            ("hypothetical", event["hypothetical"]),
            ("negation", event["negated"]),
        )
        if flag
    ]
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
            "extracted_place": place["text"] or place["name"],
            "resolved_place": place["name"],
            "geonameid": place["geonameid"],
            "lat": place["lat"],
            "lon": place["lon"],
            "country_code": place["country"],
        }
        if place
        else None,
        "text": event["evidence"]["sentence"],
        "text_info": {
            "start": event["evidence"]["start"],
            "end": event["evidence"]["end"],
            "sequence": event["evidence"]["sentence_index"],
            "text_story": event["headline"],
        },
        "cite_info": {
            "title": event["headline"],
            "publication": event["published"],
            "corpus": "dyads",
            "codebook": CODEBOOK,
        },
        "coder": "dyads",
        "cameo_code": event["cameo"],
        "goldstein": event["goldstein"],
        "aux_mode": aux,
        "confidence": event["confidence"],
    }


def _entity(party: dict) -> dict:
    return {
        "code": party["code"],
        "sector": party["sector"],
        "entity_text": party["text"],
        "entity_name": party["name"],
        "identifier_id": party["id"],
    }


def gdelt_rows(event: dict, *, cluster: dict | None = None) -> list[dict]:
    """GDELT-style rows of an event, one per CAMEO dyad (``iter_dyads``), codes as strings.

    ``cluster`` (``Store.clusters_of``) gives NumMentions, NumSources and NumArticles as GDELT
    counts them over every report of the event (``store/clusters.py``); without one (a database
    from before clusters), the report alone: 1, 1, 1."""
    counts = cluster or {"mentions": 1, "sources": 1, "articles": 1, "cluster": event["id"]}
    rows = []
    for number, (source, target) in enumerate(_dyads(event)):
        date = event["date"] if event["date_precision"] == "day" else None
        place = event["place"] or {}
        rows.append(
            {
                "GLOBALEVENTID": f"{event['id']}:{number}",
                "SQLDATE": date.replace("-", "") if date else None,
                "MonthYear": f"{event['date_year']}{event['date_month']:02d}"
                if event["date_year"] and event["date_month"]
                else None,
                "Year": event["date_year"],
                **_gdelt_actor("Actor1", source),
                **_gdelt_actor("Actor2", target),
                "IsRootEvent": 1 if event["evidence"]["sentence_index"] <= 1 else 0,
                "EventCode": event["cameo"],
                "EventBaseCode": event["cameo"][:3],
                "EventRootCode": event["cameo_root"],
                "QuadClass": event["quad_class"],
                "GoldsteinScale": event["goldstein"],
                "NumMentions": counts["mentions"],
                "NumSources": counts["sources"],
                "NumArticles": counts["articles"],
                "ActionGeo_FullName": place.get("name"),
                "ActionGeo_CountryCode": place.get("country"),
                "ActionGeo_Lat": place.get("lat"),
                "ActionGeo_Long": place.get("lon"),
                "ActionGeo_FeatureID": place.get("geonameid"),
                "SOURCEURL": None,
                "PLOVERType": event["type"],
                "PLOVERMode": event["mode"],
                "EventId": event["id"],
                "ClusterId": counts["cluster"],
                "ArticleId": event["article_id"],
                "Sentence": event["evidence"]["sentence"].replace("\t", " ").replace("\n", " "),
            }
        )
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
    return {
        f"{prefix}Code": code or None,
        f"{prefix}Name": party["name"],
        f"{prefix}CountryCode": party["code"],
        f"{prefix}Type1Code": party["sector"],
    }


def flat_row(event: dict) -> dict:
    """One event as a flat row (CSV, tables): parties joined with ";"."""
    return {
        "id": event["id"],
        "article_id": event["article_id"],
        "date": date_text(event),
        "date_precision": event["date_precision"],
        "type": event["type"],
        "mode": event["mode"],
        "cameo": event["cameo"],
        "cameo_root": event["cameo_root"],
        "goldstein": event["goldstein"],
        "quad_class": event["quad_class"],
        "score": event["score"],
        "actor_codes": ";".join(p["code"] or "?" for p in event["actors"]),
        "actor_names": ";".join(p["name"] or "" for p in event["actors"]),
        "recipient_codes": ";".join(p["code"] or "?" for p in event["recipients"]),
        "recipient_names": ";".join(p["name"] or "" for p in event["recipients"]),
        "place": (event["place"] or {}).get("name"),
        "place_country": (event["place"] or {}).get("country"),
        "place_lat": (event["place"] or {}).get("lat"),
        "place_lon": (event["place"] or {}).get("lon"),
        "negated": event["negated"],
        "future": event["future"],
        "hypothetical": event["hypothetical"],
        "historical": event["historical"],
        "quoted": event["quoted"],
        "reported_by": (event["reported_by"] or {}).get("name"),
        "confidence": event["confidence"],
        "found_by": event["found_by"],
        "trigger": event["evidence"]["trigger"]["text"],
        "sentence": event["evidence"]["sentence"],
        "headline": event["headline"],
    }


def dyad_rows(event: dict) -> list[dict]:
    """An event expanded into CAMEO dyads, for ``dyads events --dyads``."""
    return [
        {
            "id": event["id"],
            "date": date_text(event),
            "type": event["type"],
            "cameo": event["cameo"],
            "source": (s["code"] or "?") + ((s["sector"] or "") if s["sector"] != s["code"] else ""),
            "source_name": s["name"],
            "target": ((t["code"] or "?") + ((t["sector"] or "") if t["sector"] != t["code"] else "")) if t else None,
            "target_name": t["name"] if t else None,
            "goldstein": event["goldstein"],
        }
        for s, t in _dyads(event)
    ]


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
