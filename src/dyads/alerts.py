"""Alerts: rules over a dyad's or a group's relations, checked after each watch poll.

A rule names two sides (a country, a comma list or a group such as G7, whose members are
taken as of the window), a measure of the events between them (``MEASURES``), a window of
days ending today, and when to fire: the measure ``below`` or ``above`` a threshold, or a
``drop`` or ``rise`` of at least that much against its mean over the ``trailing``
windows before. Rules are stored (`dyads alerts add`) or read from a TOML or JSON file
(``read_rules``). A fired alert is stored with the ids of the events behind it, once per
rule, window and set of events, so a check that finds nothing new fires nothing; when the
rule has a webhook, the alert is POSTed to it as JSON (``post_alert``: a timeout, one
retry, the answer or failure stored with the alert, never fatal).

    >>> rule = parse_rule({"name": "nor-idn", "between": "NOR,IDN", "measure": "cooperation_share",
    ...                    "window": 7, "below": 0.5})
    >>> rule.describe()
    'cooperation_share of NOR-IDN events over 7 days below 0.5'
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import logging
import math
import time
import tomllib
import urllib.error
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from dyads import analysis
from dyads.errors import DyadsError, SettingsError
from dyads.store.clusters import COUNT_MODES

log = logging.getLogger(__name__)

MEASURES = ("cooperation_share", "mean_goldstein", "mean_score", "events", "cooperation", "conflict", "net")
# Measures that are shares or means: without ``min_events`` events in a window they have no value
# there (a share of one event says little); the counts are 0 in an empty window.
RATES = ("cooperation_share", "mean_goldstein", "mean_score")
CONDITIONS = ("below", "above", "drop", "rise")
# Windows before the current one whose mean a drop or rise is measured against, by default:
# four weeks for a weekly window, enough that one odd week does not set the baseline.
DEFAULT_TRAILING = 4
# Seconds a webhook may take to answer, and between its two tries: a slow receiver must not
# hold up the watch's next poll for long.
WEBHOOK_TIMEOUT_S = 10.0
WEBHOOK_RETRY_S = 2.0
_NAME_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789-_.")


@dataclass(frozen=True)
class Rule:
    """One alert rule (see the module docstring)."""

    name: str
    a: str
    b: str
    measure: str
    window_days: int
    below: float | None = None
    above: float | None = None
    drop: float | None = None
    rise: float | None = None
    trailing: int = DEFAULT_TRAILING
    min_events: int = 1
    count: str = "clusters"
    webhook: str | None = None

    @property
    def condition(self) -> tuple[str, float]:
        return next((c, getattr(self, c)) for c in CONDITIONS if getattr(self, c) is not None)

    def describe(self) -> str:
        kind, limit = self.condition
        against = f" against the mean of the {self.trailing} windows before" if kind in ("drop", "rise") else ""
        return f"{self.measure} of {self.a}-{self.b} events over {self.window_days} days {kind} {limit:g}{against}"

    def row(self) -> dict:
        return dataclasses.asdict(self)


def parse_rule(fields: dict, *, origin: str = "rule") -> Rule:
    """A Rule from user fields: name, between ("A,B") or a and b, measure, window (days), one of
    below/above/drop/rise, and optionally trailing, min_events, count, webhook.

    Raises:
        SettingsError: a field missing or wrong, named with ``origin`` and the fix.
    """

    def bad(message: str) -> SettingsError:
        return SettingsError(f"{origin}: {message}")

    known = {
        "name",
        "between",
        "a",
        "b",
        "measure",
        "window",
        "window_days",
        *CONDITIONS,
        "trailing",
        "min_events",
        "count",
        "webhook",
    }
    unknown = sorted(set(fields) - known)
    if unknown:
        raise bad(f"unknown field {unknown[0]!r}; a rule takes {', '.join(sorted(known))}")
    name = str(fields.get("name") or "").strip().lower()
    if not name or set(name) - _NAME_CHARS:
        raise bad(f"name {fields.get('name')!r} is not a rule name; give letters, digits, - or _ (e.g. nor-idn)")
    if fields.get("between"):
        sides = [s.strip() for s in str(fields["between"]).split(",") if s.strip()]
        if len(sides) != 2 and not (fields.get("a") or fields.get("b")):
            raise bad(
                f'between {fields["between"]!r} does not name two sides; give two, e.g. between = "NOR,IDN" '
                "(a group such as G7 for a side, or a and b for lists)"
            )
        a, b = sides if len(sides) == 2 else (None, None)
    else:
        a, b = fields.get("a"), fields.get("b")
    if not a or not b:
        raise bad(
            'the sides are missing; give between = "NOR,IDN", or a and b (a country, a group such as G7, '
            'or codes such as "JPN,USA")'
        )
    a, b = str(a).strip().upper(), str(b).strip().upper()
    for side, parameter in ((a, "a"), (b, "b")):
        try:
            analysis.members(side, parameter=parameter)
        except DyadsError as e:
            raise bad(str(e)) from e
    measure = fields.get("measure")
    if measure not in MEASURES:
        raise bad(f"measure {measure!r} is not a measure; choose one of {', '.join(MEASURES)}")
    window = _number(fields.get("window", fields.get("window_days")), "window", origin, integer=True, low=1)
    if window is None:
        raise bad("window is missing; give the days the measure is taken over, e.g. window = 7")
    given = [c for c in CONDITIONS if fields.get(c) is not None]
    if len(given) != 1:
        raise bad(
            f"{'no condition' if not given else 'conditions ' + ', '.join(given)}; give exactly one of "
            f"{', '.join(CONDITIONS)} (e.g. below = 0.5)"
        )
    limits = {c: _number(fields.get(c), c, origin) for c in CONDITIONS}
    if given[0] in ("drop", "rise") and limits[given[0]] <= 0:
        raise bad(f"{given[0]} must be above 0 (how far below or above the trailing mean), got {limits[given[0]]:g}")
    count = fields.get("count", "clusters")
    if count not in COUNT_MODES:
        raise bad(f"count {count!r} is not a way of counting; choose clusters or reports")
    webhook = check_webhook(fields.get("webhook") or None, origin=origin)
    return Rule(
        name=name,
        a=a,
        b=b,
        measure=measure,
        window_days=window,
        **limits,
        trailing=_number(fields.get("trailing", DEFAULT_TRAILING), "trailing", origin, integer=True, low=1),
        min_events=_number(fields.get("min_events", 1), "min_events", origin, integer=True, low=1),
        count=count,
        webhook=webhook,
    )


def check_webhook(url: str | None, *, origin: str = "--webhook") -> str | None:
    """``url`` if it is an http(s) address (or None).

    Raises:
        SettingsError: it is not.
    """
    if url and not str(url).startswith(("http://", "https://")):
        raise SettingsError(
            f"{origin}: webhook {url!r} is not an http(s) address; give a URL such as https://hooks.example.org/dyads"
        )
    return url


def _number(value, name: str, origin: str, *, integer: bool = False, low: float | None = None):
    if value is None:
        return None
    try:
        number = int(value) if integer and not isinstance(value, float) else float(value)
    except (TypeError, ValueError) as e:
        raise SettingsError(
            f"{origin}: {name} {value!r} is not a{'n integer' if integer else ' number'}; "
            f"give e.g. {name} = {7 if integer else 0.5}"
        ) from e
    if isinstance(number, float) and not math.isfinite(number):
        raise SettingsError(f"{origin}: {name} {value!r} is not a finite number; give e.g. {name} = 0.5")
    if low is not None and number < low:
        raise SettingsError(f"{origin}: {name} must be {low} or more, got {value!r}")
    return number


def read_rules(path: Path) -> list[Rule]:
    """The rules of a TOML file (``[[rule]]`` tables) or a JSON file (a list of rule objects).

    Raises:
        SettingsError: the file cannot be read, or a rule in it is bad (named by file and number).
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise SettingsError(f"{path}: cannot read the rules file ({e}); give a UTF-8 TOML or JSON file") from e
    try:
        if path.suffix.lower() == ".json":
            found = json.loads(text)
        else:
            found = tomllib.loads(text).get("rule", [])
    except (json.JSONDecodeError, tomllib.TOMLDecodeError) as e:
        raise SettingsError(
            f"{path}: not valid {'JSON' if path.suffix.lower() == '.json' else 'TOML'} ({e}); "
            "write [[rule]] tables (TOML) or a list of objects (JSON)"
        ) from e
    if not isinstance(found, list) or not all(isinstance(r, dict) for r in found):
        raise SettingsError(f"{path}: no list of rules; write [[rule]] tables (TOML) or a list of objects (JSON)")
    rules = [parse_rule(fields, origin=f"{path} rule {i}") for i, fields in enumerate(found, 1)]
    names = [r.name for r in rules]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise SettingsError(f"{path}: rule name {twice[0]!r} is given twice; give each rule its own name")
    return rules


def stored_rule(row: dict) -> Rule:
    return Rule(**{f.name: row[f.name] for f in dataclasses.fields(Rule)})


def add_rule(store, rule: Rule) -> None:
    """Store a rule (replacing one of the same name)."""
    store.save_alert_rule(rule.row(), _utcnow())


def measure_of(store, rule: Rule, *, until: dt.date) -> dict:
    """The rule's measure over the window ending ``until``: value, events and their ids, window."""
    since = until - dt.timedelta(days=rule.window_days - 1)
    a = list(analysis.members(rule.a, since=since, until=until, parameter="a"))
    b = list(analysis.members(rule.b, since=since, until=until, parameter="b"))
    row = store.alert_figures(a, b, since=since, until=until, count=rule.count)
    figures = analysis.figures(row)
    enough = figures["events"] >= rule.min_events or rule.measure not in RATES
    return {
        "since": since,
        "until": until,
        "events": figures["events"],
        "value": figures[rule.measure] if enough else None,
        "event_ids": list(row["event_ids"] or []),
    }


def evaluate(store, rule: Rule, *, today: dt.date) -> dict | None:
    """The alert ``rule`` fires for the window ending ``today``, or None."""
    now = measure_of(store, rule, until=today)
    if now["value"] is None:
        return None
    kind, limit = rule.condition
    baseline = None
    if kind in ("below", "above"):
        fired = now["value"] < limit if kind == "below" else now["value"] > limit
    else:
        before = [
            measure_of(store, rule, until=today - dt.timedelta(days=rule.window_days * k))["value"]
            for k in range(1, rule.trailing + 1)
        ]
        before = [v for v in before if v is not None]
        if not before:
            return None
        baseline = round(sum(before) / len(before), 4)
        shift = now["value"] - baseline
        fired = shift <= -limit if kind == "drop" else shift >= limit
    if not fired:
        return None
    against = f"{limit:g}" if baseline is None else f"the trailing mean {baseline:g} by {limit:g} or more"
    message = (
        f"{rule.name}: {rule.measure} of {rule.a}-{rule.b} is {now['value']:g} over "
        f"{now['since']:%Y-%m-%d}..{now['until']:%Y-%m-%d} ({now['events']} events), "
        f"{'below' if kind in ('below', 'drop') else 'above'} {against}"
    )
    key = json.dumps([rule.name, now["until"].isoformat(), now["event_ids"]])
    return {
        "id": hashlib.sha256(key.encode()).hexdigest()[:16],
        "rule": rule.name,
        "fired_at": _utcnow(),
        "window_start": now["since"],
        "window_end": now["until"],
        "measure": rule.measure,
        "value": now["value"],
        "baseline": baseline,
        "events": now["events"],
        "message": message,
        "event_ids": now["event_ids"],
        "webhook": rule.webhook,
        "webhook_status": None,
    }


def check(
    store, rules: Iterable[Rule] | None = None, *, today: dt.date | None = None, webhook: str | None = None
) -> list[dict]:
    """Check ``rules`` (the stored ones and those given) against the store; store and return the
    alerts newly fired, each POSTed to its rule's webhook (or ``webhook``) first.

    ``store`` is open for writing. An alert fired before (same rule, window, events) is not fired again.
    """
    today = today or _utcnow().date()
    chosen = {r.name: r for r in [*(stored_rule(row) for row in store.alert_rules()), *(rules or [])]}
    fired = []
    for rule in chosen.values():
        alert = evaluate(store, rule, today=today)
        if alert is None or store.alert_known(alert["id"]):
            continue
        target = rule.webhook or webhook
        if target:
            alert["webhook"] = target
            alert["webhook_status"] = post_alert(target, alert_payload(alert, rule))
        store.record_alert(alert)
        log.info("alert %s", alert["message"])
        fired.append(alert)
    return fired


def alert_payload(alert: dict, rule: Rule | None = None) -> dict:
    """The JSON an alert is POSTed as (and listed as by the API)."""
    payload = {
        k: (v.isoformat() if isinstance(v, (dt.date, dt.datetime)) else v)
        for k, v in alert.items()
        if k not in ("webhook", "webhook_status")
    }
    if rule is not None:
        payload["rule_detail"] = {**rule.row(), "webhook": None, "text": rule.describe()}
    return payload


def post_alert(url: str, payload: dict, *, timeout: float = WEBHOOK_TIMEOUT_S) -> str:
    """POST ``payload`` as JSON; one retry after a failure. Returns what happened ("HTTP 200",
    or "failed: ..."); never raises for the receiver's sake."""
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    outcome = ""
    for attempt in range(2):
        if attempt:
            time.sleep(WEBHOOK_RETRY_S)
        request = urllib.request.Request(
            url, data=body, method="POST", headers={"Content-Type": "application/json", "User-Agent": "dyads-alerts"}
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return f"HTTP {response.status}"
        except urllib.error.HTTPError as e:
            outcome = f"failed: HTTP {e.code}"
            if e.code < 500 and e.code != 429:
                break  # the receiver refuses this request; a retry would be refused too
        except (urllib.error.URLError, OSError, ValueError) as e:
            outcome = f"failed: {getattr(e, 'reason', e)}"
    log.warning("webhook %s: %s", url, outcome)
    return outcome


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
