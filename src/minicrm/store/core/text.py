"""Text keys for case- and accent-insensitive look-ups (`Иван` = `иван`, `José` = `jose`)."""

import re
import unicodedata

#: Ukrainian writers type the apostrophe of `Марʼяна` as ', ’ or ʼ: one letter to them, so one in keys.
_APOSTROPHES = str.maketrans({"’": "'", "ʼ": "'"})


def fold(text: str) -> str:
    """Casefold and strip combining marks, as FTS5 `remove_diacritics 2` does; apostrophes written '."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_APOSTROPHES).casefold())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.split())


def like_pattern(text: str) -> str:
    """`%text%` for LIKE ... ESCAPE '\\', with the user's % and _ taken literally."""
    return "%" + re.sub(r"([\\%_])", r"\\\1", text) + "%"


def phone_key(phone: str) -> str:
    """Digits only; a leading 00 is read as +."""
    digits = re.sub(r"\D", "", phone)
    return digits[2:] if phone.strip().startswith("00") else digits


def fts_query(text: str) -> str:
    """A safe FTS5 MATCH expression: every word as a quoted prefix term, all required."""
    words = re.findall(r"\w+", text, flags=re.UNICODE)
    return " ".join('"' + w.replace('"', "") + '"*' for w in words)
