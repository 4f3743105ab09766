"""A read-only database (#16): every read command works, every write fails with one `error: ... is read-only`
line (exit 1) and changes nothing.

Regression: a SQLite database on a read-only file system could not even be listed (`error: cannot open database
...: unable to open database file`): in WAL mode SQLite needs a -shm file beside the database, which it cannot
create there. minicrm now opens such a file read-only (`mode=ro`, or `immutable` when no -shm can exist).

The tests run as root, where `chmod` stops nothing: the SQLite file lives on a real read-only mount (a tmpfs
remounted read-only, or the file bind-mounted read-only), see fs_mounts.py. On PostgreSQL the database is
made read-only with `default_transaction_read_only`, as on a read-only replica.
"""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from cli.fs_mounts import read_only_file, tmpfs
from conftest import FIXTURES, TODAY, Cli, is_postgres, pg_admin, target_digest

READS = [
    ("contact", "list", "-f", "json"),
    ("contact", "show", "ada"),
    ("search", "lovelace"),
    ("due",),
    ("forgotten",),
    ("timeline", "ada"),
    ("export", "json"),
    ("export", "csv"),
    ("ical", "export"),
]
WRITES = [
    ("contact", "add", "Bob Stone"),
    ("log", "ada", "call", "hello"),
    ("contact", "edit", "ada", "--email", "ada@example.org"),
    ("contact", "tag", "add", "vip", "ada"),
    ("deal", "add", "Engine", "--contact", "ada", "--amount", "1500"),
]


def seed(cli: Cli) -> None:
    cli.ok("contact", "add", "Ada Lovelace", "--next", "2026-11-25")
    cli.ok("log", "ada", "meeting", "Lovelace met the board")


def sqlite_digest(path: Path, *, immutable: bool = False) -> str:
    """Every row of every table, read without writing anything; `immutable` for a file on a read-only file
    system (where nothing can change it, and no -shm can be made)."""
    conn = sqlite3.connect(f"file:{path}?mode=ro" + ("&immutable=1" if immutable else ""), uri=True)
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]
        return repr([(t, conn.execute(f'SELECT * FROM "{t}" ORDER BY 1').fetchall()) for t in tables])
    finally:
        conn.close()


def assert_reads_work_and_writes_refused(cli: Cli, digest, elsewhere: Path) -> None:
    """The reads work (a backup into `elsewhere` too); the writes fail with one line; the data is unchanged."""
    before = digest()
    for args in [*READS, ("backup", str(elsewhere / "copy.bak"))]:
        res = cli(*args)
        assert res.exit_code == 0, (args, res.stderr)
        assert "error" not in res.stderr, (args, res.stderr)
    assert [c["name"] for c in cli.ok("contact", "list", "-f", "json").json()] == ["Ada Lovelace"]
    for args in WRITES:
        res = cli(*args)
        lines = res.stderr.strip().splitlines()
        assert res.exit_code == 1, (args, res.exit_code, res.stderr)
        assert len(lines) == 1 and lines[0].startswith("error: ") and "is read-only" in lines[0], (args, lines)
    assert digest() == before


@contextmanager
def read_only_copy(db: Path, tmp_path: Path) -> Iterator[Path]:
    """`db` (a SQLite file, closed cleanly: no -wal or -shm left) copied onto a tmpfs remounted read-only."""
    with tmpfs(tmp_path / "ro") as fs:
        shutil.copy(db, fs.path / db.name)
        fs.read_only()
        yield fs.path / db.name


def test_a_read_only_database_is_read_and_refuses_writes(backend, db_target, tmp_path):
    seed(Cli(db_target))
    if is_postgres(db_target):
        name = db_target.partition("?")[0].rsplit("/", 1)[1]
        pg_admin(db_target, f'ALTER DATABASE "{name}" SET default_transaction_read_only = on')
        assert_reads_work_and_writes_refused(Cli(db_target), lambda: target_digest(db_target), tmp_path)
        return
    db = Path(db_target)
    assert not Path(f"{db}-wal").exists() and not Path(f"{db}-shm").exists()
    assert db.read_bytes()[18:20] == b"\x02\x02"  # WAL mode: the case that needed a -shm file
    with read_only_copy(db, tmp_path) as ro:
        assert_reads_work_and_writes_refused(Cli(ro), lambda: sqlite_digest(ro, immutable=True), tmp_path)
        res = Cli(ro)("contact", "add", "Bob")
        assert f"{ro} is read-only (read-only file system)" in res.stderr
        assert sorted(p.name for p in ro.parent.iterdir()) == [ro.name]


@pytest.mark.sqlite_only("a SQLite file whose -wal still holds committed rows, on a read-only file system")
def test_rows_still_in_the_write_ahead_log_are_read(db_path, tmp_path):
    cli = Cli(db_path)
    seed(cli)
    keeper = sqlite3.connect(db_path)  # while a connection is open, the last writer does not fold the -wal in
    keeper.execute("SELECT count(*) FROM contact").fetchone()
    try:
        cli.ok("contact", "add", "Grace Hopper")
        wal = Path(f"{db_path}-wal")
        assert wal.stat().st_size > 0
        with tmpfs(tmp_path / "ro") as fs:
            for suffix in ("", "-wal", "-shm"):
                shutil.copy(f"{db_path}{suffix}", fs.path / f"crm.db{suffix}")
            fs.read_only()
            ro = Cli(fs.path / "crm.db")
            names = [c["name"] for c in ro.ok("contact", "list", "-f", "json").json()]
            assert names == ["Ada Lovelace", "Grace Hopper"]
            res = ro("contact", "add", "Bob")
            assert res.exit_code == 1 and "is read-only" in res.stderr
        with tmpfs(tmp_path / "ro2") as fs:  # the -wal without its -shm: only a writer may bring it in
            for suffix in ("", "-wal"):
                shutil.copy(f"{db_path}{suffix}", fs.path / f"crm.db{suffix}")
            fs.read_only()
            res = Cli(fs.path / "crm.db")("contact", "list")
            lines = res.stderr.strip().splitlines()
            assert res.exit_code == 1 and len(lines) == 1, res.stderr
            assert "write-ahead log crm.db-wal holds changes" in lines[0]
    finally:
        keeper.close()


@pytest.mark.sqlite_only("a SQLite file that is read-only in a folder that is not: SQLite makes its -shm there")
def test_a_read_only_file_in_a_writable_folder(db_path, tmp_path):
    cli = Cli(db_path)
    seed(cli)
    (tmp_path / "copies").mkdir()
    with read_only_file(db_path):
        assert_reads_work_and_writes_refused(cli, lambda: sqlite_digest(db_path), tmp_path / "copies")
    cli.ok("contact", "add", "Bob Stone")  # writable again once the mount is gone


@pytest.mark.sqlite_only("an older SQLite fixture database that needs an upgrade, on a read-only file system")
def test_an_old_database_on_a_read_only_file_system_is_one_error_line(tmp_path):
    old = tmp_path / "old.db"
    shutil.copy(FIXTURES / "db-0004.sqlite", old)
    with read_only_copy(old, tmp_path) as ro:
        res = Cli(ro, today=TODAY)("contact", "list")
        lines = res.stderr.strip().splitlines()
        assert res.exit_code == 1 and len(lines) == 1, res.stderr
        assert lines[0].startswith(f"error: cannot back up {ro} before upgrading it: Read-only file system")
