"""A throwaway Dovecot IMAP server for the `mail sync` tests: its own config in a temp folder, a self-signed
certificate made with openssl, a passwd-file of users, Maildirs it keeps itself (messages go in by APPEND).

It runs unprivileged: as the current user, or, when the tests run as root, as `nobody` (setpriv). Without the
`dovecot` program (Debian: `apt-get install dovecot-imapd`) the tests that need it are skipped, or fail when
MINICRM_REQUIRE_IMAP=1 (`.ci/run` sets it), as PostgreSQL does with MINICRM_REQUIRE_PG=1.
"""

from __future__ import annotations

import imaplib
import os
import pwd
import shutil
import socket
import ssl
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

DOVECOT = shutil.which("dovecot") or next(
    (p for p in ("/usr/sbin/dovecot", "/usr/local/sbin/dovecot") if os.access(p, os.X_OK)), None
)

CONFIG = """\
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = required
ssl_cert = <{root}/cert.pem
ssl_key = <{root}/key.pem
auth_mechanisms = plain
default_login_user = {user}
default_internal_user = {user}
default_internal_group = {group}
first_valid_uid = 1
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = passwd-file
  args = username_format=%u {root}/passwd
}}
mail_location = maildir:~/Maildir
service imap-login {{
  chroot =
  inet_listener imap {{
    port = 0
  }}
  inet_listener imaps {{
    port = {port}
    ssl = yes
  }}
}}
service anvil {{
  chroot =
}}
service stats {{
  unix_listener stats-reader {{
    user = {user}
  }}
  unix_listener stats-writer {{
    user = {user}
  }}
}}
"""


def require_dovecot() -> str:
    if DOVECOT is None:
        reason = "dovecot is not installed (apt-get install dovecot-imapd)"
        if os.environ.get("MINICRM_REQUIRE_IMAP") == "1":
            pytest.fail(f"an IMAP server is required (MINICRM_REQUIRE_IMAP=1) but {reason}", pytrace=False)
        pytest.skip(f"IMAP tests skipped: {reason}")
    return DOVECOT


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass
class Dovecot:
    root: Path
    port: int
    process: subprocess.Popen[bytes]
    uid: int
    gid: int

    @property
    def ca_file(self) -> Path:
        return self.root / "cert.pem"

    def client(self, user: str, password: str) -> imaplib.IMAP4_SSL:
        context = ssl.create_default_context(cafile=str(self.ca_file))
        conn = imaplib.IMAP4_SSL("127.0.0.1", self.port, ssl_context=context, timeout=30)
        conn.login(user, password)
        return conn

    def append(self, user: str, password: str, *messages: bytes, folder: str = "INBOX") -> None:
        """APPEND to `folder` (its IMAP name: modified UTF-7), made first when missing."""
        conn = self.client(user, password)
        try:
            if folder != "INBOX":
                conn.create(f'"{folder}"')
            for message in messages:
                status, data = conn.append(
                    f'"{folder}"', None, None, message.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
                )
                assert status == "OK", data
        finally:
            conn.logout()

    def seen_flags(self, user: str, password: str, folder: str = "INBOX") -> list[bool]:
        conn = self.client(user, password)
        try:
            conn.select(folder, readonly=True)
            status, data = conn.uid("FETCH", "1:*", "(FLAGS)")
            assert status == "OK", data
            return [b"\\Seen" in item for item in data if isinstance(item, bytes)]
        finally:
            conn.logout()

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        shutil.rmtree(self.root, ignore_errors=True)


def start(users: list[str], password: str) -> Dovecot:
    """A running server with these mail users (all made now: Dovecot reads a changed passwd-file again only when
    its modification time moved on by a second)."""
    program = require_dovecot()
    root = Path(tempfile.mkdtemp(prefix="minicrm-dovecot-"))
    root.chmod(0o755)
    as_root = os.getuid() == 0
    account = pwd.getpwnam("nobody") if as_root else pwd.getpwuid(os.getuid())
    group = subprocess.run(["id", "-gn", account.pw_name], capture_output=True, text=True, check=True).stdout.strip()
    for sub in ("run", "state", "mail"):
        (root / sub).mkdir()
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost",
         "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
         "-keyout", str(root / "key.pem"), "-out", str(root / "cert.pem")],
        check=True, capture_output=True,
    )  # fmt: skip
    uid, gid = (account.pw_uid, account.pw_gid)
    (root / "passwd").write_text(
        "".join(f"{name}:{{PLAIN}}{password}:{uid}:{gid}::{root / 'mail' / name}::\n" for name in users)
    )
    port = _free_port()
    (root / "dovecot.conf").write_text(
        CONFIG.format(root=root, user=account.pw_name, group=group, port=port), encoding="utf-8"
    )
    command = [program, "-F", "-c", str(root / "dovecot.conf")]
    if as_root:
        for path in [root, *root.rglob("*")]:
            os.chown(path, account.pw_uid, account.pw_gid)
        command = ["setpriv", f"--reuid={account.pw_uid}", f"--regid={account.pw_gid}", "--clear-groups", *command]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    server = Dovecot(root, port, process, account.pw_uid, account.pw_gid)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log = (root / "dovecot.log").read_text() if (root / "dovecot.log").exists() else ""
            err = process.stderr.read().decode() if process.stderr else ""
            server.stop()
            raise RuntimeError(f"dovecot did not start: {err}{log}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return server
        except OSError:
            time.sleep(0.1)
    server.stop()
    raise RuntimeError("dovecot did not listen within 30 s")
