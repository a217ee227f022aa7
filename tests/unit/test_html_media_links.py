"""``link_media_images``: inline images name the media item their URL shows, and only that."""

from __future__ import annotations

import uuid

from hypothesis import given, settings
from hypothesis import strategies as st

from newscms.utils.html import MEDIA_ATTRIBUTE, link_media_images, sanitize_html
from newscms.utils.keys import media_key

PHOTO = uuid.UUID("0f0e0d0c-0b0a-4908-8706-050403020100")


def test_the_sanitizer_keeps_only_a_media_id_that_is_an_id() -> None:
    kept = sanitize_html(f'<img src="https://x.test/a.jpg" {MEDIA_ATTRIBUTE}="{PHOTO}">')
    assert f'{MEDIA_ATTRIBUTE}="{PHOTO}"' in kept
    for hostile in ("javascript:alert(1)", '" onerror="alert(1)', "1234", str(PHOTO).upper()):
        body = sanitize_html(f'<img src="https://x.test/a.jpg" {MEDIA_ATTRIBUTE}="{hostile}">')
        assert MEDIA_ATTRIBUTE not in body
        assert "onerror" not in body
    assert MEDIA_ATTRIBUTE not in sanitize_html(f'<p {MEDIA_ATTRIBUTE}="{PHOTO}">x</p>')


def test_an_image_is_matched_by_its_url_however_spelled() -> None:
    body = sanitize_html('<p><img src="http://www.x.test/%E5%B9%B3.jpg" alt="a"> and text</p>')
    linked = link_media_images(body, {media_key("https://x.test/平.jpg"): PHOTO})
    assert linked == body.replace('alt="a">', f'alt="a" {MEDIA_ATTRIBUTE}="{PHOTO}">')
    assert link_media_images(linked, {}) == body  # no longer shown: no longer named
    assert link_media_images("<p>no images</p>", {}) == "<p>no images</p>"


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200), st.booleans())
def test_linking_is_idempotent_and_never_unsafe(text: str, attached: bool) -> None:
    body = sanitize_html(f'<p>{text}<img src="https://x.test/a.jpg"></p>')
    urls = {media_key("https://x.test/a.jpg"): PHOTO} if attached else {}
    once = link_media_images(body, urls)
    assert link_media_images(once, urls) == once
    assert sanitize_html(once) == once  # what it writes is what the sanitizer keeps
