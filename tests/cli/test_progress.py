"""Progress bars of the long commands (exports, backups, migrate-to): on stderr, only when it is a terminal.

Each command runs in a real process whose stderr is a pseudo-terminal; the bar's delay (one second, so quick
runs draw nothing) is set to zero for the test.
"""

from __future__ import annotations

import fcntl
import os
import pty
import struct
import subprocess
import sys
import termios

from conftest import TODAY

RUN = """
import sys
import minicrm.commands.io as io
io.BAR_DELAY = 0
from minicrm.cli import app
app(sys.argv[1:], prog_name="minicrm")
"""


def run_on_terminal(*args: str, stdout_on_terminal: bool = False) -> tuple[int, str, bytes]:
    """(exit code, what reached the terminal, stdout when it went to a pipe) of `minicrm ARGS` with stderr on a pty."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 120, 0, 0))
    proc = subprocess.Popen(
        [sys.executable, "-c", RUN, *args],
        stdin=subprocess.DEVNULL,
        stdout=slave if stdout_on_terminal else subprocess.PIPE,
        stderr=slave,
    )
    os.close(slave)
    seen = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        seen += chunk
    out = proc.stdout.read() if proc.stdout else b""
    code = proc.wait(timeout=120)
    os.close(master)
    return code, seen.decode("utf-8", "replace"), out


def test_exports_draw_a_bar_on_the_terminal_only(cli, tmp_path):
    for name in ("Ada Lovelace", "Grace Hopper", "Hedy Lamarr"):
        cli.ok("contact", "add", name)
    base = ("--db", cli.target, "--today", TODAY)
    cards = tmp_path / "all.vcf"
    code, terminal, _ = run_on_terminal(*base, "export", "vcard", "-o", str(cards))
    assert code == 0 and "exporting contacts (vCard)" in terminal and "3/3" in terminal
    assert cards.read_text().count("END:VCARD") == 3
    code, terminal, out = run_on_terminal(*base, "export", "csv")  # stdout to a pipe, stderr on the terminal
    assert code == 0 and "exporting contacts (CSV)" in terminal and "4/4" in terminal  # the header and 3 rows
    assert out.decode().count("\n") == 4
    code, terminal, _ = run_on_terminal(*base, "export", "json", "-o", str(tmp_path / "all.json"))
    assert code == 0 and "exporting the database (rows)" in terminal
    code, terminal, _ = run_on_terminal(*base, "export", "csv", stdout_on_terminal=True)  # data on the terminal
    assert code == 0 and "exporting" not in terminal and "Grace Hopper" in terminal
    res = cli.ok("export", "vcard")  # no terminal at all: nothing on stderr
    assert res.stderr == ""


def test_backup_and_migrate_to_draw_a_bar(cli, tmp_path, new_target):
    cli.ok("contact", "add", "Ada Lovelace")
    base = ("--db", cli.target, "--today", TODAY)
    code, terminal, out = run_on_terminal(*base, "backup", str(tmp_path / "copy"))
    assert code == 0 and "backing up" in terminal and out.strip()
    empty = new_target("other", empty=True)
    code, terminal, _ = run_on_terminal(*base, "migrate-to", empty)
    assert code == 0 and "copying to" in terminal
