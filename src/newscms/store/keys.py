"""The content keys the store indexes, re-exported from ``newscms.utils.keys``.

The domain's matching rules compare the same keys, so they live with the pure helpers;
store modules keep importing them from here.
"""

from newscms.utils.keys import source_key, tag_locale, title_key, url_key

__all__ = ["source_key", "tag_locale", "title_key", "url_key"]
