"""The words of each edition of the legacy site, as data: chrome, byline, name joiners.

The legacy site ran in English, Italian, Spanish and Chinese. Every page carries the
same chrome in its edition's words; the parser uses these words to find the page's
structure (where the body ends, where the tags and the "See also" list start) and to
tell the page's language. Lines are compared by their letters and digits only, case
folded, so ``CLOSE X``, ``Close x`` and ``CLOSE  X`` are the same chrome.

The English and Italian words are those of the site's pages. The Spanish ones follow
the site's Spanish edition. The Chinese edition's words were never captured, so the
ones below are the plain Simplified Chinese phrases such a page uses (发送给朋友 "send
to a friend", 打印版本 "printable version", 关闭 "close", 标签 "tags", 相关文章 /
另见 "see also", 作者 / 记者 "author" / "reporter"); a page with other words still
parses, because the structure does not depend on any one phrase.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = ["EDITIONS", "FOOTER_MOTTO", "Chrome", "Edition"]


class Chrome(StrEnum):
    """What a chrome line of the page is for; none of them is content."""

    SHARE = "share"
    PRINT = "print"
    CLOSE = "close"
    TAGS = "tags"
    SEE_ALSO = "see_also"
    NEWSLETTER = "newsletter"
    FOOTER = "footer"  # the closing motto, recognised by FOOTER_MOTTO rather than by words


@dataclass(frozen=True, slots=True)
class Edition:
    """One language edition of the legacy site: its chrome words and how it credits authors.

    Attributes:
        locale: The edition's BCP 47 locale.
        chrome: The phrases of each kind of chrome line.
        byline: Words that open a byline (``by``); a colon may follow them.
        joiners: Words between the last two authors (``and``); commas always separate.
        function_words: Frequent short words of the language, to tell a page's language
            when it has no chrome and no byline.
        script: A regular expression of the characters only this edition writes in,
            for the same purpose; empty for Latin-script editions.
    """

    locale: str
    chrome: Mapping[Chrome, tuple[str, ...]]
    byline: tuple[str, ...]
    joiners: tuple[str, ...]
    function_words: frozenset[str] = frozenset()
    script: str = ""


EDITIONS: tuple[Edition, ...] = (
    Edition(
        locale="en",
        chrome={
            Chrome.SHARE: ("Send to a friend",),
            Chrome.PRINT: ("Printable version",),
            Chrome.CLOSE: ("CLOSE X", "Close"),
            Chrome.TAGS: ("TAGs",),
            Chrome.SEE_ALSO: ("See also",),
            Chrome.NEWSLETTER: (
                "Newsletter",
                "Subscribe to Asia News updates or change your preferences",
                "Subscribe now",
            ),
        },
        byline=("by",),
        joiners=("and", "&"),
        function_words=frozenset(
            {"the", "and", "of", "to", "in", "that", "is", "was", "for", "with", "has", "are"}
        ),
    ),
    Edition(
        locale="it",
        chrome={
            Chrome.SHARE: ("Invia ad un amico", "Invia a un amico"),
            Chrome.PRINT: ("Versione stampabile",),
            Chrome.CLOSE: ("CHIUDI X", "Chiudi"),
            Chrome.TAGS: ("TAGs", "Tag"),
            Chrome.SEE_ALSO: ("Vedi anche",),
            Chrome.NEWSLETTER: (
                "Newsletter",
                "Iscriviti alla newsletter di AsiaNews o modifica le tue preferenze",
                "Iscriviti subito",
            ),
        },
        byline=("di",),
        joiners=("e", "&"),
        function_words=frozenset(
            {"il", "di", "che", "per", "del", "della", "non", "con", "una", "gli", "sono", "nel"}
        ),
    ),
    Edition(
        locale="es",
        chrome={
            Chrome.SHARE: ("Enviar a un amigo",),
            Chrome.PRINT: ("Versión para imprimir",),
            Chrome.CLOSE: ("CERRAR X", "Cerrar"),
            Chrome.TAGS: ("TAGs", "Etiquetas"),
            Chrome.SEE_ALSO: ("Ver también",),
            Chrome.NEWSLETTER: (
                "Boletín",
                "Newsletter",
                "Suscríbase a las actualizaciones de AsiaNews o cambie sus preferencias",
                "Suscríbase ahora",
            ),
        },
        byline=("por", "de"),
        joiners=("y", "e", "&"),
        function_words=frozenset(
            {"el", "los", "las", "que", "por", "una", "del", "con", "para", "como", "es", "y"}
        ),
    ),
    Edition(
        locale="zh",
        chrome={
            Chrome.SHARE: ("发送给朋友", "转发给朋友"),
            Chrome.PRINT: ("打印版本", "可打印版本"),
            Chrome.CLOSE: ("关闭 X", "关闭"),
            Chrome.TAGS: ("TAGs", "标签"),
            Chrome.SEE_ALSO: ("相关文章", "另见"),
            Chrome.NEWSLETTER: (
                "电子报",
                "订阅亚洲新闻的更新或更改您的偏好设置",
                "立即订阅",
            ),
        },
        byline=("作者", "记者"),
        # Chinese names are not separated by spaces, so 和/与/及 split names only
        # when spaces set them apart; the enumeration comma and the full-width comma
        # always separate, like commas.
        joiners=("和", "与", "及"),
        script="[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]",
    ),
)

# The footer motto every edition closes with (John Paul II, "Rise, let us be on our
# way"): a quotation followed by a dash and the Pope's name, in any of the languages.
FOOTER_MOTTO = re.compile(
    r"""^[\W\d]*[“"«„「].+[”"»」]\s*[-\u2013\u2014]+\s*
        (?:san\ |st\.?\ |saint\ |santo\ |圣)?
        (?:Giovanni\ Paolo\ II|John\ Paul\ II|Juan\ Pablo\ II|若望保禄二世)""",
    re.IGNORECASE | re.VERBOSE,
)
