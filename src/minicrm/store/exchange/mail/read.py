"""One e-mail message, read in two steps: the envelope (the headers a match needs: cheap, for every message),
then the content (subject, the start of the text, attachment names: only for a message that will be logged).

Headers are decoded as RFC 2047 says (=?windows-1251?B?...?=, =?koi8-r?Q?...?=); bodies in quoted-printable
or base64, in the charset their part names. A charset label Python does not know never stops a run: the text
is read as UTF-8 (bad bytes replaced) and the message's `notes` say so.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from email import quoprimime
from email.message import Message
from email.utils import getaddresses, parsedate_to_datetime
from typing import Any

from minicrm.i18n import _

#: How much of the text a logged e-mail keeps: its start, enough to recall what it said.
BODY_CHARS = 2000
#: A subject is an interaction's one-line summary.
SUBJECT_CHARS = 300
#: The longest Message-ID kept as it is (longer ones are hashed: an index entry has a size limit).
KEY_CHARS = 250
#: The most attachment names listed on an interaction.
ATTACHMENTS_LISTED = 50

#: The line a mail client puts before the quoted message ("On 5 Nov 2026, Ada wrote:").
_ATTRIBUTION = re.compile(r"(wrote|schrieb|a écrit|escribió|написал[а]?|пишет)\s*:\s*$", re.IGNORECASE)
_ANGLE = re.compile(r"<([^<>\s]+)>")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


@dataclass
class Envelope:
    """What deciding about a message needs: its key, thread, date and addresses (lower-cased)."""

    raw: bytes
    key: str  # Message-ID without <>, or "sha256:..." of the headers
    thread_key: str
    parent_key: str | None
    date: datetime | None  # local time, naive (as every timestamp in the database)
    sender: str | None
    sender_field: str  # the From header as it came (for the sender's name, when it is needed)
    recipients: list[str]
    automated: bool  # a mailing list, bulk or auto-submitted mail: never made a contact
    notes: list[str] = field(default_factory=list)

    @property
    def addresses(self) -> list[str]:
        return ([self.sender] if self.sender else []) + self.recipients


@dataclass
class Content:
    subject: str
    text: str
    attachments: list[str]
    notes: list[str] = field(default_factory=list)

    def body(self) -> str | None:
        """The text kept on the interaction: the start of the message, then its attachments' names."""
        parts = [self.text] if self.text else []
        if self.attachments:
            parts.append(_("Attachments: {names}").format(names=", ".join(self.attachments)))
        return "\n\n".join(parts) or None


def envelope(raw: bytes) -> Envelope:
    """The envelope of a message given as bytes: only its headers are read, by `_headers` (fast)."""
    head = _headers(raw)
    notes: list[str] = []

    def get(name: str) -> str:
        return head.get(name, [""])[0]

    message_id = _first_id(get("message-id"))
    references = [_short(r) for r in _ANGLE.findall(get("references"))]
    in_reply_to = _first_id(get("in-reply-to")) or (references[-1] if references else None)
    key = message_id or _header_hash(get)
    sender_field = get("from")
    senders = _addresses(sender_field)
    sender = senders[0] if senders else None
    recipients = [a for name in ("to", "cc") for value in head.get(name, ()) for a in _addresses(value)]
    return Envelope(
        raw=raw,
        key=key,
        thread_key=references[0] if references else (in_reply_to or key),
        parent_key=in_reply_to,
        date=_local_date(get("date"), notes),
        sender=sender,
        sender_field=sender_field,
        recipients=list(dict.fromkeys(r for r in recipients if r != sender)),
        automated=bool(
            get("list-id")
            or get("precedence").lower() in ("bulk", "list", "junk")
            or get("auto-submitted").lower() not in ("", "no")
        ),
        notes=notes,
    )


_FOLD = re.compile(r"\r?\n[ \t]+")
_ADDRESS = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+")


def _headers(raw: bytes) -> dict[str, list[str]]:
    """name (lower case) -> its values (unfolded, runs of spaces squeezed), from the head of the message."""
    cut = raw.find(b"\n\n")
    crlf = raw.find(b"\r\n\r\n")
    if crlf >= 0 and (cut < 0 or crlf < cut):
        cut = crlf
    text = (raw if cut < 0 else raw[:cut]).decode("ascii", "surrogateescape")
    found: dict[str, list[str]] = {}
    for line in _FOLD.sub(" ", text).splitlines():
        name, colon, value = line.partition(":")
        if colon and name and " " not in name:
            found.setdefault(name.strip().lower(), []).append(" ".join(value.split()))
    return found


def _addresses(value: str) -> list[str]:
    """The addresses in a From/To/Cc value, lower-cased, in order (an address quoted as a name counts once)."""
    if "@" not in value:
        return []
    return list(dict.fromkeys(a.lower().strip(".") for a in _ADDRESS.findall(value)))


def sender_name(env: Envelope, notes: list[str]) -> str:
    """The display name of the From address (decoded), or its local part."""
    names = [n for n, a in getaddresses([env.sender_field]) if a.lower() == env.sender]
    return decode_words(names[0], notes) if names and names[0] else (env.sender or "").partition("@")[0]


def _first_id(value: str) -> str | None:
    found = _ANGLE.search(value)
    value = found.group(1) if found else value.strip()
    return _short(value) if value else None


def _short(message_id: str) -> str:
    """A Message-ID as stored: as written, or a hash of it when it is too long to index (a spammer's 2 kB)."""
    if len(message_id) <= KEY_CHARS and message_id.isprintable():
        return message_id
    return "sha256:" + hashlib.sha256(message_id.encode("utf-8", "surrogateescape")).hexdigest()[:40]


def _header_hash(get: Any) -> str:
    """A stable key for a message without a Message-ID: the same headers in every copy of it."""
    text = "\n".join(get(name) for name in ("date", "from", "to", "cc", "subject"))
    return "sha256:" + hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()[:40]


def _local_date(value: str, notes: list[str]) -> datetime | None:
    if not value:
        return None
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        notes.append(_("unreadable Date '{value}'").format(value=clean_line(value)[:60]))
        return None
    if when.tzinfo is not None:
        when = when.astimezone().replace(tzinfo=None)
    return when.replace(microsecond=0)


_WORD = re.compile(r"=\?([^?\s]+)\?([bBqQ])\?([^?\s]*)\?=")
_BETWEEN_WORDS = re.compile(r"(\?=)\s+(?==\?)")


def decode_words(value: str, notes: list[str]) -> str:
    """A header value with its RFC 2047 encoded words decoded; raw 8-bit text read as UTF-8 (else Windows-1252);
    an unknown charset read as UTF-8 (and noted)."""
    value = _unescape(value)
    if "=?" not in value:
        return clean_line(value)
    value = _BETWEEN_WORDS.sub(r"\1", value)  # the space between two encoded words is not text

    def word(match: re.Match[str]) -> str:
        charset, encoding, text = match.group(1).split("*")[0], match.group(2).upper(), match.group(3)
        try:
            if encoding == "B":
                data = base64.b64decode(text + "=" * (-len(text) % 4))
            else:
                data = quoprimime.header_decode(text).encode("latin-1")
        except (ValueError, binascii.Error, UnicodeEncodeError):
            return match.group(0)
        return decode_bytes(data, charset, notes)

    return clean_line(_WORD.sub(word, value))


def _unescape(value: str) -> str:
    """Raw 8-bit bytes in a header (parsed as ASCII with surrogate escapes) as the text they are."""
    try:
        value.encode("utf-8")
        return value
    except UnicodeEncodeError:
        data = value.encode("ascii", "surrogateescape")
    return decode_bytes(data, None, [])


def decode_bytes(data: bytes, charset: str | None, notes: list[str]) -> str:
    """Bytes in `charset`; without a label, UTF-8 if they are, else Windows-1252; a label Python does not know:
    UTF-8 with bad bytes replaced, noted."""
    if charset is None or charset.lower() in ("unknown-8bit", "x-unknown"):
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            return data.decode("cp1252", errors="replace")
    try:
        return data.decode(charset, errors="replace")
    except LookupError:
        note = _("unknown charset '{charset}', read as UTF-8").format(charset=clean_line(charset)[:40])
        if note not in notes:
            notes.append(note)
        return data.decode("utf-8", errors="replace")


def clean_line(text: str) -> str:
    """One line, control characters gone (text from a mail never reaches a terminal as it came)."""
    return " ".join(_CONTROL.sub(" ", text).split())


def clean_text(text: str) -> str:
    """Lines kept, control characters other than tab and newline gone."""
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def content(raw: bytes) -> Content:
    """Subject, the start of the text (HTML made text when there is no plain part) and the attachments' names.

    Each part's headers are parsed by the stdlib (compat32 policy: RFC 2231 parameters, transfer encodings) and
    decoded here (RFC 2047, the part's charset); multipart bodies are cut at their boundaries here. The stdlib's
    full parse costs a regular expression compiled per boundary (every message has its own) and, with
    policy.default, a header object per header asked for: 4 times the rest of a message's import together
    (bench/mail.py).
    """
    notes: list[str] = []
    parts = list(_parts(raw, 0))
    subject = decode_words(_header(parts[0][0], "subject") if parts else "", notes)[:SUBJECT_CHARS]
    body = _body_part(parts)
    text = ""
    if body is not None:
        text = _part_text(body, notes)
        if body.get_content_subtype() == "html":
            from minicrm.store.exchange.mail.html_text import html_to_text

            text = html_to_text(text)
    attachments: list[str] = []
    for part, _kind in parts:
        if part is body:
            continue
        try:
            name = part.get_filename()
        except Exception:  # a broken Content-Disposition parameter
            name = None
        if name and len(attachments) < ATTACHMENTS_LISTED:
            attachments.append(decode_words(str(name), notes)[:200])
    return Content(subject or "(no subject)", start_of(text), attachments, notes)


def _split_head(raw: bytes) -> tuple[bytes, bytes]:
    cut = raw.find(b"\n\n")
    crlf = raw.find(b"\r\n\r\n")
    if crlf >= 0 and (cut < 0 or crlf < cut):
        return raw[: crlf + 2], raw[crlf + 4 :]
    if cut < 0:
        return raw, b""
    return raw[: cut + 1], raw[cut + 2 :]


def _parts(raw: bytes, depth: int) -> Iterator[tuple[Message, bool]]:
    """(part, is a leaf) for the message and every part inside it, depth first; a leaf carries its payload."""
    head, body = _split_head(raw)
    part = _head(head)
    boundary = part.get_boundary() if part.get_content_maintype() == "multipart" else None
    if not boundary or depth > 20:
        part.set_payload(body.decode("ascii", "surrogateescape"))
        yield part, True
        return
    yield part, False
    delimiter = b"--" + boundary.encode("ascii", "surrogateescape")
    chunks = (b"\n" + body).split(b"\n" + delimiter)  # a delimiter starts a line (RFC 2046)
    for chunk in chunks[1:]:
        if chunk.startswith(b"--"):  # the closing delimiter: what follows is the epilogue
            break
        newline = chunk.find(b"\n")
        yield from _parts(chunk[newline + 1 :] if newline >= 0 else b"", depth + 1)


def _head(head: bytes) -> Message:
    """A part's headers as a compat32 Message (its accessors do RFC 2231 and the transfer encodings), filled
    directly: the feed parser's state machine is not needed for a block of header lines."""
    part = Message()
    for line in _FOLD.sub(" ", head.decode("ascii", "surrogateescape")).splitlines():
        name, colon, value = line.partition(":")
        if colon and name and " " not in name:
            part[name] = value.strip()
    return part


def _header(msg: Message, name: str) -> str:
    """The header as it came (folded lines joined, 8-bit bytes as surrogate escapes), for `decode_words`."""
    for key, value in msg.raw_items():
        if key.lower() == name:
            return " ".join(str(value).split())
    return ""


def _body_part(parts: list[tuple[Message, bool]]) -> Message | None:
    """The part that is the message's text: the first text/plain that is not an attachment, else text/html."""
    html = None
    for part, leaf in parts:
        if not leaf or (part.get("content-disposition") or "").lower().startswith("attachment"):
            continue
        kind = part.get_content_type()
        if kind == "text/plain":
            return part
        if kind == "text/html" and html is None:
            html = part
    return html


def _part_text(part: Any, notes: list[str]) -> str:
    payload = part.get_payload(decode=True) or b""
    return decode_bytes(payload, part.get_param("charset"), notes)


def start_of(text: str) -> str:
    """The message's own words: quoted lines (>) dropped, blank runs squeezed, cut at BODY_CHARS on a word."""
    lines: list[str] = []
    for line in clean_text(text).split("\n"):
        if line.lstrip().startswith(">"):
            while lines and not lines[-1]:
                lines.pop()
            if lines and _ATTRIBUTION.search(lines[-1]):
                lines.pop()
            continue
        lines.append(line.rstrip())
    joined = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    if len(joined) <= BODY_CHARS:
        return joined
    cut = joined[:BODY_CHARS]
    space = cut.rfind(" ")
    return (cut[:space] if space > BODY_CHARS * 0.8 else cut).rstrip() + " …"
