# ruff: noqa: RUF001 - the editions write full-width punctuation, en dashes, curly quotes
"""A synthetic legacy archive: one site, every story in every edition, as files on disk.

``write_archive(directory, stories, seed=...)`` writes what a migration of the old site
meets (issue #12): each story exists in each edition (English, Italian, Spanish and
Chinese by default), a page per edition, under a directory per edition and a
URL-shaped file name ending in the story's number::

    news-en/China-bishops-call-for-religious-freedom-after-the-floods-10412.html
    news-it/Cina-i-vescovi-chiedono-la-liberta-religiosa-dopo-le-alluvioni-10412.html

Every page is a legacy page in its edition's language, laid out like the example pages
(``examples/legacy/``): the header date, the region line, the share chrome, the
headline, the byline, the summary, the body (its first paragraph opening with a
dateline), the topic tags, the share/print/close chrome, the "See also" list (each
title followed by its date) and the newsletter box and footer motto, all in the
edition's words. What a migration has to work out is built in:

- **Header dates in each edition's convention**: English month-first (``06/14/2012,
  09.30``), the others day-first (``14/06/2012, 09.30``); about ``ambiguous_share`` of
  all pages have a day of 12 or less (and not equal to the month), so their header
  alone cannot tell, and the rest prove the convention. About ``month_name_share`` of
  the pages write the header date with the month named, as CLDR writes the edition's
  long date (``June 14, 2012``, ``14 giugno 2012``, ``14 de junio de 2012``,
  ``2012年6月14日``), followed by the time when it is known. ``00.00`` (or no time after
  a named month) means the time was not recorded: the article is dated midnight.
  Wall times are the site's clock, ``SITE_ZONE`` (newscms's default import zone).
- **"See also" dates** are day-first in every edition, as the example pages write them
  (``12/02/2016 15:14``, ``20/07/2005``), whatever the header's convention: a corpus
  learns each kind of date on its own. The list names earlier stories of the same
  edition by their headline in that edition.
- **Places**: the region line names one country of ``COUNTRIES`` by its CLDR territory
  name in the edition's language, upper-cased like the example pages (CHINA, CINA,
  CHINA, 中国); the dateline names a city of it by its CLDR exemplar-city name.
- **Topic tags** come from a small pool (``TOPICS``) named in every edition's language;
  a story's tags stand at the same positions of the tag list in every edition.
- **Write order** is shuffled (seeded), so the editions of a story are not written one
  after another; ``collect_files`` still lists them sorted by path.

The returned :class:`Archive` is the manifest a test checks an import against: every
page's locator, story, locale, expected ``published_at`` and whether its time is known,
the header date as written and whether it is ambiguous or names its month, the country
and the region name written, the topic tags and the "See also" stories. The same
arguments always write the same bytes.
"""

from __future__ import annotations

import random
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, get_timezone, get_timezone_location

from newscms.utils.dates import DateOrder

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from pathlib import Path

__all__ = [
    "COUNTRIES",
    "EDITIONS",
    "SEE_ALSO_ORDER",
    "SITE_ZONE",
    "TOPICS",
    "Archive",
    "ArchivePage",
    "header_order",
    "write_archive",
]

SITE_ZONE = "Europe/Rome"
"""The legacy site's wall clock; ``newscms.importers.ImportOptions().timezone`` too."""

EDITIONS = ("en", "it", "es", "zh")
"""The editions ``write_archive`` knows the words of, in its default order."""

SEE_ALSO_ORDER = DateOrder.DAY_FIRST
"""How every edition writes its "See also" dates (the example pages' way)."""

FIRST_DAY = date(2005, 1, 1)
LAST_DAY = date(2024, 12, 31)
FIRST_NUMBER = 10_000
"""The lowest story number; numbers grow with the story's date, with gaps."""

UNKNOWN_TIME_SHARE = 0.15
"""Stories whose time was not recorded (``00.00``, or a named month without a time)."""
BYLINE_SHARE = 0.9
SECOND_AUTHOR_SHARE = 0.15
TOPICS_PER_STORY = (1, 3)
SEE_ALSO_SIZES = (0, 1, 2, 3)
SEE_ALSO_WEIGHTS = (0.2, 0.3, 0.3, 0.2)
SEE_ALSO_REACH = 60
"""How far back (in stories) a "See also" item reaches."""
PARAGRAPHS = (3, 5)

# -- the words (data) -----------------------------------------------------------------------

COUNTRIES: Mapping[str, str] = {
    "CN": "Asia/Shanghai",
    "IN": "Asia/Kolkata",
    "PK": "Asia/Karachi",
    "BD": "Asia/Dhaka",
    "LK": "Asia/Colombo",
    "NP": "Asia/Kathmandu",
    "VN": "Asia/Ho_Chi_Minh",
    "TH": "Asia/Bangkok",
    "ID": "Asia/Jakarta",
    "PH": "Asia/Manila",
    "JP": "Asia/Tokyo",
    "KR": "Asia/Seoul",
    "KP": "Asia/Pyongyang",
    "KH": "Asia/Phnom_Penh",
    "LB": "Asia/Beirut",
}
"""ISO 3166 code -> a time zone of the country, whose CLDR exemplar city is the dateline."""

_TOPIC_NAMES = (
    # en, it, es, zh
    ("Religious freedom", "Libertà religiosa", "Libertad religiosa", "宗教自由"),
    ("Human rights", "Diritti umani", "Derechos humanos", "人权"),
    ("Persecution", "Persecuzione", "Persecución", "迫害"),
    ("Migrants", "Migranti", "Migrantes", "移民"),
    ("Catholic Church", "Chiesa cattolica", "Iglesia católica", "天主教会"),
    ("Floods", "Alluvioni", "Inundaciones", "洪灾"),
    ("Economy", "Economia", "Economía", "经济"),
    ("Elections", "Elezioni", "Elecciones", "选举"),
    ("Education", "Istruzione", "Educación", "教育"),
    ("Poverty", "Povertà", "Pobreza", "贫困"),
    ("Environment", "Ambiente", "Medio ambiente", "环境"),
    ("Pope Francis", "Papa Francesco", "Papa Francisco", "教宗方济各"),
    ("Interreligious dialogue", "Dialogo interreligioso", "Diálogo interreligioso", "宗教对话"),
    ("Youth", "Giovani", "Jóvenes", "青年"),
)
TOPICS: tuple[Mapping[str, str], ...] = tuple(
    dict(zip(EDITIONS, names, strict=True)) for names in _TOPIC_NAMES
)
"""The topic tags, each named in every edition (one concept per entry)."""

AUTHORS = (
    "Bernardo Cervellera", "Nirmala Carvalho", "Santosh Digal", "Joseph Yun Li-sun",
    "Paul Leung", "Jibran Khan", "Melani Manel Perera", "Mathias Hariyadi", "Dario Salvi",
    "Weena Kowitwanij", "Christopher Sharma", "Paolo Fossati",
)  # fmt: skip
CHINESE_AUTHORS = ("梁保禄", "王明", "李华", "陈安", "张若瑟", "林玛利亚")


@dataclass(frozen=True, slots=True)
class _Words:
    """How one edition writes a page: its chrome, its date conventions, its phrases."""

    header_order: DateOrder
    time_separator: str
    share: str
    print: str
    close: str
    tags: str
    see_also: str
    newsletter: tuple[str, ...]
    byline: str
    joiner: str
    source: str
    dateline: str
    """The dateline's pattern: ``{city}`` and ``{source}``, then the paragraph."""
    headline: str
    """The headline's pattern: ``{country}``, ``{action}``, ``{object}``, ``{tail}``."""
    actions: tuple[str, ...]
    objects: tuple[str, ...]
    tails: tuple[str, ...]
    sentences: tuple[str, ...]
    """Body sentences; ``{country}`` and ``{city}`` are filled in."""


FOOTER_MOTTO = (
    "“L’Asia: ecco il nostro comune compito per il terzo millennio!” - Giovanni Paolo II, "
    "da “Alzatevi, andiamo”"
)

_WORDS: Mapping[str, _Words] = {
    "en": _Words(
        header_order=DateOrder.MONTH_FIRST,
        time_separator=", ",
        share="Send to a friend",
        print="Printable version",
        close="CLOSE X",
        tags="TAGs",
        see_also="See also",
        newsletter=(
            "Newsletter",
            "Subscribe to Asia News updates or change your preferences",
            "Subscribe now",
        ),
        byline="by {names}",
        joiner=" and ",
        source="AsiaNews",
        dateline="{city} ({source}) - ",
        headline="{country}: {action} {object} {tail}",
        actions=(
            "bishops call for",
            "students demand",
            "the government promises",
            "farmers protest over",
            "activists denounce the lack of",
            "parishes prepare for",
            "the Pope prays for",
            "workers strike over",
            "women's groups campaign for",
            "Catholic schools offer",
            "religious leaders meet on",
            "young people march for",
        ),
        objects=(
            "religious freedom",
            "fair wages",
            "flood relief",
            "clean water",
            "new schools",
            "land rights",
            "a peace plan",
            "press freedom",
            "the new budget",
            "minority rights",
            "rice prices",
            "an end to the violence",
        ),
        tails=(
            "after the floods",
            "ahead of the elections",
            "despite the ban",
            "for the first time",
            "in the capital",
            "as tensions rise",
            "at Christmas",
            "during Lent",
            "after years of silence",
            "before the summit",
        ),
        sentences=(
            "The local community gathered in {city} to ask for dialogue and respect.",
            "According to sources in {country}, hundreds of families have been affected.",
            "The authorities have not yet answered the requests of the faithful.",
            "Priests and volunteers handed out food, water and medicine in the poorest districts.",
            '"We only ask to live in peace with our neighbours," a parish worker told AsiaNews.',
            "The bishops' conference has published a message calling for calm.",
            "In recent months the situation has worsened in several provinces of {country}.",
            "Civil society groups say the new rules threaten basic freedoms.",
            "Many young people have joined the initiative through social networks.",
            "The government says it will present a plan by the end of the year.",
            "International observers are following the developments closely.",
            "Catholics are a small minority in {country}, but run many schools and clinics.",
        ),
    ),
    "it": _Words(
        header_order=DateOrder.DAY_FIRST,
        time_separator=", ",
        share="Invia ad un amico",
        print="Versione stampabile",
        close="CHIUDI X",
        tags="TAGs",
        see_also="Vedi anche",
        newsletter=(
            "Newsletter",
            "Iscriviti alla newsletter di AsiaNews o modifica le tue preferenze",
            "Iscriviti subito",
        ),
        byline="di {names}",
        joiner=" e ",
        source="AsiaNews",
        dateline="{city} ({source}) - ",
        headline="{country}: {action} {object} {tail}",
        actions=(
            "i vescovi chiedono",
            "gli studenti reclamano",
            "il governo promette",
            "gli agricoltori protestano per",
            "gli attivisti denunciano la mancanza di",
            "le parrocchie si preparano per",
            "il Papa prega per",
            "i lavoratori scioperano per",
            "le associazioni di donne si battono per",
            "le scuole cattoliche offrono",
            "i leader religiosi discutono di",
            "i giovani marciano per",
        ),
        objects=(
            "la libertà religiosa",
            "salari giusti",
            "gli aiuti per le alluvioni",
            "l'acqua pulita",
            "nuove scuole",
            "il diritto alla terra",
            "un piano di pace",
            "la libertà di stampa",
            "il nuovo bilancio",
            "i diritti delle minoranze",
            "il prezzo del riso",
            "la fine delle violenze",
        ),
        tails=(
            "dopo le alluvioni",
            "in vista delle elezioni",
            "nonostante il divieto",
            "per la prima volta",
            "nella capitale",
            "mentre crescono le tensioni",
            "a Natale",
            "durante la Quaresima",
            "dopo anni di silenzio",
            "prima del vertice",
        ),
        sentences=(
            "La comunità locale si è riunita a {city} per chiedere dialogo e rispetto.",
            "Secondo fonti in {country}, centinaia di famiglie sono state colpite.",
            "Le autorità non hanno ancora risposto alle richieste dei fedeli.",
            "Sacerdoti e volontari hanno distribuito cibo, acqua e medicine nei quartieri "
            "più poveri.",
            '"Chiediamo solo di vivere in pace con i nostri vicini", ha detto ad AsiaNews '
            "un operatore della parrocchia.",
            "La conferenza episcopale ha pubblicato un messaggio che invita alla calma.",
            "Negli ultimi mesi la situazione è peggiorata in diverse province di {country}.",
            "I gruppi della società civile dicono che le nuove regole minacciano le libertà "
            "fondamentali.",
            "Molti giovani hanno aderito all'iniziativa attraverso i social network.",
            "Il governo afferma che presenterà un piano entro la fine dell'anno.",
            "Gli osservatori internazionali seguono da vicino gli sviluppi.",
            "I cattolici sono una piccola minoranza in {country}, ma gestiscono molte scuole "
            "e cliniche.",
        ),
    ),
    "es": _Words(
        header_order=DateOrder.DAY_FIRST,
        time_separator=", ",
        share="Enviar a un amigo",
        print="Versión para imprimir",
        close="CERRAR X",
        tags="TAGs",
        see_also="Ver también",
        newsletter=(
            "Boletín",
            "Suscríbase a las actualizaciones de AsiaNews o cambie sus preferencias",
            "Suscríbase ahora",
        ),
        byline="por {names}",
        joiner=" y ",
        source="AsiaNews",
        dateline="{city} ({source}) – ",
        headline="{country}: {action} {object} {tail}",
        actions=(
            "los obispos piden",
            "los estudiantes exigen",
            "el gobierno promete",
            "los campesinos protestan por",
            "los activistas denuncian la falta de",
            "las parroquias se preparan para",
            "el Papa reza por",
            "los trabajadores hacen huelga por",
            "los grupos de mujeres luchan por",
            "las escuelas católicas ofrecen",
            "los líderes religiosos debaten sobre",
            "los jóvenes marchan por",
        ),
        objects=(
            "la libertad religiosa",
            "salarios justos",
            "ayuda para las inundaciones",
            "agua potable",
            "nuevas escuelas",
            "el derecho a la tierra",
            "un plan de paz",
            "la libertad de prensa",
            "el nuevo presupuesto",
            "los derechos de las minorías",
            "el precio del arroz",
            "el fin de la violencia",
        ),
        tails=(
            "tras las inundaciones",
            "ante las elecciones",
            "pese a la prohibición",
            "por primera vez",
            "en la capital",
            "mientras crecen las tensiones",
            "en Navidad",
            "durante la Cuaresma",
            "tras años de silencio",
            "antes de la cumbre",
        ),
        sentences=(
            "La comunidad local se reunió en {city} para pedir diálogo y respeto.",
            "Según fuentes en {country}, cientos de familias se han visto afectadas.",
            "Las autoridades todavía no han respondido a las peticiones de los fieles.",
            "Sacerdotes y voluntarios repartieron comida, agua y medicinas en los barrios "
            "más pobres.",
            '"Solo pedimos vivir en paz con nuestros vecinos", dijo a AsiaNews un agente '
            "de pastoral.",
            "La conferencia episcopal ha publicado un mensaje que llama a la calma.",
            "En los últimos meses la situación ha empeorado en varias provincias de {country}.",
            "Los grupos de la sociedad civil afirman que las nuevas normas amenazan las "
            "libertades básicas.",
            "Muchos jóvenes se han sumado a la iniciativa a través de las redes sociales.",
            "El gobierno asegura que presentará un plan antes de fin de año.",
            "Los observadores internacionales siguen de cerca los acontecimientos.",
            "Los católicos son una pequeña minoría en {country}, pero dirigen muchas "
            "escuelas y clínicas.",
        ),
    ),
    "zh": _Words(
        header_order=DateOrder.DAY_FIRST,
        time_separator=" ",
        share="发送给朋友",
        print="打印版本",
        close="关闭 X",
        tags="标签",
        see_also="相关文章",
        newsletter=("电子报", "订阅亚洲新闻的更新或更改您的偏好设置", "立即订阅"),
        byline="作者：{names}",
        joiner="、",
        source="亚洲新闻",
        dateline="{city}（{source}）— ",
        headline="{country}：{tail}，{action}{object}",
        actions=(
            "主教们呼吁",
            "学生们要求",
            "政府承诺",
            "农民抗议",
            "活动人士谴责缺乏",
            "堂区筹备",
            "教宗祈祷",
            "工人罢工争取",
            "妇女团体争取",
            "天主教学校提供",
            "宗教领袖商讨",
            "青年游行争取",
        ),
        objects=(
            "宗教自由",
            "公平工资",
            "洪灾救援",
            "清洁饮水",
            "新学校",
            "土地权利",
            "和平方案",
            "新闻自由",
            "新预算",
            "少数民族权利",
            "米价",
            "结束暴力",
        ),
        tails=(
            "洪灾过后",
            "大选前夕",
            "不顾禁令",
            "首次",
            "在首都",
            "局势紧张之际",
            "圣诞节期间",
            "四旬期间",
            "沉默多年后",
            "峰会之前",
        ),
        sentences=(
            "当地团体在{city}聚集，要求对话和尊重。",
            "据{country}消息人士称，数百个家庭受到影响。",
            "当局至今尚未回应信众的诉求。",
            "神父和志愿者在最贫困的地区分发食物、饮水和药品。",
            "一位堂区工作人员对亚洲新闻说：“我们只求与邻居和平相处。”",
            "主教团发表文告，呼吁各方保持冷静。",
            "近几个月来，{country}多个省份的局势有所恶化。",
            "民间团体表示，新规定威胁基本自由。",
            "许多年轻人通过社交网络加入了这项倡议。",
            "政府表示将在年底前提出一项计划。",
            "国际观察人士正密切关注事态发展。",
            "天主教徒在{country}是少数，但开办了许多学校和诊所。",
        ),
    ),
}

# Headline parts a story draws, the same index in every edition (one story, one meaning).
_ACTIONS = len(_WORDS["en"].actions)
_OBJECTS = len(_WORDS["en"].objects)
_TAILS = len(_WORDS["en"].tails)
_COMBINATIONS = _ACTIONS * _OBJECTS * _TAILS * len(COUNTRIES)
_NOT_SLUG = re.compile(r"[\W_]+")


def header_order(locale: str) -> DateOrder:
    """How edition ``locale`` writes its numeric header dates."""
    return _WORDS[locale].header_order


# -- the manifest ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ArchivePage:
    """One page of the archive, as an import of it must read it.

    Attributes:
        locator: Its path relative to the archive's directory (``news-en/...-10412.html``),
            as ``collect_files([directory], source_root=directory)`` names it.
        story: The story's number, shared by its editions and ending the file name.
        locale: The edition.
        headline: The headline as written.
        published_at: The instant the header date names, aware, in UTC (midnight of
            the site's clock when the time was not recorded).
        time_known: False when the header says ``00.00`` or names the month without a time.
        header: The header date line as written.
        ambiguous: The header is numeric and reads as two different dates.
        month_name: The header names its month (CLDR's long date of the edition).
        country: The ISO 3166 code of the country on the region line.
        region: The region line's name as written (``CINA``).
        topics: The topic tags, in the page's order.
        byline: The credited authors, in order.
        see_also: The numbers of the stories the "See also" list names, in order.
    """

    locator: str
    story: int
    locale: str
    headline: str
    published_at: datetime
    time_known: bool
    header: str
    ambiguous: bool
    month_name: bool
    country: str
    region: str
    topics: tuple[str, ...]
    byline: tuple[str, ...]
    see_also: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Archive:
    """What ``write_archive`` wrote: every page, sorted by locator, and its settings."""

    directory: Path
    seed: int
    editions: tuple[str, ...]
    pages: tuple[ArchivePage, ...]
    _by_story: Mapping[int, tuple[ArchivePage, ...]] = field(init=False, repr=False, compare=False)
    _by_locator: Mapping[str, ArchivePage] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_story: dict[int, list[ArchivePage]] = {}
        for page in self.pages:
            by_story.setdefault(page.story, []).append(page)
        order = {locale: i for i, locale in enumerate(self.editions)}
        object.__setattr__(
            self,
            "_by_story",
            {
                story: tuple(sorted(pages, key=lambda p: order[p.locale]))
                for story, pages in sorted(by_story.items())
            },
        )
        object.__setattr__(self, "_by_locator", {page.locator: page for page in self.pages})

    def stories(self) -> tuple[int, ...]:
        """The story numbers, oldest story first."""
        return tuple(self._by_story)

    def pages_of(self, story: int) -> tuple[ArchivePage, ...]:
        """The editions of one story, in the archive's edition order."""
        return self._by_story[story]

    def page(self, locator: str) -> ArchivePage:
        """The page at ``locator``."""
        return self._by_locator[locator]

    def countries(self) -> dict[str, dict[str, str]]:
        """Each country the region lines name: ISO code -> {locale: name as written}."""
        found: dict[str, dict[str, str]] = {}
        for page in self.pages:
            found.setdefault(page.country, {})[page.locale] = page.region
        return {code: dict(sorted(names.items())) for code, names in sorted(found.items())}


# -- writing it ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Story:
    """What the editions of one story share."""

    number: int
    day: date
    time: tuple[int, int] | None
    """(hour, minute) on the site's clock; None when not recorded."""
    country: str
    headline: tuple[int, int, int]
    """(action, object, tail) indexes."""
    topics: tuple[int, ...]
    authors: tuple[int, ...]
    """Indexes into ``AUTHORS`` (and ``CHINESE_AUTHORS`` for the Chinese edition)."""
    see_also: tuple[int, ...]
    """Indexes of earlier stories."""
    body: tuple[tuple[int, ...], ...]
    """The summary's and then each body paragraph's sentence indexes."""


def write_archive(
    directory: Path,
    stories: int,
    *,
    seed: int,
    editions: Sequence[str] = EDITIONS,
    ambiguous_share: float = 0.4,
    month_name_share: float = 0.25,
    shuffle: bool = True,
) -> Archive:
    """Write a legacy archive of ``stories`` stories, each in every edition, into ``directory``.

    Args:
        directory: Where to write (created if missing); each edition gets ``news-<locale>/``.
        stories: How many stories; the archive has ``stories * len(editions)`` pages.
        seed: The same seed (and arguments) always writes the same files.
        editions: Which editions, among ``EDITIONS``.
        ambiguous_share: The share of all pages whose numeric header date is ambiguous.
        month_name_share: The share of all pages whose header date names its month.
        shuffle: Write the files in a seeded random order rather than story by story.

    Returns:
        The manifest of every page written.

    Raises:
        ValueError: ``stories`` is not positive or too many for distinct headlines, an
            edition is unknown, or the shares are not between 0 and 1 or add up to more.
    """
    editions = tuple(editions)
    if stories < 1 or stories > _COMBINATIONS // 2:
        raise ValueError(f"stories must be between 1 and {_COMBINATIONS // 2}")
    unknown = [locale for locale in editions if locale not in _WORDS]
    if unknown or not editions or len(set(editions)) != len(editions):
        raise ValueError(f"editions must be distinct ones of {', '.join(EDITIONS)}")
    shares = (ambiguous_share, month_name_share)
    if any(not 0 <= share <= 1 for share in shares) or sum(shares) > 1:
        raise ValueError("the shares must be between 0 and 1 and add up to at most 1")
    rng = random.Random(f"archive:{seed}")
    count = len(editions)
    month_named = _month_named(rng, stories, count, month_name_share)
    ambiguous = _ambiguous_stories(rng, stories, count, month_named, ambiguous_share)
    story_list, named_by_story = _stories(rng, stories, ambiguous, month_named)
    places = {code: _place_names(code) for code in COUNTRIES}
    files: list[tuple[Path, str]] = []
    pages: list[ArchivePage] = []
    for index, story in enumerate(story_list):
        for position, locale in enumerate(editions):
            named = position in named_by_story[index]
            text, page = _page(story, story_list, locale, places, month_named=named)
            files.append((directory / page.locator, text))
            pages.append(page)
    if shuffle:
        rng.shuffle(files)
    for locale in editions:
        (directory / f"news-{locale}").mkdir(parents=True, exist_ok=True)
    for path, text in files:
        path.write_text(text, encoding="utf-8")
    pages.sort(key=lambda page: tuple(page.locator.split("/")))
    return Archive(directory, seed, editions, tuple(pages))


def _stories(
    rng: random.Random,
    count: int,
    ambiguous: frozenset[int],
    month_named: frozenset[tuple[int, int]],
) -> tuple[list[_Story], list[frozenset[int]]]:
    """The stories in date order, and the editions of each whose header names its month.

    ``ambiguous`` and ``month_named`` are drawn over draw indexes; each story gets a
    month first, then a day (1-12 but not the month for an ambiguous story, else 13-28)
    and a time, and the stories are sorted by when they happened, so a "See also" list
    names stories that are older.
    """
    months = (LAST_DAY.year - FIRST_DAY.year + 1) * 12
    drawn = sorted(rng.randrange(months) for _ in range(count))
    moments: list[tuple[date, tuple[int, int] | None]] = []
    for index, slot in enumerate(drawn):
        year, month = FIRST_DAY.year + slot // 12, slot % 12 + 1
        if index in ambiguous:
            day = rng.choice([d for d in range(1, 13) if d != month])
        else:
            day = rng.randrange(13, 29)
        time = None
        if rng.random() >= UNKNOWN_TIME_SHARE:
            time = (rng.randrange(6, 23), rng.randrange(60))
        moments.append((date(year, month, day), time))
    order = sorted(range(count), key=lambda i: (moments[i][0], moments[i][1] or (0, 0)))
    numbers = sorted(rng.sample(range(FIRST_NUMBER, FIRST_NUMBER + 4 * count), count))
    by_draw: dict[int, set[int]] = {}
    for drawn_at, edition in month_named:
        by_draw.setdefault(drawn_at, set()).add(edition)
    seen: set[tuple[int, int, int, str]] = set()
    found: list[_Story] = []
    named: list[frozenset[int]] = []
    codes = tuple(COUNTRIES)
    for index, (drawn_at, number) in enumerate(zip(order, numbers, strict=True)):
        while True:
            country = rng.choice(codes)
            headline = (rng.randrange(_ACTIONS), rng.randrange(_OBJECTS), rng.randrange(_TAILS))
            if (*headline, country) not in seen:  # one headline per story, in every edition
                seen.add((*headline, country))
                break
        authors: tuple[int, ...] = ()
        if rng.random() < BYLINE_SHARE:
            size = 2 if rng.random() < SECOND_AUTHOR_SHARE else 1
            authors = tuple(rng.sample(range(len(AUTHORS)), size))
        (items,) = rng.choices(SEE_ALSO_SIZES, weights=SEE_ALSO_WEIGHTS)
        earlier = range(max(0, index - SEE_ALSO_REACH), index)
        sentences = range(len(_WORDS["en"].sentences))
        when, time = moments[drawn_at]
        found.append(
            _Story(
                number=number,
                day=when,
                time=time,
                country=country,
                headline=headline,
                topics=tuple(rng.sample(range(len(TOPICS)), rng.randint(*TOPICS_PER_STORY))),
                authors=authors,
                see_also=tuple(rng.sample(earlier, min(items, len(earlier)))),
                body=tuple(
                    tuple(rng.sample(sentences, rng.randint(2, 3)))
                    for _ in range(1 + rng.randint(*PARAGRAPHS))
                ),
            )
        )
        named.append(frozenset(by_draw.get(drawn_at, ())))
    return found, named


def _month_named(
    rng: random.Random, stories: int, editions: int, share: float
) -> frozenset[tuple[int, int]]:
    """The (story, edition) pages whose header names its month."""
    slots = [(story, edition) for story in range(stories) for edition in range(editions)]
    return frozenset(rng.sample(slots, round(share * len(slots))))


def _ambiguous_stories(
    rng: random.Random,
    stories: int,
    editions: int,
    month_named: frozenset[tuple[int, int]],
    share: float,
) -> frozenset[int]:
    """The stories dated on a day of 12 or less, so that ``share`` of all pages are ambiguous.

    Only a numeric header can be ambiguous, so stories are added (in random order)
    while their numeric pages bring the count closer to the target.
    """
    target = round(share * stories * editions)
    chosen: set[int] = set()
    total = 0
    order = list(range(stories))
    rng.shuffle(order)
    for story in order:
        numeric = sum((story, e) not in month_named for e in range(editions))
        if abs(target - total - numeric) < abs(target - total):
            chosen.add(story)
            total += numeric
    return frozenset(chosen)


def _place_names(code: str) -> dict[str, tuple[str, str]]:
    """The country's CLDR name and its exemplar city's, per known edition."""
    zone = get_timezone(COUNTRIES[code])
    return {
        locale: (
            Locale.parse(locale).territories[code],
            str(get_timezone_location(zone, locale=locale, return_city=True)),
        )
        for locale in _WORDS
    }


def _moment(story: _Story) -> datetime:
    """The instant the story's header names, in UTC (midnight when the time is unknown)."""
    hour, minute = story.time or (0, 0)
    wall = datetime(story.day.year, story.day.month, story.day.day, hour, minute)
    return wall.replace(tzinfo=ZoneInfo(SITE_ZONE)).astimezone(UTC)


def _header(story: _Story, locale: str, *, month_named: bool) -> str:
    words = _WORDS[locale]
    if month_named:
        text = format_date(story.day, format="long", locale=locale)
        if story.time is not None:
            text += f"{words.time_separator}{story.time[0]:02d}.{story.time[1]:02d}"
        return text
    pattern = "%m/%d/%Y" if words.header_order is DateOrder.MONTH_FIRST else "%d/%m/%Y"
    hour, minute = story.time or (0, 0)
    return f"{story.day.strftime(pattern)}, {hour:02d}.{minute:02d}"


def _see_also_date(story: _Story) -> str:
    written = story.day.strftime("%d/%m/%Y")
    if story.time is not None:
        written += f" {story.time[0]:02d}:{story.time[1]:02d}"
    return written


def _headline(
    story: _Story, locale: str, places: Mapping[str, Mapping[str, tuple[str, str]]]
) -> str:
    words = _WORDS[locale]
    action, thing, tail = story.headline
    return words.headline.format(
        country=places[story.country][locale][0],
        action=words.actions[action],
        object=words.objects[thing],
        tail=words.tails[tail],
    )


def _file_name(headline: str, number: int) -> str:
    """``China-bishops-call-for-...-10412.html``: the headline's words, accents dropped."""
    folded = unicodedata.normalize("NFKD", headline)
    folded = "".join(char for char in folded if not unicodedata.combining(char))
    words = [word for word in _NOT_SLUG.split(folded) if word]
    return f"{'-'.join(words[:9])}-{number}.html"


def _byline(story: _Story, locale: str) -> tuple[str, ...]:
    pool = CHINESE_AUTHORS if locale == "zh" else AUTHORS
    return tuple(pool[i % len(pool)] for i in story.authors)


def _page(
    story: _Story,
    stories: Sequence[_Story],
    locale: str,
    places: Mapping[str, Mapping[str, tuple[str, str]]],
    *,
    month_named: bool,
) -> tuple[str, ArchivePage]:
    """One edition of a story: the page's text and its manifest entry."""
    words = _WORDS[locale]
    country, city = places[story.country][locale]
    headline = _headline(story, locale, places)
    header = _header(story, locale, month_named=month_named)
    byline = _byline(story, locale)
    topics = tuple(TOPICS[i][locale] for i in story.topics)
    region = country.upper()
    paragraphs = [
        " ".join(words.sentences[i].format(country=country, city=city) for i in sentences)
        if locale != "zh"
        else "".join(words.sentences[i].format(country=country, city=city) for i in sentences)
        for sentences in story.body
    ]
    paragraphs[1] = words.dateline.format(city=city, source=words.source) + paragraphs[1]
    lines = [header, region, words.share, "", headline, ""]
    if byline:
        lines.append(words.byline.format(names=words.joiner.join(byline)))
    lines.append(paragraphs[0])
    for paragraph in paragraphs[1:]:
        lines += ["", paragraph]
    lines += ["", words.tags, *topics, words.share, words.print, words.close, words.see_also]
    for target in story.see_also:
        lines += [_headline(stories[target], locale, places), _see_also_date(stories[target])]
    newsletter, subscribe, now = words.newsletter
    lines += ["", "", newsletter, "", subscribe, "", now, FOOTER_MOTTO]
    locator = f"news-{locale}/{_file_name(headline, story.number)}"
    day = story.day
    page = ArchivePage(
        locator=locator,
        story=story.number,
        locale=locale,
        headline=headline,
        published_at=_moment(story),
        time_known=story.time is not None,
        header=header,
        ambiguous=not month_named and day.day <= 12 and day.day != day.month,
        month_name=month_named,
        country=story.country,
        region=region,
        topics=topics,
        byline=byline,
        see_also=tuple(stories[target].number for target in story.see_also),
    )
    return "\n".join(lines) + "\n", page
