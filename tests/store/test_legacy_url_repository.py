"""Legacy URLs on every backend: recorded once, matched in any spelling, paged, resolved."""

from __future__ import annotations

from datetime import timedelta
from uuid import uuid4

import pytest

from newscms.domain import ArticleDraft, Status
from newscms.errors import DuplicateError, NotFoundError, ValidationError
from newscms.store import LegacyUrlConflict, LegacyUrlRepository
from newscms.store.legacy_urls import stream_redirects
from newscms.store.streaming import read_snapshot
from newscms.utils.legacy_urls import legacy_url_key

pytestmark = pytest.mark.backends

OLD = "http://www.asianews.it/news-en/Beijing-does-not-want-24963.html"


def story(uow, headline: str, **fields):  # type: ignore[no-untyped-def]
    fields.setdefault("status", Status.PUBLISHED)
    return uow.articles.create(ArticleDraft(locale="en", headline=headline, **fields))


@pytest.fixture
def two(store):  # type: ignore[no-untyped-def]
    """A public article and a draft."""
    with store.session() as uow:
        return story(uow, "Beijing does not want"), story(uow, "Draft", status=Status.DRAFT)


def test_a_url_is_recorded_once_and_found_in_any_spelling(store, two):
    public, _ = two
    with store.session() as uow:
        assert uow.legacy_urls.add(public.id, OLD) is True
        assert uow.legacy_urls.add(public.id, OLD) is False  # a re-import changes nothing
        same = "/news-en/Beijing-does-not-want-24963.html#x"  # another spelling of it
        assert uow.legacy_urls.add(str(public.id), same) is False
        assert uow.legacy_urls.add(public.id, "/%7Euser/caf%c3%a9") is True
    with store.session(readonly=True) as uow:
        for spelling in (
            OLD,
            "https://new.example.com/news-en/Beijing-does-not-want-24963.html",
            "/news-en/Beijing-does-not-want-24963.html",
            "news-en/Beijing-does-not-want-24963.html",
            "/news-en/./x/../Beijing-does-not-want-24963.html",
            "/~user/café",
        ):
            assert uow.legacy_urls.resolve(spelling) == public.id, spelling
        for other in ("/news-en/beijing-does-not-want-24963.html", "/~user/café/", "/nowhere"):
            assert uow.legacy_urls.resolve(other) is None, other
        # The URL is kept as it was given (host included), the first spelling of it.
        assert uow.legacy_urls.of(public.id) == (OLD, "/%7Euser/caf%c3%a9")
    assert store.resolve_legacy("/news-en/Beijing-does-not-want-24963.html").id == public.id


def test_of_lists_an_articles_urls_in_the_order_they_were_recorded(store, two):
    public, _ = two
    urls = [f"/page-{n}.html" for n in (5, 1, 4, 2, 3)]
    with store.session() as uow:  # one moment of the clock for all of them
        uow.legacy_urls.add(public.id, urls[0])
        uow.legacy_urls.add_many([(public.id, url) for url in urls[1:3]])
    with store.session() as uow:
        uow.legacy_urls.add_many([(public.id, url) for url in urls[3:]])
        assert uow.legacy_urls.of(public.id) == tuple(urls)


def test_a_url_held_by_another_article_is_refused_and_the_transaction_goes_on(store, two, snapshot):
    public, draft = two
    with store.session() as uow:
        uow.legacy_urls.add(public.id, OLD)
    before = snapshot()
    with store.session() as uow:
        with pytest.raises(DuplicateError) as refused:
            uow.legacy_urls.add(draft.id, OLD.replace("http://www.asianews.it", ""))
        assert str(public.id) in str(refused.value)
        assert uow.legacy_urls.add(draft.id, "/draft.html") is True  # the unit still works
    after = snapshot()
    assert len(after["newscms_legacy_urls"]) == len(before["newscms_legacy_urls"]) + 1
    with store.session(readonly=True) as uow:
        assert uow.legacy_urls.resolve(OLD) == public.id


def test_bad_input_is_refused_by_name_and_writes_nothing(store, two, snapshot):
    public, _ = two
    before = snapshot()
    with store.session() as uow:
        for url in ("", "mailto:news@example.com", "/a\nb", "x" * 2001, 42, "\ud800"):
            with pytest.raises(ValidationError) as refused:
                uow.legacy_urls.add(public.id, url)  # type: ignore[arg-type]
            assert refused.value.field == "url"
        with pytest.raises(NotFoundError):
            uow.legacy_urls.add(uuid4(), "/x.html")
        with pytest.raises(ValidationError) as refused:
            uow.legacy_urls.add_many([(public.id, "/fine.html"), (public.id, "ftp://x/y")])
        assert refused.value.field == "pairs.1.url"
        with pytest.raises(ValidationError) as refused:
            uow.legacy_urls.add_many([(public.id, "/fine.html"), "/not-a-pair.html"])  # type: ignore[list-item]
        assert refused.value.field == "pairs.1"
        with pytest.raises(NotFoundError):
            uow.legacy_urls.add_many([(public.id, "/fine.html"), (uuid4(), "/other.html")])
        with pytest.raises(ValidationError):
            uow.legacy_urls.add_many("/a-string.html")  # type: ignore[arg-type]
        with pytest.raises(ValidationError):
            uow.legacy_urls.resolve("javascript:alert(1)")
        with pytest.raises(NotFoundError):
            uow.legacy_urls.of(uuid4())
    assert snapshot() == before


def test_add_many_reports_conflicts_collapses_repeats_and_skips_what_is_recorded(
    store, two, statements
):
    public, draft = two
    with store.session() as uow:
        uow.legacy_urls.add(public.id, "/held.html")
    pairs = [
        (public.id, "/a.html"),
        (draft.id, "http://old.example/held.html"),  # another article holds it
        (public.id, "/a.html"),  # a repeat: counts once
        (public.id, "/held.html"),  # already this article's
        (draft.id, "/a.html"),  # an earlier pair of the call gave it to another
        (draft.id, "/b.html"),
    ]
    with store.session() as uow, statements:
        conflicts = uow.legacy_urls.add_many(pairs)
    assert conflicts == [
        LegacyUrlConflict("http://old.example/held.html", draft.id, public.id),
        LegacyUrlConflict("/a.html", draft.id, public.id),
    ]
    reads = [s for s in statements.statements if s.lstrip().upper().startswith("SELECT")]
    writes = [s for s in statements.statements if s.lstrip().upper().startswith("INSERT")]
    assert len(reads) == 2  # the articles, then every claimed URL at once
    assert len(writes) == 1
    with store.session(readonly=True) as uow:
        assert uow.legacy_urls.of(public.id) == ("/held.html", "/a.html")
        assert uow.legacy_urls.of(draft.id) == ("/b.html",)
        assert uow.legacy_urls.add_many([]) == []


def test_a_claim_lost_to_a_concurrent_writer_is_read_again(store, two, monkeypatch):
    public, draft = two
    with store.session() as uow:
        uow.legacy_urls.add(public.id, "/raced.html")
    real = LegacyUrlRepository._holders
    calls: list[int] = []

    def stale_first(self, keys):  # type: ignore[no-untyped-def]
        calls.append(len(keys))
        # The first read misses the row the concurrent writer committed.
        return {} if len(calls) == 1 else real(self, keys)

    with monkeypatch.context() as patched, store.session() as uow:
        patched.setattr(LegacyUrlRepository, "_holders", stale_first)
        conflicts = uow.legacy_urls.add_many([(draft.id, "/raced.html"), (draft.id, "/new.html")])
        assert conflicts == [LegacyUrlConflict("/raced.html", draft.id, public.id)]
    assert len(calls) == 2
    with store.session(readonly=True) as uow:
        assert uow.legacy_urls.resolve("/raced.html") == public.id
        assert uow.legacy_urls.resolve("/new.html") == draft.id


def test_only_a_public_article_is_resolved_for_readers(store, two, clock):
    public, draft = two
    with store.session() as uow:
        later = story(
            uow, "Later", status=Status.SCHEDULED, published_at=clock.now + timedelta(hours=1)
        )
        uow.legacy_urls.add_many(
            [(public.id, "/public.html"), (draft.id, "/draft.html"), (later.id, "/later.html")]
        )
    assert store.resolve_legacy("http://old/public.html").id == public.id
    for url in ("/draft.html", "/later.html", "/unknown.html"):
        with pytest.raises(NotFoundError) as missing:
            store.resolve_legacy(url)
        assert missing.value.kind == "legacy_url"
    with store.session(readonly=True) as uow:
        assert uow.legacy_urls.article("/draft.html").id == draft.id  # not public: still there
        assert uow.legacy_urls.resolve("/later.html") == later.id
    clock.advance(hours=2)
    assert store.resolve_legacy("/later.html").id == later.id
    with pytest.raises(ValidationError):
        store.resolve_legacy("")


def test_writes_announce_nothing_and_leave_the_article_as_it_was(store, two):
    public, _ = two
    events: list = []
    store.subscribe(events.append)
    with store.session() as uow:
        uow.legacy_urls.add(public.id, "/x.html")
        uow.legacy_urls.add_many([(public.id, "/y.html")])
        assert uow.legacy_urls.remove("/x.html") is True
        assert uow.legacy_urls.remove("/x.html") is False
    assert events == []
    with store.session(readonly=True) as uow:
        after = uow.articles.get(public.id)
        assert (after.version, after.fingerprint) == (public.version, public.fingerprint)
        assert uow.legacy_urls.of(public.id) == ("/y.html",)


def test_a_deleted_article_takes_its_urls_along(store, two):
    public, _ = two
    with store.session() as uow:
        uow.legacy_urls.add(public.id, OLD)
        uow.articles.delete(public.id)
    with store.session(readonly=True) as uow:
        assert uow.legacy_urls.resolve(OLD) is None
        assert uow.legacy_urls.redirects() == ()


def test_redirects_page_by_key_and_stream_every_public_url_once(store, two):
    public, draft = two
    with store.session() as uow:
        uow.legacy_urls.add_many([(public.id, f"/p/{n}.html") for n in range(7)])
        uow.legacy_urls.add_many([(draft.id, f"/d/{n}.html") for n in range(3)])
    with store.session(readonly=True) as uow:
        pages, after = [], None
        while True:
            page = uow.legacy_urls.redirects(after=after, limit=3)
            if not page:
                break
            pages.append(page)
            after = page[-1].key
        assert [len(page) for page in pages] == [3, 3, 3, 1]
        every = [redirect for page in pages for redirect in page]
        assert [r.key for r in every] == sorted(legacy_url_key(r.url) for r in every)
        assert {r.url for r in every} == {f"/p/{n}.html" for n in range(7)} | {
            f"/d/{n}.html" for n in range(3)
        }
        public_only = uow.legacy_urls.redirects(public=True)
        assert {r.article_id for r in public_only} == {public.id}
        assert public_only[0].article.slug == public.slug
        assert public_only[0].path == public_only[0].url
        for bad in ({"after": "not-a-key"}, {"limit": 0}, {"limit": 10_001}, {"public": "yes"}):
            with pytest.raises(ValidationError):
                uow.legacy_urls.redirects(**bad)  # type: ignore[arg-type]
    with read_snapshot(store) as uow:
        streamed = list(stream_redirects(uow, batch_size=2))
    assert [r.key for r in streamed] == [r.key for r in public_only]
    assert len(streamed) == 7
