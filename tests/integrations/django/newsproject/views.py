"""A view of the project's own on the newscms store."""

from django.http import JsonResponse

from newscms.integrations.django import get_store


def latest(request, locale):
    """Headlines of the newest public articles of ``locale`` (a bad locale is a 422 problem)."""
    with get_store().session(readonly=True) as uow:
        page = uow.articles.list(locale=locale, public=True, limit=5)
    return JsonResponse({"headlines": [article.headline for article in page.items]})
