"""Event dates: date words in a sentence resolved against the story's own date.

The story's date is the publication date, else the dateline's month and day (with
no year). A year is never invented: without one, "on Friday" or "last week" cannot
be placed and "January 26" keeps month and day only.

    >>> import datetime as dt
    >>> ref = StoryDate(dt.date(2018, 1, 27), None, None)
    >>> resolve_text("on Friday", ref)
    When(date=datetime.date(2018, 1, 26), year=2018, month=1, day=26, precision='day')
    >>> resolve_text("in May 2016", ref).date, resolve_text("last week", ref).precision
    (datetime.date(2016, 5, 1), 'week')
    >>> resolve_text("last week", StoryDate(None, 1, 26))
    >>> resolve_text("January 26", StoryDate(None, 1, 26))
    When(date=None, year=None, month=1, day=26, precision='day')
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace

from dyads.readers.datelines import MONTHS
from dyads.records import Article

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# A dated event more than this many days before publication is history, not news:
# two months, so that "last month" stays news (checked on the TASS and sample stories,
# whose background events lie years back).
HISTORICAL_DAYS = 60
# A month named without a year ("in May") is taken as the latest such month not more
# than this many days after the story date (a story may look a few days ahead).
LOOKAHEAD_DAYS = 7

_MONTH = r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
_YEAR = r"((?:1[89]|20)\d\d)"
_NUMBER_WORDS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "several": None,
    "few": None,
}
_PATTERNS = (
    ("month_day_year", re.compile(rf"\b{_MONTH}\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+{_YEAR}\b")),
    ("day_month_year", re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH},?\s+{_YEAR}\b")),
    ("month_year", re.compile(rf"\b{_MONTH},?\s+(?:of\s+)?{_YEAR}\b")),
    ("month_day", re.compile(rf"\b{_MONTH}\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?!,?\s+\d)")),
    ("day_month", re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}\b")),
    (
        "relative_weekday",
        re.compile(r"\b(last|this|next)?\s*(monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b"),
    ),
    ("relative_day", re.compile(r"\b(today|tonight|yesterday|tomorrow)\b|\bthis (morning|afternoon|evening)\b")),
    ("relative_period", re.compile(r"\b(last|this|next|past|previous|earlier this|later this)\s+(week|month|year)\b")),
    (
        "ago",
        re.compile(r"\b(\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten)\s+(day|week|month|year)s?\s+ago\b"),
    ),
    ("named_month", re.compile(rf"\b(last|this|next|early|late|mid|in)[\s-]+{_MONTH}(?![\w])")),
    ("year", re.compile(rf"\b(?:in|of|during)\s+{_YEAR}\b")),
)


@dataclass(frozen=True)
class StoryDate:
    """What the story says of its own date: the publication date, else the dateline's month/day."""

    published: dt.date | None
    month: int | None
    day: int | None

    @classmethod
    def of(cls, article: Article) -> "StoryDate":
        d = article.dateline
        return cls(article.published, d.month if d else None, d.day if d else None)

    @property
    def known(self) -> bool:
        return self.published is not None or (self.month is not None and self.day is not None)


@dataclass(frozen=True)
class When:
    """A resolved date: ``date`` is the first day of the period when the year is known."""

    date: dt.date | None
    year: int | None
    month: int | None
    day: int | None
    precision: str


# Words before a date that make it the start of a span, not the event's date
# ("killed 50 children since the end of 2023" is a running count).
_SPAN_OPENERS = re.compile(
    r"\b(since|from|until|till|through)\s+(?:the\s+)?(?:end|start|beginning|middle)?\s*(?:of\s+)?$"
)


def find_dates(text: str) -> list[tuple[int, int, str]]:
    """Date expressions in ``text`` as (start, end, kind), longest first where they overlap;
    dates that open or close a span ("since 2023") are left out."""
    found = []
    lowered = text.lower()
    for kind, pattern in _PATTERNS:
        for m in pattern.finditer(lowered):
            if any(s <= m.start() < e or s < m.end() <= e for s, e, _ in found):
                continue
            if _SPAN_OPENERS.search(lowered[max(0, m.start() - 30) : m.start()]):
                continue
            found.append((m.start(), m.end(), kind))
    return sorted(found)


# Date kinds that name no year, which a future act places in the year ahead.
_YEARLESS = frozenset({"month_day", "day_month", "named_month"})


def resolve_text(text: str, story: StoryDate, *, future: bool = False) -> When | None:
    """The date a date expression names, against the story date; None when it cannot be placed.

    A month or day without a year is the latest one near the story date, or, for an act
    still to come (``future``: "agreed to meet again in April" in a March story), the next."""
    spans = find_dates(text)
    if not spans:
        return None
    start, end, kind = spans[0]
    match = dict(_PATTERNS)[kind].search(text.lower(), start)
    when = _RESOLVERS[kind](match, story)
    if (
        future
        and when is not None
        and when.date is not None
        and kind in _YEARLESS
        and when.date < story.published
        and not (kind == "named_month" and match.group(1) == "last")
    ):
        date = _safe(when.date.year + 1, when.date.month, when.date.day)
        when = replace(when, date=date, year=date.year) if date else when
    return when


def story_when(story: StoryDate) -> When | None:
    """The story's own date, for an event the sentence does not date."""
    if story.published is not None:
        p = story.published
        return When(p, p.year, p.month, p.day, "day")
    if story.month and story.day:
        return When(None, None, story.month, story.day, "day")
    return None


def is_historical(when: When, story: StoryDate, *, explicit_year: bool) -> bool:
    """Dated well before publication; without a publication date, a past date that names
    its year (news style gives the year only for another year than the current one)."""
    if when.date is None:
        return False
    if story.published is not None:
        return (story.published - when.date).days > HISTORICAL_DAYS
    return explicit_year


# -- resolvers, one per pattern kind ---------------------------------------------------


def _month(text: str) -> int:
    return MONTHS[text[:3]]


def _safe(year: int | None, month: int, day: int) -> dt.date | None:
    if year is None:
        return None
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _full(year: int, month: int, day: int) -> When | None:
    date = _safe(year, month, day)
    return When(date, year, month, day, "day") if date else None


def _month_day_year(m, story):
    return _full(int(m.group(3)), _month(m.group(1)), int(m.group(2)))


def _day_month_year(m, story):
    return _full(int(m.group(3)), _month(m.group(2)), int(m.group(1)))


def _month_year(m, story):
    year, month = int(m.group(2)), _month(m.group(1))
    return When(dt.date(year, month, 1), year, month, None, "month")


def _month_day(m, story):
    return _day_in_story_year(_month(m.group(1)), int(m.group(2)), story)


def _day_month(m, story):
    return _day_in_story_year(_month(m.group(2)), int(m.group(1)), story)


def _day_in_story_year(month: int, day: int, story: StoryDate) -> When | None:
    if not 1 <= day <= 31:
        return None
    if story.published is None:
        return When(None, None, month, day, "day")
    latest = story.published + dt.timedelta(days=LOOKAHEAD_DAYS)
    for year in (latest.year, latest.year - 1):
        date = _safe(year, month, day)
        if date is not None and date <= latest:
            return When(date, year, month, day, "day")
    return None


def _relative_weekday(m, story):
    which, name = m.group(1), m.group(2)
    if story.published is None:
        # No year: the weekday cannot be placed; wire copy dates the story's own events
        # by weekday, so the dateline day stands (month and day only).
        return story_when(story) if which in (None, "this") else None
    target = WEEKDAYS.index(name)
    back = (story.published.weekday() - target) % 7
    if which == "last" and back == 0:
        back = 7
    if which == "next":
        back = -((target - story.published.weekday()) % 7 or 7)
    return _day(story.published - dt.timedelta(days=back))


def _relative_day(m, story):
    if story.published is None:
        word = m.group(1) or "today"
        return story_when(story) if word in ("today", "tonight") else None
    shift = {"yesterday": -1, "tomorrow": 1}.get(m.group(1) or "", 0)
    return _day(story.published + dt.timedelta(days=shift))


def _relative_period(m, story):
    if story.published is None:
        return None
    which, unit = m.group(1), m.group(2)
    step = {"last": -1, "past": -1, "previous": -1, "next": 1}.get(which, 0)
    p = story.published
    if unit == "week":
        monday = p - dt.timedelta(days=p.weekday()) + dt.timedelta(weeks=step)
        return When(monday, monday.year, monday.month, monday.day, "week")
    if unit == "month":
        index = p.year * 12 + p.month - 1 + step
        year, month = divmod(index, 12)
        return When(dt.date(year, month + 1, 1), year, month + 1, None, "month")
    return When(dt.date(p.year + step, 1, 1), p.year + step, None, None, "year")


def _ago(m, story):
    if story.published is None:
        return None
    count = int(m.group(1)) if m.group(1).isdigit() else _NUMBER_WORDS.get(m.group(1))
    if not count:
        return None
    unit = m.group(2)
    p = story.published
    if unit in ("day", "week"):
        date = p - dt.timedelta(days=count * (7 if unit == "week" else 1))
        return When(date, date.year, date.month, date.day, unit if unit == "week" else "day")
    if unit == "month":
        year, month = divmod(p.year * 12 + p.month - 1 - count, 12)
        return When(dt.date(year, month + 1, 1), year, month + 1, None, "month")
    return When(dt.date(p.year - count, 1, 1), p.year - count, None, None, "year")


def _named_month(m, story):
    which, month = m.group(1), _month(m.group(2))
    if m.group(2) == "may" and which == "in" and story.published is None:
        return When(None, None, month, None, "month")
    if story.published is None:
        return When(None, None, month, None, "month")
    p = story.published
    year = p.year
    if which == "next":
        year += month <= p.month
    elif which == "last" or dt.date(year, month, 1) > p + dt.timedelta(days=LOOKAHEAD_DAYS):
        year -= month >= p.month if which == "last" else 1
    return When(dt.date(year, month, 1), year, month, None, "month")


def _year(m, story):
    year = int(m.group(1))
    return When(dt.date(year, 1, 1), year, None, None, "year")


def _day(date: dt.date) -> When:
    return When(date, date.year, date.month, date.day, "day")


_RESOLVERS = {
    "month_day_year": _month_day_year,
    "day_month_year": _day_month_year,
    "month_year": _month_year,
    "month_day": _month_day,
    "day_month": _day_month,
    "relative_weekday": _relative_weekday,
    "relative_day": _relative_day,
    "relative_period": _relative_period,
    "ago": _ago,
    "named_month": _named_month,
    "year": _year,
}
EXPLICIT_YEAR_KINDS = frozenset({"month_day_year", "day_month_year", "month_year", "year"})
