"""Event dates: when the reported act happened, resolved against the publication date.

Own rules over precompiled regular expressions (no dateparser: it misses "over the weekend",
maps "on Sunday" to the week before and finds false dates in running text).

Resolution, all relative to the publication day ``P`` (the caller passes the local date if known):

- weekday names ("on Friday", "late on Sunday", "Friday night", "earlier on Friday"): the most
  recent such day on or before ``P`` (``P`` itself counts); never the future, except "next Friday"
  (first after ``P``) and "by Friday" (a deadline: on or after ``P``); "last Friday" is strictly
  before ``P``; "Tuesday last week" / "this week" / "next week" pick the day in that Mon-Sun week.
- "today", "tonight", "this morning" = ``P``; "yesterday", "last night" = ``P``-1;
  "tomorrow" = ``P``+1.
- "the weekend", "over the weekend", "last weekend('s)": the last Saturday-Sunday *before* the
  week of ``P`` (so a Saturday article's "weekend" is the previous one); "this weekend" is the
  weekend of ``P``'s week; "next/coming weekend" the first weekend starting after ``P``. The date
  is the Sunday, precision "week" (a named day, "on Sunday", gives precision "day").
- periods ("this week", "last month", "next year", "in September", "in 2008"): precision week,
  month or year; the date is the *last day of the period*, or ``P`` when the period contains
  ``P`` ("earlier this month": ``P``-1 within the month). Rolling spans ("over the past week",
  "in recent days") end on ``P``.
- "two days ago", "three weeks ago", "two or three months ago": ``P`` minus the (smaller) amount,
  precision from the unit (a vague "few days" is a week).
- explicit dates ("September 24", "24 Sept", "Sept. 24, 2023", "2023-09-24"): a given year is
  kept; otherwise the most recent past occurrence, unless the next one is less than a third as
  far away ("October 1" in an article of 30 September is the coming day); a month name
  without a year ("in December") is chosen the same way.
- no expression: the publication day, precision "day" when ``default_recent`` (else unknown);
  a sentence opening "Subsequently" / "Later" / "During the firefight" takes ``previous``'s date.
- ``published`` None: only dates carrying a year resolve; anything relative gets date None and
  precision "unknown" (flagged, never invented).

Background (a recap of an earlier act): the date is more than 2 days before ``P``; or the
expression is possessive ("last weekend's clashes", "Sunday's attack") or "earlier this
month/year"; or a recap cue is present ("in the wake of", "following the", "after the ...
attack", "comes after", "since ...", a standalone "earlier", "recalled that", "anniversary");
or the caller says so (``recap_cue=True``). A future date is never background.
"""

from __future__ import annotations

import calendar
import functools
import re
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from types import MappingProxyType

BACKGROUND_AFTER_DAYS = 2
MAX_SENTENCE_CHARS = 10_000  # longer input is only scanned this far

_MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August",
                "September", "October", "November", "December")
_WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = MappingProxyType({
    **{m.lower(): i for i, m in enumerate(_MONTH_NAMES, 1)},
    **{m.lower()[:3]: i for i, m in enumerate(_MONTH_NAMES, 1)}, "sept": 9,
})
_WORD_NUMBERS = MappingProxyType({w: i for i, w in enumerate((
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
    "nineteen", "twenty"))}
    | {"a": 1, "an": 1, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
       "eighty": 80, "ninety": 90, "hundred": 100, "a hundred": 100})
_VAGUE = MappingProxyType({"few": 3, "a few": 3, "several": 3, "a couple of": 2, "couple of": 2})

_YEAR = r"(?:19|20)\d{2}"
_MON_FULL = "|".join(_MONTH_NAMES)
_MON = rf"(?P<mon>(?:{_MON_FULL})|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?)"
_WD = "(?P<wd>" + "|".join(_WEEKDAY_NAMES) + ")"
_POSS = r"(?P<poss>['’]s\b)?"
_NUM = r"\d{1,3}|a\s+few|a\s+couple\s+of|couple\s+of|several|few|a\s+hundred|" + "|".join(
    sorted((w for w in _WORD_NUMBERS if w != "a hundred"), key=len, reverse=True))
_DAY_NUM = r"(?P<day>[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_PREP = r"in|during|since|from|until|till|before|after|throughout"

# (kind, pattern) in no particular order: overlaps are resolved longest-leftmost.
_PATTERNS = tuple((kind, re.compile(rx)) for kind, rx in (
    ("iso", rf"\b(?P<year>{_YEAR})-(?P<month>0[1-9]|1[0-2])-(?P<day>0[1-9]|[12]\d|3[01])\b"),
    ("mdy", rf"(?i:\b(?:on|by|since|until)\s+)?\b{_MON}\s+{_DAY_NUM}\b(?![.,:]?\d)"
            rf"(?:,?\s+(?P<year>{_YEAR})\b)?{_POSS}"),
    ("dmy", rf"(?i:\b(?:on|by|since|until)\s+(?:the\s+)?)?(?<![\d.,])\b{_DAY_NUM}\s+(?:of\s+)?"
            rf"{_MON}(?![A-Za-z])(?:,?\s+(?P<year>{_YEAR})\b)?{_POSS}"),
    ("month", rf"(?i:\b(?:(?P<q>last|this|next)|(?:{_PREP}|of)?\s*(?P<mod>early|mid|late)"
              rf"|{_PREP}|(?:earlier|later)\s+in)[-\s]+)(?P<mon>{_MON_FULL})\b"
              rf"(?!\s*(?:(?:[12]\d|3[01]|0?[1-9])\b(?![.,]\d)|{_YEAR}\b))"
              rf"(?:,?\s+(?P<year>{_YEAR})\b)?{_POSS}"),
    ("month", rf"(?i:\b(?:(?:{_PREP}|of)\s+)?(?:(?P<mod>early|mid|late)[-\s]+)?)?\b"
              rf"(?P<mon>{_MON_FULL}|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?)"
              rf"\s+(?P<year>{_YEAR})\b(?![-/.,:]?\d)"),
    ("year", rf"(?i:\b(?:{_PREP}|(?:in\s+)?(?:early|mid|late))[-\s]+)(?P<year>{_YEAR})\b"
             r"(?![-–/.,:]?\d)(?!\s*(?:%|per\s*cent|percent))"),
    ("weekday", r"(?i:\b(?:(?P<mod>late|early|earlier|later)\s+(?:on\s+)?|"
                r"(?P<pre>on|since|from|until|till|by|last|next|this|past|before|after)\s+))?"
                rf"\b{_WD}\b(?:\s+(?P<part>(?i:night|morning|afternoon|evening)))?"
                r"(?:\s+(?P<rel>(?i:last|next|this))\s+(?i:week))?" + _POSS),
    ("day", r"(?i:\b(?:(?:earlier|later|early|late)\s+)?(?P<word>the\s+day\s+before\s+yesterday|"
            r"yesterday|today|tonight|tomorrow|last\s+night|this\s+(?:morning|afternoon|evening))"
            r"(?:\s+(?:morning|afternoon|evening|night))?\b)" + _POSS),
    ("weekend", r"(?i:\b(?:(?:over|at|during|on|throughout|through|for|since|by|until|from)\s+)?"
                r"(?:(?P<q>the|this\s+past|this|last|next|past|previous|coming)\s+)?weekend"
                r"(?P<poss>['’]s\b)?)"),
    ("period", r"(?i:\b(?:(?P<mod>earlier|later|early|late)\s+)?(?:(?:in|during|for|throughout|"
               r"over|since|from|until|by)\s+)?(?P<q>this|last|next)\s+(?P<unit>week|month|year)"
               r"\b(?P<poss>['’]s\b)?)"),
    ("rolling", r"(?i:\b(?:(?:over|in|during|for|throughout|within)\s+)?(?:the\s+(?P<d1>past|"
                r"last|coming|next)|(?P<d2>past|recent|coming)|(?P<d3>last|next)(?=\s+(?:\d|"
                rf"few|couple|several|[a-z]+\s+(?:days|weeks|months|years))))\s+(?:(?P<n>{_NUM})"
                r"\s+)?(?P<unit>days|weeks?|months?|years?)\b(?P<poss>['’]s\b)?)"),
    ("ago", rf"(?i:\b(?P<n>{_NUM})(?:\s+(?:or|to)\s+(?P<n2>{_NUM}))?[\s-]+"
            r"(?P<unit>days?|weeks?|months?|years?|decades?)\s+ago\b)"),
))
_NOT_WEEKDAY_BEFORE = re.compile(r"(?:Good|Black|Bloody|Super|Cyber|Ash|Palm|Holy|Easter|"
                                 r"Shrove|Maundy|Mothering|Giving)\s+$")
_NOT_WEEKDAY_AFTER = re.compile(r"\s+(?:Times|Telegraph|Express|Mirror|Herald|Post|Tribune|Star|"
                                r"Independent|Observer|Mail|Sport|People|Night\s+Live|Bloody|"
                                r"Agreement|Accords?|Prayers?|Edition|Magazine|School)\b")
_EVENT_NOUN = (r"(?:attacks?|ambush(?:es)?|assaults?|clash(?:es)?|violence|shootings?|killings?|"
               r"bombings?|raids?|incidents?|fighting|unrest|riots?|massacres?|explosions?|"
               r"strikes?|firefights?|war|invasion|coup|crisis|protests?|elections?|vote|"
               r"referendum|declaration|deal|agreement|talks|meeting|summit|arrests?)")
_RECAP_CUES = re.compile(
    r"(?i:\bin\s+the\s+(?:wake|aftermath)\s+of\b"
    r"|\bfollowing\s+(?:the|a|an|last|this|its|their|his|her|that|those)\b"
    rf"|\bafter\s+(?:the|a|an|last|this|that|those|its|their)\s+(?:[\w'’-]+\s+){{0,4}}?"
    rf"{_EVENT_NOUN}\b"
    r"|\b(?:comes?|came|coming)\s+(?:[\w-]+\s+){0,3}?(?:after|amid)\b"
    rf"|\bsince\s+(?:the\s+(?:[\w'’-]+\s+){{0,3}}?{_EVENT_NOUN}\b|last\b|early\b|late\b|mid\b"
    rf"|{_YEAR}\b|(?:{_MON_FULL})\b|(?:" + "|".join(_WEEKDAY_NAMES) + r")\b)"
    r"|\bearlier\b(?!\s+(?:on|today|tonight|this|that|in|yesterday|at)\b)"
    r"(?!\s+(?:" + "|".join(_WEEKDAY_NAMES) + r")\b)"
    r"|\brecall(?:ed|s|ing)\s+(?:that|how|when)\b|\banniversary\b)")
_CONTINUES = re.compile(
    r"\s*(?P<m>(?i:subsequently|afterwards?|later|then|meanwhile|shortly\s+(?:after(?:wards)?|"
    r"thereafter)|after\s+that|during\s+the\s+(?:clash(?:es)?|fighting|attack|firefight|"
    r"stand-?off|siege|raid|operation|assault|ambush)))\b")
_CLAUSE_END = re.compile(r"[,;:.!?()\u2014]|\s(?:which|who|where|while|and|but)\s")
_EXPLICIT = frozenset({"iso", "mdy", "dmy"})
_PRECISION_RANK = MappingProxyType({"day": 0, "week": 1, "month": 2, "year": 3})


@dataclass(frozen=True, slots=True)
class DateExpression:
    """A temporal expression found in a sentence, not yet resolved against a date."""

    text: str
    span: tuple[int, int]  # character offsets in the sentence
    kind: str  # iso mdy dmy month year weekday day weekend period rolling ago
    precision: str  # day | week | month | year
    qualifier: str | None = None  # last | this | next | by (kind-specific), rel-week "last_week"
    weekday: int | None = None  # 0 = Monday
    day: int | None = None
    month: int | None = None
    year: int | None = None
    amount: int = 0  # days for kind "day"; count for "ago"/"rolling"
    unit: str | None = None  # day | week | month | year | decade
    modifier: str | None = None  # earlier | later | early | mid | late
    recap: bool = False  # possessive ("weekend's clashes") or "earlier this month/year"
    year_offset: int | None = None  # "in May this/last/next year": 0 / -1 / +1 from publication


@dataclass(frozen=True, slots=True)
class EventDate:
    """The resolved date of an act. ``cue`` is the date expression's text (``span`` its offsets);
    with no expression it is the recap cue that made the mention background, if any."""

    date: str | None  # ISO yyyy-mm-dd; None when unknown
    precision: str  # day | week | month | year | unknown
    background: bool
    cue: str | None
    span: tuple[int, int] | None
    future: bool = False


def find_date_expressions(sentence: str) -> list[DateExpression]:
    """Every temporal expression in ``sentence``, left to right, non-overlapping (longest wins)."""
    return list(_expressions(sentence[:MAX_SENTENCE_CHARS]))


@functools.lru_cache(maxsize=4096)
def _expressions(text: str) -> tuple[DateExpression, ...]:
    """Cached per sentence: the coder asks about the same sentence for each of its acts."""
    found: list[DateExpression] = []
    for kind, pattern in _PATTERNS:
        for m in pattern.finditer(text):
            expr = _build(kind, m, text)
            if expr is not None:
                found.append(expr)
    found.sort(key=lambda e: (e.span[0], e.span[0] - e.span[1]))
    chosen: list[DateExpression] = []
    for expr in found:
        if not chosen or expr.span[0] >= chosen[-1].span[1]:
            chosen.append(expr)
    return tuple(_with_relative_years(chosen, text))


_YEAR_OFFSETS = MappingProxyType({"this": 0, "last": -1, "next": 1})


def _with_relative_years(exprs: list[DateExpression], text: str) -> list[DateExpression]:
    """"in May this year", "on 5 March last year": one expression, the month or day in the
    year the qualifier names (not two, the nearer of which would win on its own)."""
    out: list[DateExpression] = []
    for expr in exprs:
        prev = out[-1] if out else None
        if (prev is not None and prev.kind in {"month", "dmy", "mdy"} and prev.year is None
                and prev.year_offset is None and expr.kind == "period" and expr.unit == "year"
                and expr.qualifier in _YEAR_OFFSETS
                and text[prev.span[1]:expr.span[0]].strip(" ,") == ""):
            out[-1] = replace(prev, text=text[prev.span[0]:expr.span[1]],
                              span=(prev.span[0], expr.span[1]),
                              year_offset=_YEAR_OFFSETS[expr.qualifier or ""])
            continue
        out.append(expr)
    return out


def find_recap_cues(sentence: str) -> list[tuple[str, tuple[int, int]]]:
    """Recap cues ("in the wake of", "following the", ...) with their spans."""
    text = sentence[:MAX_SENTENCE_CHARS]
    return [(m.group(0), m.span()) for m in _RECAP_CUES.finditer(text)]


def resolve_event_date(
    sentence: str, published: datetime | date | None, *, default_recent: bool = True,
    recap_cue: bool = False, trigger: tuple[int, int] | None = None, scan_cues: bool = True,
    previous: EventDate | None = None,
) -> EventDate:
    """The event date of the act reported in ``sentence``.

    With several expressions, the one nearest to the ``trigger`` span is used, else the most
    precise (an explicit date first, then the leftmost). With none, the date is the publication
    day at precision "day" when ``default_recent`` (news reports recent acts), else
    None/"unknown". Recap cues count anywhere in the sentence; with ``trigger`` only when the
    trigger lies inside the cue's clause ("Following the call, X asked ..." does not make the
    request background); ``scan_cues=False`` leaves background to the date and ``recap_cue``.
    A sentence without an expression that continues a narrative ("Subsequently, ...", "Later",
    "During the firefight") takes the date of ``previous``, the preceding sentence's result.
    """
    pub = published.date() if isinstance(published, datetime) else published
    exprs = find_date_expressions(sentence)
    cues = find_recap_cues(sentence) if scan_cues else []
    if trigger is not None:
        cues = [c for c in cues if c[1][0] <= trigger[0] < _clause_end(sentence, c[1][1])]
    cued = recap_cue or bool(cues)
    if not exprs:
        follow = _CONTINUES.match(sentence) if previous is not None else None
        if previous is not None and follow is not None:
            return EventDate(previous.date, previous.precision, previous.background or cued,
                             follow.group("m"), follow.span("m"), previous.future)
        cue = cues[0][0] if cues else None
        if pub is None or not default_recent:
            return EventDate(None, "unknown", cued, cue, None)
        return EventDate(pub.isoformat(), "day", cued, cue, None)
    if trigger is not None:
        start, end = trigger
        expr = min(exprs, key=lambda e: (max(e.span[0] - end, start - e.span[1], 0), e.span[0]))
    else:
        expr = min(exprs, key=lambda e: (_PRECISION_RANK[e.precision],
                                         e.kind not in _EXPLICIT, e.span[0]))
    when = date_of(expr, pub)
    if when is None:
        return EventDate(None, "unknown", cued or expr.recap, expr.text, expr.span)
    future = pub is not None and when > pub
    background = not future and (
        cued or expr.recap
        or (pub is not None and (pub - when).days > BACKGROUND_AFTER_DAYS))
    return EventDate(when.isoformat(), expr.precision, background, expr.text, expr.span, future)


def date_of(expr: DateExpression, published: date | None) -> date | None:
    """The date ``expr`` denotes relative to ``published`` (None if it cannot be known)."""
    if expr.year_offset is not None:
        if published is None:
            return None
        expr = replace(expr, year=published.year + expr.year_offset, year_offset=None)
    if expr.year is not None and expr.kind in {"iso", "mdy", "dmy"} and expr.day is not None:
        return date(expr.year, expr.month or 1, expr.day)
    if expr.year is not None and expr.kind in {"month", "year"}:
        first, last = _period(expr.year, expr.month)
        return _clip(first, last, published, expr.modifier)
    if published is None:
        return None
    pub = published
    monday = pub - timedelta(days=pub.weekday())
    if expr.kind == "day":
        return pub + timedelta(days=expr.amount)
    if expr.kind == "weekday" and expr.weekday is not None:
        return _weekday(pub, monday, expr.weekday, expr.qualifier)
    if expr.kind == "weekend":
        if expr.qualifier == "this":
            return _clip(monday + timedelta(days=5), monday + timedelta(days=6), pub, None)
        if expr.qualifier in {"next", "coming"}:
            return monday + timedelta(days=6 if pub.weekday() < 5 else 13)
        return monday - timedelta(days=1)
    if expr.kind == "period":
        step = {"last": -1, "this": 0, "next": 1}[expr.qualifier or "this"]
        if expr.unit == "week":
            first = monday + timedelta(weeks=step)
            return _clip(first, first + timedelta(days=6), pub, expr.modifier)
        if expr.unit == "month":
            first = _add_months(pub.replace(day=1), step)
            return _clip(*_period(first.year, first.month), pub, expr.modifier)
        return _clip(*_period(pub.year + step, None), pub, expr.modifier)
    if expr.kind == "rolling":
        if expr.qualifier == "next":
            return pub + _span(pub, expr.amount, expr.unit, forward=True)
        return pub
    if expr.kind == "ago":
        return pub - _span(pub, expr.amount, expr.unit, forward=False)
    if expr.kind == "month" and expr.month is not None:
        return _month_occurrence(pub, expr.month, expr.qualifier, expr.modifier)
    if expr.kind in {"mdy", "dmy"} and expr.month is not None and expr.day is not None:
        return _nearest_occurrence(pub, expr.month, expr.day)
    return None


# --- building expressions from matches ------------------------------------------------------


def _build(kind: str, m: re.Match[str], text: str) -> DateExpression | None:
    g = m.groupdict()
    poss = bool(g.get("poss"))
    base = DateExpression(m.group(0), m.span(), kind, "day")
    if kind in {"iso", "mdy", "dmy"}:
        month = int(g["month"]) if kind == "iso" else _MONTHS[g["mon"].rstrip(".").lower()]
        day, year = int(g["day"]), int(g["year"]) if g.get("year") else None
        if day > calendar.monthrange(year or 2000, month)[1]:
            return None
        return replace(base, precision="day", day=day, month=month, year=year,
                              recap=poss)
    if kind == "month":
        year = int(g["year"]) if g.get("year") else None
        return replace(base, precision="month", month=_MONTHS[g["mon"].rstrip(".")
                              .lower()], year=year, qualifier=_low(g.get("q")),
                              modifier=_low(g.get("mod")), recap=poss)
    if kind == "year":
        return replace(base, precision="year", year=int(g["year"]))
    if kind == "weekday":
        if _NOT_WEEKDAY_BEFORE.search(text[max(0, m.start("wd") - 16):m.start("wd")]) or \
                _NOT_WEEKDAY_AFTER.match(text, m.end("wd")):
            return None
        rel, pre = _low(g.get("rel")), _low(g.get("pre"))
        qualifier = f"{rel}_week" if rel else pre if pre in {"last", "next", "this", "by"} else None
        return replace(base, precision="day", weekday=_WEEKDAY_NAMES.index(g["wd"]),
                              qualifier=qualifier, recap=poss)
    if kind == "day":
        word = " ".join(g["word"].lower().split())
        offset = {"the day before yesterday": -2, "yesterday": -1, "last night": -1,
                  "tomorrow": 1}.get(word, 0)
        return replace(base, precision="day", amount=offset, recap=poss)
    if kind == "weekend":
        q = _low(g.get("q"))
        if q is None and not poss:
            return None
        if q in {"the", "this past", "past", "previous"}:
            q = None if q == "the" else "last"
        return replace(base, precision="week", qualifier=q, recap=poss)
    if kind == "period":
        mod = _low(g.get("mod"))
        unit = g["unit"].lower()
        return replace(base, precision="week" if unit == "week" else unit, unit=unit,
                              qualifier=g["q"].lower(), modifier=mod,
                              recap=poss or (mod == "earlier" and unit != "week"))
    if kind == "rolling":
        direction = _low(g.get("d1") or g.get("d2") or g.get("d3"))
        unit = g["unit"].lower()
        plural, unit = unit.endswith("s"), unit.rstrip("s")
        amount, _ = _amount(g["n"]) if g.get("n") else (3 if plural else 1, True)
        precision = _rolling_precision(unit, amount)
        return replace(base, precision=precision, unit=unit, amount=amount,
                              qualifier="next" if direction in {"next", "coming"} else "past",
                              recap=poss)
    if kind == "ago":
        unit = g["unit"].lower().rstrip("s")
        amount, vague = _amount(g["n"])
        precision = ("week" if vague else "day") if unit == "day" else \
            "year" if unit == "decade" else unit
        return replace(base, precision=precision, unit=unit, amount=amount)
    return None


def _amount(text: str) -> tuple[int, bool]:
    """(number, vague) from "3", "three", "a few" ..."""
    key = " ".join(text.lower().split())
    if key.isdigit():
        return int(key), False
    if key in _VAGUE:
        return _VAGUE[key], True
    return _WORD_NUMBERS.get(key, 1), False


def _rolling_precision(unit: str, amount: int) -> str:
    """Precision of a span ending now: the smallest period that holds it."""
    days = amount * {"day": 1, "week": 7, "month": 31}.get(unit, 366)
    return "day" if days <= 1 else "week" if days <= 7 else "month" if days <= 31 else "year"


def _low(value: str | None) -> str | None:
    return " ".join(value.lower().split()) if value else None


# --- date arithmetic --------------------------------------------------------------------------


def _weekday(pub: date, monday: date, weekday: int, qualifier: str | None) -> date:
    if qualifier in {"last_week", "this_week", "next_week"}:
        step = {"last_week": -1, "this_week": 0, "next_week": 1}[qualifier]
        return monday + timedelta(weeks=step, days=weekday)
    if qualifier == "this":
        return monday + timedelta(days=weekday)
    if qualifier == "next":
        return pub + timedelta(days=(weekday - pub.weekday()) % 7 or 7)
    if qualifier == "by":
        return pub + timedelta(days=(weekday - pub.weekday()) % 7)
    back = (pub.weekday() - weekday) % 7
    if qualifier == "last" and back == 0:
        back = 7
    return pub - timedelta(days=back)


def _period(year: int, month: int | None) -> tuple[date, date]:
    if month is None:
        return date(year, 1, 1), date(year, 12, 31)
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def _clip(first: date, last: date, pub: date | None, modifier: str | None) -> date:
    """The date that stands for a period: its last day, or ``pub`` while it is running."""
    if pub is None or not first <= pub <= last or modifier == "later":
        return last
    if modifier == "earlier":
        return max(first, pub - timedelta(days=1))
    return pub


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def _span(pub: date, amount: int, unit: str | None, *, forward: bool) -> timedelta:
    sign = 1 if forward else -1
    if unit in {"month", "year", "decade"}:
        months = amount * {"month": 1, "year": 12, "decade": 120}[unit]
        return abs(_add_months(pub, sign * months) - pub)
    return timedelta(days=amount * (7 if unit == "week" else 1))


def _month_occurrence(pub: date, month: int, qualifier: str | None,
                      modifier: str | None) -> date:
    this_year = date(pub.year, month, 1)
    if qualifier == "this":
        year = pub.year
    elif qualifier == "last":
        year = pub.year if month < pub.month else pub.year - 1
    elif qualifier == "next":
        year = pub.year if month > pub.month else pub.year + 1
    else:
        past = this_year if month <= pub.month else date(pub.year - 1, month, 1)
        future = date(past.year + 1, month, 1)
        year = future.year if (future - pub).days * 3 < (pub - past).days else past.year
    return _clip(*_period(year, month), pub, modifier)


def _nearest_occurrence(pub: date, month: int, day: int) -> date:
    """The most recent past (month, day), unless the next is under a third as far away."""
    candidates = []
    for year in range(pub.year - 4, pub.year + 5):
        if day <= calendar.monthrange(year, month)[1]:
            candidates.append(date(year, month, day))
    past = max(d for d in candidates if d <= pub) if any(d <= pub for d in candidates) else None
    future = min(d for d in candidates if d > pub)
    if past is None or (future - pub).days * 3 < (pub - past).days:
        return future
    return past


def _clause_end(sentence: str, start: int) -> int:
    m = _CLAUSE_END.search(sentence, start)
    return m.start() if m else len(sentence)
