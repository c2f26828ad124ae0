"""Alert rules and fired alerts (migration 0014) and the figures a rule is checked on."""

from __future__ import annotations

import datetime as dt

from dyads.store.analysis import COUNTED, FIGURES, PAIR_EVENT_COLUMNS

RULE_COLUMNS = (
    "name",
    "a",
    "b",
    "measure",
    "window_days",
    "below",
    "above",
    "drop",
    "rise",
    "trailing",
    "min_events",
    "count",
    "webhook",
)
ALERT_COLUMNS = (
    "id",
    "rule",
    "fired_at",
    "window_start",
    "window_end",
    "measure",
    "value",
    "baseline",
    "events",
    "message",
    "event_ids",
    "webhook",
    "webhook_status",
)
_FIGURES = ", ".join(f"any_value(d.{c}) AS {c}" for c in PAIR_EVENT_COLUMNS)


class AlertQueries:
    """Reads and writes of ``alert_rules`` and ``alerts``, mixed into ``Store``."""

    def save_alert_rule(self, rule: dict, now: dt.datetime) -> None:
        """Insert or replace the rule of that name (a dict of RULE_COLUMNS)."""
        names = ", ".join(f'"{c}"' for c in RULE_COLUMNS)
        updates = ", ".join(f'"{c}" = excluded."{c}"' for c in RULE_COLUMNS if c != "name")
        self.con.execute(
            f"INSERT INTO alert_rules ({names}, added_at) VALUES ({', '.join('?' * len(RULE_COLUMNS))}, ?) "
            f"ON CONFLICT (name) DO UPDATE SET {updates}",
            [*(rule[c] for c in RULE_COLUMNS), now],
        )

    def alert_rules(self) -> list[dict]:
        """The stored rules, by name (none in a database from before migration 0014)."""
        if not self.has_table("alert_rules"):
            return []
        return self._dicts(
            f"SELECT {', '.join(chr(34) + c + chr(34) for c in RULE_COLUMNS)} FROM alert_rules ORDER BY name"
        )

    def remove_alert_rule(self, name: str) -> bool:
        """Remove a stored rule; whether there was one (its fired alerts are kept)."""
        return bool(self.con.execute("DELETE FROM alert_rules WHERE name = ? RETURNING name", [name]).fetchall())

    def alert_figures(
        self, a: list[str], b: list[str], *, since: dt.date, until: dt.date, count: str = "clusters"
    ) -> dict:
        """The figures (``store.analysis.FIGURES``) of the events between any of ``a`` and any of ``b``,
        either direction, dated in [since, until], and their ids (ARTICLE:N) as ``event_ids``."""
        dyads, first = self.event_dyads(count=count)
        sql = (
            dyads
            + f""", picked AS (
            SELECT d.article_id, d.event_idx, {_FIGURES} FROM event_dyads d
            WHERE ((d.source IN (SELECT unnest(?::VARCHAR[])) AND d.target IN (SELECT unnest(?::VARCHAR[])))
                OR (d.source IN (SELECT unnest(?::VARCHAR[])) AND d.target IN (SELECT unnest(?::VARCHAR[]))))
              AND d.date BETWEEN ? AND ?
            GROUP BY d.article_id, d.event_idx)
            SELECT {FIGURES}, list(e.article_id || ':' || e.event_idx ORDER BY e.date, e.article_id, e.event_idx)
                AS event_ids
            FROM picked e WHERE {COUNTED}"""
        )
        return self._dicts(sql, [*first, a, b, b, a, since, until])[0]

    def alert_known(self, alert_id: str) -> bool:
        return bool(self.con.execute("SELECT 1 FROM alerts WHERE id = ?", [alert_id]).fetchall())

    def record_alert(self, alert: dict) -> None:
        """Store a fired alert (a dict of ALERT_COLUMNS); one stored before is kept as it was."""
        names = ", ".join(f'"{c}"' for c in ALERT_COLUMNS)
        self.con.execute(
            f"INSERT INTO alerts ({names}) VALUES ({', '.join('?' * len(ALERT_COLUMNS))}) ON CONFLICT (id) DO NOTHING",
            [alert[c] for c in ALERT_COLUMNS],
        )

    def fired_alerts(self, *, rule: str | None = None, limit: int | None = 100) -> list[dict]:
        """Fired alerts, newest first (none before migration 0014)."""
        if not self.has_table("alerts"):
            return []
        where, params = ("WHERE rule = ?", [rule]) if rule else ("", [])
        sql = (
            f"SELECT {', '.join(chr(34) + c + chr(34) for c in ALERT_COLUMNS)} FROM alerts {where} "
            "ORDER BY fired_at DESC, id" + (f" LIMIT {int(limit)}" if limit else "")
        )
        return self._dicts(sql, params)
