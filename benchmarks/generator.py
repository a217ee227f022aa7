"""Deterministic, lazy news content: the same seed always gives the same articles.

The shape follows issue #7: headlines, ~2,500-character bodies in paragraphs (with the
markup a legacy site leaves behind, so sanitizing has real work to do), 3-6 tags per
article from a 2,000-tag vocabulary with a Zipf-Mandelbrot skew (the most used tag is
carried by about 10% of articles), locales en/it 80/20, 95% published, 0-3 see-also
relations to earlier articles, dates over 15 years, bylines from a pool of authors.

``articles(count)`` is a generator: one article exists at a time, so a million never
sit in memory. Article ids are derived from (seed, index), which lets a relation name
an earlier article without remembering it.

``legacy_pages(directory, count)`` writes pages in the old site's text export format
(issue #3's import), as variants of the example pages in ``examples/legacy/``: see its
docstring.
"""

from __future__ import annotations

import hashlib
import random
import re
from bisect import bisect
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import accumulate, islice
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar
from uuid import UUID

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

__all__ = [
    "DEFAULT_SEED",
    "END",
    "NOW",
    "START",
    "TAG_LOCALE",
    "VOCABULARY_SIZE",
    "GeneratedArticle",
    "TagSpec",
    "article_id",
    "articles",
    "batched",
    "legacy_pages",
    "revised_headline",
    "tag_vocabulary",
]

T = TypeVar("T")

DEFAULT_SEED = 7
START = datetime(2011, 1, 1, tzinfo=UTC)
END = datetime(2026, 1, 1, tzinfo=UTC)
NOW = END + timedelta(days=1)
"""The benchmark's fixed clock: every generated date is in its past."""

VOCABULARY_SIZE = 2000
TAG_LOCALE = "en"
"""Tags are one vocabulary named in English: an Italian article reads the English name."""

# Zipf-Mandelbrot weights 1 / (rank + Q) ** S. With Q = 7 the top tag gets ~2.3% of the
# draws, so with 3-6 tags an article it tags about 10% of the articles (the issue's
# "tag carried by 10% of articles"); the tail keeps a handful each at 100,000.
ZIPF_S = 1.0
ZIPF_Q = 7.0

LOCALES = (("en", 0.8), ("it", 0.2))
PUBLISHED_SHARE = 0.95
TAGS_PER_ARTICLE = (3, 6)
RELATIONS_PER_ARTICLE = (0, 3)
RELATION_REACH = 300.0
"""Mean distance (in articles) back to a see-also target: stories follow recent ones."""
BODY_LENGTH = (2000, 2500)
AUTHOR_POOL = 300
BYLINE_SIZES = (1, 2, 0)
BYLINE_WEIGHTS = (0.80, 0.15, 0.05)
LEGACY_MARKUP_SHARE = 0.05
"""Bodies carrying scripts, inline styles and font tags that the sanitizer must strip."""

# -- word lists (data) -----------------------------------------------------------------

TOPIC_HEADS = (
    "Economy", "Energy", "Elections", "Education", "Health", "Climate", "Migration",
    "Religion", "Human Rights", "Trade", "Technology", "Justice", "Labour", "Agriculture",
    "Security", "Diplomacy", "Culture", "Sport", "Transport", "Housing", "Water",
    "Finance", "Industry", "Tourism", "Media", "Science", "Defence", "Welfare",
    "Environment", "Telecoms", "Mining", "Fisheries", "Banking", "Shipping", "Aviation",
    "Pensions", "Taxation", "Corruption", "Censorship", "Press Freedom",
)  # fmt: skip

TOPIC_TAILS = (
    "Policy", "Reform", "Crisis", "Debate", "Summit", "Strike", "Protest", "Law",
    "Budget", "Scandal", "Report", "Census", "Forum", "Index", "Plan", "Talks",
    "Dispute", "Investment", "Outlook", "Agenda", "Inquiry", "Ruling", "Programme",
    "Campaign", "Network", "Market", "Union", "Court", "Council", "Fund", "Tariffs",
    "Subsidies", "Quotas", "Exports", "Imports", "Statistics", "Forecast", "Review",
    "Treaty", "Alliance", "Partnership", "Initiative", "Task Force", "Commission",
    "Ombudsman", "Watchdog", "Regulator", "Tribunal", "Hearing", "Audit",
)  # fmt: skip

REGIONS = (
    "Korea", "China", "Japan", "India", "Pakistan", "Bangladesh", "Sri Lanka", "Nepal",
    "Vietnam", "Laos", "Cambodia", "Thailand", "Myanmar", "Malaysia", "Singapore",
    "Indonesia", "Philippines", "Mongolia", "Taiwan", "Hong Kong", "Macau", "Tibet",
    "Xinjiang", "Kazakhstan", "Uzbekistan", "Kyrgyzstan", "Tajikistan", "Afghanistan",
    "Iran", "Iraq", "Syria", "Lebanon", "Jordan", "Israel", "Palestine", "Turkey",
    "Egypt", "Saudi Arabia", "Yemen", "Oman", "Qatar", "Kuwait", "Bahrain",
    "United Arab Emirates", "Russia", "Ukraine", "Georgia", "Armenia", "Azerbaijan",
    "Italy", "Vatican", "France", "Germany", "Spain", "Portugal", "Poland", "Greece",
    "United Kingdom", "Ireland", "United States", "Canada", "Mexico", "Brazil",
    "Argentina", "Chile", "Peru", "Colombia", "Venezuela", "Nigeria", "Kenya",
    "Ethiopia", "South Africa", "Congo", "Sudan", "Australia", "New Zealand",
    "Papua New Guinea", "East Timor", "Brunei", "Bhutan", "Maldives",
)  # fmt: skip

FIRST_NAMES = (
    "Joseph", "Maria", "Paolo", "Anna", "Bernardo", "Giulia", "Nirmala", "Wang",
    "Kim", "Lee", "Ahmad", "Fatima", "John", "Sarah", "Luca", "Chiara", "Santosh",
    "Mei", "Hiroshi", "Yuki", "Pedro", "Lucia", "Dmitri", "Olga", "Thomas", "Elena",
    "Rahul", "Priya", "Samuel", "Grace",
)  # fmt: skip

LAST_NAMES = (
    "Yun Li-sun", "Cervellera", "Rossi", "Bianchi", "Digal", "Carvalho", "Zhang",
    "Park", "Nguyen", "Tanaka", "Kumar", "Khan", "Smith", "Brown", "Ricci", "Conti",
    "Fernando", "Sato", "Ivanov", "Petrova", "Mueller", "Garcia", "Lopez", "Santos",
    "Mendes", "Okafor", "Mensah", "Haddad", "Farouk", "Moreau",
)  # fmt: skip

PLACES = (
    "Seoul", "Beijing", "Rome", "Vatican City", "Tokyo", "New Delhi", "Mumbai",
    "Dhaka", "Colombo", "Kathmandu", "Hanoi", "Bangkok", "Yangon", "Jakarta", "Manila",
    "Hong Kong", "Taipei", "Ulaanbaatar", "Karachi", "Lahore", "Kabul", "Tehran",
    "Baghdad", "Beirut", "Jerusalem", "Amman", "Cairo", "Istanbul", "Moscow", "Kyiv",
    "Milan", "Paris", "London", "Washington", "Nairobi", "Sydney",
)  # fmt: skip

SOURCES = ("AsiaNews", "Agenzia Fides", "NewsWire", "Staff", "Pacific Desk")

HEADLINE_PARTS: dict[str, tuple[tuple[str, ...], ...]] = {
    "en": (
        (
            "Beijing",
            "Seoul",
            "The Pope",
            "Farmers",
            "Bishops",
            "Students",
            "Workers",
            "The government",
            "Parliament",
            "Activists",
            "Fishermen",
            "Doctors",
            "The central bank",
            "Teachers",
            "Pilgrims",
            "Refugees",
            "Investors",
            "The army",
            "Villagers",
            "Women's groups",
            "The opposition",
            "Judges",
            "Exporters",
            "Volunteers",
            "The mayor",
            "Miners",
            "Nurses",
            "Journalists",
            "Religious leaders",
            "Young Catholics",
        ),
        (
            "call for",
            "reject",
            "welcome",
            "protest against",
            "debate",
            "prepare for",
            "warn of",
            "pray for",
            "vote on",
            "push back on",
            "celebrate",
            "investigate",
            "demand",
            "rally behind",
            "question",
            "sign",
            "postpone",
            "announce",
            "denounce",
            "back",
        ),
        (
            "new labour rules",
            "a fuel price rise",
            "the arms race",
            "flood relief",
            "a peace plan",
            "the census",
            "school reforms",
            "a river dam",
            "press laws",
            "the harvest",
            "land seizures",
            "a vaccination drive",
            "the trade deal",
            "border talks",
            "a new cathedral",
            "minimum wages",
            "water shortages",
            "the election date",
            "coal mines",
            "a rail link",
            "a tax amnesty",
            "religious freedom",
            "the youth festival",
            "child labour",
            "the drought",
            "a housing plan",
            "the new budget",
            "rice exports",
            "an anti-graft drive",
            "the typhoon season",
        ),
        (
            "in {place}",
            "after {days} days",
            "as talks stall",
            "despite warnings",
            "ahead of the vote",
            "for the first time",
            "in the north",
            "in the south",
            "amid tensions",
            "in {year}",
            "once again",
            "at last",
        ),
    ),
    "it": (
        (
            "Pechino",
            "Seul",
            "Il Papa",
            "Gli agricoltori",
            "I vescovi",
            "Gli studenti",
            "I lavoratori",
            "Il governo",
            "Il parlamento",
            "Gli attivisti",
            "I pescatori",
            "I medici",
            "La banca centrale",
            "Gli insegnanti",
            "I pellegrini",
            "I profughi",
            "Gli investitori",
            "L'esercito",
            "Le donne",
            "L'opposizione",
            "I giudici",
            "I volontari",
            "Il sindaco",
            "I minatori",
            "I giornalisti",
        ),
        (
            "chiedono",
            "respingono",
            "accolgono",
            "protestano contro",
            "discutono",
            "si preparano a",
            "avvertono su",
            "pregano per",
            "votano su",
            "celebrano",
            "indagano su",
            "sostengono",
            "denunciano",
            "rinviano",
            "annunciano",
        ),
        (
            "le nuove regole sul lavoro",
            "il rincaro della benzina",
            "la corsa agli armamenti",
            "gli aiuti per l'alluvione",
            "un piano di pace",
            "il censimento",
            "la riforma della scuola",
            "una diga sul fiume",
            "la legge sulla stampa",
            "il raccolto",
            "gli espropri",
            "la campagna di vaccinazione",
            "l'accordo commerciale",
            "i negoziati di confine",
            "una nuova cattedrale",
            "il salario minimo",
            "la siccità",
            "la data delle elezioni",
            "le miniere",
            "la libertà religiosa",
            "il lavoro minorile",
            "il nuovo bilancio",
            "la città vecchia",
            "perché la crisi continua",
        ),
        (
            "a {place}",
            "dopo {days} giorni",
            "nonostante gli avvertimenti",
            "prima del voto",
            "per la prima volta",
            "nel nord",
            "nel sud",
            "tra le tensioni",
            "nel {year}",
            "ancora una volta",
            "finalmente",
        ),
    ),
}

BODY_WORDS = (
    "the", "government", "said", "people", "village", "church", "community", "local",
    "authorities", "report", "according", "sources", "million", "families", "economic",
    "growth", "policy", "minister", "announced", "week", "province", "officials",
    "workers", "rights", "religious", "freedom", "bishop", "parish", "priests",
    "faithful", "celebration", "crisis", "water", "rice", "harvest", "flood", "prices",
    "market", "trade", "border", "talks", "agreement", "security", "police", "arrested",
    "activists", "students", "university", "schools", "children", "health", "hospital",
    "doctors", "patients", "vaccine", "campaign", "election", "vote", "parliament",
    "opposition", "party", "leader", "president", "prime", "decision", "court", "judge",
    "law", "reform", "tax", "budget", "bank", "investment", "factory", "jobs", "wages",
    "strike", "protest", "demonstration", "capital", "city", "region", "north", "south",
    "coast", "mountain", "river", "dam", "energy", "coal", "oil", "gas", "prices",
    "inflation", "exports", "imports", "neighbouring", "country", "international",
    "united", "nations", "aid", "relief", "victims", "survivors", "rebuilding", "homes",
    "damage", "storm", "typhoon", "earthquake", "drought", "food", "shortage", "poverty",
    "migrants", "refugees", "camp", "visit", "pope", "message", "peace", "dialogue",
    "tension", "military", "army", "missile", "nuclear", "programme", "sanctions",
    "diplomats", "embassy", "meeting", "summit", "statement", "press", "journalists",
    "media", "internet", "censorship", "online", "young", "generation", "future",
    "history", "tradition", "culture", "festival", "year", "month", "day", "since",
    "after", "before", "during", "while", "however", "although", "because", "despite",
    "many", "several", "most", "new", "old", "first", "last", "major", "small", "large",
    "public", "private", "national", "foreign", "official", "independent", "recent",
    "growing", "serious", "difficult", "important", "strong", "weak", "high", "low",
    "continue", "remain", "become", "expect", "hope", "fear", "warn", "call", "ask",
    "help", "support", "oppose", "build", "open", "close", "reach", "face", "lose",
    "win", "pay", "cost", "raise", "cut", "increase", "reduce", "plan", "promise",
)  # fmt: skip

# 256 entries, so one random byte picks one word (the list repeats to fill the table).
WORD_TABLE = tuple(BODY_WORDS[i % len(BODY_WORDS)] for i in range(256))

LINK_HOSTS = ("www.asianews.it", "example.org", "news.example.com")

LEGACY_JUNK = (
    '<script type="text/javascript">trackView();</script>',
    '<p style="font-family: Verdana; color: #333" onclick="share()">&nbsp;</p>',
    '<font face="Arial" size="2"><b>Share</b></font>',
    '<iframe src="https://ads.example.com/banner"></iframe>',
    "<!-- begin legacy body -->",
)


# -- the generated records ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TagSpec:
    """A tag as an article names it: kind and English name."""

    kind: str
    name: str


@dataclass(frozen=True, slots=True)
class GeneratedArticle:
    """One article as a legacy source would hand it over (the body is raw HTML)."""

    index: int
    id: UUID
    locale: str
    headline: str
    summary: str
    body: str
    byline: tuple[str, ...]
    dateline_place: str
    dateline_source: str
    published: bool
    published_at: datetime | None
    created_at: datetime
    tags: tuple[TagSpec, ...]
    see_also: tuple[UUID, ...]
    """Ids of earlier articles, in the order the page lists them."""


def article_id(seed: int, index: int) -> UUID:
    """The id of the ``index``-th article of ``seed``'s stream (stable, no state needed)."""
    digest = hashlib.blake2b(f"{seed}:{index}".encode(), digest_size=16).digest()
    return UUID(bytes=digest, version=4)


def tag_vocabulary(seed: int = DEFAULT_SEED) -> tuple[TagSpec, ...]:
    """The 2,000 tags in popularity order: index 0 is the most used tag."""
    names = [TagSpec("region", name) for name in REGIONS]
    names += [TagSpec("topic", f"{head} {tail}") for head in TOPIC_HEADS for tail in TOPIC_TAILS]
    names = names[:VOCABULARY_SIZE]
    random.Random(f"vocabulary:{seed}").shuffle(names)
    return tuple(names)


def _authors(seed: int) -> tuple[str, ...]:
    pairs = [f"{first} {last}" for first in FIRST_NAMES for last in LAST_NAMES]
    return tuple(random.Random(f"authors:{seed}").sample(pairs, AUTHOR_POOL))


class _Stream:
    """The state of one article stream: its random source and its cumulative weights."""

    def __init__(self, count: int, seed: int) -> None:
        self.count = count
        self.seed = seed
        self.rng = random.Random(seed)
        self.vocabulary = tag_vocabulary(seed)
        weights = [1.0 / (rank + 1 + ZIPF_Q) ** ZIPF_S for rank in range(len(self.vocabulary))]
        self.cumulative = list(accumulate(weights))
        self.authors = _authors(seed)
        self.span = (END - START).total_seconds()

    def article(self, index: int) -> GeneratedArticle:
        rng = self.rng
        locale = "en" if rng.random() < LOCALES[0][1] else "it"
        # Mostly chronological, as archives are, with a little disorder.
        slot = (index + rng.random()) / self.count * self.span
        moment = START + timedelta(seconds=slot) - timedelta(hours=rng.random() * 48)
        moment = max(START, moment).replace(microsecond=0)
        published = rng.random() < PUBLISHED_SHARE
        created_at = moment - timedelta(minutes=rng.randrange(0, 360))
        return GeneratedArticle(
            index=index,
            id=article_id(self.seed, index),
            locale=locale,
            headline=self.headline(locale),
            summary=self.sentence(18, 34),
            body=self.body(),
            byline=self.byline(),
            dateline_place=rng.choice(PLACES),
            dateline_source=rng.choice(SOURCES),
            published=published,
            published_at=moment if published else None,
            created_at=created_at,
            tags=self.tags(),
            see_also=self.see_also(index),
        )

    def headline(self, locale: str) -> str:
        rng = self.rng
        subject, verb, thing, tail = (rng.choice(part) for part in HEADLINE_PARTS[locale])
        tail = tail.format(
            place=rng.choice(PLACES), days=rng.randrange(2, 40), year=rng.randrange(2011, 2026)
        )
        return f"{subject} {verb} {thing} {tail}"

    def sentence(self, shortest: int, longest: int) -> str:
        # One random byte per word: bodies are most of the generator's work.
        length = self.rng.randrange(shortest, longest)
        words = [WORD_TABLE[byte] for byte in self.rng.randbytes(length)]
        return " ".join(words).capitalize() + "."

    def body(self) -> str:
        rng = self.rng
        target = rng.randrange(*BODY_LENGTH)
        paragraphs: list[str] = []
        length = 0
        while length < target:
            text = " ".join(self.sentence(8, 22) for _ in range(rng.randrange(2, 5)))
            if rng.random() < 0.3:
                word = rng.choice(BODY_WORDS)
                text = text.replace(f" {word} ", f" <em>{word}</em> ", 1)
            if rng.random() < 0.15:
                host = rng.choice(LINK_HOSTS)
                text += f' <a href="https://{host}/n{rng.randrange(10**6)}.html">More</a>'
            if rng.random() < 0.1:
                text = f"<blockquote>{text}</blockquote>"
            paragraphs.append(f"<p>{text}</p>")
            length += len(text) + 7
        if rng.random() < LEGACY_MARKUP_SHARE:
            paragraphs.insert(rng.randrange(len(paragraphs) + 1), rng.choice(LEGACY_JUNK))
        return "\n".join(paragraphs)

    def byline(self) -> tuple[str, ...]:
        (size,) = self.rng.choices(BYLINE_SIZES, weights=BYLINE_WEIGHTS)
        return tuple(self.rng.sample(self.authors, size))

    def tags(self) -> tuple[TagSpec, ...]:
        rng = self.rng
        wanted = rng.randint(*TAGS_PER_ARTICLE)
        total = self.cumulative[-1]
        chosen: dict[int, None] = {}
        while len(chosen) < wanted:
            chosen[bisect(self.cumulative, rng.random() * total)] = None
        return tuple(self.vocabulary[rank] for rank in chosen)

    def see_also(self, index: int) -> tuple[UUID, ...]:
        rng = self.rng
        wanted = min(rng.randint(*RELATIONS_PER_ARTICLE), index)
        targets: dict[int, None] = {}
        while len(targets) < wanted:
            back = 1 + int(rng.expovariate(1.0 / RELATION_REACH))
            targets[max(0, index - back)] = None
        return tuple(article_id(self.seed, target) for target in targets)


def articles(count: int, *, seed: int = DEFAULT_SEED) -> Iterator[GeneratedArticle]:
    """Yield ``count`` articles, oldest first, one at a time.

    Args:
        count: how many articles the stream holds (dates spread over 15 years).
        seed: the same seed gives the same articles, ids and tags.
    """
    if count < 1:
        raise ValueError("count must be at least 1")
    stream = _Stream(count, seed)
    for index in range(count):
        yield stream.article(index)


def revised_headline(locale: str, headline: str) -> str:
    """An editor's new headline, different enough from ``headline`` to need a new slug."""
    prefix = "Aggiornamento:" if locale == "it" else "Update:"
    return f"{prefix} {headline}"


def batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """Consecutive lists of ``size`` items (the last may be shorter)."""
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


# -- legacy pages (issue #3's import) -----------------------------------------------------

LEGACY_TEMPLATES = Path(__file__).resolve().parents[1] / "examples" / "legacy"


@dataclass(frozen=True, slots=True)
class _Template:
    """An example page cut where a generated page differs: date, headline, "See also" items."""

    lines: tuple[str, ...]
    day_first: bool
    headline_at: int
    see_also: tuple[int, int]
    """Where the "See also" items start and end (end excluded): title and date lines."""
    headline: str

    @classmethod
    def read(cls, path: Path) -> _Template:
        from newscms.importers import parse  # only the import workload needs the parser

        text = path.read_text(encoding="utf-8")
        draft = parse(text, source=str(path)).drafts[0]
        lines = tuple(text.splitlines())
        titles = [r.pending.title for r in draft.relations if r.pending is not None]
        if not titles:
            raise ValueError(f"{path} has no 'See also' items to vary")
        first = lines.index(titles[0])
        last = lines.index(titles[-1]) + 2  # the last title and its date line
        # Whichever field of the page's own date is above 12 says how the edition writes it.
        day_first = int(re.split(r"\D", lines[0].strip())[0]) > 12
        return cls(lines, day_first, lines.index(draft.headline), (first, last), draft.headline)


def _legacy_moment(index: int) -> datetime:
    """Page ``index``'s date: days 13 to 28 only, so no date of any edition is ambiguous."""
    month = index // 16
    return datetime(1970 + month // 12, month % 12 + 1, 13 + index % 16, 6 + index % 12, index % 60)


def legacy_pages(directory: Path, count: int, *, prefix: str = "") -> list[Path]:
    """Write ``count`` legacy pages into ``directory``; returns their paths in import order.

    Each page is a variant of an example page (``examples/legacy/``, every edition:
    English, Italian, Spanish, Chinese) that keeps its template's language, chrome and
    body, and gets its own number in the headline, its own date, and a "See also" list
    naming other generated pages of its edition by title and date: even pages name two
    earlier pages (stored already: the relations resolve on arrival), odd pages name two
    later pages (pending until they arrive) and a story never imported (pending for
    good). The same ``count`` and ``prefix`` always give the same files.
    """
    templates = [_Template.read(path) for path in sorted(LEGACY_TEMPLATES.glob("*.txt"))]
    period = len(templates)

    def headline(index: int) -> str:
        return f"{prefix}{index:05d} {templates[index % period].headline}"

    def see_also_date(index: int) -> str:
        return _legacy_moment(index).strftime("%d/%m/%Y %H:%M")

    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for index in range(count):
        template = templates[index % period]
        moment = _legacy_moment(index)
        own_date = moment.strftime("%d/%m/%Y, %H.%M" if template.day_first else "%m/%d/%Y, %H.%M")
        if index % 2 == 0:
            named = [j for j in (index - period, index - 2 * period) if j >= 0]
        else:
            named = [index + period, index + 3 * period]
        items = [(headline(j), see_also_date(j)) for j in named]
        if index % 2 or not items:
            items.append((f"A story {prefix}{index} never imported", see_also_date(index)))
        lines = list(template.lines)
        start, end = template.see_also
        lines[start:end] = [line for item in items for line in item]
        lines[template.headline_at] = headline(index)
        lines[0] = own_date
        path = directory / f"{prefix}page-{index:05d}.txt"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        paths.append(path)
    return paths
