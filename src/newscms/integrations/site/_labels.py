"""The words of the reference site's pages, by locale, as data.

The printable page's words (``by``, ``See also``) come from ``newscms.formats.printable``
so both say the same; these are the site's own. A locale follows its fallback chain to
English, as the printable page's words do.
"""

from __future__ import annotations

from newscms.formats.printable import LABELS as PRINT_LABELS
from newscms.utils.locales import fallback_chain

__all__ = ["SITE_LABELS", "labels_for"]

SITE_LABELS: dict[str, dict[str, str]] = {
    "en": {
        "latest": "Latest news",
        "older": "Older stories",
        "tags": "Tags",
        "region": "Region",
        "tag": "Tag",
        "send": "Send to a friend",
        "print": "Printable version",
        "search": "Search",
        "search_results": "Search results for “{query}”",
        "no_results": "Nothing found.",
        "no_articles": "No stories yet.",
        "translations": "Also in",
        "feeds": "Feeds",
        "home": "Home",
        "error": "Error",
        "not_found": "Page not found",
        "not_found_detail": "There is no page at this address.",
    },
    "it": {
        "latest": "Ultime notizie",
        "older": "Notizie precedenti",
        "tags": "Tag",
        "region": "Regione",
        "tag": "Tag",
        "send": "Invia ad un amico",
        "print": "Versione stampabile",
        "search": "Cerca",
        "search_results": "Risultati per «{query}»",
        "no_results": "Nessun risultato.",
        "no_articles": "Ancora nessuna notizia.",
        "translations": "Anche in",
        "feeds": "Feed",
        "home": "Home",
        "error": "Errore",
        "not_found": "Pagina non trovata",
        "not_found_detail": "Non c'è nessuna pagina a questo indirizzo.",
    },
    "es": {
        "latest": "Últimas noticias",
        "older": "Noticias anteriores",
        "tags": "Etiquetas",
        "region": "Región",
        "tag": "Etiqueta",
        "send": "Enviar a un amigo",
        "print": "Versión para imprimir",
        "search": "Buscar",
        "search_results": "Resultados de «{query}»",
        "no_results": "No se encontró nada.",
        "no_articles": "Todavía no hay noticias.",
        "translations": "También en",
        "feeds": "Canales",
        "home": "Inicio",
        "error": "Error",
        "not_found": "Página no encontrada",
        "not_found_detail": "No hay ninguna página en esta dirección.",
    },
    "zh": {
        "latest": "最新新闻",
        "older": "更早的新闻",
        "tags": "标签",
        "region": "地区",
        "tag": "标签",
        "send": "发送给朋友",
        "print": "打印版",
        "search": "搜索",
        "search_results": "“{query}”的搜索结果",
        "no_results": "没有找到结果。",
        "no_articles": "暂无新闻。",
        "translations": "其他语言",
        "feeds": "订阅",
        "home": "首页",
        "error": "错误",
        "not_found": "页面不存在",
        "not_found_detail": "此地址没有页面。",
    },
}
"""The site's words by locale; every table has the keys of the English one."""


def labels_for(locale: str) -> dict[str, str]:
    """The site's and the printable page's words for ``locale`` (English where missing)."""
    words = {**PRINT_LABELS["en"], **SITE_LABELS["en"]}
    for table in (PRINT_LABELS, SITE_LABELS):
        for candidate in fallback_chain(locale):
            if candidate in table:
                words |= table[candidate]
                break
    return words
