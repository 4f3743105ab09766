"""`minicrm mail import` on a generated 100,000-message Maildir: wall time and peak RSS of the whole command.

    python bench/mail.py [--messages 100000] [--contacts 2000] [--out /tmp/minicrm-bench-mail] [--pg URL] [--reuse]

Writes a Maildir (INBOX + .Sent, Maildir++) of seeded messages as mail clients write them: ~60% exchanged with
one of the contacts (half of those multipart/alternative with an HTML part, 1 in 10 with a PDF attachment, 1
in 4 with a windows-1251 or koi8-r encoded Cyrillic subject), ~30% from unknown senders, ~10% newsletters,
3% without a Message-ID, replies threaded, 5% copies of a message in both folders. A fresh database gets the
contacts, then the command runs twice in a child process: the first run logs, the second (the same Maildir)
must log nothing. Prints wall seconds, CPU seconds (user + system: what a busy machine does not inflate) and
peak RSS (MB) of each run.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import random
import shutil
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIRST = ["Anna", "John", "Maria", "Peter", "Laura", "Mark", "Иван", "Ольга", "José", "Zoë", "Jürgen", "Олена"]
LAST = ["Smith", "Brown", "Taylor", "Petrov", "Müller", "Nowak", "Dupont", "Коваленко", "Lefèvre", "Ibáñez"]
SUBJECTS = ["Proposal", "Invoice for November", "Meeting on Tuesday", "Contract draft", "Question about the quote"]
CYRILLIC = ["Счёт за ноябрь", "Договор на 2027", "Встреча во вторник", "Вопрос по смете"]
PARAGRAPH = "Thanks for the call today. Here is what we agreed on, and the next steps for the project. " * 6


def _word(text: str, charset: str) -> str:
    return f"=?{charset}?B?{base64.b64encode(text.encode(charset)).decode()}?="


def _message(rng: random.Random, i: int, when: datetime, contacts: list[tuple[str, str]]) -> tuple[str, bytes]:
    """(folder, bytes) of message i."""
    roll = rng.random()
    date = when.strftime("%a, %d %b %Y %H:%M:%S +0300")
    mid = f"<{i}.{rng.getrandbits(40):x}@bench.test>" if rng.random() > 0.03 else None
    if roll < 0.6:
        name, email = rng.choice(contacts)
        outgoing = rng.random() < 0.4
        sender = "Me <me@freelance.test>" if outgoing else f"{name} <{email}>"
        to = f"{name} <{email}>" if outgoing else "me@freelance.test"
        folder = ".Sent" if outgoing else "INBOX"
    elif roll < 0.9:
        sender, to, folder = f"Stranger {i % 5000} <s{i % 5000}@unknown{i % 700}.test>", "me@freelance.test", "INBOX"
    else:
        sender, to, folder = "Shop <news@shop.test>", "me@freelance.test", "INBOX"
    if rng.random() < 0.25:
        charset = rng.choice(["windows-1251", "koi8-r"])
        subject = _word(rng.choice(CYRILLIC), charset)
    else:
        subject = rng.choice(SUBJECTS) + f" #{i}"
    head = [f"Date: {date}", f"From: {sender}", f"To: {to}", f"Subject: {subject}", "MIME-Version: 1.0"]
    if mid:
        head.insert(0, f"Message-ID: {mid}")
    if i > 10 and rng.random() < 0.3:
        head.append(f"In-Reply-To: <{i - 7}.0@bench.test>")
        head.append(f"References: <{i - 20}.0@bench.test> <{i - 7}.0@bench.test>")
    if roll >= 0.9:
        head += ["List-Id: <news.shop.test>", "Precedence: bulk"]
    text = f"Hello,\n\n{PARAGRAPH}\n\nBest regards\n"
    if rng.random() < 0.5:
        boundary = f"b{i}"
        parts = [
            f"--{boundary}\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n{text}",
            f"--{boundary}\nContent-Type: text/html; charset=utf-8\n\n<html><body><p>{text}</p></body></html>",
        ]
        body = "\n".join(parts) + f"\n--{boundary}--\n"
        head.append(f'Content-Type: multipart/alternative; boundary="{boundary}"')
        if rng.random() < 0.2:
            outer = f"o{i}"
            body = (
                f'--{outer}\nContent-Type: multipart/alternative; boundary="{boundary}"\n\n{body}'
                f'--{outer}\nContent-Type: application/pdf; name="offer-{i}.pdf"\n'
                f'Content-Disposition: attachment; filename="offer-{i}.pdf"\nContent-Transfer-Encoding: base64\n\n'
                + base64.encodebytes(os.urandom(3000)).decode()
                + f"\n--{outer}--\n"
            )
            head[-1] = f'Content-Type: multipart/mixed; boundary="{outer}"'
    else:
        head.append("Content-Type: text/plain; charset=utf-8")
        body = text
    return folder, ("\n".join(head) + "\n\n" + body).encode()


def make_maildir(out: Path, messages: int, contacts: list[tuple[str, str]], seed: int) -> Path:
    box = out / "Maildir"
    shutil.rmtree(box, ignore_errors=True)
    for folder in (box, box / ".Sent"):
        for sub in ("cur", "new", "tmp"):
            (folder / sub).mkdir(parents=True)
    rng = random.Random(seed)
    start = datetime(2024, 1, 1, tzinfo=UTC)
    for i in range(messages):
        when = start + timedelta(minutes=7 * i)
        folder, data = _message(rng, i, when, contacts)
        path = box if folder == "INBOX" else box / ".Sent"
        name = f"{int(when.timestamp())}.M{i}P1.bench,S={len(data)}:2,S"
        (path / "cur" / name).write_bytes(data)
        if rng.random() < 0.05:  # a copy in the other folder (Cc to myself)
            other = box / ".Sent" if folder == "INBOX" else box
            (other / "cur" / name).write_bytes(data)
    return box


def _minicrm(db: str, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "minicrm", "--db", db, *args], capture_output=True, text=True,
                          env=env, check=False)  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--contacts", type=int, default=2_000)
    parser.add_argument("--out", type=Path, default=Path("/tmp/minicrm-bench-mail"))
    parser.add_argument(
        "--pg", metavar="URL", help="a PostgreSQL database (postgresql+psycopg://...) instead of SQLite"
    )
    parser.add_argument("--seed", type=int, default=24)
    parser.add_argument("--reuse", action="store_true", help="keep the Maildir a previous run wrote (same arguments)")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(args.seed)
    contacts = [(f"{rng.choice(FIRST)} {rng.choice(LAST)}", f"c{n}@client{n % 300}.test") for n in range(args.contacts)]
    started = time.perf_counter()
    if args.reuse and (args.out / "Maildir" / "cur").is_dir():
        box = args.out / "Maildir"
    else:
        box = make_maildir(args.out, args.messages, contacts, args.seed)
        print(f"Maildir of {args.messages:,} messages written in {time.perf_counter() - started:.1f} s: {box}")
    env = {**os.environ, "MINICRM_HOME": str(args.out / "home"), "PYTHONPATH": str(ROOT / "src")}
    db = args.pg or str(args.out / "mail.db")
    if not args.pg:
        for suffix in ("", "-wal", "-shm"):
            Path(db + suffix).unlink(missing_ok=True)
    csv_path = args.out / "contacts.csv"
    csv_path.write_text("name,email\n" + "".join(f"{n},{e}\n" for n, e in contacts), encoding="utf-8")
    for step in (("import", "csv", str(csv_path)), ("config", "set", "me", "me@freelance.test")):
        res = _minicrm(db, *step, env=env)
        assert res.returncode == 0, res.stderr
    for label in ("first run", "second run (nothing new)"):
        out_path = args.out / "report.json"
        started = time.perf_counter()
        with out_path.open("w") as out, open(os.devnull, "w") as err:
            child = subprocess.Popen([sys.executable, "-m", "minicrm", "--db", db, "mail", "import", str(box),
                                      "--format", "json"], stdout=out, stderr=err, env=env)  # fmt: skip
            _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - started
        assert status == 0, f"mail import failed ({status})"
        report = json.loads(out_path.read_text())
        cpu = usage.ru_utime + usage.ru_stime
        print(
            f"{label}: {seconds:.1f} s ({cpu:.1f} s CPU), peak RSS {usage.ru_maxrss / 1024:.0f} MB;"
            f" read {report['read']:,},"
            f" logged {report['logged']:,} ({report['interactions']:,} interactions), already logged"
            f" {report['already_logged']:,}, no contact {report['no_contact']:,}, unknown senders"
            f" {len(report['unknown_senders']):,}"
        )


if __name__ == "__main__":
    main()
