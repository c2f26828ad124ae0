"""Speed of the queries users run, on a store of synthetic events (not a test).

    python benchmarks/queries.py                      # build 1,000,000 events, then time
    python benchmarks/queries.py --db /tmp/q.duckdb   # build there once; later runs reuse it

Builds (unless ``--db`` names a store already built) a fresh database with our own
migrations (``Store.open``) and fills it in bulk with DuckDB SQL, no NLP: articles
with text, sentences, entities, mentions, article actors, events, event parties and
quotes whose offsets all point into the article text, as ingest writes them. The
draws are hash-based, so a build is the same every time, and skewed like news: a
few big countries take most of the mentions (Zipf over the real ISO codes of
``data/countries.json``), each story has a main pair of countries, event types
lean to CONSULT and AGREE (PLOVER types with CAMEO codes, Goldstein values and
quad classes from our ontology), and there are more stories in later years.

Then times each query ``--repeat`` times through the functions the CLI and the
web API call (``dyads.analysis``, ``Store`` methods, ``dyads.web.resources``) and
prints the median and the slowest run, the rows returned, and whether the median
is under the one-second target.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

# What every query should stay under on 1M events (issue #7).
TARGET_SECONDS = 1.0
# Events per story average 4 (1 to 7), quotes per story 1 (0 to 2), background paragraphs 3.
MAX_EVENTS_PER_ARTICLE = 7
MAX_QUOTES_PER_ARTICLE = 2
FILLERS_PER_ARTICLE = 3
# Slots of the weighted draws: a country with weight w gets about w * SLOTS of them.
SLOTS = 100_000
# People across all countries (at least 3 each): speakers and person parties are drawn from them.
PEOPLE = 20_000
# Zipf exponent of country prominence: with it the top five countries are named in
# about 45% of the events, close to their share of GDELT's 2015-2020 events.
ZIPF = 1.1
# Countries in order of news prominence; the rest follow in code order.
PROMINENT = (
    "USA",
    "CHN",
    "RUS",
    "UKR",
    "GBR",
    "ISR",
    "IRN",
    "FRA",
    "DEU",
    "JPN",
    "IND",
    "TUR",
    "PRK",
    "KOR",
    "SYR",
    "PSE",
    "SAU",
    "PAK",
    "AFG",
    "IRQ",
    "EGY",
    "CAN",
    "ITA",
    "AUS",
    "BRA",
    "VNM",
    "TWN",
    "POL",
    "MEX",
    "NGA",
    "QAT",
    "ARE",
    "VEN",
    "CUB",
    "BLR",
    "KAZ",
    "ESP",
    "NLD",
    "SWE",
    "NOR",
)
# PLOVER type -> (share of events, words between actor and recipient).
TYPE_WEIGHTS = {
    "CONSULT": (30, "met with"),
    "AGREE": (15, "agreed with"),
    "SUPPORT": (10, "backed"),
    "ACCUSE": (10, "accused"),
    "COOPERATE": (8, "worked with"),
    "REQUEST": (6, "urged"),
    "REJECT": (4, "rejected the proposal of"),
    "THREATEN": (3, "threatened"),
    "SANCTION": (3, "imposed sanctions on"),
    "AID": (3, "sent aid to"),
    "PROTEST": (2, "protested against"),
    "ASSAULT": (2, "attacked"),
    "COERCE": (2, "seized ships of"),
    "MOBILIZE": (1, "mobilized troops against"),
    "CONCEDE": (0.5, "yielded to"),
    "RETREAT": (0.5, "withdrew from talks with"),
}
# Group recipients (code, entity code): ~4% of recipients.
GROUPS = (("G7", "IGO"), ("EU", "EUR"), ("NATO", "IGO"), ("G20", "IGO"), ("BRICS", "IGO"))
TOPICS = (
    "trade",
    "energy security",
    "the Arctic",
    "sanctions",
    "peace talks",
    "nuclear safety",
    "grain exports",
    "climate finance",
    "military exercises",
    "cyber attacks",
    "fishing rights",
    "border security",
    "refugees",
    "gas supplies",
    "the South China Sea",
    "arms control",
    "visa rules",
    "investment",
    "space cooperation",
    "maritime patrols",
    "vaccines",
    "oil prices",
)
STANCES = (
    "We will never accept",
    "We are ready to discuss",
    "We welcome progress on",
    "We are concerned about",
    "There is no alternative to dialogue on",
    "Our position has not changed on",
    "We hope for a fair deal on",
    "It is too early to speak about",
    "We categorically reject talk of",
    "We see a real chance for agreement on",
)
BACKGROUND = (
    "Relations between the two countries have been strained for several years.",
    "The talks were the first at this level since the pandemic.",
    "Officials did not give details of the discussions.",
    "Analysts said the meeting could open the way for a broader agreement.",
    "The foreign ministry said more consultations were planned for next month.",
    "Markets reacted calmly to the news.",
    "The opposition criticized the government for its handling of the crisis.",
    "Diplomats from several other countries attended as observers.",
    "The statement was published on the ministry's website late on Tuesday.",
    "Trade between the two sides fell sharply last year.",
    "The visit had been postponed twice because of security concerns.",
    "Human rights groups urged both sides to release detained journalists.",
)
FIRST_NAMES = (
    "Anna",
    "Ivan",
    "Li",
    "Wei",
    "John",
    "Maria",
    "Ahmed",
    "Yuki",
    "Olga",
    "Pierre",
    "Hans",
    "Sara",
    "Kenji",
    "Fatima",
    "Carlos",
    "Elena",
    "David",
    "Amir",
    "Sofia",
    "Viktor",
    "Mei",
    "Raj",
    "Emma",
    "Omar",
    "Lars",
    "Nadia",
    "Tomas",
    "Aiko",
    "Mikhail",
    "Grace",
)
SURNAMES = (
    "Ivanov",
    "Zhang",
    "Smith",
    "Tanaka",
    "Muller",
    "Dubois",
    "Khan",
    "Petrova",
    "Garcia",
    "Kim",
    "Nguyen",
    "Cohen",
    "Rossi",
    "Larsen",
    "Novak",
    "Sato",
    "Popescu",
    "Haddad",
    "Kowalski",
    "Silva",
    "Jensen",
    "Yilmaz",
    "Ortiz",
    "Volkov",
    "Chen",
    "Brown",
    "Fischer",
    "Moreau",
    "Rahman",
    "Lund",
    "Horii",
    "Kosachev",
    "Okafor",
    "Mendes",
    "Park",
    "Aziz",
    "Wagner",
    "Singh",
    "Costa",
    "Berg",
)
TITLES = (
    ("Foreign Minister", "GOV"),
    ("President", "GOV"),
    ("Prime Minister", "GOV"),
    ("Defense Minister", "MIL"),
    ("Ambassador", "GOV"),
    ("Senator", "LEG"),
    ("Committee Chairman", "LEG"),
    ("Spokeswoman", "GOV"),
    ("Trade Minister", "GOV"),
    ("General", "MIL"),
)
SOURCES = (("Reuters", 35), ("TASS", 20), ("AP", 15), ("AFP", 12), ("Xinhua", 10), ("Kyodo", 5), ("Yonhap", 3))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=1_000_000, help="events to build (default 1,000,000)")
    parser.add_argument("--db", type=Path, help="build here, or reuse the store already built here")
    parser.add_argument("--repeat", type=int, default=5, help="runs of each query (default 5)")
    parser.add_argument("--only", metavar="TEXT", help="only the queries whose name contains TEXT")
    args = parser.parse_args()

    from dyads.store import Store

    db = args.db or Path(f"/tmp/dyads-queries-{args.events}.duckdb")
    print(f"{os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}", flush=True)
    if not db.exists():
        start = time.perf_counter()
        with Store.open(db) as store:
            build(store, args.events)
            store.con.execute("CHECKPOINT")
        print(f"built {db} in {time.perf_counter() - start:.1f} s", flush=True)
    else:
        with Store.open(db) as store:  # brings an older build up to the current migrations
            pass
    with Store.open(db, read_only=True) as store:
        counts = {
            t: store.con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("articles", "events", "event_parties", "mentions", "article_actors", "quotes")
        }
        print(
            f"{db}: {db.stat().st_size / 2**20:,.0f} MB; " + ", ".join(f"{n:,} {t}" for t, n in counts.items()),
            flush=True,
        )
        results = [
            time_query(name, run, store, args.repeat)
            for name, run in queries(store)
            if not args.only or args.only in name
        ]
    print_table(results, args.repeat)


# -- building ----------------------------------------------------------------


def build(store, events: int) -> None:
    """Fill a freshly migrated store with about ``events`` events and everything around them."""
    con = store.con
    _seed_tables(con)
    articles = events * 21 // 80 + MAX_EVENTS_PER_ARTICLE  # 5% more than the mean needs; the surplus is cut
    steps = [
        (
            "stories",
            f"""
        CREATE TEMP TABLE b_art AS
        WITH drawn AS (
            SELECT k, substr(md5('article ' || k), 1, 16) AS id,
                   (1 + hash(k, 'n') % {MAX_EVENTS_PER_ARTICLE})::BIGINT AS n_ev,
                   (hash(k, 'q') % ({MAX_QUOTES_PER_ARTICLE} + 1))::BIGINT AS n_q,
                   DATE '2016-01-01' + CAST(floor(3652 * sqrt((hash(k, 'day') % 1000000) / 1e6)) AS INTEGER) AS published,
                   hash(k, 'c1') % {SLOTS} AS s1, hash(k, 'c2') % {SLOTS} AS s2, hash(k, 'src') % 100 AS src
            FROM range({articles}) t(k)
        ), counted AS (
            SELECT *, sum(n_ev) OVER (ORDER BY k) - n_ev AS first_ev FROM drawn
        )
        SELECT k, id, least(n_ev, {events} - first_ev)::BIGINT AS n_ev, n_q, published, first_ev::BIGINT AS first_ev, c1.code AS c1,
               CASE WHEN c2.code <> c1.code THEN c2.code WHEN c1.code = 'USA' THEN 'CHN' ELSE 'USA' END AS c2,
               src.name AS source
        FROM counted JOIN b_cslot c1 ON c1.slot = s1 JOIN b_cslot c2 ON c2.slot = s2
        JOIN b_source src ON src.slot = counted.src
        WHERE first_ev < {events}""",
        ),
        (
            "events",
            """
        CREATE TEMP TABLE b_ev AS
        WITH numbered AS (
            SELECT a.k, a.id AS article_id, a.c1, a.c2, a.published, i.idx, a.first_ev + i.idx AS n
            FROM b_art a, LATERAL (SELECT unnest(range(a.n_ev)) AS idx) i
        ), parties AS (
            SELECT n.*,
                   CASE WHEN u1 < 0.55 THEN c1 WHEN u1 < 0.8 THEN c2 ELSE xa.code END AS actor,
                   CASE WHEN u2 < 0.12 THEN NULL WHEN u2 < 0.16 THEN 'group'
                        WHEN u2 < 0.7 THEN (CASE WHEN u1 < 0.55 THEN c2 ELSE c1 END) ELSE xr.code END AS recipient,
                   hash(n, 'type') % 1000 AS type_slot, hash(n, 'grp') % 5 AS grp,
                   hash(n, 'person') % 100 < 15 AS by_person, hash(n, 'psel') AS psel,
                   hash(n, 'sector') % 100 AS sector_draw, hash(n, 'topic') % 22 AS topic,
                   hash(n, 'date') % 100 AS date_draw, hash(n, 'flags') % 1000 AS flags
            FROM (SELECT *, (hash(n, 'u1') % 1000) / 1000 AS u1, (hash(n, 'u2') % 1000) / 1000 AS u2 FROM numbered) n
            JOIN b_cslot xa ON xa.slot = hash(n, 'xa') % 100000 JOIN b_cslot xr ON xr.slot = hash(n, 'xr') % 100000
        )
        SELECT p.*, t.type, t.cameo, t.root, t.goldstein, t.quad_class, t.score, t.verb,
               CASE WHEN p.recipient = p.actor THEN (CASE WHEN p.actor = 'USA' THEN 'CHN' ELSE 'USA' END)
                    ELSE p.recipient END AS recipient_code, p.psel % c.people AS person_j
        FROM parties p JOIN b_type t ON t.slot = p.type_slot JOIN b_country c ON c.code = p.actor""",
        ),
        (
            "event parties",
            """
        CREATE TEMP TABLE b_party AS
        WITH actor AS (
            SELECT e.article_id, e.idx, 'actor' AS role, 0 AS position,
                   CASE WHEN e.by_person THEN pe.id ELSE e.actor || s.suffix END AS actor_id, e.actor AS code,
                   CASE WHEN e.by_person THEN pe.sector ELSE nullif(s.suffix, '') END AS sector,
                   CASE WHEN e.by_person THEN 'person' ELSE 'country' END AS kind,
                   CASE WHEN e.by_person THEN pe.name ELSE c.name || s.words END AS name,
                   CASE WHEN e.by_person THEN pe.title END AS title, []::VARCHAR[] AS members
            FROM b_ev e JOIN b_country c ON c.code = e.actor JOIN b_sector s ON e.sector_draw BETWEEN s.lo AND s.hi
            JOIN b_person pe ON pe.country = e.actor AND pe.j = e.person_j
        ), second AS (
            SELECT e.article_id, e.idx, 'actor', 1, e.c2, e.c2, NULL, 'country', c.name, NULL, []::VARCHAR[]
            FROM b_ev e JOIN b_country c ON c.code = e.c2
            WHERE e.recipient_code IS NULL AND e.type = 'CONSULT' AND e.actor <> e.c2
        ), recipient AS (
            SELECT e.article_id, e.idx, 'recipient', 0,
                   CASE WHEN e.recipient_code = 'group' THEN 'group:' || g.code ELSE e.recipient_code END,
                   CASE WHEN e.recipient_code = 'group' THEN g.entity ELSE e.recipient_code END,
                   CASE WHEN e.recipient_code = 'group' THEN 'IGO' END,
                   CASE WHEN e.recipient_code = 'group' THEN 'group' ELSE 'country' END,
                   coalesce(g.name, c.name), NULL,
                   CASE WHEN e.recipient_code = 'group' THEN g.members ELSE []::VARCHAR[] END
            FROM b_ev e LEFT JOIN b_country c ON c.code = e.recipient_code
            LEFT JOIN b_group g ON g.n = e.grp AND e.recipient_code = 'group'
            WHERE e.recipient_code IS NOT NULL
        )
        SELECT * FROM actor UNION ALL SELECT * FROM second UNION ALL SELECT * FROM recipient""",
        ),
        (
            "quotes",
            f"""
        CREATE TEMP TABLE b_quote AS
        WITH numbered AS (
            SELECT a.id AS article_id, a.k, a.n_ev, a.c1, a.c2, i.q, hash(a.k, i.q, 'speaker') AS h
            FROM b_art a, LATERAL (SELECT unnest(range(a.n_q)) AS q) i
        ), chosen AS (
            SELECT n.*, c.code AS speaker_country, (n.h >> 8) % c.people AS person_j
            FROM numbered n JOIN b_country c ON c.code = CASE WHEN n.h % 10 < 7 THEN n.c1 ELSE n.c2 END
        )
        SELECT n.article_id, n.q, n.n_ev + n.q + 1 AS sentence, pe.id AS speaker_id, pe.name AS speaker_name,
               pe.title AS speaker_title, pe.country AS speaker_country, pe.sector AS speaker_sector,
               about.code AS about_code, about.name AS about_name,
               '"' || st.words || ' ' || tp.words || ' with ' || about.name || ',"' AS content
        FROM chosen n
        JOIN b_person pe ON pe.country = n.speaker_country AND pe.j = n.person_j
        JOIN b_country about ON about.code = CASE WHEN n.h % 10 < 7 THEN n.c2 ELSE n.c1 END
        JOIN b_words st ON st.list = 'stance' AND st.n = (n.h >> 20) % {len(STANCES)}
        JOIN b_words tp ON tp.list = 'topic' AND tp.n = (n.h >> 28) % {len(TOPICS)}""",
        ),
        (
            "sentences and text",
            f"""
        CREATE TEMP TABLE b_sent AS
        WITH body AS (
            SELECT e.article_id, 1 + e.idx AS sentence,
                   CASE WHEN second.name IS NOT NULL THEN actor.name || ' and ' || second.name || ' met on ' || tp.words || '.'
                        WHEN recipient.name IS NULL THEN actor.name || ' ' || e.verb || ' partners on ' || tp.words || '.'
                        ELSE actor.name || ' ' || e.verb || ' ' || recipient.name || ' on ' || tp.words || '.' END AS text
            FROM b_ev e JOIN b_party actor ON actor.article_id = e.article_id AND actor.idx = e.idx
                 AND actor.role = 'actor' AND actor.position = 0
            LEFT JOIN b_party second ON second.article_id = e.article_id AND second.idx = e.idx
                 AND second.role = 'actor' AND second.position = 1
            LEFT JOIN b_party recipient ON recipient.article_id = e.article_id AND recipient.idx = e.idx
                 AND recipient.role = 'recipient'
            JOIN b_words tp ON tp.list = 'topic' AND tp.n = e.topic
            UNION ALL
            SELECT article_id, sentence, content || ' ' || speaker_name || ' said.' FROM b_quote
            UNION ALL
            SELECT a.id, a.n_ev + a.n_q + 1 + f.j, bg.words
            FROM b_art a, LATERAL (SELECT unnest(range({FILLERS_PER_ARTICLE})) AS j) f
            JOIN b_words bg ON bg.list = 'background' AND bg.n = hash(a.k, f.j) % {len(BACKGROUND)}
            UNION ALL
            SELECT a.id, 0, c1.name || ' and ' || c2.name || ' discuss ' || tp.words
            FROM b_art a JOIN b_country c1 ON c1.code = a.c1 JOIN b_country c2 ON c2.code = a.c2
            JOIN b_words tp ON tp.list = 'topic' AND tp.n = hash(a.k, 'headline') % {len(TOPICS)}
        )
        SELECT *, sum(length(text) + 2) OVER (PARTITION BY article_id ORDER BY sentence) - length(text) - 2 AS start
        FROM body""",
        ),
    ]
    for name, sql in steps:
        _step(con, name, sql)
    _insert(con)
    # What Store.write derives from each batch's rows, here for all of them at once.
    start = time.perf_counter()
    store.store_event_dyads([r[0] for r in con.execute("SELECT id FROM articles").fetchall()])
    store.store_actor_totals([r[0] for r in con.execute("SELECT DISTINCT actor_id FROM article_actors").fetchall()])
    print(f"  derived tables (Store.write's): {time.perf_counter() - start:.1f} s", file=sys.stderr, flush=True)


def _seed_tables(con) -> None:
    """Small temp tables of the draws: countries by prominence, types, people, words."""
    from dyads import lexicons, ontology

    lex = lexicons.load()
    codes = [c for c in PROMINENT if c in lex.countries] + sorted(c for c in lex.countries if c not in PROMINENT)
    weights = [1 / (rank + 1) ** ZIPF for rank in range(len(codes))]
    total = sum(weights)
    # People: a few per small country, hundreds for the big ones.
    people = [max(3, round(w / total * PEOPLE)) for w in weights]
    con.execute(
        "CREATE TEMP TABLE b_country AS SELECT unnest(?::VARCHAR[]) AS code, unnest(?::VARCHAR[]) AS name, "
        "unnest(?::DOUBLE[]) AS weight, unnest(?::UBIGINT[]) AS people",
        [codes, [lex.countries[c].name for c in codes], weights, people],
    )
    slots = [code for code, w in zip(codes, weights) for _ in range(max(1, round(w / total * SLOTS)))]
    slots = (slots + [codes[0]] * SLOTS)[:SLOTS]
    con.execute(
        "CREATE TEMP TABLE b_cslot AS SELECT (generate_subscripts(?::VARCHAR[], 1) - 1)::UBIGINT AS slot, "
        "unnest(?::VARCHAR[]) AS code",
        [slots, slots],
    )

    plover, cameo = ontology.plover_types(), ontology.cameo_codes()
    rows = []
    for type_name, (weight, verb) in TYPE_WEIGHTS.items():
        codes_of = [code for code, (t, _, _) in ontology._crosswalk().items() if t == type_name and code in cameo][:3]
        for code in codes_of:
            c = cameo[code]
            rows.append(
                (
                    type_name,
                    code,
                    c.root,
                    c.goldstein,
                    c.quad_class,
                    plover[type_name].score,
                    verb,
                    weight / len(codes_of),
                )
            )
    total = sum(r[-1] for r in rows)
    typed = [r[:-1] for r in rows for _ in range(max(1, round(r[-1] / total * 1000)))]
    typed = (typed + [rows[0][:-1]] * 1000)[:1000]
    con.execute(
        "CREATE TEMP TABLE b_type AS SELECT * FROM (SELECT unnest(range(?))::UBIGINT AS slot, "
        "unnest(?::VARCHAR[]) AS type, unnest(?::VARCHAR[]) AS cameo, unnest(?::VARCHAR[]) AS root, "
        "unnest(?::DOUBLE[]) AS goldstein, unnest(?::TINYINT[]) AS quad_class, unnest(?::DOUBLE[]) AS score, "
        "unnest(?::VARCHAR[]) AS verb)",
        [len(typed), *[list(col) for col in zip(*typed)]],
    )

    con.execute(
        "CREATE TEMP TABLE b_names AS SELECT unnest(?::VARCHAR[]) AS first, unnest(?::VARCHAR[]) AS last",
        [[f for f in FIRST_NAMES for _ in SURNAMES], [s for _ in FIRST_NAMES for s in SURNAMES]],
    )
    con.execute(
        "CREATE TEMP TABLE b_title AS SELECT unnest(range(?)) AS n, unnest(?::VARCHAR[]) AS title, "
        "unnest(?::VARCHAR[]) AS sector",
        [len(TITLES), [t for t, _ in TITLES], [s for _, s in TITLES]],
    )
    con.execute(f"""
        CREATE TEMP TABLE b_person AS
        WITH names AS (SELECT first, last, row_number() OVER (ORDER BY hash(first, last)) - 1 AS r FROM b_names)
        SELECT c.code AS country, j::UBIGINT AS j,
               'person:' || lower(nm.first || '-' || nm.last || '-' || lower(c.code) || '-' || j) AS id,
               nm.first || ' ' || nm.last || CASE WHEN j >= {len(FIRST_NAMES) * len(SURNAMES)} THEN ' ' || j ELSE '' END AS name,
               t.title, t.sector
        FROM b_country c, LATERAL (SELECT unnest(range(c.people::BIGINT)) AS j) r
        JOIN names nm ON nm.r = (hash(c.code) + r.j) % {len(FIRST_NAMES) * len(SURNAMES)}
        JOIN b_title t ON t.n = hash(c.code, r.j) % {len(TITLES)}""")
    con.execute(
        "CREATE TEMP TABLE b_sector AS SELECT * FROM (VALUES ('', '', 0, 49), ('GOV', ' government', 50, 84), "
        "('MIL', ' military', 85, 94), ('LEG', ' parliament', 95, 99)) t(suffix, words, lo, hi)"
    )
    groups = lex.groups
    con.execute(
        "CREATE TEMP TABLE b_group AS SELECT unnest(range(?)) AS n, unnest(?::VARCHAR[]) AS code, "
        "unnest(?::VARCHAR[]) AS entity, unnest(?::VARCHAR[]) AS name, unnest(?::VARCHAR[][]) AS members",
        [
            len(GROUPS),
            [g for g, _ in GROUPS],
            [e for _, e in GROUPS],
            [groups[g].name for g, _ in GROUPS],
            [[m.iso3 for m in groups[g].memberships if m.until is None] for g, _ in GROUPS],
        ],
    )
    lists = {"topic": TOPICS, "stance": STANCES, "background": BACKGROUND}
    con.execute(
        "CREATE TEMP TABLE b_words AS SELECT unnest(?::VARCHAR[]) AS list, unnest(?::UBIGINT[]) AS n, "
        "unnest(?::VARCHAR[]) AS words",
        [
            [k for k, v in lists.items() for _ in v],
            [i for v in lists.values() for i in range(len(v))],
            [w for v in lists.values() for w in v],
        ],
    )
    sources = [name for name, share in SOURCES for _ in range(share)]  # shares add up to 100
    con.execute(
        "CREATE TEMP TABLE b_source AS SELECT (generate_subscripts(?::VARCHAR[], 1) - 1)::UBIGINT AS slot, "
        "unnest(?::VARCHAR[]) AS name",
        [sources, sources],
    )


def _insert(con) -> None:
    """The temp tables into the store's own tables, offsets into each article's text."""
    inserts = [
        (
            "articles",
            """
        INSERT INTO articles (id, headline, published, source, url, origin, text, paragraphs, ingested_at)
        SELECT a.id, h.text, a.published, a.source, 'https://example.org/' || a.id, 'synthetic:' || a.k,
               string_agg(s.text, chr(10) || chr(10) ORDER BY s.sentence),
               list(s.text ORDER BY s.sentence) FILTER (WHERE s.sentence > 0),
               TIMESTAMP '2024-01-01' + to_seconds(a.k::BIGINT)
        FROM b_art a JOIN b_sent s ON s.article_id = a.id JOIN b_sent h ON h.article_id = a.id AND h.sentence = 0
        GROUP BY a.id, a.k, h.text, a.published, a.source""",
        ),
        (
            "sentences",
            """
        INSERT INTO sentences SELECT article_id, sentence, start, start + length(text),
               CASE WHEN sentence = 0 THEN 'headline' ELSE 'body' END, greatest(sentence - 1, 0) FROM b_sent""",
        ),
        (
            "events",
            """
        INSERT INTO events
        SELECT e.article_id, e.idx, 1 + e.idx, e.type, NULL, e.cameo, e.root, e.goldstein, e.quad_class, e.score, [],
               s.start + length(a.name) + 1, s.start + length(a.name) + 1 + length(split_part(e.verb, ' ', 1)),
               s.start, s.start + length(s.text),
               CASE WHEN e.date_draw < 88 THEN e.published - (e.date_draw % 3)::INTEGER
                    WHEN e.date_draw < 93 THEN date_trunc('month', e.published)::DATE
                    WHEN e.date_draw < 95 THEN date_trunc('year', e.published)::DATE END AS date,
               CASE WHEN e.date_draw < 95 THEN year(e.published) END,
               CASE WHEN e.date_draw < 93 THEN month(e.published) END,
               CASE WHEN e.date_draw < 88 THEN day(e.published - (e.date_draw % 3)::INTEGER) END,
               CASE WHEN e.date_draw < 88 THEN 'day' WHEN e.date_draw < 93 THEN 'month'
                    WHEN e.date_draw < 95 THEN 'year' END,
               CASE WHEN e.date_draw < 95 THEN 'published' END, NULL, NULL,
               NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
               e.flags < 30, e.flags BETWEEN 30 AND 79, e.flags BETWEEN 80 AND 99, e.flags BETWEEN 100 AND 129,
               e.flags BETWEEN 130 AND 229, NULL, NULL, 0.5 + (e.flags % 50) / 100
        FROM b_ev e JOIN b_sent s ON s.article_id = e.article_id AND s.sentence = 1 + e.idx
        JOIN b_party a ON a.article_id = e.article_id AND a.idx = e.idx AND a.role = 'actor' AND a.position = 0""",
        ),
        (
            "event_parties",
            """
        INSERT INTO event_parties
        SELECT p.article_id, p.idx, p.role, p.position, p.actor_id, p.code, p.sector, p.kind, p.name, p.members,
               s.start + o.at, s.start + o.at + length(p.name)
        FROM b_party p JOIN b_sent s ON s.article_id = p.article_id AND s.sentence = 1 + p.idx
        JOIN (SELECT article_id, idx, role, position, CASE
                  WHEN role = 'actor' AND position = 0 THEN 0
                  WHEN role = 'actor' THEN length(first_value(name) OVER w) + 5
                  ELSE length(first_value(name) OVER w) + 1 + length(e_verb) + 1 END AS at
              FROM (SELECT p.*, e.verb AS e_verb FROM b_party p JOIN b_ev e ON e.article_id = p.article_id AND e.idx = p.idx)
              WINDOW w AS (PARTITION BY article_id, idx ORDER BY role, position)) o
          ON o.article_id = p.article_id AND o.idx = p.idx AND o.role = p.role AND o.position = p.position""",
        ),
        (
            "quotes",
            """
        INSERT INTO quotes
        SELECT q.article_id, q.q, s.start, s.start + length(q.content), [s.start], [s.start + length(q.content)],
               [q.content], q.content, 'direct', q.sentence,
               s.start + length(q.content) + length(q.speaker_name) + 2,
               s.start + length(q.content) + length(q.speaker_name) + 6, 'say', 'said',
               s.start + length(q.content) + 1, s.start + length(q.content) + 1 + length(q.speaker_name),
               q.speaker_name, 'name', q.speaker_id, q.speaker_name, q.speaker_title, q.speaker_country,
               q.speaker_sector, [q.about_code], [q.about_name], [q.about_code]
        FROM b_quote q JOIN b_sent s ON s.article_id = q.article_id AND s.sentence = q.sentence""",
        ),
        (
            "mentions",
            """
        INSERT INTO mentions
        SELECT article_id, row_number() OVER (PARTITION BY article_id ORDER BY start, actor_id) - 1, start, "end",
               sentence, text, kind, actor_id, NULL
        FROM (SELECT article_id, start, "end", 1 + event_idx AS sentence, name AS text,
                     CASE kind WHEN 'person' THEN 'name' ELSE kind END AS kind, actor_id FROM event_parties
              UNION ALL
              SELECT article_id, speaker_start, speaker_end, sentence, speaker_text, 'name', speaker_id FROM quotes
              UNION ALL
              SELECT q.article_id, q.start + length(q.content) - 2 - length(q.about_names[1]),
                     q.start + length(q.content) - 2,
                     q.sentence, q.about_names[1], 'country', q.about_ids[1] FROM quotes q)""",
        ),
        (
            "entities",
            """
        INSERT INTO entities SELECT article_id, idx, start, "end",
               CASE kind WHEN 'name' THEN 'PERSON' WHEN 'group' THEN 'ORG' ELSE 'GPE' END, text, sentence FROM mentions""",
        ),
        (
            "article_actors",
            """
        INSERT INTO article_actors
        SELECT m.article_id, m.actor_id, any_value(coalesce(p.kind, 'country')), any_value(coalesce(p.name, c.name)),
               any_value(CASE WHEN p.kind = 'group' THEN NULL ELSE coalesce(p.country, c.code) END),
               any_value(p.sector), any_value(p.title), any_value(coalesce(p.members, []))
        FROM mentions m
        LEFT JOIN (SELECT actor_id, any_value(kind) AS kind, any_value(name) AS name, any_value(code) AS country,
                          any_value(sector) AS sector, any_value(title) AS title, any_value(members) AS members
                   FROM b_party GROUP BY actor_id
                   UNION ALL SELECT id, 'person', name, country, sector, title, [] FROM b_person
                   WHERE id NOT IN (SELECT actor_id FROM b_party)) p ON p.actor_id = m.actor_id
        LEFT JOIN b_country c ON c.code = m.actor_id
        GROUP BY m.article_id, m.actor_id""",
        ),
    ]
    for name, sql in inserts:
        _step(con, name, sql)


def _step(con, name: str, sql: str) -> None:
    start = time.perf_counter()
    con.execute(sql)
    print(f"  {name}: {time.perf_counter() - start:.1f} s", file=sys.stderr, flush=True)


# -- timing ------------------------------------------------------------------


def queries(store) -> list[tuple[str, callable]]:
    """(name, function of the store) for each query timed, as the CLI and the API run them."""
    import datetime as dt

    from dyads import analysis, export, views
    from dyads.web import query, resources

    busy, rare = ("USA", "CHN"), rare_pair(store)
    article_id = store.con.execute(
        "SELECT id FROM articles ORDER BY id LIMIT 1 OFFSET (SELECT count(*) // 2 FROM articles)"
    ).fetchone()[0]
    since, until = dt.date(2022, 1, 1), dt.date(2022, 3, 31)

    def web(resource, values, allowed, facets=()):
        given = {**values, **({"_facet": list(facets)} if facets else {})}
        return lambda s: getattr(resources, resource)(s, allowed.model_validate(given))["rows"]

    def later_page(resource, values, allowed, pages=20):
        """The 21st page: follow ``next`` 20 times untimed, then time the page after."""
        token = None
        for _ in range(pages):
            token = getattr(resources, resource)(
                store, allowed.model_validate({**values, **({"_next": token} if token else {})})
            )["next"]
        return web(resource, {**values, "_next": token}, allowed)

    return [
        (f"dyad {busy[0]} {busy[1]} --by month", lambda s: analysis.dyad_series(s, *busy, by="month")["series"]),
        (f"dyad {rare[0]} {rare[1]} --by month", lambda s: analysis.dyad_series(s, *rare, by="month")["series"]),
        ("rank --target RUS --among G7", lambda s: analysis.rank(s, "RUS", "G7")["ranking"]),
        (
            "rank --target RUS --among G7 --since 2022-01-01",
            lambda s: analysis.rank(s, "RUS", "G7", since=dt.date(2022, 1, 1))["ranking"],
        ),
        ("events --actor RUS --limit 50", lambda s: export.list_events(s, actor="RUS", limit=50)),
        (
            "events --actor RUS --recipient JPN --limit 50",
            lambda s: export.list_events(s, actor="RUS", recipient="JPN", limit=50),
        ),
        ("events --type SANCTION --limit 50", lambda s: export.list_events(s, type="SANCTION", limit=50)),
        (
            "events --since 2022-01-01 --until 2022-03-31 --limit 50",
            lambda s: export.list_events(s, since=since, until=until, limit=50),
        ),
        ("events --actor RUS --recipient JPN (all)", lambda s: export.list_events(s, actor="RUS", recipient="JPN")),
        ("API /api/events first page", web("events", {}, query.EventQuery)),
        (
            "API /api/events?actor=RUS&type=CONSULT first page",
            web("events", {"actor": "RUS", "type": "CONSULT"}, query.EventQuery),
        ),
        ("API /api/events page 21", later_page("events", {}, query.EventQuery)),
        (
            "API /api/events?_facet=type&_facet=actor",
            web("events", {"_facet": "type"}, query.EventQuery, facets=("type", "actor")),
        ),
        (
            "quotes --search sanctions --limit 50",
            lambda s: [views.quote_listing(r) for r in s.list_quotes(q="sanctions", limit=50)],
        ),
        ("quotes --search 'no alternative' (all)", lambda s: s.list_quotes(q="no alternative")),
        ("quotes --speaker Kosachev --limit 50", lambda s: s.list_quotes(speaker="Kosachev", limit=50)),
        ("quotes --about JPN --limit 50", lambda s: s.list_quotes(about="JPN", limit=50)),
        ("API /api/quotes?q=sanctions first page", web("quotes", {"q": "sanctions"}, query.QuoteQuery)),
        ("API /api/quotes page 21", later_page("quotes", {}, query.QuoteQuery)),
        ("actors --limit 50", lambda s: s.list_actors(limit=50)),
        ("actors --country RUS --kind person", lambda s: s.list_actors(country="RUS", kind="person")),
        ("API /api/actors first page", web("actors", {}, query.ActorQuery)),
        ("actor (one person's page)", lambda s: [s.actor_detail(top_person(s))]),
        ("show ARTICLE_ID", lambda s: [s.get_article(article_id[:10])]),
        ("API /api/articles first page", web("articles", {}, query.ArticleQuery)),
    ]


def rare_pair(store) -> tuple[str, str]:
    """A pair of countries with only a handful of events between them."""
    row = store.con.execute(
        "SELECT a.code, r.code, count(*) AS n FROM event_parties a JOIN event_parties r "
        "ON r.article_id = a.article_id AND r.event_idx = a.event_idx AND r.role = 'recipient' "
        "WHERE a.role = 'actor' AND a.code < r.code AND len(a.code) = 3 AND len(r.code) = 3 "
        "GROUP BY ALL HAVING n BETWEEN 3 AND 5 ORDER BY a.code DESC, r.code LIMIT 1"
    ).fetchone()
    return (row[0], row[1]) if row else ("NOR", "VNM")


_TOP_PERSON: list[str] = []


def top_person(store) -> str:
    if not _TOP_PERSON:
        _TOP_PERSON.append(
            store.con.execute(
                "SELECT actor_id FROM article_actors WHERE kind = 'person' GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1"
            ).fetchone()[0]
        )
    return _TOP_PERSON[0]


def time_query(name: str, run, store, repeat: int) -> dict:
    seconds, rows = [], 0
    for _ in range(repeat):
        start = time.perf_counter()
        rows = len(run(store))
        seconds.append(time.perf_counter() - start)
    result = {"name": name, "median": statistics.median(seconds), "max": max(seconds), "rows": rows}
    print(f"  {name}: {result['median']:.3f} s", file=sys.stderr, flush=True)
    return result


def print_table(results: list[dict], repeat: int) -> None:
    width = max(len(r["name"]) for r in results)
    print(
        f"\n{'query':<{width}}  {'median s':>8}  {'max s':>7}  {'rows':>6}  < {TARGET_SECONDS:g} s   ({repeat} runs each)"
    )
    for r in results:
        ok = "yes" if r["median"] < TARGET_SECONDS else "NO"
        print(f"{r['name']:<{width}}  {r['median']:8.3f}  {r['max']:7.3f}  {r['rows']:6,}  {ok}")
    slow = [r["name"] for r in results if r["median"] >= TARGET_SECONDS]
    print(
        f"\n{len(results) - len(slow)}/{len(results)} queries under {TARGET_SECONDS:g} s"
        + (f"; over: {', '.join(slow)}" if slow else "")
    )


if __name__ == "__main__":
    main()
