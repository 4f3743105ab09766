"""Time minicrm's commands against the framework floor (Typer+Rich+sqlite3) and the bare floor (stdlib).

Whole processes, warm-up first, interleaved rounds, medians; prints ms, both ratios and peak RSS.

    python bench/gen.py --scale M && python bench/run.py --scale M [--rounds 15] [--json out.json]

On PostgreSQL (the dataset loaded by bench/load_pg.py; floors with psycopg instead of sqlite3), with an
EXPLAIN ANALYZE of every statement minicrm sends per case, flagging any that reads all of `interaction`:

    python bench/load_pg.py --scale L --url URL && python bench/run.py --pg URL [--explain-only]

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

from cases import CASES, EXPORT, FORGOTTEN, ICAL, TODAY  # noqa: E402


def spawn(argv: list[str], env: dict[str, str], stderr: str = os.devnull) -> tuple[float, int, int]:
    """Run argv with stdout to /dev/null; (wall seconds, exit code, peak RSS KiB) of that child alone."""
    seconds, code, peak, _ = spawn_cpu(argv, env, stderr)
    return seconds, code, peak


def spawn_cpu(argv: list[str], env: dict[str, str], stderr: str = os.devnull) -> tuple[float, int, int, float]:
    """`spawn`, and the CPU seconds (user + system) of the child: they wander less than the wall time under load."""
    actions = [
        (os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0),
        (os.POSIX_SPAWN_OPEN, 2, stderr, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600),
    ]
    start = time.perf_counter()
    pid = os.posix_spawn(argv[0], argv, env, file_actions=actions)
    _, status, usage = os.wait4(pid, 0)
    cpu = usage.ru_utime + usage.ru_stime
    return time.perf_counter() - start, os.waitstatus_to_exitcode(status), usage.ru_maxrss, cpu


def busiest_contact(db: Path) -> int:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(
            "SELECT id FROM contact WHERE last_interaction_at IS NOT NULL ORDER BY"
            " (SELECT count(*) FROM interaction WHERE contact_id = contact.id) DESC LIMIT 1"
        ).fetchone()[0]
    finally:
        conn.close()


def busiest_contact_pg(url: str) -> int:
    import psycopg

    with psycopg.connect(url) as conn:
        return conn.execute(
            "SELECT contact_id FROM interaction GROUP BY contact_id ORDER BY count(*) DESC, contact_id LIMIT 1"
        ).fetchone()[0]


def commands(name: str, db: Path | str, busy: int, python: str) -> dict[str, list[str]]:
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


def measure(name: str, db: Path | str, busy: int, python: str, rounds: int, env: dict[str, str]) -> dict:
    cmds = commands(name, db, busy, python)
    errors = Path(env["MINICRM_HOME"]) / "stderr.txt"
    errors.parent.mkdir(parents=True, exist_ok=True)
    _, code, _ = spawn(cmds["minicrm"], env, str(errors))
    if code != 0:
        said = errors.read_text(errors="replace").strip().splitlines()
        return {"case": name, "skipped": f"minicrm exited {code}: {said[-1] if said else '(nothing on stderr)'}"}
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
    """`import csv` of 100,000 rows into a copy of the dataset vs the bare floor (floor_import.py), in turn.

    The ratio is taken pair by pair (minicrm's run over the floor's run next to it), of wall time and of CPU time.
    """
    work = db.with_name(db.stem + ".import.db")
    results: dict[str, list[float]] = {"minicrm": [], "bare": []}
    cpus: dict[str, list[float]] = {"minicrm": [], "bare": []}
    rss = {"minicrm": 0, "bare": 0}
    for n in range(rounds):
        for key in ("minicrm", "bare") if n % 2 == 0 else ("bare", "minicrm"):
            for stale in (work, work.with_name(work.name + "-wal"), work.with_name(work.name + "-shm")):
                stale.unlink(missing_ok=True)
            shutil.copy(db, work)
            argv = (
                [python, "-m", "minicrm", "--db", str(work), "--today", TODAY, "import", "csv", str(csv_path)]
                if key == "minicrm"
                else [python, str(HERE / "floor_import.py"), str(work), str(csv_path)]
            )
            seconds, code, peak, cpu = spawn_cpu(argv, env)
            if code != 0:
                return {"case": "import csv", "skipped": f"{key} exited {code}"}
            results[key].append(seconds)
            cpus[key].append(cpu)
            rss[key] = max(rss[key], peak)
    work.unlink(missing_ok=True)
    med = {k: statistics.median(v) * 1000 for k, v in results.items()}
    pairs = [m / b for m, b in zip(results["minicrm"], results["bare"], strict=True)]
    cpu_pairs = [m / b for m, b in zip(cpus["minicrm"], cpus["bare"], strict=True)]
    return {
        "case": "import csv",
        "minicrm_ms": round(med["minicrm"]),
        "framework_ms": None,
        "bare_ms": round(med["bare"]),
        "vs_framework": None,
        "vs_bare": round(statistics.median(pairs), 2),
        "vs_bare_cpu": round(statistics.median(cpu_pairs), 2),
        "pairs": [round(p, 2) for p in pairs],
        "rss_mib": round(rss["minicrm"] / 1024, 1),
        "bare_rss_mib": round(rss["bare"] / 1024, 1),
        "framework_rss_mib": None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="M")
    parser.add_argument("--data", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "minicrm-bench")
    parser.add_argument("--pg", metavar="URL", help="time against this PostgreSQL database (bench/load_pg.py)")
    parser.add_argument("--explain-only", action="store_true", help="with --pg: only the EXPLAIN check, no timing")
    parser.add_argument("--rounds", type=int, default=11)
    parser.add_argument("--cases", help="comma-separated subset")
    parser.add_argument("--no-import", action="store_true", help="skip the 100k-row import case")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    env = {k: v for k, v in os.environ.items() if k not in ("MINICRM_DB", "MINICRM_TODAY", "MINICRM_USER")}
    env["MINICRM_HOME"] = str(args.data / "home")
    # Bytecode cached as an installed minicrm has it: with PYTHONDONTWRITEBYTECODE an editable install compiles
    # every minicrm module on every run (~12% of a command here). The untimed first run of each case writes it.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(args.data / "pycache")
    from minicrm.cli import COMMANDS

    env["BENCH_COMMANDS"] = str(len(COMMANDS))  # the framework floor offers as many commands as minicrm
    python = sys.executable
    names = args.cases.split(",") if args.cases else list(CASES)
    if args.pg:
        url = args.pg.replace("postgresql+psycopg://", "postgresql://", 1)
        run_pg(url, names, python, args, env)
        return
    source = args.data / f"minicrm-{args.scale}.db"
    if not source.exists():
        raise SystemExit(f"{source} is missing: run python bench/gen.py --scale {args.scale}")
    db = args.data / f"work-{args.scale}.db"
    shutil.copy(source, db)
    busy = busiest_contact(db)
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


# -- PostgreSQL -------------------------------------------------------------------------------------


def run_pg(url: str, names: list[str], python: str, args: argparse.Namespace, env: dict[str, str]) -> None:
    """The same cases on PostgreSQL: timings (minicrm vs psycopg floors), then the EXPLAIN check of each case."""
    import psycopg

    with psycopg.connect(url) as conn:
        busy = busiest_contact_pg(url)
        server = conn.execute("SHOW server_version").fetchone()[0]
        counts = conn.execute(
            "SELECT (SELECT count(*) FROM contact), (SELECT count(*) FROM interaction), (SELECT count(*) FROM deal),"
            " (SELECT last_interaction_at FROM contact WHERE id = %s), (SELECT max(id) FROM interaction)",
            (busy,),
        ).fetchone()
    print(f"PostgreSQL {server}: {counts[0]:,} contacts, {counts[1]:,} interactions, {counts[2]:,} deals;"
          f" busiest contact {busy}", flush=True)  # fmt: skip
    names = [n for n in names if n != "import csv"]  # import is measured on SQLite only
    rows = []
    try:
        if not args.explain_only:
            for name in names:
                row = measure(name, url, busy, python, args.rounds, env)
                rows.append(row)
                print(_line(row), flush=True)
        checks = []
        print("\nEXPLAIN ANALYZE of every statement minicrm sends (and of the floor's), scans over interaction:")
        for name in names:
            if name == "help":
                continue
            check = explain_case(name, url, busy, python, env)
            checks.append(check)
            for line in _explain_lines(check):
                print(line, flush=True)
    finally:
        _undo_log(url, busy, counts[3], counts[4])
    over = [c["case"] for c in checks if c["minicrm_o_all"]]
    print("\nO(all interactions): " + (", ".join(over) if over else "none of the cases"))
    if args.json:
        meta = {
            "database": "postgresql " + server,
            "machine": f"{platform.machine()} {os.cpu_count()} cpu, Python {platform.python_version()}",
            "rounds": args.rounds,
            "when": time.strftime("%Y-%m-%d %H:%M"),
        }
        args.json.write_text(json.dumps({"meta": meta, "rows": rows, "explain": checks}, indent=2, default=str))


def explain_case(name: str, url: str, busy: int, python: str, env: dict[str, str]) -> dict:
    """Trace minicrm's statements for one case (bench/pg_trace.py) and EXPLAIN ANALYZE them and the floor's."""
    import psycopg
    from cases import pg_statements
    from pg_explain import explain, table_sizes

    out = Path(env["MINICRM_HOME"]) / "trace.json"
    out.unlink(missing_ok=True)
    args = [a.format(busy=busy) for a in CASES[name][0]]
    argv = [python, str(HERE / "pg_trace.py"), str(out), "--", "--db", url, "--today", TODAY, *args]
    done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
    if not out.exists():
        tail = (done.stderr.strip().splitlines() or ["?"])[-1]
        return {"case": name, "error": f"pg_trace.py failed: {tail}", "minicrm_o_all": []}
    trace = json.loads(out.read_text(encoding="utf-8"))
    planned = [s for s in trace["statements"] if "plan" in s and "ms" in s["plan"]]
    slowest = max(planned, key=lambda s: s["plan"]["ms"], default=None)
    floor = []
    with psycopg.connect(url, autocommit=True) as conn:
        sizes = table_sizes(conn)
        for sql in pg_statements(name, busy):
            if sql in (EXPORT, ICAL):  # the floor reads every table, or writes the feed: nothing to explain
                continue
            if sql == FORGOTTEN:  # minicrm's statements, explained with the numbers the first ones give
                for step in _forgotten_steps(conn):
                    floor.append({"sql": step, "plan": explain(conn, step, None, sizes)})
                continue
            floor.append({"sql": sql, "plan": explain(conn, sql, None, sizes)})
    return {
        "case": name,
        "exit": trace["exit"],
        "round_trips": trace["round_trips"],
        "minicrm_plan_ms": round(sum(s["plan"]["ms"] * s["count"] for s in planned), 1),
        "slowest": slowest,
        "errors": [s["plan"]["error"] for s in trace["statements"] if "error" in s.get("plan", {})],
        "minicrm_o_all": [(f, s["sql"]) for s in planned for f in s["plan"]["o_all"]],
        "floor_statements": len(floor),
        "floor_plan_ms": round(sum(f["plan"].get("ms", 0) for f in floor), 1),
        "floor_o_all": [(f, s["sql"]) for s in floor for f in s["plan"].get("o_all", [])],
        "statements": trace["statements"],
    }


def _forgotten_steps(conn: object) -> list[str]:
    """The statements the forgotten floor runs on this database (cases.forgotten_rows), in its order."""
    from cases import forgotten_rows

    steps: list[str] = []

    def run(sql: str) -> list:
        steps.append(sql)
        return conn.execute(sql).fetchall()  # type: ignore[attr-defined]

    forgotten_rows(run, postgres=True)
    return steps


def _explain_lines(check: dict) -> list[str]:
    name = check["case"]
    if "error" in check:
        return [f"{name:<14} {check['error']}"]
    failed = f" (minicrm exited {check['exit']})" if check["exit"] else ""
    lines = [
        f"{name:<14} minicrm {check['round_trips']:>3} statements {check['minicrm_plan_ms']:>8.1f} ms in plans"
        f" | floor {check['floor_statements']:>2} statements {check['floor_plan_ms']:>8.1f} ms"
        f" | interaction: {'O(all)!' if check['minicrm_o_all'] else 'ok'}{failed}"
    ]
    slow = check["slowest"]
    if slow:
        scans = "; ".join(f"{s['node']} ({s['rows_read']:,} rows)" for s in slow["plan"]["interaction_scans"])
        lines.append(
            f"{'':<14}   slowest {slow['plan']['ms']:.1f} ms x{slow['count']} [{slow['plan']['top']}]"
            f"{' ' + scans if scans else ''}: {_short(slow['sql'])}"
        )
    for flag, sql in check["minicrm_o_all"]:
        lines.append(f"{'':<14}   O(all) minicrm: {flag}: {_short(sql)}")
    for flag, sql in check["floor_o_all"]:
        lines.append(f"{'':<14}   O(all) floor:   {flag}: {_short(sql)}")
    for error in check["errors"]:
        lines.append(f"{'':<14}   not explained: {error}")
    return lines


def _short(sql: str, width: int = 150) -> str:
    return sql if len(sql) <= width else sql[: width - 3] + "..."


def _undo_log(url: str, busy: int, last_at: object, max_id: int) -> None:
    """Take the `log` case's rows out again, so the database stays as loaded."""
    import psycopg

    with psycopg.connect(url) as conn:
        conn.execute("DELETE FROM interaction_fts WHERE rowid > %s", (max_id,))
        conn.execute("DELETE FROM interaction WHERE id > %s", (max_id,))
        conn.execute("UPDATE contact SET last_interaction_at = %s WHERE id = %s", (last_at, busy))


def _line(row: dict) -> str:
    if "skipped" in row:
        return f"{row['case']:<14} skipped: {row['skipped']}"
    fw = f"{row['framework_ms']:>7.0f}" if row["framework_ms"] is not None else "      -"
    ratio_fw = f"{row['vs_framework']:>5.2f}x" if row["vs_framework"] is not None else "     -"
    return (
        f"{row['case']:<14} minicrm {row['minicrm_ms']:>7.0f} ms | framework {fw} ms | bare {row['bare_ms']:>6.0f} ms"
        f" | vs fw {ratio_fw} | vs bare {row['vs_bare']:>5.2f}x | RSS {row['rss_mib']} MiB"
        + (
            f" (bare {row['bare_rss_mib']} MiB) | CPU vs bare {row['vs_bare_cpu']:.2f}x | pairs {row['pairs']}"
            if "pairs" in row
            else ""
        )
    )


if __name__ == "__main__":
    main()
