"""Find and parse the dateline that opens a wire story.

>>> parse_dateline("TOKYO, January 26. /TASS/. Japan is outperforming ...")
(Dateline(raw='TOKYO, January 26. /TASS/.', place='TOKYO', date_text='January 26', agency='TASS', month=1, day=26, year=None), 'Japan is outperforming ...')
>>> parse_dateline("BEIJING, Jan. 26 (Xinhua) -- China said ...")[0].agency
'Xinhua'
>>> parse_dateline("Japan is outperforming all other G7 countries")
(None, 'Japan is outperforming all other G7 countries')
"""

from __future__ import annotations

import re

from dyads.records import Dateline

MONTHS = {
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "may": 5,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}
_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
)
# "January 26", "Jan. 26", "Oct 20", "Jan 26, 2024", "26 January", "26 Jan 2024"
_DATE = (
    rf"(?:{_MONTH}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?"
    rf"|\d{{1,2}}\s+{_MONTH}\.?(?:,?\s+\d{{4}})?)"
)
# Upper-case place names: "TOKYO", "RIO DE JANEIRO", "WASHINGTON, D.C.", "ST. PETERSBURG"
_PLACE_UPPER = r"[A-Z][A-Z.'’\-]*(?:\s+[A-Z][A-Z.'’\-]*){0,4}(?:,\s+D\.C\.)?"
# With an agency in brackets, mixed case is safe too: "New Delhi [India]", "Kyiv"
_PLACE_ANY = r"[A-Z][\w.'’\-]*(?:\s+[A-Za-z][\w.'’\-]*){0,4}(?:,\s+D\.C\.)?"
_AGENCY = r"[A-Z][\w.&’' -]{0,24}?"
_DASH = r"(?:--|—|–|-|:)"

# Tried in order; the first match wins. Each names the agencies that write it so.
PATTERNS = (
    # TASS: "TOKYO, January 26. /TASS/." and "IGORA /Leningrad Region/, December 26. /TASS/."
    re.compile(
        rf"^(?P<place>{_PLACE_UPPER})(?:\s*/(?P<region>[^/\n]{{1,40}})/)?,\s*(?P<date>{_DATE})\.?"
        rf"\s*/(?P<agency>{_AGENCY})/\.?\s*"
    ),
    # Agency in brackets: Reuters "TOKYO, April 27 (Reuters) - ", AP "WASHINGTON (AP) — ",
    # AFP "PARIS (AFP) - ", Xinhua "BEIJING, Jan. 26 (Xinhua) -- ", Interfax
    # "MOSCOW. Jan 26 (Interfax) - ", ANI "New Delhi [India], Jan 26 (ANI): "
    re.compile(
        rf"^(?P<place>{_PLACE_ANY})(?:\s*\[(?P<region>[^\]\n]{{1,40}})\])?"
        rf"(?:[.,]\s*(?P<date>{_DATE}))?\s*\((?P<agency>{_AGENCY})\)\s*{_DASH}+\s*"
    ),
    # No agency named: Reuters archive "WASHINGTON, March 31 - ", "OSAKA, Japan, April 26 - ",
    # "London, March 27 - ", UPI-style "LONDON, Oct. 20 -- "
    re.compile(
        rf"^(?P<place>{_PLACE_ANY})(?:,\s*(?P<region>[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?))?,"
        rf"\s*(?P<date>{_DATE})\.?\s*{_DASH}+(?:\s+|$)"
    ),
    # Place only, upper case: "KYIV — ", "UNITED NATIONS -- ", Reuters archive "WASHINGTON - "
    # (four characters at least, so a headline-like "US - China ..." is no dateline)
    re.compile(rf"^(?=[A-Z][A-Z.'’\-]{{3}})(?P<place>{_PLACE_UPPER})\s+(?:--|—|–|-)(?:\s+|$)"),
)
# The longest dateline looked for: a paragraph's first characters are enough
# ("IGORA /Leningrad Region/, December 26. /TASS/. " is 47), and the patterns
# need not scan a 500,000-character paragraph of one word (seconds each).
MAX_DATELINE_CHARS = 200
_DATE_PARTS = re.compile(rf"(?P<month>{_MONTH})\.?\s+(?P<day>\d{{1,2}})|(?P<day2>\d{{1,2}})\s+(?P<month2>{_MONTH})")
_YEAR = re.compile(r"\b(1[89]\d\d|2\d\d\d)\b")


def parse_dateline(paragraph: str) -> tuple[Dateline | None, str]:
    """Split a dateline off the start of ``paragraph``.

    Returns:
        ``(dateline, rest)``; ``(None, paragraph)`` when it opens with no dateline.
        ``rest`` is empty when the paragraph is the dateline alone.
    """
    head = paragraph[:MAX_DATELINE_CHARS]
    for pattern in PATTERNS:
        match = pattern.match(head)
        # A match that runs to the cut may continue past it: no dateline is that long.
        if match and (match.end() < len(head) or len(head) == len(paragraph)):
            return _dateline(match), paragraph[match.end() :]
    return None, paragraph


def parse_month_day(text: str) -> tuple[int | None, int | None, int | None]:
    """``(month, day, year)`` of a date as written in a dateline; None where absent."""
    match = _DATE_PARTS.search(text)
    if not match:
        return None, None, None
    month = MONTHS[(match["month"] or match["month2"])[:3].lower()]
    day = int(match["day"] or match["day2"])
    year = _YEAR.search(text)
    if not 1 <= day <= 31:
        return None, None, None
    return month, day, int(year.group()) if year else None


def _dateline(match: re.Match) -> Dateline:
    date_text = match.groupdict().get("date")
    month, day, year = parse_month_day(date_text) if date_text else (None, None, None)
    agency = match.groupdict().get("agency")
    return Dateline(
        raw=match.group().strip(),
        place=match["place"].strip(),
        date_text=date_text,
        agency=agency.strip() if agency else None,
        month=month,
        day=day,
        year=year,
    )
