# ruff: noqa: RUF001 - Chinese and Italian text use full-width commas, colons and dashes
"""Example articles for the format tests, built directly as ``Article`` objects (no database).

The English article is the AsiaNews sample page of ``examples/legacy/`` as an importer
would store it: month-first date with no time, region tags, a dateline, five pending
"See also" targets with day-first dates. The others cover what that one does not:
Chinese (simplified and traditional), Italian with a resolved translation, a bare
draft, an archived article with resolved relations, and hostile text.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from newscms.domain import (
    Article,
    ArticleRef,
    Dateline,
    DateProvenance,
    PendingTarget,
    Person,
    Relation,
    SourceRef,
    Status,
    TagRef,
)
from newscms.formats import Site
from newscms.utils.dates import DateOrder, parse_date
from newscms.utils.html import paragraphs_to_html

SAMPLE = (
    Path(__file__).resolve().parents[2]
    / "examples"
    / "legacy"
    / "asianews-en-2012-06-14-beijing-pyongyang.txt"
)
IMPORTED_AT = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)
NOW = datetime(2026, 1, 15, 18, 0, tzinfo=UTC)


def stable_id(name: str) -> uuid.UUID:
    """The same UUID for the same name, so outputs are reproducible."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"https://newscms.test/{name}")


def tag(kind: str, name: str, slug: str | None = None) -> TagRef:
    return TagRef(
        id=stable_id(f"tag/{kind}/{name}"),
        kind=kind,
        name=name,
        slug=slug or name.lower().replace(" ", "-"),
    )


def ref(
    name: str,
    *,
    locale: str = "en",
    headline: str | None = None,
    published_at: datetime | None = None,
    status: Status = Status.PUBLISHED,
) -> ArticleRef:
    return ArticleRef(
        id=stable_id(f"article/{name}"),
        locale=locale,
        slug=name,
        headline=headline or name.replace("-", " ").capitalize(),
        status=status,
        published_at=published_at,
    )


def make_article(name: str = "article", **fields: Any) -> Article:
    """An article with sensible defaults; ``relations`` may be given as (kind, target) pairs."""
    values: dict[str, Any] = {
        "id": stable_id(f"article/{name}"),
        "locale": "en",
        "slug": name,
        "headline": name.replace("-", " ").capitalize(),
        "status": Status.PUBLISHED,
        "created_at": IMPORTED_AT,
        "updated_at": IMPORTED_AT,
        "published_at": IMPORTED_AT,
        "first_published_at": IMPORTED_AT,
        "version": 1,
    }
    values.update(fields)
    targets = values.pop("relations", ())
    article = Article(**values)
    if not targets:
        return article
    return article.model_copy(update={"relations": relations_of(article, targets)})


def relations_of(
    article: Article, targets: list[tuple[str, ArticleRef | PendingTarget]]
) -> tuple[Relation, ...]:
    relations = []
    for position, (kind, target) in enumerate(targets):
        is_ref = isinstance(target, ArticleRef)
        relations.append(
            Relation(
                id=stable_id(f"relation/{article.id}/{position}"),
                kind=kind,
                position=position,
                source=article.ref,
                target=target if is_ref else None,
                pending=None if is_ref else target,
            )
        )
    return tuple(relations)


def _sample_parts() -> dict[str, Any]:
    """Headline, summary, body paragraphs and "See also" entries of the sample page."""
    lines = [line.strip() for line in SAMPLE.read_text(encoding="utf-8").splitlines()]
    start = next(i for i, line in enumerate(lines) if line.startswith("Seoul (AsiaNews) - "))
    end = lines.index("TAGs")
    paragraphs = [line for line in lines[start:end] if line]
    paragraphs[0] = paragraphs[0].removeprefix("Seoul (AsiaNews) - ")
    see_also_start = lines.index("See also") + 1
    see_also_end = lines.index("Newsletter")
    entries = [line for line in lines[see_also_start:see_also_end] if line]
    return {
        "headline": lines[4],
        "summary": lines[7],
        "paragraphs": paragraphs,
        "see_also": list(zip(entries[::2], entries[1::2], strict=True)),
    }


def asianews_article() -> Article:
    """The sample page, as the legacy importer stores it."""
    parts = _sample_parts()
    published = parse_date("06/14/2012, 00.00", order=DateOrder.MONTH_FIRST)
    dates = [date for _, date in parts["see_also"]]
    see_also = [
        (
            "see_also",
            PendingTarget(
                title=title,
                published_at=parse_date(date, order=DateOrder.DAY_FIRST, evidence=dates).value,
            ),
        )
        for title, date in parts["see_also"]
    ]
    return make_article(
        "beijing-does-not-want-to-help-pyongyang-in-its-arms-race",
        headline=parts["headline"],
        summary=parts["summary"],
        body=paragraphs_to_html(parts["paragraphs"]),
        byline=(Person(name="Joseph Yun Li-sun"),),
        dateline=Dateline(place="Seoul", source="AsiaNews"),
        published_at=published.value,
        first_published_at=published.value,
        date_provenance=DateProvenance(
            raw=published.raw, rule=published.rule, zone=published.zone, time_known=False
        ),
        tags=(
            tag("region", "KOREA"),
            tag("region", "CHINA"),
            tag("topic", "Nuclear weapons"),
            tag("topic", "Arms trade"),
            tag("section", "Asia"),
            tag("person", "Liu Weimin"),
            tag("organization", "United Nations"),
        ),
        source=SourceRef(
            format="legacy",
            locator="https://www.asianews.it/news-en/Beijing-does-not-want-to-help-Pyongyang-24955.html",
        ),
        relations=see_also,
    )


def chinese_article() -> Article:
    """Simplified Chinese: no spaces to wrap at, CJK punctuation, a translation back to English."""
    english = asianews_article()
    return make_article(
        "beijing-bu-xiang-bang-zhu-ping-rang",
        locale="zh-CN",
        headline="北京“不想帮助平壤进行军备竞赛” & 其他 #消息?",
        subheadline="韩国内政部消息人士：中国政府已对金氏政权失去耐心。",
        summary="韩国内政部一位消息人士告诉亚洲新闻：“据我所知，有关中国向朝鲜提供车辆的报道是假的。”",
        body=paragraphs_to_html(
            [
                "中国政府“正在对朝鲜失去耐心。可以肯定的是，北京不想冒着损害其国际声誉的风险"
                "帮助平壤重整军备。尽管他们是盟友，但中国人知道朝鲜人不遵守诺言。”",
                "日本《朝日新闻》在最近的一篇文章中称，中国去年违反联合国决议，向朝鲜运送了导弹发射车。",
                "中国外交部发言人刘为民说：“我想强调，中国公司绝不会出口安理会决议和中国法律禁止的产品。”",
            ]
        ),
        byline=(Person(name="李顺"), Person(name="王小明", role="translator")),
        dateline=Dateline(place="首尔", source="亚洲新闻"),
        published_at=datetime(2012, 6, 14, 1, 30, tzinfo=UTC),
        first_published_at=datetime(2012, 6, 14, 1, 30, tzinfo=UTC),
        tags=(tag("region", "韩国", "han-guo"), tag("region", "中国", "zhong-guo")),
        relations=[("translation", english.ref)],
    )


def traditional_chinese_article() -> Article:
    """Traditional Chinese for Taiwan: the Google News sitemap must say ``zh-tw``."""
    return make_article(
        "tai-wan-xin-wen",
        locale="zh-Hant-TW",
        headline="北京「不想幫助平壤進行軍備競賽」",
        body="<p>中國政府「正在對北韓失去耐心」。</p>",
        byline=(Person(name="李順"),),
        published_at=NOW - timedelta(hours=30),
        first_published_at=NOW - timedelta(hours=30),
        tags=(tag("region", "韓國", "han-guo-tw"),),
    )


def italian_article() -> Article:
    """Italian, translated from the English article (resolved), quotes and an ampersand."""
    english = asianews_article()
    return make_article(
        "pechino-non-vuole-aiutare-pyongyang",
        locale="it",
        headline=("Pechino «non vuole aiutare Pyongyang» nella corsa agli armamenti & all'atomica"),
        subheadline=(
            "Una fonte del ministero dell'Interno sudcoreano: "
            "è falso il rapporto sui veicoli cinesi"
        ),
        summary=(
            "Il governo cinese «sta perdendo la pazienza con la Corea del Nord», dice la fonte."
        ),
        body=(
            "<p>Il governo cinese «sta perdendo la pazienza con la Corea del Nord». "
            "<em>È certo</em> che Pechino non vuole rischiare la sua reputazione.</p>"
            '<figure><img src="https://www.asianews.it/files/img/kim.jpg" alt="Kim">'
            "<figcaption>Il leader nordcoreano</figcaption></figure>"
            '<p>Secondo il giornale, "il Giappone, gli Stati Uniti e la Corea del Sud" '
            "avevano prove.</p>"
        ),
        byline=(
            Person(name="Joseph Yun Li-sun"),
            Person(name="Bernardo Cervellera", role="editor"),
        ),
        dateline=Dateline(place="Seul", source="AsiaNews"),
        published_at=NOW - timedelta(hours=3),
        first_published_at=NOW - timedelta(hours=3),
        updated_at=NOW - timedelta(hours=1),
        tags=(tag("region", "COREA"), tag("region", "CINA"), tag("topic", "Armi nucleari")),
        canonical_url="https://www.asianews.it/notizie-it/Pechino-non-vuole-aiutare-Pyongyang-24956.html",
        relations=[
            (
                "translation",
                ref(
                    "beijing-does-not-want-to-help-pyongyang-in-its-arms-race",
                    headline=english.headline,
                    published_at=english.published_at,
                ),
            ),
            (
                "see_also",
                PendingTarget(
                    url="https://www.asianews.it/notizie-it/Seul-e-Pyongyang-12345.html",
                    title="Seul e Pyongyang, cresce la tensione",
                ),
            ),
        ],
    )


def bare_draft() -> Article:
    """Only what an article must have: no body, byline, dateline, tags or publication time."""
    return make_article(
        "bare-draft",
        headline="Draft",
        status=Status.DRAFT,
        published_at=None,
        first_published_at=None,
    )


def archived_article() -> Article:
    """Archived, with resolved follow-up and background relations and a slug-only pending one."""
    return make_article(
        "seoul-claims-pyongyang-test-fired-missiles",
        headline="Seoul claims Pyongyang test-fired short-range missiles",
        summary="Five short-range missiles fell into the Yellow Sea.",
        body="<p>Seoul (AsiaNews) – Five missiles.</p><ul><li>One</li><li>Two</li></ul>",
        byline=(Person(name="Kim Min-ji", role="photographer"),),
        dateline=Dateline(source="AsiaNews"),
        status=Status.ARCHIVED,
        published_at=datetime(2006, 3, 8, 23, 0, tzinfo=UTC),
        first_published_at=datetime(2006, 3, 8, 23, 0, tzinfo=UTC),
        version=4,
        tags=(tag("event", "Missile test 2006"), tag("section", "World")),
        relations=[
            (
                "follow_up",
                ref("pyongyang-responds", published_at=datetime(2006, 3, 10, tzinfo=UTC)),
            ),
            ("background", ref("korean-war-history", status=Status.ARCHIVED)),
            ("see_also", PendingTarget(slug="ban-ki-moon-human-rights", locale="en")),
        ],
    )


def hostile_article() -> Article:
    """Text that XML, URLs and HTML cannot carry as is: controls, noncharacters, surrogates."""
    return make_article(
        "hostile",
        headline='Bad \x1b chars \uffff & <tags> "quotes" \ud800 here',
        summary="Line one\x0b\x0cline two \x00 & more",
        body="<p>Fine body &amp; <b>bold</b></p>",
        byline=(Person(name="Esc\x1bape"),),
        tags=(tag("topic", "Ctrl\x07Tag"),),
    )


EXAMPLES: dict[str, Callable[[], Article]] = {
    "asianews": asianews_article,
    "chinese": chinese_article,
    "traditional-chinese": traditional_chinese_article,
    "italian": italian_article,
    "bare-draft": bare_draft,
    "archived": archived_article,
}
"""Every well-formed example article; each format is checked on each of them."""


@pytest.fixture(params=sorted(EXAMPLES))
def example_article(request: pytest.FixtureRequest) -> Article:
    """Each example article in turn."""
    return EXAMPLES[request.param]()


@pytest.fixture
def asianews() -> Article:
    return asianews_article()


@pytest.fixture
def chinese() -> Article:
    return chinese_article()


@pytest.fixture
def italian() -> Article:
    return italian_article()


@pytest.fixture
def hostile() -> Article:
    return hostile_article()


@pytest.fixture(scope="session")
def examples() -> list[Article]:
    """All example articles, newest first as a listing gives them."""
    articles = [factory() for factory in EXAMPLES.values()]
    return sorted(articles, key=lambda a: a.published_at or a.created_at, reverse=True)


@pytest.fixture(scope="session")
def site() -> Site:
    """AsiaNews as a host app would describe it: URLs by locale and slug, newsroom in Rome."""
    return Site(
        name="AsiaNews",
        base_url="https://www.asianews.it/",
        article_url="https://www.asianews.it/{locale}/{year}/{month}/{slug}",
        logo_url="https://www.asianews.it/images/logo.png",
        publisher="PIME AsiaNews",
        timezone="Europe/Rome",
    )


@pytest.fixture(scope="session")
def now() -> datetime:
    """The moment "now" for sitemaps and relative checks."""
    return NOW


@pytest.fixture(scope="session")
def make() -> Callable[..., Article]:
    """The article factory, for tests that need a variant."""
    return make_article


@pytest.fixture(scope="session")
def schemas_dir() -> Path:
    return Path(__file__).resolve().parents[1] / "data" / "schemas"
