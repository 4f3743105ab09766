"""`mail sync`: the new messages of one IMAP folder, read over TLS without changing anything on the server.

The folder is opened with EXAMINE (read-only) and messages fetched with BODY.PEEK[], so no message is marked
read. `mail_folder` keeps, per account and folder, the folder's UIDVALIDITY and the last UID read: the next
run asks only for UIDs above it. When the server renumbered the folder (another UIDVALIDITY) it is read again
from the start; the message keys make sure nothing is logged twice.

TLS is always on (imaplib.IMAP4_SSL) and the certificate checked against the system's CAs; `ca_file` adds a
CA (a self-signed server, the tests' Dovecot), `insecure` turns the check off (never for a real account).
"""

from __future__ import annotations

import base64
import imaplib
import re
import ssl
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from minicrm.errors import BadInput, MinicrmError
from minicrm.i18n import _
from minicrm.store.core.db import Session
from minicrm.store.exchange.mail.logbook import MailRun, Me, log_mail

FETCH_CHUNK = 100
_UID = re.compile(rb"UID (\d+)")


class MailServerError(MinicrmError):
    """The IMAP server cannot be reached, refused the login, or answered something unusable."""


@dataclass(frozen=True)
class Account:
    user: str
    host: str
    port: int
    folder: str

    @property
    def key(self) -> str:
        return f"{self.user}@{self.host}:{self.port}"

    @property
    def url(self) -> str:
        return f"imaps://{self.user}@{self.host}:{self.port}/{self.folder}"


def parse_url(url: str) -> Account:
    """imaps://USER@HOST[:PORT]/FOLDER (USER with %40 for an @ in it; FOLDER INBOX when left out)."""
    parts = urlsplit(url.strip())
    if parts.scheme.lower() != "imaps":
        raise BadInput(
            _("invalid mail server '{url}': expected imaps://USER@HOST[:PORT]/FOLDER (TLS only)").format(url=url)
        )
    try:
        port = parts.port or 993
    except ValueError:
        raise BadInput(_("invalid port in '{url}'").format(url=url)) from None
    if not parts.hostname or not parts.username:
        raise BadInput(_("invalid mail server '{url}': expected imaps://USER@HOST[:PORT]/FOLDER").format(url=url))
    if parts.password is not None:
        raise BadInput(_("no password in the URL: give it in an environment variable (--password-env VAR)"))
    folder = unquote(parts.path.lstrip("/")) or "INBOX"
    return Account(unquote(parts.username), parts.hostname, port, folder)


def _tls(ca_file: Path | None, insecure: bool) -> ssl.SSLContext:
    context = ssl.create_default_context()
    if ca_file is not None:
        try:
            context.load_verify_locations(cafile=str(ca_file))
        except (OSError, ssl.SSLError) as exc:
            reason = getattr(exc, "strerror", None) or exc
            raise BadInput(_("cannot use CA file {path}: {reason}").format(path=ca_file, reason=reason)) from None
    if insecure:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    return context


def _quoted(folder: str) -> str:
    """The folder name as IMAP wants it: modified UTF-7 (RFC 3501 5.1.3: "Отправленные" is "&BB4EQgQ,..."),
    quoted."""
    return '"' + utf7_imap(folder).replace("\\", "\\\\").replace('"', '\\"') + '"'


def utf7_imap(name: str) -> str:
    """IMAP's modified UTF-7: printable ASCII as it is ("&" as "&-"), other runs as &BASE64(UTF-16BE)- with , for /."""
    out: list[str] = []
    run: list[str] = []

    def flush() -> None:
        if run:
            data = base64.b64encode("".join(run).encode("utf-16-be")).decode("ascii").rstrip("=")
            out.append("&" + data.replace("/", ",") + "-")
            run.clear()

    for char in name:
        if 0x20 <= ord(char) <= 0x7E:
            flush()
            out.append("&-" if char == "&" else char)
        else:
            run.append(char)
    flush()
    return "".join(out)


def _check(answer: tuple[str, Any], what: str, account: Account) -> Any:
    status, data = answer
    if status != "OK":
        detail = (data[0].decode("utf-8", "replace") if data and isinstance(data[0], bytes) else "")[:200]
        raise MailServerError(
            _("{url}: {what} failed: {detail}").format(url=account.url, what=what, detail=detail or status)
        )
    return data


def connect(account: Account, password: str, *, ca_file: Path | None = None, insecure: bool = False) -> Any:
    """A logged-in IMAP4_SSL connection (one error line when the server cannot be reached or says no)."""
    context = _tls(ca_file, insecure)
    try:
        conn = imaplib.IMAP4_SSL(account.host, account.port, ssl_context=context, timeout=60)
    except ssl.SSLCertVerificationError as exc:
        raise MailServerError(
            _(
                "cannot connect to {url}: certificate not trusted ({reason});"
                " --ca-file FILE names the CA of a private server"
            ).format(url=account.url, reason=exc.verify_message)
        ) from None
    except (OSError, imaplib.IMAP4.error) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc) or type(exc).__name__
        raise MailServerError(_("cannot connect to {url}: {reason}").format(url=account.url, reason=reason)) from None
    try:
        conn.login(account.user, password)
    except imaplib.IMAP4.error:
        conn.shutdown()
        msg = _("{url}: the server refused the login of {user}")
        raise MailServerError(msg.format(url=account.url, user=account.user)) from None
    return conn


def sync_folder(
    session: Session,
    account: Account,
    password: str,
    *,
    me: Me,
    now: datetime,
    user_id: int | None = None,
    since: date | None = None,
    dry_run: bool = False,
    create_contacts: bool = False,
    by_domain: bool = False,
    ca_file: Path | None = None,
    insecure: bool = False,
) -> MailRun:
    """Log the messages of the folder that arrived since the last run, and remember how far it was read."""
    state = session.one(
        "SELECT uidvalidity, last_uid FROM mail_folder WHERE account = ? AND folder = ?", (account.key, account.folder)
    )
    conn = connect(account, password, ca_file=ca_file, insecure=insecure)
    run = MailRun(dry_run=dry_run)
    try:
        _check(
            conn.select(_quoted(account.folder), readonly=True),
            _("opening folder {folder}").format(folder=account.folder),
            account,
        )
        answer = conn.response("UIDVALIDITY")[1]
        if not answer or not answer[0] or not answer[0].isdigit():
            msg = _("{url}: the server gave no UIDVALIDITY for {folder}")
            raise MailServerError(msg.format(url=account.url, folder=account.folder))
        validity = int(answer[0])
        last = 0
        if state is not None and int(state["uidvalidity"]) == validity:
            last = int(state["last_uid"])
        elif state is not None:
            run.note(
                _("{folder}: the server renumbered the folder (UIDVALIDITY), read again from the start").format(
                    folder=account.folder
                )
            )
        found = _check(conn.uid("SEARCH", None, f"UID {last + 1}:*"), "SEARCH", account)
        uids = sorted(u for u in (int(x) for x in (found[0] or b"").split()) if u > last)
        log_mail(session, _fetch(conn, account, uids), me=me, now=now, user_id=user_id, since=since,
                 dry_run=dry_run, create_contacts=create_contacts, by_domain=by_domain, run=run)  # fmt: skip
        if not dry_run:
            _remember(session, account, validity, max(uids, default=last), now, known=state is not None)
    except (OSError, imaplib.IMAP4.error) as exc:
        raise MailServerError(_("{url}: connection lost ({reason})").format(url=account.url, reason=exc)) from None
    finally:
        try:
            conn.logout()
        except (OSError, imaplib.IMAP4.error):
            pass
    return run


def _fetch(conn: Any, account: Account, uids: list[int]) -> Iterator[bytes]:
    """The messages, FETCH_CHUNK at a time, with BODY.PEEK[] (which does not set \\Seen)."""
    for start in range(0, len(uids), FETCH_CHUNK):
        chunk = ",".join(str(u) for u in uids[start : start + FETCH_CHUNK])
        data = _check(conn.uid("FETCH", chunk, "(UID BODY.PEEK[])"), "FETCH", account)
        for item in data:
            if isinstance(item, tuple) and _UID.search(item[0]):
                yield item[1]


def _remember(session: Session, account: Account, validity: int, last_uid: int, now: datetime, *, known: bool) -> None:
    with session.write():
        if known:
            session.execute(
                "UPDATE mail_folder SET uidvalidity = ?, last_uid = ?, synced_at = ? WHERE account = ? AND folder = ?",
                (validity, last_uid, now, account.key, account.folder),
            )
        else:
            session.execute(
                "INSERT INTO mail_folder (account, folder, uidvalidity, last_uid, synced_at) VALUES (?, ?, ?, ?, ?)",
                (account.key, account.folder, validity, last_uid, now),
            )
