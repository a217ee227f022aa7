"""Measure which characters MariaDB's FULLTEXT parser keeps inside a word.

InnoDB's FULLTEXT parser ends a word at every character its collation's ctype table
does not call a letter or a digit (``true_word_char``), and newscms writes every other
character of a token as ``_`` and five hex digits (``newscms.store.search.mariadb``).
This script measures that set on a live server, so the table newscms ships
(``mariadb.WORD_CHARACTERS``) is a measurement, not a guess:

    .venv/bin/python tools/mariadb_word_chars.py [--check] [SERVER_URL]

It creates a throwaway database, stores every non-ASCII BMP code point (surrogates
aside, which UTF-8 cannot carry) and every code point beyond the BMP that Python's
``unicodedata`` calls a letter, mark or digit, each in three words of a FULLTEXT-indexed
``utf8mb4_bin`` column (``Xzz``, ``zXz``, ``zzX``: a character the parser drops leaves
only fragments shorter than ``innodb_ft_min_token_size``, which are not indexed),
searches for each word in boolean mode, and drops the database. A character is a word
character when all three words are found.

Without ``--check`` it prints the table as Python, to replace ``WORD_CHARACTERS`` in
``src/newscms/store/search/mariadb.py``; with ``--check`` it compares the server with
that table and exits 1 if they differ. Code points not measured (unassigned beyond the
BMP, private use planes) are outside the table, so newscms encodes them: encoding a
character the server knows costs a few bytes, never a match.

Last run on MariaDB 10.11.19 (Debian 12), Python 3.11 (Unicode 14.0.0), in 7 seconds.
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys
import unicodedata
from collections import Counter
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

DEFAULT_URL = os.environ.get("NEWSCMS_TEST_MARIADB_URL", "mysql+pymysql://root@127.0.0.1:3306/test")
FORMS = ("{}zz", "z{}z", "zz{}")
INSERT_BATCH = 5000
QUERY_BATCH = 300  # words OR'ed in one boolean-mode search
ASCII_WORD = [(0x30, 0x39), (0x41, 0x5A), (0x5F, 0x5F), (0x61, 0x7A)]
"""ASCII word characters (digits, letters, ``_``): known, and not measurable this way,
since ``"``, ``*``, ``(``, ... are boolean-mode operators."""


def candidates() -> list[int]:
    """Every code point measured: the BMP beyond ASCII, and the letters beyond it."""
    bmp = [code for code in range(0x80, 0x10000) if not 0xD800 <= code <= 0xDFFF]
    astral = [
        code for code in range(0x10000, 0x110000) if unicodedata.category(chr(code))[0] in "LMN"
    ]
    return bmp + astral


def measure(url: str, codes: list[int]) -> tuple[str, set[int], set[int]]:
    """The server's version, the codes it keeps in words, and those kept in some forms only."""
    server = make_url(url)
    name = f"newscms_wordchars_{secrets.token_hex(4)}"
    admin = create_engine(server)
    with admin.connect() as conn:
        conn.exec_driver_sql(f"CREATE DATABASE {name} CHARACTER SET utf8mb4")
    try:
        engine = create_engine(server.set(database=name))
        rows = [form.format(chr(code)) for code in codes for form in FORMS]
        with engine.begin() as conn:
            version = str(conn.exec_driver_sql("SELECT VERSION()").scalar())
            conn.exec_driver_sql(
                "CREATE TABLE words (id INT PRIMARY KEY, "
                "word VARCHAR(8) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL) "
                "ENGINE=InnoDB"
            )
            # As migration 0003 creates newscms's index: no stop words.
            conn.exec_driver_sql("SET SESSION innodb_ft_enable_stopword = OFF")
            conn.exec_driver_sql("CREATE FULLTEXT INDEX ix_words ON words (word)")
            insert = text("INSERT INTO words (id, word) VALUES (:id, :word)")
            for at in range(0, len(rows), INSERT_BATCH):
                batch = rows[at : at + INSERT_BATCH]
                conn.execute(insert, [{"id": at + n, "word": w} for n, w in enumerate(batch)])
        found: set[int] = set()
        search = text("SELECT id, word FROM words WHERE MATCH (word) AGAINST (:q IN BOOLEAN MODE)")
        with engine.connect() as conn:
            for at in range(0, len(rows), QUERY_BATCH):
                batch = rows[at : at + QUERY_BATCH]
                query = " ".join(f'"{word}"' for word in batch)
                for row_id, word in conn.execute(search, {"q": query}):
                    # Only a word found by its own search counts (never by a fragment).
                    if at <= row_id < at + len(batch) and batch[row_id - at] == word:
                        found.add(row_id)
        engine.dispose()
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name}")
        admin.dispose()
    forms = Counter(codes[row_id // len(FORMS)] for row_id in found)
    kept = {code for code, count in forms.items() if count == len(FORMS)}
    partly = {code for code, count in forms.items() if count < len(FORMS)}
    return version, kept, partly


def ranges(codes: list[int]) -> list[tuple[int, int]]:
    """Sorted code points as runs of consecutive ones, ``(first, last)``."""
    found: list[tuple[int, int]] = []
    for code in codes:
        if found and found[-1][1] == code - 1:
            found[-1] = (found[-1][0], code)
        else:
            found.append((code, code))
    return found


def as_python(table: list[tuple[int, int]], version: str) -> str:
    """The table as the ``WORD_CHARACTERS`` assignment of ``mariadb.py``."""
    lines = [
        "WORD_CHARACTERS: tuple[tuple[int, int], ...] = (",
        f"    # Measured by tools/mariadb_word_chars.py on MariaDB {version},",
        f"    # Python {sys.version_info.major}.{sys.version_info.minor}"
        f" (Unicode {unicodedata.unidata_version}).",
    ]
    pairs = [f"(0x{low:04X}, 0x{high:04X})," for low, high in table]
    lines += ["    " + " ".join(pairs[at : at + 5]) for at in range(0, len(pairs), 5)]
    lines.append(")  # fmt: skip")
    return "\n".join(lines)


def shipped() -> tuple[tuple[int, int], ...]:
    """The table newscms ships (from the source tree beside this script)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
    from newscms.store.search.mariadb import WORD_CHARACTERS

    return WORD_CHARACTERS


def main() -> int:
    """Measure the server; print the table, or compare it with the shipped one."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url", nargs="?", default=DEFAULT_URL, help="a MariaDB server URL")
    parser.add_argument("--check", action="store_true", help="compare with mariadb.py")
    args = parser.parse_args()
    codes = candidates()
    version, kept, partly = measure(args.url, codes)
    words = [code for code in codes if unicodedata.category(chr(code))[0] in "LMN"]
    bmp = [code for code in words if code < 0x10000]
    sys.stderr.write(
        f"MariaDB {version}: {len(kept)} of {len(codes)} code points are word characters; "
        f"not {sum(c not in kept for c in bmp)} of the BMP's {len(bmp)} letters, marks and "
        f"digits, nor {sum(c not in kept for c in words) - sum(c not in kept for c in bmp)} "
        f"of the {len(words) - len(bmp)} beyond it\n"
    )
    if partly:
        sys.stderr.write(f"kept in some positions only: {[f'{c:04X}' for c in sorted(partly)]}\n")
    table = ranges(sorted({*kept, *(c for low, high in ASCII_WORD for c in range(low, high + 1))}))
    if not args.check:
        sys.stdout.write(as_python(table, version) + "\n")
        return 0
    ours = list(shipped())
    if ours == table:
        sys.stderr.write("mariadb.WORD_CHARACTERS matches this server\n")
        return 0
    known = {c for low, high in ours for c in range(low, high + 1)}
    unknown = sorted(c for c in kept if c not in known)
    missing = sorted(c for c in known if c not in kept and c >= 0x80)
    sys.stderr.write(
        f"differs: {len(unknown)} kept by the server but encoded by newscms (harmless), "
        f"{len(missing)} in the table but dropped by the server (missed words): "
        f"{[f'{c:04X}' for c in missing[:50]]}\n"
    )
    return 1


if __name__ == "__main__":
    sys.exit(main())
