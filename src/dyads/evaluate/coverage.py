"""``dyads eval coverage``: how much of a corpus the actors stage resolves (no gold needed).

Counts mentions by kind and how many resolve to an actor, and checks that every
person named with a title gets a country and a sector.
"""

from __future__ import annotations

from collections import Counter

from dyads import nlp as nlp_module
from dyads.config import Settings
from dyads.pipeline import analyze_all
from dyads.readers import read_inputs
from dyads.records import Article


def evaluate_coverage(specs: list[str]) -> dict:
    articles = [a for a in read_inputs(specs, settings=Settings()) if isinstance(a, Article)]
    kinds, resolved = Counter(), Counter()
    titled, complete, incomplete = 0, 0, []
    for analysis in analyze_all(articles, nlp=nlp_module.load()):
        for m in analysis.mentions:
            kinds[m.kind] += 1
            resolved[m.kind] += m.actor_id is not None
        for actor in analysis.actors:
            if actor.kind == "person" and actor.title:
                titled += 1
                if actor.country and actor.sector:
                    complete += 1
                else:
                    incomplete.append(
                        {
                            "article": analysis.article.origin,
                            "name": actor.name,
                            "title": actor.title,
                            "country": actor.country,
                            "sector": actor.sector,
                        }
                    )
    actor_kinds = [k for k in kinds if k != "place"]
    return {
        "articles": len(articles),
        "mentions": {k: {"total": kinds[k], "resolved": resolved[k]} for k in sorted(kinds)},
        "actor_mentions": sum(kinds[k] for k in actor_kinds),
        "actor_mentions_resolved": sum(resolved[k] for k in actor_kinds),
        "titled_people": titled,
        "titled_people_with_country_and_sector": complete,
        "incomplete": incomplete,
    }
