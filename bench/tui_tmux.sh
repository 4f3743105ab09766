#!/usr/bin/env bash
# `minicrm tui` on a big database, driven through tmux like a user would (#18):
# 100,000 contacts / 1,000,000 interactions / 50,000 deals (bench/gen.py --scale L, made once and reused).
#
# Each round starts the app in a new 120x36 tmux session and polls `tmux capture-pane -p` every ~10 ms for
#   - the first screen with the due rows: the due panel's subtitle ("N overdue") is drawn with its rows;
#   - the forgotten panel: its first row shows someone (a "never" or "N d" silence, or "Nobody forgotten.").
# Times are from the start of `tmux new-session` (so they include Python's start and the database's opening).
# After the rounds, one more run checks that a search on the contacts screen narrows the list.
# Prints per-round times and the medians. Needs tmux and Python 3 only.
#
#   bench/tui_tmux.sh                 # ROUNDS=5 PYTHON=/path/to/python OUT=/tmp/minicrm-bench to override
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PY=${PYTHON:-python}
OUT=${OUT:-${TMPDIR:-/tmp}/minicrm-bench}
DB=$OUT/minicrm-L.db
ROUNDS=${ROUNDS:-5}
[ -s "$DB" ] || "$PY" "$ROOT/bench/gen.py" --scale L --out "$OUT"

exec "$PY" - "$ROOT" "$PY" "$DB" "$ROUNDS" <<'EOF'
import os
import re
import statistics
import subprocess
import sys
import time

root, python, db, rounds = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
LEFT = 72  # the dashboard's left column (due queue, forgotten clients) at 120 columns


def pane(session: str) -> list[str]:
    out = subprocess.run(["tmux", "capture-pane", "-p", "-t", session], capture_output=True, text=True)
    return out.stdout.splitlines()


def due_shown(lines: list[str]) -> bool:
    return any(" overdue ─" in line for line in lines)


def forgotten_shown(lines: list[str]) -> bool:
    for n, line in enumerate(lines):
        if "Forgotten clients" in line and n + 2 < len(lines):
            first_row = lines[n + 2][:LEFT]
            return bool(re.search(r" never |\d d |Nobody forgotten", first_row))
    return False


def start(session: str) -> float:
    # Textual draws on stderr: never redirect it under tmux. The bytecode is cached as an installed minicrm has it.
    command = (
        f"cd '{root}' && TERM=xterm-256color PYTHONPATH=src PYTHONPYCACHEPREFIX='{os.path.dirname(db)}/pycache'"
        f" '{python}' -m minicrm --db '{db}' --today 2026-11-22 tui; sleep 30"
    )
    t0 = time.perf_counter()
    subprocess.run(["tmux", "new-session", "-d", "-s", session, "-x", "120", "-y", "36", command], check=True)
    return t0


def one_round(session: str) -> tuple[float, float]:
    t0 = start(session)
    due = forgotten = None
    try:
        while due is None or forgotten is None:
            lines = pane(session)
            now = time.perf_counter() - t0
            if due is None and due_shown(lines):
                due = now
            if forgotten is None and forgotten_shown(lines):
                forgotten = now
            if now > 60:
                print("\n".join(lines))
                raise SystemExit("FAIL: the dashboard did not fill within 60 s")
            time.sleep(0.01)
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)
    return due, forgotten


session = f"minicrm-tui-{os.getpid()}"
# A session that lives through the rounds: the tmux server would exit with the last one, and the next round
# could race its exit ("server exited unexpectedly").
subprocess.run(["tmux", "new-session", "-d", "-s", f"{session}-keep", "sleep 600"], check=True)
start(session)  # an untimed first run: bytecode written, the database file in the page cache
time.sleep(3)
subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)
dues, forgottens = [], []
for n in range(rounds):
    due, forgotten = one_round(f"{session}-{n}")
    dues.append(due)
    forgottens.append(forgotten)
    print(f"round {n + 1}: due rows {due:.2f} s, forgotten panel {forgotten:.2f} s", flush=True)

# The contacts screen and a search, once (checks the app works on this database).
t0 = start(session)
try:
    while not due_shown(pane(session)):
        time.sleep(0.01)
    subprocess.run(["tmux", "send-keys", "-t", session, "2"], check=True)
    while not any("of 100,000 contacts" in line for line in pane(session)):
        time.sleep(0.01)
    time.sleep(1)  # the screen settles (its first page of rows) before the filter takes the focus
    subprocess.run(["tmux", "send-keys", "-t", session, "/"], check=True)
    time.sleep(0.5)  # focus moves to the filter on the next refresh
    subprocess.run(["tmux", "send-keys", "-t", session, "-l", "Иван Петров"], check=True)
    deadline = time.perf_counter() + 60
    while not any("matching ·" in line for line in pane(session)):
        if time.perf_counter() > deadline:
            print("\n".join(pane(session)))
            raise SystemExit("FAIL: the search did not finish in 60 s")
        time.sleep(0.01)
    if not any("Иван Петров" in line for line in pane(session)[4:]):
        raise SystemExit("FAIL: the search did not narrow to Иван Петров")
finally:
    subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)

    subprocess.run(["tmux", "kill-session", "-t", f"{session}-keep"], capture_output=True)

load = os.getloadavg()[0]
print(
    f"median of {rounds}: first screen with the due rows {statistics.median(dues):.2f} s (goal < 0.6 s),"
    f" forgotten panel {statistics.median(forgottens):.2f} s (goal < 0.8 s); load average {load:.1f}"
)
print("OK")
EOF
