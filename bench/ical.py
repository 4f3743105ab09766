"""The calendar feed at scale: `ical export` against its stdlib floor, and `ical serve` fetches.

1. export: `minicrm ical export -o FILE` and bench/floor_ical.py writing the same bytes to a file (checked
   first), whole processes in turn, --rounds pairs; medians of wall time, the ratio pair by pair, peak RSS.
2. serve: `minicrm ical serve` on a copy of the database; times, from this process, the first fetch (the
   server renders at start), fetches when nothing changed (200 with the body, 304 with If-None-Match), and
   fetches right after `minicrm contact edit` renamed one contact with items in the feed (not timed itself).

    python bench/gen.py --scale L && python bench/ical.py --scale L [--rounds 7] [--json out.json]
    python bench/load_pg.py --scale L --url URL && python bench/ical.py --pg URL      # on PostgreSQL

Run it with the Python of a venv where minicrm is installed. Only the standard library (and psycopg for --pg).
The renamed contact gets its name back at the end.
"""

from __future__ import annotations

import argparse
import filecmp
import http.client
import json
import os
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import NamedTuple

HERE = Path(__file__).resolve().parent
TODAY = "2026-11-22"


def spawn(argv: list[str], env: dict[str, str]) -> tuple[float, int]:
    """Run argv (stdout and stderr to /dev/null); (wall seconds, peak RSS KiB) of that child alone."""
    actions = [(os.POSIX_SPAWN_OPEN, fd, os.devnull, os.O_WRONLY, 0) for fd in (1, 2)]
    start = time.perf_counter()
    pid = os.posix_spawn(argv[0], argv, env, file_actions=actions)
    _, status, usage = os.wait4(pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {' '.join(argv)}")
    return time.perf_counter() - start, usage.ru_maxrss


def export(db: str, work: Path, rounds: int, env: dict[str, str]) -> dict:
    ours, floor = work / "minicrm.ics", work / "floor.ics"
    cmds = {
        "minicrm": [
            sys.executable,
            "-m",
            "minicrm",
            "--db",
            str(db),
            "--today",
            TODAY,
            "ical",
            "export",
            "-o",
            str(ours),
        ],
        "floor": [sys.executable, str(HERE / "floor_ical.py"), str(db), str(floor), "--today", TODAY],
    }
    for argv in cmds.values():  # warm-up, and the check that both write the same feed
        spawn(argv, env)
    same = filecmp.cmp(ours, floor, shallow=False)  # never the files in memory: children start with our RSS
    events = 0
    with ours.open("rb") as fh:
        for line in fh:
            events += line == b"BEGIN:VEVENT\r\n"
    times: dict[str, list[float]] = {k: [] for k in cmds}
    rss: dict[str, int] = dict.fromkeys(cmds, 0)
    for _ in range(rounds):
        for key, argv in cmds.items():
            seconds, peak = spawn(argv, env)
            times[key].append(seconds)
            rss[key] = max(rss[key], peak)
    ratios = [a / b for a, b in zip(times["minicrm"], times["floor"], strict=True)]
    return {
        "events": events,
        "bytes": ours.stat().st_size,
        "same_bytes": same,
        "minicrm_s": round(statistics.median(times["minicrm"]), 2),
        "floor_s": round(statistics.median(times["floor"]), 2),
        "ratio": round(statistics.median(ratios), 2),
        "minicrm_rss_mib": round(rss["minicrm"] / 1024, 1),
        "floor_rss_mib": round(rss["floor"] / 1024, 1),
    }


class Fetched(NamedTuple):
    answer: float  # seconds until the status line and headers came (the server's answer)
    total: float  # seconds until the body was read to its end
    status: int
    headers: dict[str, str]
    size: int


def fetch(port: int, headers: dict[str, str] | None = None) -> Fetched:
    """One GET of the feed, the body read to the end (and dropped: only its length is kept)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    start = time.perf_counter()
    conn.request("GET", "/minicrm.ics", headers=headers or {})
    resp = conn.getresponse()
    answer = time.perf_counter() - start
    size = 0
    while chunk := resp.read(1 << 20):
        size += len(chunk)
    total = time.perf_counter() - start
    conn.close()
    return Fetched(answer, total, resp.status, dict(resp.getheaders()), size)


def query(db: str, sql: str, params: tuple = ()) -> list[tuple]:
    """Run one statement on the benchmark database (sqlite3, or psycopg for a URL) and commit."""
    if "://" in db:
        import psycopg

        with psycopg.connect(db.replace("postgresql+psycopg://", "postgresql://", 1)) as conn:
            cur = conn.execute(sql.replace("?", "%s"), params)
            return cur.fetchall() if cur.description else []
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, params).fetchall()


def serve(db: str, rounds: int, env: dict[str, str]) -> dict:
    contact, name = query(  # a contact whose follow-up and birthday are in the feed
        db,
        "SELECT id, name FROM contact WHERE archived = ? AND birthday_md IS NOT NULL AND next_contact_on"
        " BETWEEN ? AND ? ORDER BY id LIMIT 1",
        (False, "2025-11-22", "2027-02-20"),
    )[0]
    argv = [sys.executable, "-m", "minicrm", "--db", db, "--today", TODAY, "ical", "serve", "--port", "0", "-q"]
    started = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stderr.readline() if proc.stderr else ""
        found = re.search(r":(\d+)/minicrm\.ics", line)
        if not found:
            raise SystemExit(f"ical serve did not start: {line}")
        port = int(found.group(1))
        first = fetch(port)
        first_total = time.perf_counter() - started
        assert first.status == 200, first.status
        etag = first.headers["ETag"]
        full = [fetch(port) for _ in range(rounds)]
        not_modified = [fetch(port, {"If-None-Match": etag}) for _ in range(rounds)]
        assert {f.status for f in not_modified} == {304}
        changed = []
        for n in range(rounds):
            edit = [sys.executable, "-m", "minicrm", "--db", db, "contact", "edit", str(contact), "--name",
                    f"Bench Renamed {n}"]  # fmt: skip
            subprocess.run(edit, env=env, check=True, capture_output=True)
            after = fetch(port, {"If-None-Match": etag})
            assert after.status == 200 and after.headers["ETag"] != etag, after.status
            etag = after.headers["ETag"]
            changed.append(after)
        with open(f"/proc/{proc.pid}/status") as fh:
            peak = int(re.search(r"VmHWM:\s+(\d+)", fh.read()).group(1))  # type: ignore[union-attr]
    finally:
        proc.terminate()
        proc.wait(30)
        query(db, "UPDATE contact SET name = ? WHERE id = ?", (name, contact))

    def ms(values: list[float]) -> float:
        return round(statistics.median(values) * 1000, 1)

    return {
        "bytes": first.size,
        "first_fetch_s": round(first.total, 2),
        "start_to_first_body_s": round(first_total, 2),
        "unchanged_200_answer_ms": ms([f.answer for f in full]),
        "unchanged_200_total_ms": ms([f.total for f in full]),
        "unchanged_304_ms": ms([f.total for f in not_modified]),
        "after_one_change_answer_ms": ms([f.answer for f in changed]),
        "after_one_change_total_ms": ms([f.total for f in changed]),
        "after_one_change_max_ms": round(max(f.total for f in changed) * 1000, 1),
        "server_peak_rss_mib": round(peak / 1024, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="L")
    parser.add_argument("--data", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "minicrm-bench")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--pg", metavar="URL", help="a PostgreSQL database loaded by bench/load_pg.py")
    args = parser.parse_args()
    env = {k: v for k, v in os.environ.items() if k not in ("MINICRM_DB", "MINICRM_TODAY", "MINICRM_USER")}
    env["MINICRM_HOME"] = str(args.data / "home")
    # Bytecode cached as an installed minicrm has it (as run.py does): with PYTHONDONTWRITEBYTECODE set, an
    # editable install compiled every minicrm module in every child (~12% of a short run).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(args.data / "pycache")
    work = args.data / "ical-work"
    work.mkdir(parents=True, exist_ok=True)
    if args.pg:
        db = args.pg
    else:
        source = args.data / f"minicrm-{args.scale}.db"
        if not source.exists():
            raise SystemExit(f"{source} is missing: run python bench/gen.py --scale {args.scale}")
        db = str(work / f"work-{args.scale}.db")
        shutil.copy(source, db)
    subprocess.run([sys.executable, "-m", "minicrm", "--db", db, "contact", "list", "--limit", "1"], env=env,
                   check=True, capture_output=True)  # migrated once, before anything is timed  # fmt: skip
    try:
        result = {
            "database": "postgresql" if args.pg else f"sqlite {args.scale}",
            "rounds": args.rounds,
            "cpus": os.cpu_count(),
            "load": os.getloadavg()[0],
        }
        result["export"] = export(db, work, args.rounds, env)
        e = result["export"]
        print(f"ical export  {e['events']:,} events, {e['bytes'] / 2**20:.0f} MiB, same bytes as the floor:"
              f" {'yes' if e['same_bytes'] else 'NO'}", flush=True)  # fmt: skip
        print(f"  minicrm {e['minicrm_s']} s, {e['minicrm_rss_mib']} MiB | floor {e['floor_s']} s,"
              f" {e['floor_rss_mib']} MiB | ratio {e['ratio']}x (median of pairs)", flush=True)  # fmt: skip
        result["serve"] = s = serve(db, args.rounds, env)
        print(f"ical serve   first fetch {s['first_fetch_s']} s ({s['start_to_first_body_s']} s from start),"
              f" server peak {s['server_peak_rss_mib']} MiB", flush=True)  # fmt: skip
        print(f"  unchanged: 304 in {s['unchanged_304_ms']} ms; 200 answered in {s['unchanged_200_answer_ms']} ms,"
              f" body read by {s['unchanged_200_total_ms']} ms", flush=True)  # fmt: skip
        print(f"  after one contact changed: answered in {s['after_one_change_answer_ms']} ms, body read by"
              f" {s['after_one_change_total_ms']} ms (slowest {s['after_one_change_max_ms']})", flush=True)  # fmt: skip
        print(f"(load average at start {result['load']:.2f} on {result['cpus']} CPUs)")
        if args.json:
            args.json.write_text(json.dumps(result, indent=2) + "\n")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
