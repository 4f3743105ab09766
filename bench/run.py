"""Time minicrm's commands against the framework floor (Typer+Rich+sqlite3) and the bare floor (stdlib).

Whole processes, warm-up first, interleaved rounds, medians; prints ms, both ratios and peak RSS.

    python bench/gen.py --scale M && python bench/run.py --scale M [--rounds 15] [--json out.json]

Run it with the Python of a venv where minicrm is installed (`pip install .`, not editable) and typer/rich present.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from cases import CASES, TODAY  # noqa: E402


def spawn(argv: list[str], env: dict[str, str]) -> tuple[float, int, int]:
    """Run argv with stdout to /dev/null; (wall seconds, exit code, peak RSS KiB) of that child alone."""
    actions = [
        (os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0),
        (os.POSIX_SPAWN_OPEN, 2, os.devnull, os.O_WRONLY, 0),
    ]
    start = time.perf_counter()
    pid = os.posix_spawn(argv[0], argv, env, file_actions=actions)
    _, status, usage = os.wait4(pid, 0)
    return time.perf_counter() - start, os.waitstatus_to_exitcode(status), usage.ru_maxrss


def busiest_contact(db: Path) -> int:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(
            "SELECT id FROM contact WHERE last_interaction_at IS NOT NULL ORDER BY"
            " (SELECT count(*) FROM interaction WHERE contact_id = contact.id) DESC LIMIT 1"
        ).fetchone()[0]
    finally:
        conn.close()


def commands(name: str, db: Path, busy: int, python: str) -> dict[str, list[str]]:
    args = [a.format(busy=busy) for a in CASES[name][0]]
    minicrm = [python, "-m", "minicrm", *([] if name == "help" else ["--db", str(db), "--today", TODAY]), *args]
    if name == "help":
        return {
            "minicrm": minicrm,
            "framework": [python, str(HERE / "floor_framework.py"), "--help"],
            "bare": [python, str(HERE / "floor_bare.py"), "help", "-", "0"],
        }
    return {
        "minicrm": minicrm,
        "framework": [python, str(HERE / "floor_framework.py"), "run", name, str(db), str(busy)],
        "bare": [python, str(HERE / "floor_bare.py"), name, str(db), str(busy)],
    }


def measure(name: str, db: Path, busy: int, python: str, rounds: int, env: dict[str, str]) -> dict:
    cmds = commands(name, db, busy, python)
    _, code, _ = spawn(cmds["minicrm"], env)
    if code != 0:
        return {"case": name, "skipped": f"minicrm exited {code} (command not available?)"}
    for argv in cmds.values():  # warm-up
        spawn(argv, env)
    times: dict[str, list[float]] = {k: [] for k in cmds}
    rss: dict[str, int] = dict.fromkeys(cmds, 0)
    for _ in range(rounds):
        for key, argv in cmds.items():
            seconds, code, peak = spawn(argv, env)
            if code != 0:
                raise SystemExit(f"{name}/{key} failed with exit {code}: {' '.join(argv)}")
            times[key].append(seconds)
            rss[key] = max(rss[key], peak)
    med = {k: statistics.median(v) * 1000 for k, v in times.items()}
    return {
        "case": name,
        "minicrm_ms": round(med["minicrm"], 1),
        "framework_ms": round(med["framework"], 1),
        "bare_ms": round(med["bare"], 1),
        "vs_framework": round(med["minicrm"] / med["framework"], 2),
        "vs_bare": round(med["minicrm"] / med["bare"], 2),
        "rss_mib": round(rss["minicrm"] / 1024, 1),
        "framework_rss_mib": round(rss["framework"] / 1024, 1),
    }


def measure_import(db: Path, csv_path: Path, python: str, rounds: int, env: dict[str, str]) -> dict:
    """`import csv` of 100,000 rows into a copy of the dataset vs the bare executemany floor."""
    work = db.with_name(db.stem + ".import.db")
    results: dict[str, list[float]] = {"minicrm": [], "bare": []}
    rss = 0
    for _ in range(rounds):
        for key in results:
            shutil.copy(db, work)
            argv = (
                [python, "-m", "minicrm", "--db", str(work), "--today", TODAY, "import", "csv", str(csv_path)]
                if key == "minicrm"
                else [python, str(HERE / "floor_import.py"), str(work), str(csv_path)]
            )
            seconds, code, peak = spawn(argv, env)
            if code != 0:
                return {"case": "import csv", "skipped": f"{key} exited {code}"}
            results[key].append(seconds)
            if key == "minicrm":
                rss = max(rss, peak)
    work.unlink(missing_ok=True)
    med = {k: statistics.median(v) * 1000 for k, v in results.items()}
    return {
        "case": "import csv",
        "minicrm_ms": round(med["minicrm"]),
        "framework_ms": None,
        "bare_ms": round(med["bare"]),
        "vs_framework": None,
        "vs_bare": round(med["minicrm"] / med["bare"], 2),
        "rss_mib": round(rss / 1024, 1),
        "framework_rss_mib": None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="M")
    parser.add_argument("--data", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "minicrm-bench")
    parser.add_argument("--rounds", type=int, default=11)
    parser.add_argument("--cases", help="comma-separated subset")
    parser.add_argument("--no-import", action="store_true", help="skip the 100k-row import case")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    source = args.data / f"minicrm-{args.scale}.db"
    if not source.exists():
        raise SystemExit(f"{source} is missing: run python bench/gen.py --scale {args.scale}")
    db = args.data / f"work-{args.scale}.db"
    shutil.copy(source, db)
    env = {k: v for k, v in os.environ.items() if k not in ("MINICRM_DB", "MINICRM_TODAY", "MINICRM_USER")}
    env["MINICRM_HOME"] = str(args.data / "home")
    python = sys.executable
    busy = busiest_contact(db)
    names = args.cases.split(",") if args.cases else list(CASES)
    rows = []
    for name in names:
        if name == "import csv":  # measured on its own below
            continue
        row = measure(name, db, busy, python, args.rounds, env)
        rows.append(row)
        print(_line(row), flush=True)
    if not args.no_import and (not args.cases or "import csv" in names):
        row = measure_import(source, args.data / "import-100000.csv", python, max(3, args.rounds // 4), env)
        rows.append(row)
        print(_line(row), flush=True)
    if args.json:
        meta = {
            "scale": args.scale,
            "machine": f"{platform.machine()} {os.cpu_count()} cpu, Python {platform.python_version()},"
            f" SQLite {sqlite3.sqlite_version}",
            "rounds": args.rounds,
            "when": time.strftime("%Y-%m-%d %H:%M"),
        }
        args.json.write_text(json.dumps({"meta": meta, "rows": rows}, indent=2))
    db.unlink(missing_ok=True)
    subprocess.run(["rm", "-f", f"{db}-wal", f"{db}-shm"], check=False)


def _line(row: dict) -> str:
    if "skipped" in row:
        return f"{row['case']:<14} skipped: {row['skipped']}"
    fw = f"{row['framework_ms']:>7.0f}" if row["framework_ms"] is not None else "      -"
    ratio_fw = f"{row['vs_framework']:>5.2f}x" if row["vs_framework"] is not None else "     -"
    return (
        f"{row['case']:<14} minicrm {row['minicrm_ms']:>7.0f} ms | framework {fw} ms | bare {row['bare_ms']:>6.0f} ms"
        f" | vs fw {ratio_fw} | vs bare {row['vs_bare']:>5.2f}x | RSS {row['rss_mib']} MiB"
    )


if __name__ == "__main__":
    main()
