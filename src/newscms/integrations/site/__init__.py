"""The reference news site: ``newscms serve``, on the FastAPI adapter and Jinja2 templates.

``create_app(store, site=...)`` is a FastAPI application with a public news site's
pages (home by locale, article, printable version, tag and region pages, search) and
the JSON read API under ``/api`` (feeds and sitemaps included). No JavaScript is
needed; templates can be overridden one by one. See docs/serve.md.
"""

from newscms.integrations.site._app import create_app as create_app
from newscms.integrations.site._app import reference_site as reference_site

__all__ = ["create_app", "reference_site"]
