"""Build src/dyads/data/countries.json from pycountry (ISO 3166 names) and countryinfo
(capitals, demonyms, alternative spellings, coordinates).

Run after upgrading either package: python scripts/build_countries.py
Hand-written additions (news usage: "U.S.", "Britain", "Serb") live in
data/country_aliases.tsv and are merged at load time, so they need no rebuild.

The sources let several entries claim one word: countryinfo gives "American" as the
demonym of the Northern Mariana Islands as well as of the United States, "French" to
Reunion and four other French territories, "Indian" to the British Indian Ocean
Territory, "Kingston" as the capital of Norfolk Island. Loaded as they are, the first
entry in ISO order wins and every "American" is MNP. So each shared word goes to the
claimant that news means by it, the far more populous one (a state over its own
territories); claimants closer than ``DOMINANT_POPULATION_RATIO`` are written to
``ambiguous`` and left out of the entries, for the actors stage to resolve from the
story ("Congolese" with "Kinshasa" is DR Congo).
"""

from __future__ import annotations

import json
from importlib import metadata, resources
from pathlib import Path

import pycountry

# How many times more populous the claimant of a shared word must be than every other to
# keep it alone. On these sources every state over its own territory is 78x or more
# (France over Reunion; the USA over the Northern Marianas is 5,900x), and the one
# pair of states is DR Congo over the Republic of Congo at 15x: any ratio from 16 to 78
# splits them the same way; 50 sits in the middle (in log terms) of that gap.
DOMINANT_POPULATION_RATIO = 50

OUT = Path(__file__).resolve().parents[1] / "src" / "dyads" / "data" / "countries.json"


def countryinfo_records() -> dict[str, dict]:
    folder = resources.files("countryinfo").joinpath("data")
    records = {}
    for entry in folder.iterdir():
        if entry.name.endswith(".json"):
            record = json.loads(entry.read_text("utf-8"))
            iso3 = (record.get("ISO") or {}).get("alpha3")
            if iso3:
                records[iso3] = record
    return records


def shared_words(countries: list[dict], population: dict[str, int]) -> dict[str, list[str]]:
    """Every name, demonym and capital claimed by more than one entry -> its claimants (ISO3),
    most populous first."""
    claims: dict[str, set[str]] = {}
    for country in countries:
        words = set(country["names"]) | set(country["demonyms"]) | ({country["capital"]} - {None})
        for word in words:
            claims.setdefault(word, set()).add(country["iso3"])
    return {
        word: sorted(codes, key=lambda c: -population.get(c, 0))
        for word, codes in sorted(claims.items())
        if len(codes) > 1
    }


def settle_shared(countries: list[dict], population: dict[str, int]) -> dict[str, list[str]]:
    """Give each shared word to its dominant claimant, or to none: returns the words left
    ambiguous, with their claimants. Mutates ``countries``."""
    keep: dict[str, str | None] = {}
    ambiguous: dict[str, list[str]] = {}
    for word, codes in shared_words(countries, population).items():
        first, second = (population.get(c) or 1 for c in codes[:2])
        if first >= DOMINANT_POPULATION_RATIO * second:
            keep[word] = codes[0]
        else:
            keep[word] = None
            ambiguous[word] = codes
    for country in countries:

        def own(word: str) -> bool:
            return keep.get(word, country["iso3"]) == country["iso3"]

        country["names"] = [n for n in country["names"] if own(n)]
        country["demonyms"] = [d for d in country["demonyms"] if own(d)]
        if country["capital"] and not own(country["capital"]):
            country["capital"] = None  # kept with its coordinates under "capital_latlng"
    return ambiguous


def main() -> None:
    info = countryinfo_records()
    population = {iso3: record.get("population") or 0 for iso3, record in info.items()}
    countries = []
    for country in pycountry.countries:
        extra = info.get(country.alpha_3, {})
        names = {
            country.name,
            getattr(country, "common_name", None),
            getattr(country, "official_name", None),
            extra.get("name"),
        }
        names |= {s for s in extra.get("altSpellings", []) if len(s) > 3 and not s.isupper()}
        demonym = extra.get("demonym") or None
        latlng = extra.get("capital_latlng") or []
        countries.append(
            {
                "iso3": country.alpha_3,
                "iso2": country.alpha_2,
                "name": getattr(country, "common_name", None) or extra.get("name") or country.name,
                "names": sorted(n for n in names if n),
                "demonyms": [demonym] if demonym else [],
                "capital": extra.get("capital") or None,
                "capital_latlng": latlng if len(latlng) == 2 else None,
            }
        )
    ambiguous = settle_shared(countries, population)
    OUT.write_text(
        json.dumps(
            {
                "about": "Generated by scripts/build_countries.py; do not edit (add aliases to country_aliases.tsv).",
                "sources": {"pycountry": metadata.version("pycountry"), "countryinfo": metadata.version("countryinfo")},
                "ambiguous": ambiguous,
                "countries": countries,
            },
            ensure_ascii=False,
            indent=1,
        )
        + "\n",
        "utf-8",
    )
    print(f"wrote {len(countries)} countries to {OUT}")


if __name__ == "__main__":
    main()
