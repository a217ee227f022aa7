"""PHP's ``serialize()`` format, read safely: what WordPress keeps in its postmeta.

Only the data subset (null, booleans, integers, floats, strings, arrays) is read;
objects and references, what makes PHP's own ``unserialize()`` unsafe, are refused.
"""

from __future__ import annotations

import re
from typing import NoReturn, TypeAlias

__all__ = ["PhpValue", "php_unserialize"]

PhpValue: TypeAlias = "bool | int | float | str | dict[int | str, PhpValue] | None"
"""A value of PHP's ``serialize()`` format; arrays become dicts (keys in their order)."""

_PHP_FLAG = re.compile(rb"[01]")
_PHP_INT = re.compile(rb"-?\d{1,19}")  # PHP_INT_MAX has 19 digits
_PHP_FLOAT = re.compile(rb"-?(?:INF|NAN|\d{1,309}(?:\.\d{1,400})?(?:[eE][+-]?\d{1,4})?)")
_PHP_COUNT = re.compile(rb"\d{1,10}")
_PHP_MAX_DEPTH = 32


def php_unserialize(data: str | bytes) -> PhpValue:
    """Read a value PHP's ``serialize()`` wrote: what WordPress keeps in postmeta.

    Only the data subset is read (null, booleans, integers, floats, strings and arrays,
    as ``_wp_attachment_metadata`` holds them); objects and references are refused,
    since reading them in PHP is what makes ``unserialize()`` unsafe, and nothing here
    needs them. String lengths are in bytes, as PHP counts them; text is read as UTF-8
    (a broken byte becomes U+FFFD). The subset is a few lines of grammar, not worth a
    dependency (the best-known reader on PyPI, phpserialize, was last released in 2012).

    Raises:
        ValueError: ``data`` is not one complete value of that subset, or nests arrays
            deeper than 32 levels; the message gives the byte offset.
    """
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else bytes(data)
    reader = _PhpReader(raw.strip())
    value = reader.value(0)
    if reader.pos != len(reader.data):
        reader.fail("trailing data after the value")
    return value


class _PhpReader:
    """A cursor over serialized PHP data: one method per value, no recursion past a bound."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def fail(self, why: str) -> NoReturn:
        raise ValueError(f"not PHP serialize() data at byte {self.pos}: {why}")

    def expect(self, token: bytes) -> None:
        if not self.data.startswith(token, self.pos):
            self.fail(f"expected {token.decode()!r}")
        self.pos += len(token)

    def number(self, pattern: re.Pattern[bytes], end: bytes) -> bytes:
        match = pattern.match(self.data, self.pos)
        if match is None:
            self.fail("expected a number")
        self.pos = match.end()
        self.expect(end)
        return match[0]

    def value(self, depth: int) -> PhpValue:
        tag = self.data[self.pos : self.pos + 2]
        if self.data.startswith(b"N;", self.pos):
            self.pos += 2
            return None
        self.pos += 2
        if tag == b"b:":
            return self.number(_PHP_FLAG, b";") == b"1"
        if tag == b"i:":
            return int(self.number(_PHP_INT, b";"))
        if tag == b"d:":
            return float(self.number(_PHP_FLOAT, b";"))
        if tag == b"s:":
            size = int(self.number(_PHP_COUNT, b':"'))
            text = self.data[self.pos : self.pos + size]
            if len(text) != size:
                self.fail("the string is shorter than its declared length")
            self.pos += size
            self.expect(b'";')
            return text.decode("utf-8", "replace")
        if tag == b"a:":
            return self.array(depth)
        self.pos -= 2
        self.fail("expected N, b, i, d, s or a (objects and references are not read)")

    def array(self, depth: int) -> dict[int | str, PhpValue]:
        if depth >= _PHP_MAX_DEPTH:
            self.fail(f"arrays nested deeper than {_PHP_MAX_DEPTH} levels")
        count = int(self.number(_PHP_COUNT, b":{"))
        found: dict[int | str, PhpValue] = {}
        for _ in range(count):
            start = self.pos
            key = self.value(depth + 1)
            if not isinstance(key, int | str) or isinstance(key, bool):
                self.pos = start
                self.fail("an array key must be an integer or a string")
            found[key] = self.value(depth + 1)
        self.expect(b"}")
        return found
