"""Bound how deep an HTML fragment nests before nh3 parses it, so sanitizing stays linear.

nh3 is ammonia, and ammonia builds its tree with html5ever, which follows the HTML tree
construction algorithm to the letter. Many of its steps walk the stack of open elements or
the list of active formatting elements ("has an element in scope", "reconstruct the active
formatting elements", the adoption agency, the Noah's Ark clause), so each tag costs
O(depth), and a deeply nested body costs O(depth x tags): 80,000 ``<div>`` (400 KB) take
20 s, a 2 MB body ten minutes. A formatting element that a block closes is reopened in
every following paragraph, so a few of them also multiply the tree (2 MB of paragraphs
after three unclosed ``<b>`` become 7 MB). Nothing in html5ever or ammonia limits either.

``bound_nesting`` reads the fragment once, with html5ever's tokenizer rules (tags,
attributes, comments, raw text elements), and keeps a shadow of html5ever's stack of open
elements and of its formatting elements to reopen: what each start tag opens, what end
tags and implied end tags close (paragraphs, list items, table cells and rows, options,
forms, foreign-content breakouts, the adoption agency), and where html5ever reopens
formatting elements. Where the shadow cannot tell what html5ever does, it takes the
deeper answer: it keeps an element open, and it reads text that may be markup as markup.
So html5ever's stack is no deeper than the shadow's (up to the ``tbody``/``tr`` it adds
to tables). Then:

- a start tag that would take the shadow past ``LIMIT`` is cut out, and its end tag with
  it; the text inside stays;
- once html5ever would have reopened more formatting elements than the fragment has
  tags, each further one is closed for good (an end tag is put in where it would be
  reopened), so the tree is at most about twice the size of the input.

A fragment that never gets that far comes back as the very same string, so for every
ordinary document the sanitizer's output does not change. The cost is one pass with O(1)
Python work per tag (amortized) and C-level list scans bounded by ``LIMIT``.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ["LIMIT", "bound_nesting"]

LIMIT = 100
"""The deepest the shadow may get (open elements plus formatting elements to reopen).

Real articles nest 10 to 30 deep. At 100, html5ever's walks stay short: 2 MB of the
worst tags for it (each walking the whole stack) sanitize in well under a second.
"""

# One token of html5ever's data state: a start or end tag (1: "/", 2: name, 3: attributes,
# 4: ">" or the end of the input), a comment, a bogus comment or doctype, or "</>".
# Quotes delimit values only after "=", as in html5ever; possessive quantifiers keep a tag
# that runs to the end of the input linear; an unterminated quote, comment or tag runs to
# the end of the input, where html5ever drops it.
_NAME = r"[^\t\n\f\r />][^\t\n\f\r /=>]*+"
_VALUE = r"""(?:[\t\n\f\r ]*+=[\t\n\f\r ]*+
    (?:"[^"]*+(?:"|\Z)|'[^']*+(?:'|\Z)|[^\t\n\f\r >"'][^\t\n\f\r >]*+)?)?"""
_TOKEN = re.compile(
    rf"""<(?:
        (/?)([A-Za-z][^\t\n\f\r />]*+)((?:[\t\n\f\r /]++|{_NAME}{_VALUE})*+)(>|\Z)
      | !--(?:>|->|.*?(?:--!?>|\Z))
      | (?:[!?]|/[^A-Za-z>])[^>]*+(?:>|\Z)
      | />
    )""",
    re.DOTALL | re.VERBOSE,
)
_ATTRIBUTE_NAME = re.compile(rf"[\t\n\f\r /]*+({_NAME}){_VALUE}", re.VERBOSE)
# html5ever lowercases ASCII only; str.lower would turn the Kelvin sign into "k".
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")

# html5ever's tag sets (html5ever/src/tree_builder/tag_sets.rs). Foreign elements are kept
# as "svg name" / "math name": a space never occurs in an HTML tag name.
_SPECIAL = frozenset(
    {
        "address", "applet", "area", "article", "aside", "base", "basefont", "bgsound",
        "blockquote", "body", "br", "button", "caption", "center", "col", "colgroup", "dd",
        "details", "dir", "div", "dl", "dt", "embed", "fieldset", "figcaption", "figure",
        "footer", "form", "frame", "frameset", "h1", "h2", "h3", "h4", "h5", "h6", "head",
        "header", "hgroup", "hr", "html", "iframe", "img", "input", "isindex", "li", "link",
        "listing", "main", "marquee", "menu", "meta", "nav", "noembed", "noframes",
        "noscript", "object", "ol", "p", "param", "plaintext", "pre", "script", "section",
        "select", "source", "style", "summary", "table", "tbody", "td", "template",
        "textarea", "tfoot", "th", "thead", "title", "tr", "track", "ul", "wbr", "xmp",
    }
)  # fmt: skip
_LIST_STOP = _SPECIAL - {"address", "div", "p"}
_MATH_TEXT = frozenset({"math mi", "math mo", "math mn", "math ms", "math mtext"})
_SVG_HTML = frozenset({"svg foreignobject", "svg desc", "svg title"})
_SCOPE = frozenset(
    {"applet", "caption", "html", "table", "td", "th", "marquee", "object", "select",
     "template"}
) | _MATH_TEXT | _SVG_HTML  # fmt: skip
_BUTTON_SCOPE = _SCOPE | {"button"}
_LIST_SCOPE = _SCOPE | {"ol", "ul"}
_IMPLIED = frozenset({"dd", "dt", "li", "option", "optgroup", "p", "rb", "rp", "rt", "rtc"})
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_FORMATTING = frozenset(
    {"a", "b", "big", "code", "em", "font", "i", "nobr", "s", "small", "strike", "strong",
     "tt", "u"}
)  # fmt: skip
_MARKERS = frozenset({"applet", "marquee", "object", "td", "th", "caption", "template"})
# The elements html5ever's insertion mode follows ("reset the insertion mode").
_MODES = frozenset(
    {"td", "th", "tr", "tbody", "thead", "tfoot", "caption", "colgroup", "table", "template"}
)
_MODES_AND_MARKERS = _MODES | _MARKERS
_TABLE_START = frozenset(
    {"caption", "col", "colgroup", "tbody", "td", "tfoot", "th", "thead", "tr", "table"}
)
_TABLE_END = _TABLE_START | {"body", "html"}
_TABLE_IGNORED = _TABLE_END - {"table"}  # end tags the table modes drop
_SECTIONS = frozenset({"tbody", "thead", "tfoot"})
_TABLE_TEXT = frozenset({"table", "tbody", "thead", "tfoot", "tr"})  # whitespace stays there
# Start tags that end foreign content (html5ever's step_foreign); font only with color,
# face or size.
_BREAKOUT = frozenset(
    {
        "b", "big", "blockquote", "body", "br", "center", "code", "dd", "div", "dl", "dt",
        "em", "embed", "h1", "h2", "h3", "h4", "h5", "h6", "head", "hr", "i", "img", "li",
        "listing", "menu", "meta", "nobr", "ol", "p", "pre", "ruby", "s", "small", "span",
        "strong", "strike", "sub", "sup", "table", "tt", "u", "ul", "var",
    }
)  # fmt: skip
_BLOCK_END = frozenset(
    {
        "address", "article", "aside", "blockquote", "button", "center", "details",
        "dialog", "dir", "div", "dl", "fieldset", "figcaption", "figure", "footer",
        "header", "hgroup", "listing", "main", "menu", "nav", "ol", "pre", "search",
        "section", "select", "summary", "ul",
    }
)  # fmt: skip
_CLOSE_P = frozenset(
    {
        "address", "article", "aside", "blockquote", "center", "details", "dialog", "dir",
        "div", "dl", "fieldset", "figcaption", "figure", "footer", "header", "hgroup",
        "main", "nav", "ol", "p", "search", "section", "summary", "ul", "menu", "pre",
        "listing",
    }
)  # fmt: skip
_VOID = frozenset({"param", "source", "track", "base", "basefont", "bgsound", "link", "meta"})
_VOID_INLINE = frozenset({"area", "br", "embed", "img", "image", "keygen", "wbr"})
_IGNORED = frozenset(
    {"caption", "col", "colgroup", "frame", "head", "tbody", "td", "tfoot", "th", "thead",
     "tr", "html", "body", "frameset"}
)  # fmt: skip
_RAW_END = {
    name: re.compile(rf"</{name}(?=[\t\n\f\r />])", re.IGNORECASE | re.ASCII)
    for name in ("script", "style", "iframe", "noembed", "noframes", "noscript", "textarea",
                 "title", "xmp")
}  # fmt: skip
# Raw text elements whose content nh3 removes with them: cut inside foreign content, they
# go whole, so their text does not turn into visible text.
_CONTENT_DROPPED = frozenset({"script", "style"})
_NOAHS_ARK = 3  # html5ever keeps at most three identical formatting elements to reopen
# A flood of tiny tags costs about a microsecond of Python per tag. Floods repeat, so every
# _PROBE_EVERY tags the shadow looks for the input repeating itself (a period of up to
# _MAX_PERIOD characters); when one period leaves the shadow exactly as it found it, the
# next periods would too, and their edits are copied instead of worked out again.
_PROBE_EVERY = 256
_MAX_PERIOD = 4096
_FORM = object()  # the extra of a form element


def bound_nesting(fragment: str) -> str:
    """``fragment`` with what would nest it more than ``LIMIT`` deep cut out.

    Returns the very same string when nothing had to change, which is the case for every
    fragment with fewer than ``LIMIT`` tags and for every document that nests normally.
    """
    tags = fragment.count("<")
    if tags <= LIMIT // 3:  # too few tags to nest that deep or to reopen much: the usual case
        return fragment
    return _Shadow(fragment, tags).run()


def _lower(name: str) -> str:
    return name.lower() if name.isascii() else name.translate(_ASCII_LOWER)


class _Probe:
    """A period of input being watched: where it starts and ends, and the shadow before it."""

    __slots__ = ("budget", "dropped", "edits", "end", "snapshot", "start", "unit")

    def __init__(
        self,
        start: int,
        end: int,
        *,
        snapshot: tuple[object, ...],
        edits: int,
        budget: int,
        dropped: dict[str, int],
    ) -> None:
        self.start = start
        self.end = end
        self.unit = end - start
        self.snapshot = snapshot
        self.edits = edits
        self.budget = budget
        self.dropped = dropped


class _Pending:
    """A formatting element html5ever closed and will reopen (an entry of its list)."""

    __slots__ = ("alive", "key", "name", "position")

    def __init__(self, name: str, key: str, position: int) -> None:
        self.name = name
        self.key = key
        self.position = position
        self.alive = True


class _Shadow:
    """A shadow of html5ever's stack of open elements over one fragment, and the edits made."""

    def __init__(self, text: str, tags: int) -> None:
        self.text = text
        self.names: list[str] = []  # the stack; "" is an element taken out of the middle
        self.counts: dict[str, int] = {}  # how many of each name the stack holds
        self.extra: list[object] = []  # a formatting key, a marker's pending mark, _FORM
        self.html_below: list[int] = []  # the nearest HTML element at or below each entry
        self.modes: list[int] = []  # indices of the elements the insertion mode follows
        self.markers: list[int] = []  # indices of the formatting-list markers
        self.foreign = 0  # svg/math elements on the stack
        self.templates = 0
        self.form_set = False  # html5ever's form element pointer is set
        self.form_index = -1  # ... to this entry (-1: to none on the stack)
        self.pending: list[_Pending] = []  # in html5ever's list order
        self.pending_by_name: dict[str, list[_Pending]] = {}
        self.pending_by_key: dict[str, int] = {}
        self.pending_count = 0
        self.reopen_budget = tags  # formatting elements html5ever may still reopen
        self.dropped: dict[str, int] = {}  # open elements whose start tag was cut
        self.edits: list[tuple[int, int, str]] = []
        self.version = 0  # bumped by every change, for the cache of end tags that did nothing
        self.idle_version = -1
        self.idle: set[str] = set()
        self.probe: _Probe | None = None

    def run(self) -> str:
        """Walk the fragment's tokens; return it with the edits applied."""
        text = self.text
        search = _TOKEN.search
        lowered: dict[str, str] = {}
        countdown = _PROBE_EVERY
        pos = 0
        while (match := search(text, pos)) is not None:
            start = match.start()
            if start > pos and self.pending_count:
                self._text(pos, start)
            probe = self.probe
            if probe is not None and start >= probe.end and (skip := self._end_probe(start)):
                pos = skip
                continue
            countdown -= 1
            if not countdown:
                countdown = _PROBE_EVERY
                if probe is None:
                    self._start_probe(start, match.end())
            pos = match.end()
            name = match[2]
            if name is None:
                continue  # a comment, a doctype, a bogus comment, "</>"
            if match[4] != ">":
                break  # a tag that runs to the end of the input: html5ever drops it
            if (low := lowered.get(name)) is None:
                low = lowered[name] = _lower(name)
            if match[1]:
                self._end(low, start, pos)
            elif (resume := self._start(low, match[3], start, pos)) is None:
                break  # the rest is text (plaintext, a raw text element left open)
            else:
                pos = resume
        return self._edited()

    def _start(self, name: str, attributes: str, start: int, end: int) -> int | None:
        """One start tag; return where to go on, or None when the rest is text."""
        names = self.names
        if self.foreign or self.modes or (names and names[-1] == "colgroup"):
            return self._start_tag(name, attributes, start, end)
        handler = _BODY_START.get(name)
        if (
            (handler is None and not self.pending_count)
            or (handler is _Shadow._start_block and not self.counts.get("p"))
        ) and len(names) + self.pending_count < LIMIT:
            # "in body", the common case: an element that closes and reopens nothing.
            self.html_below.append(len(names))
            names.append(name)
            self.extra.append(None)
            self.counts[name] = self.counts.get(name, 0) + 1
            self.version += 1
            return end
        return (handler or _Shadow._start_any)(self, name, attributes, start, end)

    def _end(self, name: str, start: int, end: int) -> None:
        """One end tag; one that did nothing is skipped until the stack changes."""
        names = self.names
        if names and names[-1] == name and name != "form" and not self.foreign:
            self._pop_current()  # the common case: closing the current element
        elif self.idle_version != self.version or name not in self.idle:
            before = self.version
            self._end_tag(name, start, end)
            if self.version == before:
                if self.idle_version != before:
                    self.idle.clear()
                    self.idle_version = before
                self.idle.add(name)

    def _edited(self) -> str:
        """The fragment with the edits applied (the same string when there are none)."""
        text = self.text
        if not self.edits:
            return text
        pieces: list[str] = []
        last = 0
        for start, end, replacement in self.edits:
            if start > last:
                pieces.append(text[last:start])
            if replacement:
                pieces.append(replacement)
            last = end
        pieces.append(text[last:])
        return "".join(pieces)

    # -- floods -----------------------------------------------------------------------

    def _cut(self, start: int, end: int) -> None:
        """Cut ``text[start:end]`` out.

        A "<" just before it is text only because a "<" follows: cut to nothing, the "<"
        would meet what comes after and could open a tag that was never there. An empty
        comment (which nh3 drops) keeps it text.
        """
        self.edits.append((start, end, "<!---->" if self.text[start - 1 : start] == "<" else ""))

    def _snapshot(self) -> tuple[object, ...]:
        """Everything the shadow's next decisions depend on (the caches aside)."""
        return (
            tuple(self.names),
            tuple(entry.key if entry.__class__ is _Pending else entry for entry in self.extra),
            tuple((entry.name, entry.key, entry.alive, entry.position) for entry in self.pending),
            self.form_set,
            self.form_index,
            frozenset(name for name, count in self.dropped.items() if count),
        )

    def _start_probe(self, start: int, end: int) -> None:
        """Watch for the text from ``start`` repeating: the token there, again within reach."""
        text = self.text
        again = text.find(text[start:end], end, start + _MAX_PERIOD)
        if again > start and text.startswith(text[start:again], again):
            self.probe = _Probe(
                start,
                again,
                snapshot=self._snapshot(),
                edits=len(self.edits),
                budget=self.reopen_budget,
                dropped=dict(self.dropped),
            )

    def _end_probe(self, start: int) -> int:
        """At the end of a watched period: skip the repeats when it changed nothing.

        Returns where to go on, or 0 to take the token at ``start`` as usual.
        """
        probe, text = self.probe, self.text
        assert probe is not None
        self.probe = None
        if start != probe.end:
            return 0  # a token ran over the end of the period
        unit = probe.end - probe.start
        if self._snapshot() != probe.snapshot:
            # Perhaps a longer period (the shadow going round in two or three turns).
            first = text[probe.start : probe.start + probe.unit]
            if unit < 4 * probe.unit and text.startswith(first, start):
                probe.end += probe.unit
                self.probe = probe
            return 0
        consumed = probe.budget - self.reopen_budget
        limit = self.reopen_budget // consumed if consumed else len(text)
        changes = {}
        for name, count in self.dropped.items():
            if (change := count - probe.dropped.get(name, 0)) != 0:
                changes[name] = change
                if change < 0:  # keep the count above zero, where it decides as it did
                    limit = min(limit, (count - 1) // -change)
        period = re.escape(text[probe.start : start])
        repeats = re.compile(f"(?:{period})*+").match(text, start)
        # The last repeat is left to the tokenizer: how its end reads (text or the "<"
        # of a tag) depends on what follows it, and only a following repeat is known.
        count = min(limit, (repeats.end() - start) // unit - 1) if repeats else 0
        if count <= 0:
            return 0
        made = self.edits[probe.edits :]
        self.edits += [
            (begin + offset, end + offset, replacement)
            for offset in range(unit, unit * (count + 1), unit)
            for begin, end, replacement in made
        ]
        for name, change in changes.items():
            self.dropped[name] += change * count
        self.reopen_budget -= consumed * count
        self.version += 1
        return start + unit * count

    # -- the stack ---------------------------------------------------------------------

    def _rfind(self, name: str, end: int) -> int:
        """The index of the last ``name`` in ``names[:end]``, or -1."""
        names = self.names
        if end <= 0 or not self.counts.get(name):
            return -1
        if names[end - 1] == name:
            return end - 1
        try:
            return end - 1 - names[end - 1 :: -1].index(name)
        except ValueError:
            return -1

    def _push(self, name: str, extra: object = None) -> None:
        index = len(self.names)
        self.names.append(name)
        self.counts[name] = self.counts.get(name, 0) + 1
        if " " in name:
            self.foreign += 1
            self.html_below.append(self.html_below[-1] if self.html_below else -1)
        else:
            self.html_below.append(index)
            if name in _MODES_AND_MARKERS:
                if name in _MODES:
                    self.modes.append(index)
                    self.templates += name == "template"
                if name in _MARKERS:
                    self.markers.append(index)
                    extra = len(self.pending)
        self.extra.append(extra)
        self.version += 1

    def _pop_current(self) -> None:
        """Close the current element, by its own end tag."""
        if self.extra[-1] is None and self.names[-1] not in _MODES:  # the common case
            self.counts[self.names.pop()] -= 1
            self.extra.pop()
            self.html_below.pop()
            self.version += 1
        else:
            self._pop_to(len(self.names) - 1, closing=True)

    def _pop_to(self, end: int, *, closing: bool = False) -> None:
        """Pop every element from ``end`` up.

        Formatting elements among them stay to be reopened, but for the one at ``end``
        when ``closing`` (its own end tag closes it).
        """
        names, extra = self.names, self.extra
        if end >= len(names):
            return
        counts = self.counts
        for index in range(len(names) - 1, end - 1, -1):
            name = names[index]
            counts[name] -= 1
            entry = extra[index]
            if entry is not None:
                if entry.__class__ is str or entry.__class__ is _Pending:
                    if not (closing and index == end):
                        self._add_pending(name, entry)
                elif entry.__class__ is int:
                    self._clear_pending(entry)
                    self.markers.pop()
                elif entry is _FORM and self.form_index == index:
                    self.form_index = -1
            if " " in name:
                self.foreign -= 1
            elif name in _MODES:
                self.modes.pop()
                self.templates -= name == "template"
        del names[end:]
        del extra[end:]
        del self.html_below[end:]
        self.version += 1

    def _remove(self, index: int) -> None:
        """Take a formatting element or a form out of the middle of the stack."""
        if index == len(self.names) - 1:
            self._pop_to(index, closing=True)
            return
        self.counts[self.names[index]] -= 1
        self.counts[""] = self.counts.get("", 0) + 1
        self.names[index] = ""
        self.extra[index] = None
        if self.form_index == index:
            self.form_index = -1
        self.version += 1

    def _marker(self) -> int:
        return self.markers[-1] if self.markers else -1

    # -- formatting elements to reopen (html5ever's list of active formatting elements) -

    def _add_pending(self, name: str, element: str | _Pending) -> None:
        """A formatting element closed but not by its own end tag: one html5ever reopens.

        ``element`` is its key (name and attributes), or its entry when it was reopened
        already, which is taken again rather than made anew.
        """
        key = element if element.__class__ is str else element.key  # type: ignore[union-attr]
        if self.pending_by_key.get(key, 0) >= _NOAHS_ARK:
            return
        if element.__class__ is str:
            entry = _Pending(name, key, len(self.pending))
        else:
            entry = element  # type: ignore[assignment]
            entry.alive = True
            entry.position = len(self.pending)
        self.pending.append(entry)
        self.pending_by_name.setdefault(name, []).append(entry)
        self.pending_by_key[key] = self.pending_by_key.get(key, 0) + 1
        self.pending_count += 1

    def _kill(self, entry: _Pending) -> None:
        if entry.alive:
            entry.alive = False
            self.pending_by_key[entry.key] -= 1
            self.pending_count -= 1
            self.version += 1

    def _mark(self) -> int:
        """Where the pending elements after the last marker begin."""
        return self.extra[self.markers[-1]] if self.markers else 0  # type: ignore[return-value]

    def _clear_pending(self, mark: int) -> None:
        """Forget the pending elements recorded after a marker (its cell, caption, ...)."""
        for entry in self.pending[mark:]:
            self._kill(entry)
        del self.pending[mark:]

    def _drop_pending(self, name: str) -> bool:
        """Forget the last pending ``name`` after the last marker, if there is one."""
        entries = self.pending_by_name.get(name)
        while entries and not entries[-1].alive:
            entries.pop()
        if not entries or entries[-1].position < self._mark():
            return False
        self._kill(entries.pop())
        return True

    def _text(self, start: int, end: int) -> None:
        """Text, where html5ever reopens the pending formatting elements."""
        top = self.names[-1] if self.names else ""
        if " " in top or (top in _TABLE_TEXT and self.text[start:end].isspace()):
            return
        self._reopen(start)

    def _reopen(self, at: int) -> None:
        """Reopen the pending formatting elements, or close them for good past the budget."""
        mark = self._mark()
        entries = [entry for entry in self.pending[mark:] if entry.alive]
        del self.pending[mark:]
        if not entries:
            return
        by_key, counts = self.pending_by_key, self.counts
        for entry in entries:
            entry.alive = False
            by_key[entry.key] -= 1
        self.pending_count -= len(entries)
        self.version += 1
        if self.reopen_budget < len(entries):
            # An end tag for an entry that is not open takes it off html5ever's list (the
            # adoption agency); the entries to reopen come last in that list, after the
            # open ones, so the end tag takes one of them.
            for entry in entries[self.reopen_budget :]:
                self.edits.append((at, at, f"</{entry.name}>"))
            entries = entries[: self.reopen_budget]
        self.reopen_budget -= len(entries)
        # Pushed as they are: formatting elements, none a marker, a mode or foreign.
        below = len(self.names)
        for entry in entries:
            self.names.append(entry.name)
            counts[entry.name] = counts.get(entry.name, 0) + 1
        self.extra += entries
        self.html_below += range(below, below + len(entries))

    # -- scope ------------------------------------------------------------------------

    def _in_scope(self, name: str, end: int, scope: frozenset[str] = _SCOPE) -> int:
        """The index of ``name`` if it is in ``scope`` within ``names[:end]``, else -1."""
        index = self._rfind(name, end)
        if index >= 0 and scope.isdisjoint(self.names[index + 1 : end]):
            return index
        return -1

    def _close_p(self, end: int) -> int:
        index = self._in_scope("p", end, _BUTTON_SCOPE)
        return end if index < 0 else index

    def _implied(self, end: int, keep: str = "") -> int:
        names = self.names
        while end and names[end - 1] in _IMPLIED and names[end - 1] != keep:
            end -= 1
        return end

    def _in_table_scope(self, name: str, end: int) -> int:
        index = self._rfind(name, end)
        context = max(self._rfind("table", end), self._rfind("template", end))
        return index if index >= context else -1

    def _mode(self, end: int) -> tuple[str, int]:
        """The element html5ever's insertion mode follows within ``names[:end]``."""
        modes = self.modes
        for position in range(len(modes) - 1, -1, -1):
            if modes[position] < end:
                return self.names[modes[position]], modes[position]
        return "", -1

    # -- start tags -------------------------------------------------------------------

    def _start_tag(self, name: str, attributes: str, start: int, end: int) -> int | None:
        """Shadow one start tag; return where to go on, or None when the rest is text."""
        names = self.names
        if names and names[-1] == "colgroup" and name not in ("col", "template"):
            self._pop_to(len(names) - 1)  # "in column group": anything else closes it
        top = names[-1] if names else ""
        if " " in top:
            if top in _MATH_TEXT:
                foreign = name in ("mglyph", "malignmark")
            else:
                # annotation-xml may be an HTML integration point (by its encoding), and
                # the HTML rules close nothing the foreign ones would keep open.
                foreign = top not in _SVG_HTML and top != "math annotation-xml"
            if foreign:
                if name not in _BREAKOUT and (
                    name != "font"
                    or {_lower(n) for n in _ATTRIBUTE_NAME.findall(attributes)}.isdisjoint(
                        ("color", "face", "size")
                    )
                ):
                    return self._open(len(names), [f"{top.split(' ', 1)[0]} {name}"], start, end)
                self._break_out()  # then the HTML rules take the tag
        if self.modes and name in _TABLE_START:
            return self._table_start(name, start, end)
        handler = _BODY_START.get(name, _Shadow._start_any)
        return handler(self, name, attributes, start, end)

    def _open(
        self,
        keep: int,
        pushes: list[str],
        start: int,
        end: int,
        extra: object = None,
        *,
        reopen: bool = False,
    ) -> int:
        """Close down to ``keep``, reopen if ``reopen``, then open ``pushes``.

        Cuts the tag instead when that would go past ``LIMIT``.
        """
        if keep + self.pending_count + len(pushes) > LIMIT:
            local = pushes[-1].rsplit(" ", 1)[-1]
            if " " in pushes[-1] and local in _CONTENT_DROPPED:
                closer = _RAW_END[local].search(self.text, end)
                tail = _TOKEN.match(self.text, closer.start()) if closer else None
                end = tail.end() if tail else len(self.text)
            else:
                self.dropped[local] = self.dropped.get(local, 0) + 1
                self.version += 1  # its end tag is cut too: no longer one that does nothing
            self._cut(start, end)
            return end
        if keep < len(self.names):
            self._pop_to(keep)
        if reopen and self.pending_count:
            self._reopen(start)
        for index, name in enumerate(pushes):
            self._push(name, extra if index == len(pushes) - 1 else None)
        return end

    def _break_out(self) -> None:
        """A start tag that ends foreign content: pop to an HTML element or integration point."""
        names = self.names
        end = len(names)
        while end and " " in names[end - 1] and names[end - 1] not in _MATH_TEXT:
            if names[end - 1] in _SVG_HTML or names[end - 1] == "math annotation-xml":
                break  # annotation-xml may be an integration point: keep it open
            end -= 1
        self._pop_to(end)

    def _start_any(self, name: str, attributes: str, start: int, end: int) -> int | None:
        return self._open(len(self.names), [name], start, end, reopen=True)

    def _start_block(self, name: str, attributes: str, start: int, end: int) -> int | None:
        return self._open(self._close_p(len(self.names)), [name], start, end)

    def _start_heading(self, name: str, attributes: str, start: int, end: int) -> int | None:
        keep = self._close_p(len(self.names))
        if keep and self.names[keep - 1] in _HEADINGS:
            keep -= 1
        return self._open(keep, [name], start, end)

    def _start_list_item(self, name: str, attributes: str, start: int, end: int) -> int | None:
        names = self.names
        keep = len(names)
        targets = ("li",) if name == "li" else ("dd", "dt")
        index = max(self._rfind(target, keep) for target in targets)
        if index >= 0 and _LIST_STOP.isdisjoint(names[index + 1 : keep]):
            keep = index
        return self._open(self._close_p(keep), [name], start, end)

    def _start_formatting(self, name: str, attributes: str, start: int, end: int) -> int | None:
        if name == "nobr" and self._in_scope("nobr", len(self.names)) >= 0:
            self._adoption("nobr")
        elif name == "a":
            # An open <a> is closed by the adoption agency, then taken off the stack
            # wherever it still is (html5ever's handle_misnested_a_tags).
            index = self._rfind("a", len(self.names))
            if index > self._marker():
                self._adoption("a")
                if index < len(self.names) and self.names[index] == "a":
                    self._remove(index)
            else:
                self._drop_pending("a")
        key = f"{name} {attributes.strip()}"
        return self._open(len(self.names), [name], start, end, key, reopen=True)

    def _start_button(self, name: str, attributes: str, start: int, end: int) -> int | None:
        index = self._in_scope("button", len(self.names))
        keep = len(self.names) if index < 0 else index
        return self._open(keep, [name], start, end, reopen=True)

    def _start_void(self, name: str, attributes: str, start: int, end: int) -> int | None:
        if name in _VOID_INLINE and self.pending_count:
            self._reopen(start)
        return end

    def _start_ignored(self, name: str, attributes: str, start: int, end: int) -> int | None:
        return end

    def _start_raw(self, name: str, attributes: str, start: int, end: int) -> int | None:
        keep = len(self.names)
        if name in ("xmp", "plaintext"):
            keep = self._close_p(keep)
        if self.foreign:  # perhaps foreign content, where this holds markup: read it so
            return self._open(keep, [name], start, end)
        self._pop_to(keep)
        if name == "xmp" and self.pending_count:
            self._reopen(start)
        if name == "plaintext":
            return None
        closer = _RAW_END[name].search(self.text, end)
        return closer.start() if closer else None

    def _start_hr(self, name: str, attributes: str, start: int, end: int) -> int | None:
        keep = self._close_p(len(self.names))
        if self._in_scope("select", keep) >= 0:
            keep = self._implied(keep)
        self._pop_to(keep)
        return end

    def _start_select(self, name: str, attributes: str, start: int, end: int) -> int | None:
        index = self._in_scope("select", len(self.names))
        if index >= 0:  # a select (or an input) closes the open select
            self._pop_to(index)
            if name == "select":
                return end
        if name == "input":
            return self._start_void("img", attributes, start, end)
        return self._open(len(self.names), [name], start, end, reopen=True)

    def _start_option(self, name: str, attributes: str, start: int, end: int) -> int | None:
        keep = len(self.names)
        if self._in_scope("select", keep) >= 0:
            keep = self._implied(keep, "optgroup" if name == "option" else "")
        elif keep and self.names[keep - 1] == "option":
            keep -= 1
        return self._open(keep, [name], start, end, reopen=True)

    def _start_ruby(self, name: str, attributes: str, start: int, end: int) -> int | None:
        keep = len(self.names)
        if self._in_scope("ruby", keep) >= 0:
            keep = self._implied(keep, "rtc" if name in ("rp", "rt") else "")
        return self._open(keep, [name], start, end)

    def _start_foreign(self, name: str, attributes: str, start: int, end: int) -> int | None:
        return self._open(len(self.names), [f"{name} {name}"], start, end, reopen=True)

    def _start_form(self, name: str, attributes: str, start: int, end: int) -> int | None:
        if self.form_set and not self.templates:
            return end  # html5ever ignores a form while its form pointer is set
        cuts = len(self.edits)
        resume = self._open(self._close_p(len(self.names)), [name], start, end, _FORM)
        if len(self.edits) == cuts and not self.templates:
            self.form_set = True
            self.form_index = len(self.names) - 1
        return resume

    def _start_container(self, name: str, attributes: str, start: int, end: int) -> int | None:
        """applet, marquee, object (reopening first), template, table (closing a p)."""
        if name == "table":
            return self._open(self._close_p(len(self.names)), [name], start, end)
        return self._open(len(self.names), [name], start, end, reopen=name != "template")

    def _table_start(self, name: str, start: int, end: int) -> int | None:
        """A table tag while a table part is open: html5ever's table insertion modes."""
        keep = len(self.names)
        for _ in range(8):  # each round closes one table part; a few reach a rule
            mode, index = self._mode(keep)
            handler = _TABLE_START_MODES.get(mode)
            if handler is None:  # the table parts were all closed: "in body" again
                self._pop_to(keep)
                return _BODY_START[name](self, name, "", start, end)
            result = handler(self, name, index, keep, start, end)
            if result[0] == "done":
                return result[1]
            keep = result[1]
        return self._open(keep, [name], start, end)

    def _in_table(self, name: str, index: int, keep: int, start: int, end: int) -> tuple[str, int]:
        if name == "table":
            return "again", index
        keep = index + 1  # "clear the stack back to a table context"
        if name in ("caption", "colgroup", "tbody", "tfoot", "thead"):
            return "done", self._open(keep, [name], start, end)
        if name == "col":
            return "done", self._open(keep, ["colgroup"], start, end)
        pushes = ["tbody", "tr"] if name == "tr" else ["tbody", "tr", name]
        return "done", self._open(keep, pushes, start, end)

    def _in_section(
        self, name: str, index: int, keep: int, start: int, end: int
    ) -> tuple[str, int]:
        if name == "tr":
            return "done", self._open(index + 1, [name], start, end)
        if name in ("td", "th"):
            return "done", self._open(index + 1, ["tr", name], start, end)
        if name == "table":
            table = self._in_table_scope("table", keep)
            return ("again", table) if table >= 0 else ("done", end)
        return "again", index

    def _in_row(self, name: str, index: int, keep: int, start: int, end: int) -> tuple[str, int]:
        if name in ("td", "th"):
            return "done", self._open(index + 1, [name], start, end)
        if name == "table":
            table = self._in_table_scope("table", keep)
            return ("again", table) if table >= 0 else ("done", end)
        return "again", index

    def _in_cell(self, name: str, index: int, keep: int, start: int, end: int) -> tuple[str, int]:
        if name == "table":  # cells and captions take a table by the "in body" rules
            return "done", self._open(self._close_p(keep), [name], start, end)
        return "again", index

    def _in_colgroup(
        self, name: str, index: int, keep: int, start: int, end: int
    ) -> tuple[str, int]:
        # Only reached with something above the colgroup, which html5ever would not
        # have: keep everything open.
        return "done", end if name == "col" else self._open(keep, [name], start, end)

    def _in_template(
        self, name: str, index: int, keep: int, start: int, end: int
    ) -> tuple[str, int]:
        if name == "col":
            return "done", end
        if name == "table":
            return "done", self._open(self._close_p(keep), [name], start, end)
        return "done", self._open(keep, [name], start, end)

    # -- end tags ---------------------------------------------------------------------

    def _end_tag(self, name: str, start: int, end: int) -> None:
        names = self.names
        if (count := self.dropped.get(name)) and not (names and names[-1] == name):
            self.dropped[name] = count - 1
            self._cut(start, end)
            self.version += 1
            return
        if names and names[-1] == "colgroup" and name not in ("colgroup", "col", "template"):
            self._pop_to(len(names) - 1)
        if names and " " in names[-1] and self._foreign_end(name):
            return
        if self.modes and name in _TABLE_END:
            self._table_end(name, start)
            return
        _BODY_END.get(name, _Shadow._end_any)(self, name, start)

    def _foreign_end(self, name: str) -> bool:
        """An end tag in foreign content; False when the HTML rules take it after all."""
        names = self.names
        if name in ("br", "p"):
            self._break_out()
            return False
        found = max(self._rfind(f"svg {name}", len(names)),
                    self._rfind(f"math {name}", len(names)))  # fmt: skip
        if found > self.html_below[-1]:
            self._pop_to(found)
            return True
        return self.html_below[-1] < 0  # only foreign elements: html5ever ignores it

    def _end_any(self, name: str, start: int) -> None:
        """html5ever's "any other end tag": close ``name`` unless a special element is above."""
        names = self.names
        index = self._rfind(name, len(names))
        if index >= 0 and _SPECIAL.isdisjoint(names[index + 1 :]):
            self._pop_to(index, closing=True)

    def _end_block(self, name: str, start: int) -> None:
        index = self._in_scope(name, len(self.names))
        if index >= 0:
            self._pop_to(index, closing=True)

    def _end_p(self, name: str, start: int) -> None:
        index = self._in_scope("p", len(self.names), _BUTTON_SCOPE)
        if index >= 0:
            self._pop_to(index)

    def _end_list_item(self, name: str, start: int) -> None:
        scope = _LIST_SCOPE if name == "li" else _SCOPE
        index = self._in_scope(name, len(self.names), scope)
        if index >= 0:
            self._pop_to(index)

    def _end_heading(self, name: str, start: int) -> None:
        names = self.names
        if _HEADINGS.isdisjoint(names):
            return
        index = max(self._rfind(heading, len(names)) for heading in _HEADINGS)
        if _SCOPE.isdisjoint(names[index + 1 :]):
            self._pop_to(index)

    def _end_container(self, name: str, start: int) -> None:
        """applet, marquee, object (in scope), template (anywhere)."""
        index = self._rfind(name, len(self.names))
        if index >= 0 and (name == "template" or _SCOPE.isdisjoint(self.names[index + 1 :])):
            self._pop_to(index)

    def _end_br(self, name: str, start: int) -> None:
        if self.pending_count:  # html5ever reads </br> as <br>
            self._reopen(start)

    def _end_ignored(self, name: str, start: int) -> None:
        return

    def _end_form(self, name: str, start: int) -> None:
        names = self.names
        if self.templates:
            index = self._in_scope("form", len(names))
            if index >= 0:
                self._pop_to(index)
            return
        if not self.form_set:
            return  # html5ever ignores </form> without a form pointer
        self.form_set = False
        index, self.form_index = self.form_index, -1
        self.version += 1
        if index >= 0 and _SCOPE.isdisjoint(names[index + 1 :]):
            self._pop_to(self._implied(len(names)))
            if index < len(names):
                self._remove(index)

    def _end_formatting(self, name: str, start: int) -> None:
        self._adoption(name)

    def _adoption(self, name: str) -> None:
        """html5ever's adoption agency algorithm for an end tag (or a start tag) ``name``."""
        names = self.names
        index = self._rfind(name, len(names))
        if index < 0 or index < self._marker():
            if not self._drop_pending(name):
                self._end_any(name, 0)
            return
        above = names[index + 1 :]
        if not _SCOPE.isdisjoint(above):
            return
        if _SPECIAL.isdisjoint(above):
            self._pop_to(index, closing=True)
        else:
            # A furthest block: html5ever moves the element below it and closes it (in
            # up to eight rounds); the blocks stay open.
            self._remove(index)

    def _table_end(self, name: str, start: int) -> None:
        keep = len(self.names)
        for _ in range(8):
            mode, index = self._mode(keep)
            handler = _TABLE_END_MODES.get(mode)
            if handler is None:
                break
            verdict, keep = handler(self, name, index, keep)
            if verdict == "done":
                self._pop_to(keep)
                return
            if verdict == "body":
                break
        self._pop_to(keep)
        _BODY_END.get(name, _Shadow._end_any)(self, name, start)

    def _end_in_table(self, name: str, index: int, keep: int) -> tuple[str, int]:
        if name == "table":
            return "done", index
        return ("done", keep) if name in _TABLE_IGNORED else ("body", keep)

    def _end_in_section(self, name: str, index: int, keep: int) -> tuple[str, int]:
        if name in _SECTIONS:
            return "done", index if self._in_table_scope(name, keep) >= 0 else keep
        if name == "table":
            return "again", index
        return ("done", keep) if name in _TABLE_IGNORED else ("body", keep)

    def _end_in_row(self, name: str, index: int, keep: int) -> tuple[str, int]:
        if name == "tr":
            return "done", index
        if name == "table" or (name in _SECTIONS and self._in_table_scope(name, keep) >= 0):
            return "again", index
        return ("done", keep) if name in _TABLE_IGNORED else ("body", keep)

    def _end_in_cell(self, name: str, index: int, keep: int) -> tuple[str, int]:
        found = self._in_table_scope(name, keep)
        if name in ("td", "th"):
            return "done", found if found >= 0 else keep
        if name in ("table", "tr") or name in _SECTIONS:
            return ("again", index) if found >= 0 else ("done", keep)
        return ("done", keep) if name in _TABLE_IGNORED else ("body", keep)

    def _end_in_caption(self, name: str, index: int, keep: int) -> tuple[str, int]:
        if name == "caption":
            return "done", index
        if name == "table":
            return "again", index
        return ("done", keep) if name in _TABLE_IGNORED else ("body", keep)

    def _end_in_colgroup(self, name: str, index: int, keep: int) -> tuple[str, int]:
        if name == "colgroup" and keep and self.names[keep - 1] == "colgroup":
            return "done", keep - 1
        return "done", keep


_BODY_START: dict[str, Callable[[_Shadow, str, str, int, int], int | None]] = {
    **dict.fromkeys(_CLOSE_P, _Shadow._start_block),
    **dict.fromkeys(_HEADINGS, _Shadow._start_heading),
    **dict.fromkeys(("li", "dd", "dt"), _Shadow._start_list_item),
    **dict.fromkeys(_FORMATTING, _Shadow._start_formatting),
    **dict.fromkeys(("applet", "marquee", "object", "template", "table"), _Shadow._start_container),
    **dict.fromkeys(_VOID | _VOID_INLINE, _Shadow._start_void),
    **dict.fromkeys(_IGNORED, _Shadow._start_ignored),
    **dict.fromkeys((*_RAW_END, "plaintext"), _Shadow._start_raw),
    **dict.fromkeys(("select", "input"), _Shadow._start_select),
    **dict.fromkeys(("option", "optgroup"), _Shadow._start_option),
    **dict.fromkeys(("rb", "rtc", "rp", "rt"), _Shadow._start_ruby),
    "button": _Shadow._start_button,
    "hr": _Shadow._start_hr,
    "svg": _Shadow._start_foreign,
    "math": _Shadow._start_foreign,
    "form": _Shadow._start_form,
}
_TABLE_START_MODES: dict[str, Callable[[_Shadow, str, int, int, int, int], tuple[str, int]]] = {
    "table": _Shadow._in_table,
    **dict.fromkeys(_SECTIONS, _Shadow._in_section),
    "tr": _Shadow._in_row,
    **dict.fromkeys(("td", "th", "caption"), _Shadow._in_cell),
    "colgroup": _Shadow._in_colgroup,
    "template": _Shadow._in_template,
}
_BODY_END: dict[str, Callable[[_Shadow, str, int], None]] = {
    **dict.fromkeys(_BLOCK_END, _Shadow._end_block),
    **dict.fromkeys(_FORMATTING, _Shadow._end_formatting),
    **dict.fromkeys(_HEADINGS, _Shadow._end_heading),
    **dict.fromkeys(("li", "dd", "dt"), _Shadow._end_list_item),
    **dict.fromkeys(("applet", "marquee", "object", "template"), _Shadow._end_container),
    "p": _Shadow._end_p,
    "form": _Shadow._end_form,
    "br": _Shadow._end_br,
    "body": _Shadow._end_ignored,
    "html": _Shadow._end_ignored,
}
_TABLE_END_MODES: dict[str, Callable[[_Shadow, str, int, int], tuple[str, int]]] = {
    "table": _Shadow._end_in_table,
    **dict.fromkeys(_SECTIONS, _Shadow._end_in_section),
    "tr": _Shadow._end_in_row,
    **dict.fromkeys(("td", "th"), _Shadow._end_in_cell),
    "caption": _Shadow._end_in_caption,
    "colgroup": _Shadow._end_in_colgroup,
}
