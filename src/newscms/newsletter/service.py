"""The newsletter of one site: subscriptions, digests, delivery, send to a friend, privacy.

``Newsletter(store, site=..., secret=..., sender=..., links=...)`` is the whole public
face; each method is one unit of work on the store's own connection, so a refused call
(bad address, altered link, duplicate) leaves every row as it was.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, time, timedelta
from email import message_from_bytes, policy
from email.headerregistry import Address
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, quote
from uuid import UUID, uuid4

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import and_, case, delete, func, insert, select, update
from sqlalchemy import exc as sa_exc

from newscms.errors import (
    DeliveryError,
    DuplicateError,
    InvalidAddressError,
    NotFoundError,
    RateLimitedError,
    SubscriptionTokenError,
    ValidationError,
)
from newscms.formats.printable import printable_text
from newscms.formats.share import share_payload
from newscms.formats.site import to_uri
from newscms.newsletter._digests import Run
from newscms.newsletter._messages import (
    PREFERENCES_SLOT,
    UNSUBSCRIBE_SLOT,
    build_message,
    fill_links,
    render_confirmation,
    render_share,
)
from newscms.newsletter._share import SHARE_LIMITS, ShareLimit, clean_name, clean_note, span
from newscms.newsletter._tokens import Action, TokenCodec, secret_bytes
from newscms.newsletter.models import (
    DEFAULT_FREQUENCY,
    Digest,
    Frequency,
    SendReport,
    Subscriber,
    SubscriberStatus,
)
from newscms.utils.dates import ensure_aware, in_zone, to_utc
from newscms.utils.locales import normalize_locale, normalize_locales

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator
    from email.message import EmailMessage

    from sqlalchemy import Connection
    from sqlalchemy.engine import RowMapping

    from newscms.domain.article import Article
    from newscms.formats.site import Site
    from newscms.newsletter.mailer import Mailer
    from newscms.store import Store, UnitOfWork

__all__ = [
    "DIGEST_LIMIT",
    "SHARE_LIMITS",
    "Newsletter",
    "ShareLimit",
    "digest_key",
    "normalize_address",
]

DIGEST_LIMIT = 40
"""Articles per digest at most: a morning read, not the whole wire."""
_PAGE = 500  # subscribers per page of a run
_MAILBOX_GONE = frozenset({550, 551, 553})  # the mailbox does not exist: a hard bounce
_BOUNCE_KINDS = frozenset({"hard", "complaint"})
_PERIODS = {Frequency.DAILY: timedelta(days=1), Frequency.WEEKLY: timedelta(days=7)}


def normalize_address(value: object, *, field: str = "email") -> str:
    """The address as newscms stores it: checked, IDNA-normalized, lower-cased.

    Raises:
        InvalidAddressError: not an address mail can be delivered to.
    """
    if not isinstance(value, str) or not value.strip():
        raise InvalidAddressError("an e-mail address is required", field=field)
    try:
        checked = validate_email(value.strip(), check_deliverability=False)
    except EmailNotValidError as error:
        raise InvalidAddressError(str(error), field=field) from None
    return checked.normalized.lower()


def digest_key(frequency: Frequency | str, period_end: datetime) -> str:
    """The identity of one digest in the send log: its frequency and period end (UTC)."""
    end = ensure_aware(period_end, field="period_end")
    return f"{Frequency(frequency).value}:{in_zone(end, UTC):%Y%m%dT%H%M%S}"


class Newsletter:
    """Subscriptions, digests and "send to a friend" for one site.

    Args:
        store: Where subscribers, the send log and the articles live.
        site: The publication: its name in messages, article URLs, its zone for dates
            and for where a day starts.
        secret: Signs the links in messages (16 bytes at least); yours, kept out of the
            database, shared by every worker.
        sender: The From address of every message (the newsroom's, never a reader's).
        links: Template of the links in messages, with ``{action}`` (``confirm``,
            ``preferences``, ``unsubscribe``) and ``{token}``:
            ``"https://www.asianews.it/newsletter/{action}?token={token}"``.
        list_id: The ``List-Id`` of digests (default ``newsletter.<sender domain>``).
        mailer: Sends the messages; without one, nothing is sent (build-only).
        digest_limit: Articles per digest at most.
    """

    def __init__(
        self,
        store: Store,
        *,
        site: Site,
        secret: bytes | str,
        sender: str,
        links: str,
        list_id: str | None = None,
        mailer: Mailer | None = None,
        digest_limit: int = DIGEST_LIMIT,
    ) -> None:
        self.store = store
        self.site = site
        self._tokens = TokenCodec(secret)
        self._hash_key = hashlib.sha256(b"newscms-share-keys\n" + secret_bytes(secret)).digest()
        address = normalize_address(sender, field="sender")
        self.sender = Address(display_name=site.name, addr_spec=address)
        self.domain = address.rpartition("@")[2]
        self.list_id = list_id or f"{site.name} <newsletter.{self.domain}>"
        if not isinstance(links, str) or "{token}" not in links or "{action}" not in links:
            raise ValidationError("give a URL template with {action} and {token}", field="links")
        to_uri(links.format(action="confirm", token="t"), field="links")
        self._links = links
        self.mailer = mailer
        if not isinstance(digest_limit, int) or not 1 <= digest_limit <= 200:
            raise ValidationError("must be between 1 and 200", field="digest_limit")
        self.digest_limit = digest_limit

    # -- links -------------------------------------------------------------------------

    def link(self, action: Action | str, subscriber: Subscriber) -> str:
        """The signed URL that lets ``subscriber`` do ``action`` without an account."""
        token = self._tokens.make(Action(action), subscriber.id, now=self.store.settings.now())
        return self._links.format(action=Action(action).value, token=quote(token, safe=""))

    def token(self, action: Action | str, subscriber: Subscriber) -> str:
        """The bare signed token of ``link`` (for a host that builds its own URLs)."""
        return self._tokens.make(Action(action), subscriber.id, now=self.store.settings.now())

    # -- subscriptions -----------------------------------------------------------------

    def subscribe(
        self,
        email: str,
        *,
        locale: str,
        frequency: Frequency | str = DEFAULT_FREQUENCY,
        editions: Iterable[str] = (),
        tags: Iterable[UUID | str] = (),
    ) -> Subscriber:
        """Record a pending subscription and send its confirmation message.

        Nothing else is ever mailed to the address until the confirmation link is
        followed (double opt-in). An address that unsubscribed may subscribe again.

        Raises:
            InvalidAddressError: ``email`` cannot receive mail, or asked (by bouncing
                or complaining) never to be mailed again.
            DuplicateError: the address is already subscribed or awaits confirmation.
            ValidationError: a locale, edition, frequency or tag is not valid.
            DeliveryError: the confirmation could not be sent; nothing was stored.
        """
        address = normalize_address(email)
        prefs = self._preferences(locale=locale, frequency=frequency, editions=editions, tags=tags)
        with self.store.session() as uow:
            conn = uow.connection
            self._check_tags(conn, prefs["tag_ids"])
            if self._suppressed(conn, address):
                raise InvalidAddressError(
                    "this address cannot receive mail from this site", field="email"
                )
            now = uow.now()
            row = self._row(conn, address)
            values = {**prefs, "tag_ids": [t.hex for t in prefs["tag_ids"]], "updated_at": now}
            s = self.store.tables.subscribers
            if row is None:
                ident = uuid4()
                with uow.atomic():
                    conn.execute(
                        insert(s).values(id=ident, email=address, created_at=now, **values)
                    )
            elif row["unsubscribed_at"] is None:
                state = "awaits confirmation" if row["confirmed_at"] is None else "is subscribed"
                raise DuplicateError(
                    f"this address already {state}; use the link in its last message to "
                    "change preferences"
                )
            else:
                ident = row["id"]
                conn.execute(
                    update(s)
                    .where(s.c.id == ident)
                    .values(confirmed_at=None, unsubscribed_at=None, **values)
                )
            subscriber = _subscriber(self._row(conn, address))
            if self.mailer is not None:
                self.mailer.send(self.confirmation_message(subscriber))
        return subscriber

    def confirmation_message(self, subscriber: Subscriber) -> EmailMessage:
        """The double opt-in message for ``subscriber``, in its locale."""
        subject, text, page = render_confirmation(
            locale=subscriber.locale, site=self.site, confirm_url=self.link("confirm", subscriber)
        )
        return self._message(subscriber.email, subject, text, page, subscriber.locale)

    def confirm(self, token: str) -> Subscriber:
        """Confirm the subscription a confirmation link names (following it twice is fine).

        Raises:
            SubscriptionTokenError: the link is altered, expired, for another action,
                or older than the subscriber's unsubscribe.
        """
        with self.store.session() as uow:
            grant = self._tokens.read(token, Action.CONFIRM, now=uow.now())
            subscriber = self._granted(uow.connection, grant.subscriber_id, Action.CONFIRM)
            left = subscriber.unsubscribed_at
            if left is not None and left.replace(microsecond=0) >= grant.issued_at:
                raise SubscriptionTokenError(
                    "this confirmation link was made before the address unsubscribed; "
                    "subscribe again to get a new one"
                )
            if subscriber.confirmed_at is None or left is not None:
                self._set(
                    uow.connection,
                    subscriber.id,
                    confirmed_at=uow.now(),
                    unsubscribed_at=None,
                    updated_at=uow.now(),
                )
            return self._get(uow.connection, subscriber.id)

    def update_preferences(
        self,
        token: str,
        *,
        locale: str | None = None,
        frequency: Frequency | str | None = None,
        editions: Iterable[str] | None = None,
        tags: Iterable[UUID | str] | None = None,
    ) -> Subscriber:
        """Change what a subscriber receives, through the signed link of a message.

        Only the arguments given change.

        Raises:
            SubscriptionTokenError: the link is altered, expired or for another action.
            ValidationError: a value is not valid; nothing changed.
        """
        with self.store.session() as uow:
            grant = self._tokens.read(token, Action.PREFERENCES, now=uow.now())
            current = self._granted(uow.connection, grant.subscriber_id, Action.PREFERENCES)
            prefs = self._preferences(
                locale=current.locale if locale is None else locale,
                frequency=current.frequency if frequency is None else frequency,
                editions=current.editions if editions is None else editions,
                tags=current.tag_ids if tags is None else tags,
            )
            self._check_tags(uow.connection, prefs["tag_ids"])
            prefs["tag_ids"] = [t.hex for t in prefs["tag_ids"]]
            self._set(uow.connection, current.id, updated_at=uow.now(), **prefs)
            return self._get(uow.connection, current.id)

    def unsubscribe(self, token: str) -> Subscriber:
        """Unsubscribe the subscriber an unsubscribe link names (again is a no-op).

        Raises:
            SubscriptionTokenError: the link is altered, expired or for another action.
        """
        with self.store.session() as uow:
            grant = self._tokens.read(token, Action.UNSUBSCRIBE, now=uow.now())
            subscriber = self._granted(uow.connection, grant.subscriber_id, Action.UNSUBSCRIBE)
            return self._unsubscribe(uow.connection, subscriber, uow.now())

    def one_click_unsubscribe(self, token: str, body: bytes | str) -> Subscriber:
        """Answer an RFC 8058 one-click POST: ``body`` must be ``List-Unsubscribe=One-Click``.

        A mailbox provider POSTs this to the ``List-Unsubscribe`` URL; a GET of the same
        URL (a link scanner) must not unsubscribe anyone, so a host app routes only POST
        here.

        Raises:
            ValidationError: the body is not the one-click form.
            SubscriptionTokenError: the link is altered, expired or for another action.
        """
        text = body.decode("utf-8", "replace") if isinstance(body, bytes) else str(body)
        if parse_qs(text).get("List-Unsubscribe") != ["One-Click"]:
            raise ValidationError(
                "a one-click unsubscribe POSTs List-Unsubscribe=One-Click (RFC 8058)",
                field="body",
            )
        return self.unsubscribe(token)

    def unsubscribe_address(self, email: str) -> Subscriber:
        """Unsubscribe an address directly (an operator's act, or a reply "unsubscribe").

        Raises:
            InvalidAddressError: ``email`` is not an address.
            NotFoundError: the address is not subscribed.
        """
        address = normalize_address(email)
        with self.store.session() as uow:
            row = self._row(uow.connection, address)
            if row is None:
                raise NotFoundError(
                    "no subscriber has this address", kind="subscriber", key=address
                )
            return self._unsubscribe(uow.connection, _subscriber(row), uow.now())

    def get(self, email: str) -> Subscriber:
        """The subscriber with this address.

        Raises:
            InvalidAddressError: ``email`` is not an address.
            NotFoundError: no subscriber has it.
        """
        address = normalize_address(email)
        with self.store.session(readonly=True) as uow:
            row = self._row(uow.connection, address)
        if row is None:
            raise NotFoundError("no subscriber has this address", kind="subscriber", key=address)
        return _subscriber(row)

    def record_bounce(self, email: str, *, kind: str = "hard") -> None:
        """Suppress an address after a hard bounce or a complaint (feedback loop).

        A suppressed address receives nothing more, digest or shared article, until an
        operator erases it; soft bounces are the SMTP server's to retry, not ours.

        Raises:
            InvalidAddressError: ``email`` is not an address.
            ValidationError: ``kind`` is neither ``hard`` nor ``complaint``.
        """
        if kind not in _BOUNCE_KINDS:
            raise ValidationError("use 'hard' or 'complaint'", field="kind")
        address = normalize_address(email)
        with self.store.session() as uow:
            self._suppress(uow.connection, address, kind, uow.now())

    # -- digests -----------------------------------------------------------------------

    def period(
        self, frequency: Frequency | str, *, end: datetime | None = None
    ) -> tuple[datetime, datetime]:
        """The period a digest covers, ``[start, end)``.

        Without ``end``, a daily digest ends at the last midnight of the site's zone and
        a weekly one at the last Monday midnight, so a run resumed hours later sends
        the same digest, not a new one. Each-article runs cover the last hour.
        """
        freq = _frequency(frequency)
        if end is None:
            local = in_zone(self.store.settings.now(), self.site.zone)
            if freq is Frequency.EACH_ARTICLE:
                start_local = local.replace(minute=0, second=0, microsecond=0)
                return start_local - timedelta(hours=1), start_local
            midnight = datetime.combine(local.date(), time(), tzinfo=self.site.zone)
            if freq is Frequency.WEEKLY:
                midnight -= timedelta(days=midnight.weekday())
            end = midnight
        end = ensure_aware(end, field="period_end")
        # Wall-clock arithmetic in the site's zone: the day of a DST change is 23 or 25
        # hours long, and its digest still runs from midnight to midnight.
        start = in_zone(end, self.site.zone) - _PERIODS.get(freq, timedelta(hours=1))
        return to_utc(start), to_utc(end)

    def digest(
        self, subscriber: Subscriber, *, period_end: datetime | None = None
    ) -> Digest | None:
        """The digest ``subscriber`` gets for the period ending at ``period_end``.

        Returns None when nothing published in the period matches its preferences.
        """
        start, end = self.period(subscriber.frequency, end=period_end)
        run = Run(self, subscriber.frequency, start, end)
        built = run.render(subscriber)
        if built is None:
            return None
        sections, (subject, text, page), _template = built
        links = self._slots(subscriber)
        return Digest(
            subject=subject,
            sections=sections,
            text=fill_links(text, links),
            html=fill_links(page, links, html_part=True),
        )

    def digest_messages(
        self, frequency: Frequency | str = DEFAULT_FREQUENCY, *, period_end: datetime | None = None
    ) -> Iterator[tuple[Subscriber, EmailMessage]]:
        """Every message a run would send, built and not sent (``digest --dry-run``).

        Streamed: subscribers are read a page at a time and each distinct set of
        preferences is rendered once, so memory stays bounded for any list.
        """
        freq = _frequency(frequency)
        start, end = self.period(freq, end=period_end)
        run = Run(self, freq, start, end)
        key = digest_key(freq, end)
        for subscriber in self._eligible(freq, key, skip_logged=False):
            built = run.message(subscriber, key)
            if built is not None:
                yield subscriber, message_from_bytes(built[1], policy=policy.default)

    def send_digests(
        self,
        frequency: Frequency | str = DEFAULT_FREQUENCY,
        *,
        period_end: datetime | None = None,
        resend_in_doubt: bool = False,
        progress: Callable[[SendReport], None] | None = None,
    ) -> SendReport:
        """Send the digest of one period to every active subscriber, at most once each.

        Each subscriber's send is claimed in the send log (committed) before the
        message goes to SMTP and marked sent after the server accepts it. A run that
        crashed is resumed by running it again: sent subscribers are skipped, and those
        claimed without a recorded answer are "in doubt" and skipped too (at most once)
        unless ``resend_in_doubt``. A permanent refusal suppresses the address (when
        the mailbox does not exist); a temporary one is left for the next run.

        Raises:
            DeliveryError: the SMTP server became unreachable; run again to resume.
            ValidationError: no mailer was given, or ``frequency`` is not valid.
        """
        if self.mailer is None:
            raise ValidationError("give the Newsletter a mailer to send", field="mailer")
        freq = _frequency(frequency)
        start, end = self.period(freq, end=period_end)
        key = digest_key(freq, end)
        report = SendReport(digest_key=key)
        log = self.store.tables.newsletter_sends
        with self.store.session() as uow:
            conn = uow.connection
            if resend_in_doubt:
                conn.execute(delete(log).where(log.c.digest_key == key, log.c.state == "claimed"))
            counts: dict[str, int] = dict(
                conn.execute(
                    select(log.c.state, func.count())
                    .where(log.c.digest_key == key)
                    .group_by(log.c.state)
                ).all()
            )
        report.in_doubt = int(counts.get("claimed", 0))
        report.already_sent = int(counts.get("sent", 0))
        run = Run(self, freq, start, end)
        accepted: tuple[UUID, str] | None = None
        try:
            for subscriber in self._eligible(freq, key, skip_logged=True):
                built = run.message(subscriber, key)
                if built is None:
                    report.empty += 1
                    continue
                message_id, data = built
                if not self._claim(key, subscriber.id, message_id, accepted):
                    accepted = None
                    continue  # a concurrent run has it
                accepted = None
                try:
                    self.mailer.send_bytes(self.sender.addr_spec, subscriber.email, data)
                except DeliveryError as error:
                    if error.code is None:
                        raise  # the answer is lost: the claim stays, in doubt
                    self._refused(key, subscriber, error, report)
                    continue
                accepted = (subscriber.id, message_id)
                report.sent += 1
                report.message_ids.append(message_id)
                if progress is not None:
                    progress(report)
        finally:
            if accepted is not None:
                self._mark_sent(key, accepted)
        return report

    # -- send to a friend --------------------------------------------------------------

    def share_by_email(
        self,
        article: Article,
        *,
        from_name: str,
        to_address: str,
        note: str = "",
        sender_key: str,
        locale: str | None = None,
    ) -> str | None:
        """Mail one public article to a friend, from the newsroom on a reader's behalf.

        The message carries the headline, summary and link in ``locale`` (the sender's;
        default the article's), the sender's name and an optional short note, both
        checked and escaped: it can never carry arbitrary text or links. It is sent
        from the newsroom's address (never spoofing the reader's).

        Args:
            article: A public article.
            from_name: The sender's name as the friend knows it (at most 60 characters).
            to_address: The friend's address.
            note: A personal line (at most 500 characters, no links).
            sender_key: Who is sending, as the host knows them (account id, client IP):
                the rate limits count per this key.
            locale: The language of the message.

        Returns:
            The Message-ID, or None when the address is suppressed (not said to the
            sender: whether someone opted out is nobody else's business).

        Raises:
            ValidationError: the article is not public, or a name or note is refused.
            InvalidAddressError: ``to_address`` is not an address.
            RateLimitedError: the sender or the recipient reached a limit.
            DeliveryError: the SMTP server refused or is unreachable; nothing counted.
        """
        if self.mailer is None:
            raise ValidationError("give the Newsletter a mailer to send", field="mailer")
        recipient = normalize_address(to_address, field="to_address")
        name = clean_name(from_name)
        text_note = clean_note(note)
        if self.site.public_url(article) is None:
            raise ValidationError("only a published article can be shared", field="article")
        shared = share_payload(article, site=self.site)  # the same link and title as the buttons
        if not isinstance(sender_key, str) or not sender_key.strip():
            raise ValidationError(
                "say who is sending (an account id or address)", field="sender_key"
            )
        language = normalize_locale(locale or article.locale)
        senders, recipients = self._key(sender_key.strip()), self._key(recipient)
        shares = self.store.tables.newsletter_shares
        with self.store.session() as uow:
            conn, now = uow.connection, uow.now()
            for column, value, limits, who in (
                (shares.c.sender_key, senders, SHARE_LIMITS["sender"], "from one sender"),
                (shares.c.recipient_key, recipients, SHARE_LIMITS["recipient"], "to one address"),
            ):
                for limit in limits:
                    times = conn.scalars(
                        select(shares.c.sent_at)
                        .where(column == value, shares.c.sent_at > now - limit.window)
                        .order_by(shares.c.sent_at)
                        .limit(limit.count)
                    ).all()
                    if len(times) >= limit.count:
                        wait = times[0] + limit.window - now
                        raise RateLimitedError(
                            f"at most {limit.count} shared articles per "
                            f"{span(limit.window)} {who}; try again later",
                            retry_after=max(1, int(wait.total_seconds()) + 1),
                        )
            if self._suppressed(conn, recipient):
                return None
            subject, body, page = render_share(
                locale=language,
                site=self.site,
                from_name=name,
                headline=shared.title,
                summary=printable_text(article.summary or "").strip(),
                url=shared.url,
                note=text_note,
            )
            message = self._message(
                recipient, subject, body, page, language, display=f"{name} via {self.site.name}"
            )
            conn.execute(
                insert(shares).values(
                    sender_key=senders, recipient_key=recipients, article_id=article.id, sent_at=now
                )
            )
            self.mailer.send(message)
            return str(message["Message-ID"])

    # -- privacy -----------------------------------------------------------------------

    def export(self, email: str) -> dict[str, Any]:
        """Everything stored about one address, as JSON-ready data (a subject access request).

        Raises:
            InvalidAddressError: ``email`` is not an address.
            NotFoundError: nothing is stored about it.
        """
        address = normalize_address(email)
        t = self.store.tables
        with self.store.session(readonly=True) as uow:
            conn = uow.connection
            row = self._row(conn, address)
            suppression = (
                conn.execute(
                    select(t.newsletter_suppressions).where(
                        t.newsletter_suppressions.c.email == address
                    )
                )
                .mappings()
                .first()
            )
            shares = conn.scalars(
                select(t.newsletter_shares.c.sent_at)
                .where(t.newsletter_shares.c.recipient_key == self._key(address))
                .order_by(t.newsletter_shares.c.sent_at)
            ).all()
            sends = []
            if row is not None:
                sends = [
                    {
                        "digest": send["digest_key"],
                        "state": send["state"],
                        "message_id": send["message_id"],
                        "claimed_at": _iso(send["claimed_at"]),
                        "sent_at": _iso(send["sent_at"]),
                        "error": send["error"],
                    }
                    for send in conn.execute(
                        select(t.newsletter_sends)
                        .where(t.newsletter_sends.c.subscriber_id == row["id"])
                        .order_by(t.newsletter_sends.c.claimed_at)
                    ).mappings()
                ]
        if row is None and suppression is None and not shares:
            raise NotFoundError(
                "nothing is stored about this address", kind="subscriber", key=address
            )
        subscriber = None
        if row is not None:
            s = _subscriber(row)
            subscriber = {
                "id": str(s.id),
                "locale": s.locale,
                "frequency": s.frequency.value,
                "editions": list(s.editions),
                "tags": [str(t) for t in s.tag_ids],
                "status": s.status.value,
                "created_at": _iso(s.created_at),
                "updated_at": _iso(s.updated_at),
                "confirmed_at": _iso(s.confirmed_at),
                "unsubscribed_at": _iso(s.unsubscribed_at),
                "suppressed_at": _iso(s.suppressed_at),
                "suppressed_reason": s.suppressed_reason,
            }
        return {
            "email": address,
            "subscriber": subscriber,
            "sends": sends,
            "suppression": None
            if suppression is None
            else {"reason": suppression["reason"], "created_at": _iso(suppression["created_at"])},
            "shared_articles_received": [_iso(when) for when in shares],
        }

    def erase(self, email: str) -> dict[str, int]:
        """Erase everything stored about one address; only aggregate counts remain.

        The subscriber, its send log rows, its suppression and the share records keyed
        to it are deleted in one transaction. What stays are numbers with no address:
        how many messages each digest sent, how many subscribers and shares were erased.

        Returns:
            How many rows of each kind were erased.

        Raises:
            InvalidAddressError: ``email`` is not an address.
            NotFoundError: nothing is stored about it.
        """
        address = normalize_address(email)
        t = self.store.tables
        erased = {"subscribers": 0, "sends": 0, "suppressions": 0, "shares": 0}
        with self.store.session() as uow:
            conn = uow.connection
            row = self._row(conn, address)
            if row is not None:
                sent = conn.execute(
                    select(t.newsletter_sends.c.digest_key, func.count())
                    .where(
                        t.newsletter_sends.c.subscriber_id == row["id"],
                        t.newsletter_sends.c.state == "sent",
                    )
                    .group_by(t.newsletter_sends.c.digest_key)
                ).all()
                for key, count in sent:
                    _bump(uow, f"sent:{key}", int(count))
                erased["sends"] = conn.execute(
                    delete(t.newsletter_sends).where(
                        t.newsletter_sends.c.subscriber_id == row["id"]
                    )
                ).rowcount
                erased["subscribers"] = conn.execute(
                    delete(t.subscribers).where(t.subscribers.c.id == row["id"])
                ).rowcount
            erased["suppressions"] = conn.execute(
                delete(t.newsletter_suppressions).where(
                    t.newsletter_suppressions.c.email == address
                )
            ).rowcount
            erased["shares"] = conn.execute(
                delete(t.newsletter_shares).where(
                    t.newsletter_shares.c.recipient_key == self._key(address)
                )
            ).rowcount
            if not any(erased.values()):
                raise NotFoundError(
                    "nothing is stored about this address", kind="subscriber", key=address
                )
            _bump(uow, "erased_subscribers", erased["subscribers"])
            _bump(uow, "erased_shares", erased["shares"])
        return erased

    def counts(self) -> dict[str, int]:
        """Aggregate numbers: subscribers by status, messages sent per digest, erasures."""
        t = self.store.tables
        s = t.subscribers
        result: dict[str, int] = {f"subscribers:{status.value}": 0 for status in SubscriberStatus}
        with self.store.session(readonly=True) as uow:
            conn = uow.connection
            status = case(
                (s.c.suppressed_at.is_not(None), SubscriberStatus.SUPPRESSED.value),
                (s.c.unsubscribed_at.is_not(None), SubscriberStatus.UNSUBSCRIBED.value),
                (s.c.confirmed_at.is_(None), SubscriberStatus.PENDING.value),
                else_=SubscriberStatus.ACTIVE.value,
            )
            for name, count in conn.execute(select(status, func.count()).group_by(status)).all():
                result[f"subscribers:{name}"] = int(count)
            for key, count in conn.execute(
                select(t.newsletter_sends.c.digest_key, func.count())
                .where(t.newsletter_sends.c.state == "sent")
                .group_by(t.newsletter_sends.c.digest_key)
            ).all():
                result[f"sent:{key}"] = int(count)
            for name, value in conn.execute(select(t.newsletter_counts)).all():
                result[name] = result.get(name, 0) + int(value)
        return result

    # -- internals ---------------------------------------------------------------------

    def _key(self, value: str) -> str:
        """A keyed digest of an identity: rate limits count it, nobody can reverse it."""
        return hashlib.blake2b(
            value.encode("utf-8"), key=self._hash_key, digest_size=32
        ).hexdigest()

    def _slots(self, subscriber: Subscriber) -> dict[str, str]:
        return {
            UNSUBSCRIBE_SLOT: self.link(Action.UNSUBSCRIBE, subscriber),
            PREFERENCES_SLOT: self.link(Action.PREFERENCES, subscriber),
        }

    def _message(
        self,
        to: str,
        subject: str,
        text: str,
        page: str,
        locale: str,
        *,
        message_id: str | None = None,
        unsubscribe_url: str | None = None,
        display: str | None = None,
    ) -> EmailMessage:
        sender = self.sender
        if display is not None:
            sender = Address(display_name=display, addr_spec=self.sender.addr_spec)
        return build_message(
            sender=sender,
            to=to,
            subject=subject,
            text=text,
            html_part=page,
            message_id=message_id or f"<{uuid4().hex}@{self.domain}>",
            date=self.store.settings.now(),
            locale=locale,
            list_id=self.list_id if unsubscribe_url else None,
            unsubscribe_url=unsubscribe_url,
        )

    def _preferences(
        self,
        *,
        locale: str,
        frequency: Frequency | str,
        editions: Iterable[str],
        tags: Iterable[UUID | str],
    ) -> dict[str, Any]:
        try:
            tag_ids = tuple(dict.fromkeys(t if isinstance(t, UUID) else UUID(str(t)) for t in tags))
        except (TypeError, ValueError):
            raise ValidationError("tags are tag ids (UUIDs)", field="tags") from None
        if isinstance(editions, str):
            raise ValidationError("give a list of locales", field="editions")
        return {
            "locale": normalize_locale(locale),
            "frequency": _frequency(frequency).value,
            "editions": list(normalize_locales(editions)),
            "tag_ids": tag_ids,
        }

    def _check_tags(self, conn: Connection, tag_ids: tuple[UUID, ...]) -> None:
        if not tag_ids:
            return
        tags = self.store.tables.tags
        found = set(conn.scalars(select(tags.c.id).where(tags.c.id.in_(tag_ids))))
        missing = [str(t) for t in tag_ids if t not in found]
        if missing:
            raise ValidationError(f"no tag has the id {missing[0]}", field="tags")

    def _row(self, conn: Connection, address: str) -> RowMapping | None:
        s = self.store.tables.subscribers
        return conn.execute(select(s).where(s.c.email == address)).mappings().first()

    def _get(self, conn: Connection, ident: UUID) -> Subscriber:
        s = self.store.tables.subscribers
        row = conn.execute(select(s).where(s.c.id == ident)).mappings().first()
        if row is None:
            raise NotFoundError("no such subscriber", kind="subscriber", key=ident)
        return _subscriber(row)

    def _granted(self, conn: Connection, ident: UUID, action: Action) -> Subscriber:
        try:
            return self._get(conn, ident)
        except NotFoundError:
            raise SubscriptionTokenError(
                f"this {action.value} link names an address that is no longer stored"
            ) from None

    def _set(self, conn: Connection, ident: UUID, **values: Any) -> None:
        s = self.store.tables.subscribers
        conn.execute(update(s).where(s.c.id == ident).values(**values))

    def _unsubscribe(self, conn: Connection, subscriber: Subscriber, now: datetime) -> Subscriber:
        if subscriber.unsubscribed_at is None:
            self._set(conn, subscriber.id, unsubscribed_at=now, updated_at=now)
        return self._get(conn, subscriber.id)

    def _suppressed(self, conn: Connection, address: str) -> bool:
        t = self.store.tables.newsletter_suppressions
        return conn.scalar(select(t.c.reason).where(t.c.email == address)) is not None

    def _suppress(self, conn: Connection, address: str, reason: str, now: datetime) -> None:
        t = self.store.tables.newsletter_suppressions
        if not self._suppressed(conn, address):
            conn.execute(insert(t).values(email=address, reason=reason, created_at=now))
        s = self.store.tables.subscribers
        conn.execute(
            update(s)
            .where(s.c.email == address, s.c.suppressed_at.is_(None))
            .values(suppressed_at=now, suppressed_reason=reason, updated_at=now)
        )

    def _eligible(
        self, frequency: Frequency, key: str, *, skip_logged: bool
    ) -> Iterator[Subscriber]:
        """Active subscribers of ``frequency`` in id order, a page per short read."""
        s, log = self.store.tables.subscribers, self.store.tables.newsletter_sends
        after: UUID | None = None
        while True:
            query = select(s).where(
                s.c.frequency == frequency.value,
                s.c.confirmed_at.is_not(None),
                s.c.unsubscribed_at.is_(None),
                s.c.suppressed_at.is_(None),
            )
            if skip_logged:
                query = query.outerjoin(
                    log, and_(log.c.subscriber_id == s.c.id, log.c.digest_key == key)
                ).where(log.c.subscriber_id.is_(None))
            if after is not None:
                query = query.where(s.c.id > after)
            with self.store.session(readonly=True) as uow:
                rows = uow.connection.execute(query.order_by(s.c.id).limit(_PAGE)).mappings().all()
                page = [_subscriber(row) for row in rows]
            yield from page
            if len(page) < _PAGE:
                return
            after = page[-1].id

    def _claim(
        self, key: str, ident: UUID, message_id: str, accepted: tuple[UUID, str] | None
    ) -> bool:
        """Mark the last accepted message sent and claim the next, in one commit."""
        log = self.store.tables.newsletter_sends
        with self.store.session() as uow:
            conn, now = uow.connection, uow.now()
            if accepted is not None:
                self._mark(conn, key, accepted[0], now)
            try:
                with uow.atomic():
                    conn.execute(
                        insert(log).values(
                            digest_key=key,
                            subscriber_id=ident,
                            state="claimed",
                            message_id=message_id,
                            claimed_at=now,
                        )
                    )
            except sa_exc.IntegrityError:
                return False
        return True

    def _mark(self, conn: Connection, key: str, ident: UUID, now: datetime) -> None:
        log = self.store.tables.newsletter_sends
        conn.execute(
            update(log)
            .where(log.c.digest_key == key, log.c.subscriber_id == ident)
            .values(state="sent", sent_at=now)
        )

    def _mark_sent(self, key: str, accepted: tuple[UUID, str]) -> None:
        with self.store.session() as uow:
            self._mark(uow.connection, key, accepted[0], uow.now())

    def _refused(
        self, key: str, subscriber: Subscriber, error: DeliveryError, report: SendReport
    ) -> None:
        log = self.store.tables.newsletter_sends
        where = (log.c.digest_key == key, log.c.subscriber_id == subscriber.id)
        with self.store.session() as uow:
            conn, now = uow.connection, uow.now()
            if error.code is not None and error.code < 500:
                conn.execute(delete(log).where(*where))
                report.deferred += 1
                return
            conn.execute(update(log).where(*where).values(state="failed", error=str(error)[:500]))
            if error.code in _MAILBOX_GONE:
                self._suppress(conn, subscriber.email, "hard", now)
            report.failed += 1


# -- helpers -------------------------------------------------------------------------------


def _frequency(value: object) -> Frequency:
    try:
        if not isinstance(value, str):
            raise ValueError(value)
        return Frequency(value)
    except ValueError:
        choices = ", ".join(f.value for f in Frequency)
        raise ValidationError(f"must be one of {choices}", field="frequency") from None


def _subscriber(row: RowMapping | None) -> Subscriber:
    assert row is not None
    return Subscriber(
        id=row["id"],
        email=row["email"],
        locale=row["locale"],
        frequency=Frequency(row["frequency"]),
        editions=tuple(row["editions"] or ()),
        tag_ids=tuple(UUID(hex=t) for t in row["tag_ids"] or ()),
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        confirmed_at=row["confirmed_at"],
        unsubscribed_at=row["unsubscribed_at"],
        suppressed_at=row["suppressed_at"],
        suppressed_reason=row["suppressed_reason"],
    )


def _bump(uow: UnitOfWork, name: str, by: int) -> None:
    """Add ``by`` to an aggregate count, creating it at zero the first time."""
    if by <= 0:
        return
    counts = uow.settings.tables.newsletter_counts
    conn = uow.connection
    changed = conn.execute(
        update(counts).where(counts.c.name == name).values(value=counts.c.value + by)
    ).rowcount
    if changed:
        return
    try:
        with uow.atomic():
            conn.execute(insert(counts).values(name=name, value=by))
    except sa_exc.IntegrityError:  # a concurrent erasure made it first
        conn.execute(update(counts).where(counts.c.name == name).values(value=counts.c.value + by))


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()
