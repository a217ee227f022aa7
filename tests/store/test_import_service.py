"""The import service on every backend: one transaction per file, idempotent, reported."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newscms.domain import (
    Article,
    ArticleDraft,
    Dateline,
    PendingTarget,
    RelationDraft,
    RelationKind,
    SourceRef,
    Status,
    TagKind,
)
from newscms.importers import ImportOptions
from newscms.services import ImportReport, collect_files, import_paths
from newscms.store import Store

pytestmark = pytest.mark.backends

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
LEGACY = EXAMPLES / "legacy"
SAMPLE = "asianews-en-2012-06-14-beijing-pyongyang.txt"
CLOSURE = "asianews-en-2016-02-15-kaesong-closure.txt"  # "See also" names FAMILIES
FAMILIES = "asianews-en-2016-02-18-kaesong-families.txt"  # "See also" names CLOSURE
WXR = EXAMPLES / "wordpress" / "asianews-blog.wordpress.2024-05-10.xml"

FOOTER = (
    "Newsletter",
    "Subscribe to Asia News updates or change your preferences",
    "Subscribe now",
    "“L’Asia: ecco il nostro comune compito per il terzo millennio!” - Giovanni Paolo II, "  # noqa: RUF001
    "da “Alzatevi, andiamo”",
)


def legacy_page(
    date: str,
    headline: str,
    *,
    regions: Sequence[str] = ("KOREA",),
    byline: str | None = "Joseph Yun Li-sun",
    summary: str = "A source tells AsiaNews what happened and why it matters.",
    body: Sequence[str] = ("Seoul (AsiaNews) - The first paragraph of the story.",),
    tags: Sequence[str] = (),
    see_also: Sequence[tuple[str, str]] = (),
) -> str:
    """A page in the legacy format, as the old site's export writes it."""
    lines = [date, " - ".join(regions), "Send to a friend", "", headline, ""]
    if byline:
        lines.append(f"by {byline}")
    lines += [summary, "", *body, "", "TAGs", *tags]
    lines += ["Send to a friend", "Printable version", "CLOSE X"]
    if see_also:
        lines.append("See also")
        for title, when in see_also:
            lines += [title, when]
    lines += ["", "", *FOOTER]
    return "\n".join(lines) + "\n"


def copy(tmp_path: Path, *names: str, into: str = "pages") -> Path:
    """A directory holding copies of example legacy pages."""
    directory = tmp_path / into
    directory.mkdir(exist_ok=True)
    for name in names:
        shutil.copy(LEGACY / name, directory / name)
    return directory


def article_of(store: Store, report: ImportReport, index: int = 0) -> Article:
    article_id = report.items[index].article_id
    assert article_id is not None
    with store.session(readonly=True) as uow:
        return uow.articles.get(article_id)


def outcomes(report: ImportReport) -> list[str]:
    return [item.outcome for item in report.items]


# -- the sample page, stored ---------------------------------------------------------------


def test_the_sample_page_is_stored_field_exact(store: Store, tmp_path: Path) -> None:
    pages = copy(tmp_path, SAMPLE)
    report = import_paths(store, [pages], source_root=pages)
    assert outcomes(report) == ["created"]
    article = article_of(store, report)

    assert article.locale == "en"
    assert [(t.kind, t.name) for t in article.tags] == [("region", "KOREA"), ("region", "CHINA")]
    assert article.tags_of_kind(TagKind.TOPIC) == ()
    assert article.headline == 'Beijing "does not want to help Pyongyang in its arms race"'
    assert [p.name for p in article.byline] == ["Joseph Yun Li-sun"]
    assert article.dateline == Dateline(place="Seoul", source="AsiaNews")
    assert article.summary is not None
    assert article.summary.startswith("A source in South Korea's Interior Ministry tells AsiaNews")
    assert article.body.startswith('<p>The Chinese government "is losing patience')
    assert "[. . .]" in article.body
    for chrome in ("Send to a friend", "Printable version", "CLOSE X", "Newsletter", "Alzatevi"):
        assert chrome not in article.body
    assert article.status is Status.PUBLISHED
    # 14 June 2012 with no time recorded, on Rome's wall clock (UTC+2 in summer).
    assert article.published_at == datetime(2012, 6, 13, 22, 0, tzinfo=UTC)
    assert article.date_provenance is not None
    assert article.date_provenance.raw == "06/14/2012, 00.00"
    assert article.date_provenance.zone == "Europe/Rome"
    assert not article.published_time_known
    assert article.source == SourceRef(format="legacy", locator=SAMPLE)
    see_also = [(r.kind, r.pending) for r in article.relations]
    assert [kind for kind, _ in see_also] == ["see_also"] * 5
    assert [(p.title, p.published_at) for _, p in see_also if p is not None] == [
        (
            "Tensions between Seoul and Pyongyang rise as Cold War fears cast a shadow over Korea",
            datetime(2016, 2, 12, 14, 14, tzinfo=UTC),
        ),
        (
            "Tokyo to demand total nuclear power ban on Pyongyang",
            datetime(2005, 7, 19, 22, tzinfo=UTC),
        ),
        (
            "Some signs of flexibility between the United States and North Korea in Beijing",
            datetime(2005, 7, 25, 22, tzinfo=UTC),
        ),
        (
            "Seoul claims Pyongyang test-fired short-range missiles",
            datetime(2006, 3, 8, 23, tzinfo=UTC),
        ),
        (
            "Ban Ki-moon should pay special attention to human rights in North Korea",
            datetime(2006, 10, 22, 22, tzinfo=UTC),
        ),
    ]
    assert report.relations_resolved == 0
    assert report.relations_pending == 5


# -- files, order, identity ------------------------------------------------------------------


def test_directories_recurse_in_sorted_order_without_hidden_or_binary_files(
    store: Store, tmp_path: Path
) -> None:
    root = tmp_path / "export"
    (root / "b").mkdir(parents=True)
    (root / "a").mkdir()
    (root / ".git").mkdir()
    shutil.copy(LEGACY / FAMILIES, root / "b" / "2.txt")
    shutil.copy(LEGACY / CLOSURE, root / "a" / "1.txt")
    shutil.copy(LEGACY / SAMPLE, root / ".git" / "sample.txt")
    shutil.copy(LEGACY / SAMPLE, root / ".hidden.txt")
    (root / "a" / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01")

    files = collect_files([root, root / "b" / "2.txt"], source_root=root)
    assert [f.locator for f in files] == ["a/1.txt", "a/photo.jpg", "b/2.txt"]

    report = import_paths(store, [root], source_root=root)
    assert [(i.file, i.outcome) for i in report.items] == [
        ("a/1.txt", "created"),
        ("a/photo.jpg", "skipped"),
        ("b/2.txt", "created"),
    ]
    assert dict(report.skipped) == {"binary file": 1}
    assert report.files == 3
    assert report.ok


def test_locators_are_absolute_paths_by_default(store: Store, tmp_path: Path) -> None:
    pages = copy(tmp_path, SAMPLE)
    report = import_paths(store, str(pages))  # a single path is fine too
    assert report.items[0].source == (pages / SAMPLE).resolve().as_posix()


def test_an_export_moved_under_the_same_source_root_is_recognized(
    store: Store, tmp_path: Path
) -> None:
    first = copy(tmp_path, SAMPLE, FAMILIES, into="old")
    import_paths(store, [first], source_root=first)
    moved = tmp_path / "new"
    first.rename(moved)
    report = import_paths(store, [moved], source_root=moved)
    assert outcomes(report) == ["unchanged", "unchanged"]


def test_a_file_outside_the_source_root_is_refused(store: Store, tmp_path: Path) -> None:
    from newscms.errors import ValidationError

    pages = copy(tmp_path, SAMPLE)
    with pytest.raises(ValidationError, match="not inside the source root") as caught:
        import_paths(store, [pages / SAMPLE], source_root=tmp_path / "elsewhere")
    assert caught.value.field == "source_root"


# -- one transaction per file ----------------------------------------------------------------


BAD_PAGES = {
    # name: (text, format, what the error says after the file name)
    "no-date.txt": (
        "Beijing closes the border\n\nby Someone\nA summary.\n",
        "legacy",
        ":1: a legacy page opens with its date",
    ),
    "not-a-page.txt": (
        "Beijing closes the border\n\nby Someone\nA summary.\n",
        "auto",
        ": is not a format newscms imports",
    ),
    "no-headline.txt": (
        "06/14/2012, 10.00\nTAGs\nSee also\n",
        "auto",
        ":1: the page has no headline",
    ),
    "ambiguous.txt": (
        legacy_page("03/04/2012, 10.00", "A headline on an ambiguous day"),
        "auto",
        ":1: ",
    ),
}


@pytest.mark.parametrize("name", sorted(BAD_PAGES))
def test_a_page_that_cannot_be_read_fails_alone_and_writes_nothing(
    store: Store, tmp_path: Path, snapshot: Callable[[], object], name: str
) -> None:
    pages = copy(tmp_path, SAMPLE)
    text, format, expected = BAD_PAGES[name]
    (pages / name).write_text(text, encoding="utf-8")
    before = snapshot()
    report = import_paths(store, [pages / name], source_root=pages, format=format)
    assert snapshot() == before
    assert outcomes(report) == ["failed"]
    error = report.items[0].error
    assert error is not None
    assert error.startswith(name + expected)
    if name == "ambiguous.txt":
        assert "03/04/2012" in error
        assert "--date-order" in error

    report = import_paths(store, [pages], source_root=pages, format=format)
    assert sorted(outcomes(report)) == ["created", "failed"]
    assert report.failed == 1
    assert not report.ok
    assert [item.file for item in report.failures] == [name]


def test_a_wordpress_export_is_one_transaction(
    store: Store, tmp_path: Path, snapshot: Callable[[], object]
) -> None:
    broken = tmp_path / "export.xml"
    text = WXR.read_text(encoding="utf-8")
    # Post 104 takes post 101's slug (both en-US): the store refuses it at the 4th post.
    old = "<wp:post_name><![CDATA[seoul-young-catholics-walk-for-peace-dmz]]></wp:post_name>"
    assert old in text
    new = "<wp:post_name><![CDATA[tacloban-ten-years-after-haiyan]]></wp:post_name>"
    broken.write_text(text.replace(old, new), encoding="utf-8")

    before = snapshot()
    report = import_paths(store, [broken], source_root=tmp_path)
    assert snapshot() == before  # the three posts before it are rolled back too
    assert outcomes(report) == ["failed"]
    error = report.items[0].error
    assert error is not None
    assert error.startswith("export.xml#post-104: ")
    assert "tacloban-ten-years-after-haiyan" in error
    assert "the file's 5 other articles were not imported" in error
    assert report.items[0].format == "wxr"


def test_a_wordpress_export_imports_its_posts_and_counts_what_it_skips(
    store: Store, tmp_path: Path
) -> None:
    report = import_paths(store, [WXR], source_root=WXR.parent)
    assert outcomes(report) == ["created"] * 6
    assert [item.source for item in report.items][:2] == [
        f"{WXR.name}#post-101",
        f"{WXR.name}#post-102",
    ]
    assert dict(report.skipped) == {"attachment": 2, "nav_menu_item": 1, "page": 1, "trash": 1}
    assert {item.slug for item in report.items} >= {"tacloban-ten-years-after-haiyan"}
    again = import_paths(store, [WXR], source_root=WXR.parent)
    assert outcomes(again) == ["unchanged"] * 6


def test_a_missing_file_is_reported_as_failed(store: Store, tmp_path: Path) -> None:
    report = import_paths(store, [tmp_path / "gone.txt"], source_root=tmp_path)
    assert outcomes(report) == ["failed"]
    assert report.items[0].error == "gone.txt: cannot be read: No such file or directory"


def test_an_unknown_format_name_is_refused(store: Store, tmp_path: Path) -> None:
    from newscms.errors import ValidationError

    with pytest.raises(ValidationError) as caught:
        import_paths(store, [tmp_path], format="docx")
    assert caught.value.field == "format"


# -- idempotency ----------------------------------------------------------------------------


IDEMPOTENT_EXAMPLES = (
    # Every example whose "See also" list does not mix stored and missing targets.
    SAMPLE,
    "asianews-en-2013-11-14-tacloban-relief.txt",
    "asianews-en-2015-08-20-myanmar-floods-parishes.txt",
    "asianews-es-2014-09-29-hong-kong-estudiantes.txt",
    "asianews-es-2014-10-16-manila-obispos-pobreza.txt",
    "asianews-zh-2014-09-29-xianggang-zhanzhong.txt",
    "asianews-zh-2014-10-15-beijing-shengyuan-juliu.txt",
)


def test_importing_the_same_sources_again_writes_nothing(
    store: Store, tmp_path: Path, snapshot: Callable[[], object], clock
) -> None:
    pages = copy(tmp_path, *IDEMPOTENT_EXAMPLES)
    shutil.copytree(EXAMPLES / "html", pages / "html")
    shutil.copy(WXR, pages / WXR.name)
    first = import_paths(store, [pages], source_root=pages)
    assert first.created == 7 + 4 + 6
    assert first.relations_resolved == 6  # three pairs of pages naming each other

    clock.advance(hours=1)
    before = snapshot()
    again = import_paths(store, [pages], source_root=pages)
    assert snapshot() == before
    assert set(outcomes(again)) == {"unchanged"}
    assert [i.article_id for i in again.items] == [i.article_id for i in first.items]
    assert [i.slug for i in again.items] == [i.slug for i in first.items]
    assert again.relations_resolved == 0
    assert again.relations_pending == first.relations_pending


def test_importing_every_example_again_writes_nothing(
    store: Store, snapshot: Callable[[], object]
) -> None:
    import_paths(store, [EXAMPLES], source_root=EXAMPLES)
    before = snapshot()
    again = import_paths(store, [EXAMPLES], source_root=EXAMPLES)
    # The demo's pictures (examples/media) are no documents: skipped as binary files.
    by_outcome = {item.file: item.outcome for item in again.items}
    assert {k: v for k, v in by_outcome.items() if v != "unchanged"} == {
        f"media/{name}": "skipped"
        for name in ("beijing-pyongyang.jpg", "myanmar-floods.jpg", "tacloban-relief.jpg")
    }
    assert snapshot() == before


def test_a_changed_source_updates_its_article_and_mirrors_its_see_also_list(
    store: Store, tmp_path: Path, snapshot: Callable[[], object], clock
) -> None:
    pages = tmp_path / "pages"
    pages.mkdir()
    story = pages / "story.txt"
    target = pages / "target.txt"
    target.write_text(
        legacy_page("03/20/2016, 11.00", "Target story that arrives first"), encoding="utf-8"
    )
    story.write_text(
        legacy_page(
            "03/21/2016, 09.30",
            "Pyongyang tests another missile",
            tags=["Missiles"],
            see_also=[
                ("An older story that is never imported", "14/02/2016 10:00"),
                ("A story that leaves the list", "15/02/2016 10:00"),
            ],
        ),
        encoding="utf-8",
    )
    first = import_paths(store, [story], source_root=pages)
    created = article_of(store, first)
    with store.session() as uow:  # an editor links a follow-up by hand
        follow_up = uow.articles.create(
            ArticleDraft(locale="en", headline="Follow-up written in the newsroom")
        )
        uow.relations.add(created.id, RelationDraft(kind="follow_up", target_id=follow_up.id))
    import_paths(store, [target], source_root=pages)

    clock.advance(hours=2)
    story.write_text(
        legacy_page(
            "03/21/2016, 09.30",
            "Pyongyang tests another missile over the sea",
            body=("Seoul (AsiaNews) - A rewritten first paragraph.", "And a second one."),
            tags=["Missiles", "Sanctions"],
            see_also=[
                ("Target story that arrives first", "20/03/2016 11:00"),
                ("An older story that is never imported", "14/02/2016 10:00"),
            ],
        ),
        encoding="utf-8",
    )
    report = import_paths(store, [story], source_root=pages)
    assert outcomes(report) == ["updated"]
    updated = article_of(store, report)
    assert updated.id == created.id
    assert updated.version == created.version + 1
    assert updated.slug == created.slug  # published: the slug stays
    assert updated.headline == "Pyongyang tests another missile over the sea"
    assert "And a second one." in updated.body
    assert [t.name for t in updated.tags_of_kind(TagKind.TOPIC)] == ["Missiles", "Sanctions"]
    relations = [
        (r.kind, r.target.headline if r.target else r.pending.title if r.pending else None)
        for r in updated.relations
    ]
    # The source's list first, in its order; the editor's follow-up kept, after it.
    assert relations == [
        ("see_also", "Target story that arrives first"),
        ("see_also", "An older story that is never imported"),
        ("follow_up", "Follow-up written in the newsroom"),
    ]
    assert report.relations_resolved == 1

    before = snapshot()
    again = import_paths(store, [story], source_root=pages)
    assert outcomes(again) == ["unchanged"]
    assert snapshot() == before


def test_see_also_order_follows_the_source(store: Store, tmp_path: Path) -> None:
    page = tmp_path / "story.txt"
    items = [
        ("First item, never imported", "14/02/2016 10:00"),
        ("Second item, never imported", "15/02/2016 10:00"),
        ("Third item, never imported", "16/02/2016 10:00"),
    ]
    page.write_text(legacy_page("03/21/2016, 09.30", "Ordered", see_also=items), "utf-8")
    first = import_paths(store, [page])
    page.write_text(
        legacy_page("03/21/2016, 09.30", "Ordered", see_also=[items[2], items[0], items[1]]),
        "utf-8",
    )
    report = import_paths(store, [page])
    assert outcomes(report) == ["updated"]
    article = article_of(store, report)
    assert [r.pending.title for r in article.relations if r.pending] == [
        "Third item, never imported",
        "First item, never imported",
        "Second item, never imported",
    ]
    assert {r.id for r in article.relations} == {r.id for r in article_of(store, first).relations}


def test_a_see_also_item_listed_twice_is_kept_once(store: Store, tmp_path: Path) -> None:
    page = tmp_path / "story.txt"
    item = ("The same story twice", "14/02/2016 10:00")
    page.write_text(legacy_page("03/21/2016, 09.30", "Twice", see_also=[item, item]), "utf-8")
    report = import_paths(store, [page])
    assert outcomes(report) == ["created"]
    assert len(article_of(store, report).relations) == 1
    assert outcomes(import_paths(store, [page])) == ["unchanged"]


def test_an_article_cannot_change_locale_on_reimport(
    store: Store, tmp_path: Path, snapshot: Callable[[], object]
) -> None:
    pages = copy(tmp_path, SAMPLE)
    import_paths(store, [pages], source_root=pages)
    before = snapshot()
    report = import_paths(store, [pages], source_root=pages, options=ImportOptions(locale="it"))
    assert snapshot() == before
    assert outcomes(report) == ["failed"]
    assert report.items[0].error == (
        f"{SAMPLE}: was imported in en and now reads as it; an article cannot change locale: "
        "import it with --locale en, or delete the stored article first"
    )


# -- relations in both orders ---------------------------------------------------------------


@pytest.mark.parametrize(
    "order",
    [
        pytest.param((CLOSURE, FAMILIES), id="closure-then-families"),
        pytest.param((FAMILIES, CLOSURE), id="families-then-closure"),
    ],
)
def test_pages_naming_each_other_resolve_in_either_order(
    store: Store, tmp_path: Path, order: tuple[str, str]
) -> None:
    pages = copy(tmp_path, *order)
    first = import_paths(store, [pages / order[0]], source_root=pages)
    second = import_paths(store, [pages / order[1]], source_root=pages)
    assert outcomes(first) == outcomes(second) == ["created"]
    # The second page's own item resolves at once, and resolves the first page's item.
    assert (first.relations_resolved, second.relations_resolved) == (0, 2)
    # Closure's other two items name articles that are not among the pages.
    assert second.relations_pending == 2

    with store.session(readonly=True) as uow:
        closure = uow.articles.find_by_source(SourceRef(format="legacy", locator=CLOSURE))
        families = uow.articles.find_by_source(SourceRef(format="legacy", locator=FAMILIES))
    assert closure is not None
    assert families is not None
    assert [r.target.id for r in families.relations if r.target] == [closure.id]
    assert [r.target.id if r.target else None for r in closure.relations] == [
        None,
        None,
        families.id,
    ]
    for _ in range(2):  # re-imports never duplicate a relation
        again = import_paths(store, [pages], source_root=pages)
        assert outcomes(again) == ["unchanged", "unchanged"]
    with store.session(readonly=True) as uow:
        assert len(uow.articles.get(closure.id).relations) == 3
        assert len(uow.articles.get(families.id).relations) == 1
        assert uow.relations.count_pending() == 2


CYCLE = 4


def _cycle_pages(directory: Path) -> list[Path]:
    """Pages 0..3, each naming the next (the last names the first), and one naming nothing."""
    paths = []
    for index in range(CYCLE + 1):
        following = (index + 1) % CYCLE
        name = (
            (f"Story number {following} of the cycle", f"{following + 14}/02/2016 10:00")
            if index < CYCLE
            else ("A story that was never written", "20/02/2016 10:00")
        )
        path = directory / f"page-{index}.txt"
        headline = f"Story number {index} of the cycle"
        date = f"02/{index + 14}/2016, 10.00"
        path.write_text(legacy_page(date, headline, see_also=[name]), encoding="utf-8")
        paths.append(path)
    return paths


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(order=st.permutations(range(CYCLE + 1)))
def test_relations_resolve_whatever_the_import_order(
    store: Store, tmp_path: Path, reset: Callable[[], None], order: list[int]
) -> None:
    reset()
    pages = _cycle_pages(tmp_path)
    resolved = sum(
        import_paths(store, [pages[index]], source_root=tmp_path).relations_resolved
        for index in order
    )
    assert resolved == CYCLE
    with store.session(readonly=True) as uow:
        assert uow.relations.count_pending() == 1
        by_headline = {
            article.headline: article for article in uow.articles.list(limit=CYCLE + 1).items
        }
    for index in range(CYCLE):
        article = by_headline[f"Story number {index} of the cycle"]
        (relation,) = article.relations
        assert relation.target is not None
        assert relation.target.headline == f"Story number {(index + 1) % CYCLE} of the cycle"


# -- dry run, report --------------------------------------------------------------------------


def test_a_dry_run_writes_nothing_and_says_what_would_happen(
    store: Store, tmp_path: Path, snapshot: Callable[[], object]
) -> None:
    pages = copy(tmp_path, SAMPLE, FAMILIES)
    before = snapshot()
    dry = import_paths(store, [pages], source_root=pages, dry_run=True)
    assert snapshot() == before
    assert dry.dry_run
    assert outcomes(dry) == ["created", "created"]
    assert [item.article_id for item in dry.items] == [None, None]
    assert (dry.relations_resolved, dry.relations_pending) == (0, 0)

    real = import_paths(store, [pages], source_root=pages)
    text = (pages / FAMILIES).read_text(encoding="utf-8")
    (pages / FAMILIES).write_text(text.replace("fear for their jobs", "fear for jobs"), "utf-8")
    before = snapshot()
    dry = import_paths(store, [pages], source_root=pages, dry_run=True)
    assert snapshot() == before
    assert outcomes(dry) == ["unchanged", "updated"]  # the sample, then the changed page
    assert [item.article_id for item in dry.items] == [item.article_id for item in real.items]
    assert outcomes(import_paths(store, [pages], source_root=pages)) == ["unchanged", "updated"]


def test_a_dry_run_reports_pages_that_would_fail(store: Store, tmp_path: Path) -> None:
    (tmp_path / "bad.txt").write_text("not a page\n", encoding="utf-8")
    report = import_paths(store, [tmp_path], source_root=tmp_path, dry_run=True)
    assert outcomes(report) == ["failed"]
    assert report.items[0].error is not None
    assert report.items[0].error.startswith("bad.txt: is not a format newscms imports")


def test_the_report_is_one_stable_json_document(store: Store, tmp_path: Path) -> None:
    pages = copy(tmp_path, SAMPLE)
    (pages / "bad.txt").write_text("06/14/2012, 10.00\n", encoding="utf-8")
    report = import_paths(store, [pages], source_root=pages)
    document = json.loads(json.dumps(report.to_json()))
    assert list(document) == [
        "dry_run",
        "files",
        "created",
        "updated",
        "unchanged",
        "failed",
        "skipped",
        "relations_resolved",
        "relations_pending",
        "alignments",
        "date_evidence",
        "legacy_url_conflicts",
        "items",
    ]
    assert document["created"] == document["failed"] == 1
    created = next(item for item in document["items"] if item["outcome"] == "created")
    assert created == {
        "file": SAMPLE,
        "outcome": "created",
        "source": SAMPLE,
        "format": "legacy",
        "article_id": str(report.items[0].article_id),
        "slug": "beijing-does-not-want-to-help-pyongyang-in-its-arms-race",
        "error": None,
        "translation_group": None,
        "legacy_urls": [f"/{SAMPLE}"],
    }
    failed = next(item for item in document["items"] if item["outcome"] == "failed")
    assert failed["file"] == "bad.txt"
    assert failed["source"] is None
    assert failed["error"].startswith("bad.txt:")


def test_progress_hears_of_every_file_in_order(store: Store, tmp_path: Path) -> None:
    pages = copy(tmp_path, SAMPLE, FAMILIES)
    heard: list[str] = []
    import_paths(store, [pages], source_root=pages, progress=lambda r: heard.append(r.file))
    assert heard == [SAMPLE, FAMILIES]


def test_pending_targets_of_the_source_are_compared_by_value(store: Store, tmp_path: Path) -> None:
    # A re-import finds its pending items again although they are read from new drafts.
    page = tmp_path / "story.txt"
    item = ("Never imported", "14/02/2016 10:00")
    page.write_text(legacy_page("03/21/2016, 09.30", "Value", see_also=[item]), "utf-8")
    report = import_paths(store, [page])
    (relation,) = article_of(store, report).relations
    assert relation.pending == PendingTarget(
        title="Never imported",
        published_at=datetime(2016, 2, 14, 9, 0, tzinfo=UTC),
        locale="en",
    )
    assert relation.kind == RelationKind.SEE_ALSO
    assert outcomes(import_paths(store, [page])) == ["unchanged"]
