"""Decoding an import file: UTF-8 (with or without BOM), UTF-16, and the legacy code pages of real exports."""

from __future__ import annotations

import re

from minicrm.errors import BadInput
from minicrm.i18n import _

_HIGH_WORD = re.compile(rb"[A-Za-z\x80-\xff]*[\x80-\xff][A-Za-z\x80-\xff]*")


def decode(data: bytes, *, source: str, encoding: str | None = None) -> tuple[str, str]:
    """Bytes → (text, encoding used): UTF-8 with or without BOM, UTF-16 with BOM, else cp1251/cp1252."""
    if encoding:
        return _strict(data, encoding, source), encoding
    if data.startswith(b"\xef\xbb\xbf"):
        return _strict(data, "utf-8-sig", source), "utf-8"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _strict(data, "utf-16", source), "utf-16"
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        msg = _("{source}: line {line}: binary data (NUL byte); is it UTF-16 without a BOM? try --encoding")
        raise BadInput(msg.format(source=source, line=line))
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        loose = data.decode("utf-8", errors="replace")
        invalid = loose.count("\ufffd")
        valid = sum(1 for ch in loose if ord(ch) > 127) - invalid
        if valid >= invalid:  # mostly UTF-8 with a few foreign bytes: a damaged or mixed file
            line = data[: exc.start].count(b"\n") + 1
            msg = _("{source}: line {line}: invalid UTF-8 (byte 0x{byte:02x}) in a file that is otherwise UTF-8;"
                    " fix the file or give --encoding")  # fmt: skip
            raise BadInput(msg.format(source=source, line=line, byte=data[exc.start])) from None
    # No valid UTF-8 at all: an 8-bit Windows code page. Cyrillic words are made of high bytes only,
    # Western words mix ASCII letters with a few accented ones (Müller).
    words = _HIGH_WORD.findall(data)
    cyrillic = sum(1 for w in words if all(b >= 0x80 for b in w))
    guess = "cp1251" if cyrillic * 2 >= len(words) else "cp1252"
    return _strict(data, guess, source), guess


def _strict(data: bytes, encoding: str, source: str) -> str:
    try:
        return data.decode(encoding)
    except LookupError:
        raise BadInput(_("unknown encoding '{encoding}'").format(encoding=encoding)) from None
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        msg = _("{source}: line {line}: cannot decode byte 0x{byte:02x} as {encoding}")
        raise BadInput(msg.format(source=source, line=line, byte=data[exc.start], encoding=encoding)) from None
