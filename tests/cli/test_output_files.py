"""Output files (#16): `-o` replaces a regular file atomically and writes straight into a device, a FIFO or the
target of a symlink; every file with personal data is created 0600; backups never follow a planted symlink.

Regressions: `ical export -o /dev/null` (as root) replaced the device with a regular file; `-o link` replaced the
symlink; the iCal export was written 0644 (every other export 0600); `restore` and the backup taken before a
migration followed a symlink planted at their destination; `backup`/`restore` to an unwritable place or with a
folder as the database path ended in `internal error`.
"""

from __future__ import annotations

import os
import select
import shutil
import sqlite3
import stat
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from cli.fs_mounts import tmpfs
from conftest import FIXTURES, Cli, target_digest

FILE = "{file}"
EXPORTS = {  # every command that writes personal data to a file it is given: its arguments, FILE for the file
    "export csv": ("export", "csv", "-o", FILE),
    "export vcard": ("export", "vcard", "-o", FILE),
    "export json": ("export", "json", "-o", FILE),
    "export json --nl": ("export", "json", "--nl", "-o", FILE),
    "ical export": ("ical", "export", "-o", FILE),
    "campaign csv": ("campaign", "members", "gala", "--export", "csv", "--out", FILE),
    "campaign vcard": ("campaign", "members", "gala", "--export", "vcard", "--out", FILE),
}
STDOUT = {  # the same export on standard output, to compare with what reached the file
    "export csv": ("export", "csv"),
    "ical export": ("ical", "export"),
    "campaign vcard": ("campaign", "members", "gala", "--export", "vcard"),
}


def argv(kind: str, file: Path | str) -> list[str]:
    return [str(file) if a == FILE else a for a in EXPORTS[kind]]


@pytest.fixture
def crm(cli):
    """Ada, with a follow-up date (so the calendar has an event) and in the campaign `gala`."""
    cli.ok("contact", "add", "Ada Lovelace", "--email", "ada@example.org", "--next", "2026-11-25")
    cli.ok("campaign", "add", "gala", "--channel", "email")
    cli.ok("campaign", "members", "gala", "--add", "ada")
    return cli


@pytest.fixture
def umask_022():
    """The usual umask, under which a file created without an explicit mode would be 0644."""
    old = os.umask(0o022)
    yield
    os.umask(old)


def lf(data: bytes) -> bytes:
    """`data` with CRLF line ends as LF, as Click's test runner shows standard output."""
    return data.replace(b"\r\n", b"\n")


def leftovers(folder: Path, *keep: str) -> list[str]:
    """Files in `folder` other than `keep`: temporary files an export must not leave behind."""
    return sorted(p.name for p in folder.iterdir() if p.name not in keep)


# -- new files: 0600 -------------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", list(EXPORTS))
def test_every_export_is_created_private(crm, tmp_path, umask_022, kind):
    out = tmp_path / "out" / "data"
    out.parent.mkdir()
    crm.ok(*argv(kind, out))
    assert out.stat().st_mode & 0o777 == 0o600, oct(out.stat().st_mode)
    assert out.stat().st_size > 0 and b"Ada" in out.read_bytes()
    assert leftovers(out.parent, "data") == []


def test_backups_are_created_private(crm, tmp_path, umask_022, hermetic_home):
    (tmp_path / "out").mkdir()
    made = Path(crm.ok("backup", str(tmp_path / "out" / "b.bak")).stdout.strip())
    stamped = Path(crm.ok("backup").stdout.strip())
    for path in (made, stamped):
        assert path.stat().st_mode & 0o777 == 0o600, (path, oct(path.stat().st_mode))
    assert leftovers(tmp_path / "out", "b.bak") == []
    assert leftovers(stamped.parent, stamped.name) == []


def test_an_existing_file_keeps_its_mode_and_gets_the_new_content(crm, tmp_path):
    """Replacing a file the user made readable (say, for a web server) keeps the mode they chose."""
    (tmp_path / "out").mkdir()
    out = tmp_path / "out" / "feed.ics"
    out.write_text("old calendar")
    out.chmod(0o644)
    before = out.stat().st_ino
    crm.ok("ical", "export", "-o", str(out))
    assert out.read_bytes().startswith(b"BEGIN:VCALENDAR")
    assert out.stat().st_mode & 0o777 == 0o644
    assert out.stat().st_ino != before  # replaced in one step, not rewritten in place
    assert leftovers(out.parent, "feed.ics") == []


# -- symlinks, devices, FIFOs ----------------------------------------------------------------------------
@pytest.mark.parametrize("kind", ["export csv", "ical export", "campaign vcard"])
def test_a_symlink_is_kept_and_its_target_replaced(crm, tmp_path, kind):
    real = tmp_path / "real" / "data.txt"
    real.parent.mkdir()
    real.write_text("old content")
    real.chmod(0o600)
    link = tmp_path / "link"
    link.symlink_to(real)
    crm.ok(*argv(kind, link))
    assert link.is_symlink() and link.resolve() == real
    assert lf(real.read_bytes()) == crm.ok(*STDOUT[kind]).stdout.encode()
    assert real.stat().st_mode & 0o777 == 0o600
    assert leftovers(real.parent, "data.txt") == []


@pytest.fixture
def null_device(tmp_path) -> Path:
    """A character device that discards what it gets: a node of /dev/null made here (root), so a regression
    that replaces the device replaces this copy, not the machine's /dev/null; /dev/null itself without root
    (nobody but root could replace it)."""
    if os.geteuid() != 0:
        return Path("/dev/null")
    path = tmp_path / "null"
    try:
        os.mknod(path, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
        with path.open("wb") as fh:
            fh.write(b"x")
    except OSError as exc:
        pytest.skip(f"cannot make a device node here: {exc}")
    return path


@pytest.mark.parametrize("kind", ["export json", "ical export", "campaign csv"])
def test_a_device_is_written_in_place(crm, null_device, kind):
    res = crm.ok(*argv(kind, null_device))
    assert stat.S_ISCHR(null_device.stat().st_mode), "the device was replaced by a regular file"
    assert null_device.stat().st_rdev == os.makedev(1, 3)
    assert "error" not in res.stderr
    assert [p for p in null_device.parent.iterdir() if p.name.startswith((".null", "null."))] == []


def drain(fifo: Path, box: list[bytes], stop: threading.Event) -> None:
    """Read `fifo` until its writer closes it (or `stop`): opened without blocking, so a regression that never
    opens the FIFO leaves no thread hanging."""
    fd = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    chunks: list[bytes] = []
    try:
        while not stop.is_set():
            if not select.select([fd], [], [], 0.05)[0]:
                continue
            data = os.read(fd, 65536)
            if data:
                chunks.append(data)
            elif chunks:
                break  # end of file after the writer closed it
            else:
                time.sleep(0.02)  # no writer yet
    finally:
        os.close(fd)
        box.append(b"".join(chunks))


@pytest.mark.parametrize("kind", ["export csv", "ical export", "campaign vcard"])
def test_a_fifo_is_written_in_place(crm, tmp_path, kind):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo, 0o600)
    box: list[bytes] = []
    stop = threading.Event()
    reader = threading.Thread(target=drain, args=(fifo, box, stop), daemon=True)
    reader.start()
    try:
        crm.ok(*argv(kind, fifo))
        reader.join(10)
    finally:
        stop.set()
        reader.join(5)
    assert stat.S_ISFIFO(fifo.lstat().st_mode), "the FIFO was replaced by a regular file"
    assert [lf(data) for data in box] == [crm.ok(*STDOUT[kind]).stdout.encode()]


def test_a_folder_is_a_clean_error(crm, tmp_path):
    folder = tmp_path / "folder"
    folder.mkdir()
    for kind in EXPORTS:
        crm.fails(*argv(kind, folder), code=2, match=f"{folder} is a folder")
    assert list(folder.iterdir()) == []


def test_a_missing_folder_is_a_clean_error_and_not_created(crm, tmp_path):
    missing = tmp_path / "no" / "such"
    for kind in EXPORTS:
        crm.fails(*argv(kind, missing / "out"), code=2, match=f"no folder {missing}")
    assert not (tmp_path / "no").exists()


# -- atomic: a failed export leaves the old file ----------------------------------------------------------
@pytest.mark.parametrize("kind", ["export json", "ical export", "campaign csv"])
def test_a_failing_export_leaves_the_old_file_intact(crm, tmp_path, kind):
    """On a file system with room for the old file only, the export fails with one error line (disk full),
    the old file is unchanged and no temporary file is left."""
    with tmpfs(tmp_path / "small", size="4k") as fs:
        old = fs.path / "out"
        old.write_text("the previous export\n")
        crm.fails(*argv(kind, old), code=1, match="No space left on device")
        assert old.read_text() == "the previous export\n"
        assert leftovers(fs.path, "out") == []


# -- backups: unwritable places, planted links, a folder as the database ----------------------------------
def test_backup_to_an_unwritable_place_is_one_error_line(crm, tmp_path, backend):
    with tmpfs(tmp_path / "ro", size="1m") as fs:
        fs.read_only()
        crm.fails("backup", str(fs.path / "b.bak"), code=2, match="Read-only file system")
        crm.fails("backup", str(fs.path), code=2, match="Read-only file system")
    missing = tmp_path / "no" / "such"
    crm.fails("backup", str(missing / "b.bak"), code=2, match=f"no folder {missing}")
    assert not (tmp_path / "no").exists()


def test_backup_does_not_follow_a_planted_link(crm, tmp_path):
    victim = tmp_path / "victim"
    planted = tmp_path / "b.bak"
    planted.symlink_to(victim)  # dangling: the backup must neither create nor write the file it points to
    crm.fails("backup", str(planted), code=1, match="exists")
    assert planted.is_symlink() and not victim.exists()
    victim.write_text("precious")
    crm.fails("backup", str(planted), code=1, match="exists")
    assert victim.read_text() == "precious"


def plant_links(folder: Path, name: str, victims: Path) -> list[Path]:
    """Symlinks into `victims` at every name `name.format(stamp=...)` a command could pick in the next half
    minute, as an attacker who can write into the folder would plant them."""
    victims.mkdir()
    now = datetime.now()
    links = []
    for seconds in range(-2, 30):
        stamp = f"{now + timedelta(seconds=seconds):%Y%m%d-%H%M%S}"
        link = folder / name.format(stamp=stamp)
        link.symlink_to(victims / link.name)
        links.append(link)
    return links


@pytest.mark.sqlite_only("restore keeps the replaced SQLite file beside the database; PostgreSQL has no such file")
def test_restore_does_not_follow_a_link_planted_where_it_keeps_the_replaced_database(cli, db_path, tmp_path):
    cli.ok("contact", "add", "Ada")
    good = tmp_path / "good.bak"
    cli.ok("backup", str(good))
    cli.ok("contact", "add", "Bob")
    links = plant_links(db_path.parent, db_path.name + ".replaced-{stamp}.db", tmp_path / "victims")
    res = cli.ok("restore", str(good))
    assert list((tmp_path / "victims").iterdir()) == [], "restore wrote through a planted link"
    assert all(link.is_symlink() for link in links)
    kept = Path(res.stderr.split("kept as ")[1].split("\n")[0])
    assert not kept.is_symlink() and kept.stat().st_mode & 0o777 == 0o600
    assert {r[0] for r in sqlite3.connect(kept).execute("SELECT name FROM contact")} == {"Ada", "Bob"}
    assert [c["name"] for c in cli.ok("contact", "list", "-f", "json").json()] == ["Ada"]


@pytest.mark.sqlite_only("the file copy of an older SQLite database taken before its upgrade")
def test_the_backup_before_a_migration_does_not_follow_a_planted_link(tmp_path, umask_022):
    db = tmp_path / "old.db"
    shutil.copy(FIXTURES / "db-0004.sqlite", db)
    links = plant_links(tmp_path, "old.db.before-0004-{stamp}.bak", tmp_path / "victims")
    Cli(db).ok("contact", "list")
    assert list((tmp_path / "victims").iterdir()) == [], "the pre-migration backup wrote through a planted link"
    assert all(link.is_symlink() for link in links)
    [backup] = [p for p in tmp_path.glob("old.db.before-0004-*.bak") if not p.is_symlink()]
    assert backup.stat().st_mode & 0o777 == 0o600
    conn = sqlite3.connect(backup)
    assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == ("0004",)
    conn.close()


@pytest.mark.sqlite_only("a folder given as the database path: a PostgreSQL database has no path")
def test_a_folder_as_the_database_path_is_one_error_line(cli, db_path, tmp_path):
    cli.ok("contact", "add", "Ada")
    good = tmp_path / "good.bak"
    cli.ok("backup", str(good))
    folder = tmp_path / "folder.db"
    folder.mkdir()
    other = Cli(folder)
    for args in (("backup", str(tmp_path / "b2.bak")), ("restore", str(good)), ("contact", "list")):
        res = other(*args)
        lines = res.stderr.strip().splitlines()
        assert res.exit_code in (1, 2) and len(lines) == 1, (args, res.stderr)
        assert lines[0].startswith("error: ") and f"{folder} is a folder" in lines[0], (args, lines)
        assert "internal error" not in res.stderr
    assert list(folder.iterdir()) == [] and not (tmp_path / "b2.bak").exists()


@pytest.mark.sqlite_only("the SQLite database file lives in a folder on a read-only file system")
def test_restore_onto_a_read_only_file_system_is_one_error_line(cli, db_path, tmp_path):
    cli.ok("contact", "add", "Ada")
    good = tmp_path / "good.bak"
    cli.ok("backup", str(good))
    with tmpfs(tmp_path / "ro", size="4m") as fs:
        cli.ok("backup", str(fs.path / "crm.db"))
        fs.read_only()
        ro = Cli(fs.path / "crm.db")
        before = target_digest(fs.path / "crm.db")
        res = ro("restore", str(good))
        lines = res.stderr.strip().splitlines()
        assert res.exit_code == 1 and len(lines) == 1 and "read-only" in lines[0], res.stderr
        assert target_digest(fs.path / "crm.db") == before
