"""Tests of the example project, run by Django's test runner (see ../test_django_project.py).

They run on whichever database ``NEWSPROJECT_DB`` configures, inside the test database
Django's runner created: newscms must follow it there, migrate it, serve from it, and
let the runner drop it at the end.
"""

import io
import json
import os
import uuid
from datetime import UTC, datetime

from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.test import TransactionTestCase
from django.urls import reverse

from newscms import ArticleDraft, ArticlePatch
from newscms.errors import NotFoundError, RetryableError
from newscms.integrations.django import database_url, get_store


def _published(headline, **fields):
    """Create and publish an article with a headline unique to this test."""
    with get_store().session() as uow:
        draft = ArticleDraft(
            locale="en",
            headline=f"{headline} {uuid.uuid4().hex[:8]}",
            body="<p>Text.</p>",
            published_at=datetime(2026, 1, 10, 9, 0, tzinfo=UTC),
            **fields,
        )
        article = uow.articles.create(draft)
        return uow.workflow.publish(article.id)


class StoreTests(TransactionTestCase):
    def test_follows_the_test_database(self):
        url = database_url()
        assert (
            get_store().engine.url.database
            == url.database
            == connection.settings_dict["NAME"].split("?")[0]
        )
        name = str(connection.settings_dict["NAME"])
        assert os.path.basename(name).startswith(("test_", "file:memorydb_")), (
            name
        )  # the test database
        # The tables Django sees are newscms's: one database, two connections.
        assert "newscms_articles" in connection.introspection.table_names()
        if connection.vendor == "sqlite" and str(name).startswith("file:"):
            assert url.query["mode"] == "memory"
            assert url.query["uri"] == "true"

    def test_post_migrate_migrated_newscms(self):
        status = get_store().schema_status()
        assert status.current == status.head, status


class ReadViewTests(TransactionTestCase):
    def test_article_etag_304_and_former_slug(self):
        article = _published("Seoul talks")
        url = reverse("newscms:article", kwargs={"locale": "en", "slug": article.slug})
        response = self.client.get(url)
        assert response.status_code == 200, response.content
        assert response["Content-Type"] == "application/json"
        assert response.json()["headline"] == article.headline
        etag = response["ETag"]
        assert self.client.get(url, headers={"if-none-match": etag}).status_code == 304

        with get_store().session() as uow:
            moved = uow.articles.update(
                article.id,
                ArticlePatch(slug=f"{article.slug}-new", expected_version=article.version),
            )
        response = self.client.get(url)
        assert response.status_code == 301
        assert response["Location"].endswith(f"/news/articles/en/{moved.slug}")

    def test_unknown_article_and_bad_locale_are_404_problems(self):
        for slug_url in ("/news/articles/en/no-such-story", "/news/articles/xx-@@/story"):
            response = self.client.get(slug_url)
            assert response.status_code == 404, (slug_url, response.content)
            assert response["Content-Type"] == "application/problem+json"
            assert response.json()["status"] == 404

    def test_listing_search_and_other_formats(self):
        article = _published("Pyongyang summit")
        listing = self.client.get("/news/articles", {"locale": "en", "limit": 1})
        assert listing.status_code == 200
        assert "body" not in listing.json()["items"][0]
        for name in ("article_ninjs", "article_jsonld"):
            url = reverse(f"newscms:{name}", kwargs={"locale": "en", "slug": article.slug})
            assert self.client.get(url).status_code == 200, name
        assert self.client.get("/news/search", {"q": "summit"}).status_code == 200
        assert self.client.get("/news/search", {"limit": "0"}).status_code in (400, 422)

    def test_feed_is_streamed_and_closes_its_unit_of_work(self):
        _published("Feed item")
        response = self.client.get(reverse("newscms:feed_rss", kwargs={"locale": "en"}))
        assert response.status_code == 200
        assert response.streaming
        assert b"Feed item" in b"".join(response.streaming_content)
        response.close()
        assert self.client.get("/news/sitemap.xml").status_code == 200

    def test_head_has_no_body(self):
        article = _published("Head")
        url = reverse("newscms:article", kwargs={"locale": "en", "slug": article.slug})
        response = self.client.head(url)
        assert response.status_code == 200
        assert response.content == b""

    def test_project_view_errors_become_problems(self):
        _published("Own view")
        assert self.client.get("/latest/en").status_code == 200
        response = self.client.get("/latest/not-a-locale-!!")
        assert response.status_code == 422, response.content
        assert response["Content-Type"] == "application/problem+json"
        assert response.json()["errors"]


class TransactionBoundaryTests(TransactionTestCase):
    """What docs/django.md promises about Django's transactions, checked."""

    def test_atomic_does_not_cover_newscms_writes(self):
        headline = f"Outside atomic {uuid.uuid4().hex[:8]}"
        try:
            with transaction.atomic():
                ContentType.objects.create(app_label="newsproject", model="boundary")
                if connection.vendor == "sqlite":
                    # One writer at a time: Django's open write transaction holds the lock.
                    with self.assertRaises(RetryableError), get_store().session() as uow:  # noqa: PT027 - Django's runner
                        uow.articles.create(ArticleDraft(locale="en", headline=headline))
                else:
                    with get_store().session() as uow:
                        uow.articles.create(ArticleDraft(locale="en", headline=headline))
                raise RuntimeError("roll the Django transaction back")
        except RuntimeError:
            pass
        assert not ContentType.objects.filter(model="boundary").exists()  # Django's: gone
        with get_store().session(readonly=True) as uow:  # newscms's: committed on its own
            found = uow.articles.list(locale="en", limit=200).items
        assert (headline in [a.headline for a in found]) is (connection.vendor != "sqlite")

    def test_on_commit_runs_newscms_work_only_after_django_commits(self):
        kept, dropped = (f"On commit {word} {uuid.uuid4().hex[:8]}" for word in ("kept", "dropped"))

        def create(headline):
            return lambda: get_store().run(
                lambda uow: uow.articles.create(ArticleDraft(locale="en", headline=headline))
            )

        with transaction.atomic():
            ContentType.objects.create(app_label="newsproject", model="kept")
            transaction.on_commit(create(kept))
        try:
            with transaction.atomic():
                transaction.on_commit(create(dropped))
                raise RuntimeError("rolled back")
        except RuntimeError:
            pass
        with get_store().session(readonly=True) as uow:
            assert uow.articles.get_by_slug("en", kept.lower().replace(" ", "-"))
            try:
                uow.articles.get_by_slug("en", dropped.lower().replace(" ", "-"))
            except NotFoundError:
                pass
            else:
                raise AssertionError("work registered in a rolled-back atomic block ran")


class ManagementCommandTests(TransactionTestCase):
    def test_cli_runs_on_the_project_database(self):
        article = _published("Command line")
        out = io.StringIO()
        call_command("newscms", "article", "list", "--json", stdout=out)
        slugs = [item["slug"] for item in json.loads(out.getvalue())["items"]]
        assert article.slug in slugs

    def test_cli_failure_is_a_command_error(self):
        err = io.StringIO()
        with self.assertRaises(CommandError) as failed:  # noqa: PT027 - Django's runner, no pytest
            call_command("newscms", "article", "show", "no-such-slug", stderr=err)
        assert failed.exception.returncode == 1
        assert err.getvalue().startswith("error:"), err.getvalue()
