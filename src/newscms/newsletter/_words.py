# ruff: noqa: RUF001 - the Chinese words use full-width punctuation
"""The words newsletter messages are written in, per language, as data.

Dates and locale names come from CLDR through Babel (``newscms.utils``); these are the
sentences CLDR has no entry for. A language missing here falls back to English, the
language missing a key too. ``{site}``, ``{date}``, ``{name}`` are filled in at use.
"""

from __future__ import annotations

from newscms.utils.locales import language_of

__all__ = ["WORDS", "words_for"]

WORDS: dict[str, dict[str, str]] = {
    "en": {
        "subject_daily": "{site}: your daily news, {date}",
        "subject_weekly": "{site}: your week in news, to {date}",
        "subject_each_article": "{site}: new article, {date}",
        "intro": "The news you asked for, published up to {date}.",
        "other": "Other news",
        "unsubscribe": "Unsubscribe",
        "preferences": "Change your preferences",
        "why": "You receive this because you subscribed to {site} news.",
        "confirm_subject": "{site}: confirm your subscription",
        "confirm_body": "Please confirm that you want to receive news from {site}.",
        "confirm_action": "Confirm my subscription",
        "confirm_ignore": "If you did not ask for this, ignore this message: nothing "
        "will be sent to you.",
        "share_subject": "{name} shared an article from {site}",
        "share_intro": "{name} thought you would like this article from {site}.",
        "share_note": "Their note:",
        "share_why": "{site} sent this at {name}'s request. Your address was not "
        "added to any list.",
        "read": "Read the article",
    },
    "it": {
        "subject_daily": "{site}: le notizie del giorno, {date}",
        "subject_weekly": "{site}: la settimana in notizie, fino al {date}",
        "subject_each_article": "{site}: nuovo articolo, {date}",
        "intro": "Le notizie che ci ha chiesto, pubblicate fino al {date}.",
        "other": "Altre notizie",
        "unsubscribe": "Annulla l'iscrizione",
        "preferences": "Cambia le tue preferenze",
        "why": "Ricevi questo messaggio perché ti sei iscritto alle notizie di {site}.",
        "confirm_subject": "{site}: conferma la tua iscrizione",
        "confirm_body": "Conferma di voler ricevere le notizie di {site}.",
        "confirm_action": "Confermo l'iscrizione",
        "confirm_ignore": "Se non l'hai chiesto tu, ignora questo messaggio: non ti "
        "sarà inviato nulla.",
        "share_subject": "{name} ti ha inviato un articolo di {site}",
        "share_intro": "{name} pensa che questo articolo di {site} ti interessi.",
        "share_note": "Il suo messaggio:",
        "share_why": "{site} ha inviato questo messaggio su richiesta di {name}. Il tuo "
        "indirizzo non è stato aggiunto ad alcuna lista.",
        "read": "Leggi l'articolo",
    },
    "es": {
        "subject_daily": "{site}: las noticias del día, {date}",
        "subject_weekly": "{site}: la semana en noticias, hasta el {date}",
        "subject_each_article": "{site}: nuevo artículo, {date}",
        "intro": "Las noticias que pidió, publicadas hasta el {date}.",
        "other": "Otras noticias",
        "unsubscribe": "Darse de baja",
        "preferences": "Cambiar sus preferencias",
        "why": "Recibe este mensaje porque se suscribió a las noticias de {site}.",
        "confirm_subject": "{site}: confirme su suscripción",
        "confirm_body": "Confirme que desea recibir las noticias de {site}.",
        "confirm_action": "Confirmar mi suscripción",
        "confirm_ignore": "Si no lo pidió, ignore este mensaje: no se le enviará nada.",
        "share_subject": "{name} le envía un artículo de {site}",
        "share_intro": "{name} cree que este artículo de {site} le interesará.",
        "share_note": "Su nota:",
        "share_why": "{site} envió este mensaje a petición de {name}. Su dirección no "
        "se añadió a ninguna lista.",
        "read": "Leer el artículo",
    },
    "zh": {
        "subject_daily": "{site}：每日新闻，{date}",
        "subject_weekly": "{site}：一周新闻，截至{date}",
        "subject_each_article": "{site}：新文章，{date}",
        "intro": "您订阅的新闻，截至{date}。",
        "other": "其他新闻",
        "unsubscribe": "退订",
        "preferences": "更改订阅偏好",
        "why": "您收到此邮件是因为您订阅了{site}的新闻。",
        "confirm_subject": "{site}：请确认您的订阅",
        "confirm_body": "请确认您希望接收{site}的新闻。",
        "confirm_action": "确认订阅",
        "confirm_ignore": "如果这不是您的请求，请忽略此邮件：我们不会向您发送任何内容。",
        "share_subject": "{name}与您分享了{site}的一篇文章",
        "share_intro": "{name}认为您会喜欢{site}的这篇文章。",
        "share_note": "附言：",
        "share_why": "{site}应{name}的请求发送此邮件。您的地址未被加入任何名单。",
        "read": "阅读全文",
    },
}
"""Each language's sentences; English is complete and the fallback of every key."""


def words_for(locale: str) -> dict[str, str]:
    """The sentences for ``locale``'s language, every missing key filled from English."""
    own = WORDS.get(language_of(locale), {})
    return {**WORDS["en"], **own}
