"""Pure helpers with no I/O: slugs, dates, locales and article HTML."""

from newscms.utils.dates import (
    DateOrder as DateOrder,
)
from newscms.utils.dates import (
    ParsedDate as ParsedDate,
)
from newscms.utils.dates import (
    format_date as format_date,
)
from newscms.utils.dates import (
    format_relative as format_relative,
)
from newscms.utils.dates import (
    parse_date as parse_date,
)
from newscms.utils.html import html_to_text as html_to_text
from newscms.utils.html import sanitize_html as sanitize_html
from newscms.utils.locales import fallback_chain as fallback_chain
from newscms.utils.locales import locale_display_name as locale_display_name
from newscms.utils.locales import negotiate_locale as negotiate_locale
from newscms.utils.locales import normalize_locale as normalize_locale
from newscms.utils.slugs import slugify as slugify

__all__ = [
    "DateOrder",
    "ParsedDate",
    "fallback_chain",
    "format_date",
    "format_relative",
    "html_to_text",
    "locale_display_name",
    "negotiate_locale",
    "normalize_locale",
    "parse_date",
    "sanitize_html",
    "slugify",
]
