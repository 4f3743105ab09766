"""Webhooks (#22): a real local HTTP server that checks the HMAC-SHA256 signature; the outbox written with the
change; delivery by the command and by `hook deliver` with back-off; kill -9 between the commit and the delivery
loses nothing and posts at most once more; two `hook deliver` runs never post one delivery twice. Both backends."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import signal
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from cli.hook_helpers import minicrm_env, write_shell_hook
from conftest import execute, records, run_minicrm, scalar

SECRET = "s3cret-for-tests"


class Receiver:
    """A webhook receiver: records each POST, checks its signature, answers with the next queued status."""

    def __init__(self) -> None:
        self.posts: list[dict] = []
        self.statuses: list[int] = []  # answers to the next posts; 200 after them
        self.delay = 0.0  # seconds each post waits before the answer
        self.stall_first = False  # the first post never gets an answer (until the server stops)
        self.lock = threading.Lock()
        self.release = threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                expected = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
                with receiver.lock:
                    receiver.posts.append({
                        "body": json.loads(body),
                        "signed": self.headers.get("X-Minicrm-Signature-256") == expected,
                        "signature": self.headers.get("X-Minicrm-Signature-256"),
                        "event": self.headers.get("X-Minicrm-Event"),
                        "delivery": self.headers.get("X-Minicrm-Delivery"),
                    })  # fmt: skip
                    first = len(receiver.posts) == 1
                    status = receiver.statuses.pop(0) if receiver.statuses else 200
                if first and receiver.stall_first:
                    receiver.release.wait(60)
                time.sleep(receiver.delay)
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def wait_for(self, count: int, timeout: float = 20) -> None:
        end = time.monotonic() + timeout
        while len(self.posts) < count and time.monotonic() < end:
            time.sleep(0.02)
        assert len(self.posts) >= count, self.posts

    def close(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver(monkeypatch):
    monkeypatch.setenv("MINICRM_HOOK_SECRET", SECRET)
    found = Receiver()
    yield found
    found.close()


def _deal(cli, receiver, event: str = "deal.won") -> None:
    cli.ok("contact", "add", "Ada")
    cli.ok("deal", "add", "Engine", "--contact", "ada", "--amount", "1000")
    cli.ok("hook", "add", event, "--url", receiver.url, "--secret-env", "MINICRM_HOOK_SECRET")


def _outbox(target: str) -> list[dict]:
    return records(target, "SELECT id, status, attempts FROM webhook_delivery ORDER BY id")


def test_a_won_deal_is_posted_once_signed(cli, receiver):
    _deal(cli, receiver)
    res = cli.ok("deal", "won", "1")
    assert res.stderr.count("webhook") == 0, res.stderr
    [post] = receiver.posts
    assert post["signed"] and post["event"] == "deal.won" and post["delivery"] == "1"
    assert post["body"]["event"] == "deal.won" and post["body"]["deal"]["state"] == "won"
    assert post["body"]["after"]["stage"] == "won"
    assert _outbox(cli.target) == [{"id": 1, "status": "delivered", "attempts": 1}]
    cli.ok("hook", "deliver")  # nothing is due: nothing is posted again
    assert len(receiver.posts) == 1
    [attempt] = json.loads(cli.ok("hook", "log", "--format", "json").stdout)
    assert (attempt["event"], attempt["result"], attempt["state"]) == ("deal.won", 200, "delivered")


def test_an_unsigned_webhook_has_no_signature(cli, receiver):
    cli.ok("hook", "add", "contact.created", "--url", receiver.url)
    cli.ok("contact", "add", "Ada")
    [post] = receiver.posts
    assert post["signature"] is None and post["body"]["contact"]["name"] == "Ada"


def test_a_refused_post_is_retried_with_back_off(cli, receiver):
    _deal(cli, receiver)
    receiver.statuses = [500, 503]
    res = cli.ok("deal", "won", "1")
    assert "HTTP 500; `minicrm hook deliver` retries it" in res.stderr
    assert scalar(cli.target, "SELECT won_on FROM deal WHERE id = 1") is not None  # the change is kept
    cli.ok("hook", "deliver")  # the next try is a minute later: not yet
    assert len(receiver.posts) == 1
    later = cli.ok("hook", "deliver", "--format", "json", today="2026-11-23")
    assert json.loads(later.stdout) == {"delivered": 0, "failed": 1, "gave_up": 0}
    cli.ok("hook", "deliver", today="2026-11-24")
    assert len(receiver.posts) == 3 and all(p["signed"] for p in receiver.posts)
    assert len({json.dumps(p["body"]) for p in receiver.posts}) == 1  # the same body every time
    assert _outbox(cli.target) == [{"id": 1, "status": "delivered", "attempts": 3}]
    log = json.loads(cli.ok("hook", "log", "--format", "json").stdout)
    assert [a["result"] for a in log] == [200, 503, 500]
    assert [a["next_attempt_at"] for a in log] == [None, None, None]  # delivered now


def test_a_missing_secret_is_a_failed_attempt(cli, receiver, monkeypatch):
    _deal(cli, receiver)
    monkeypatch.delenv("MINICRM_HOOK_SECRET")
    res = cli.ok("deal", "won", "1")
    assert "the secret variable MINICRM_HOOK_SECRET is not set" in res.stderr and receiver.posts == []
    monkeypatch.setenv("MINICRM_HOOK_SECRET", SECRET)
    cli.ok("hook", "deliver", today="2026-11-23")
    assert [p["signed"] for p in receiver.posts] == [True]


def _kill_hook(cli, hermetic_home) -> None:
    """A local hook of the same event that kills minicrm: it runs after the commit, before the webhook is posted."""
    write_shell_hook(hermetic_home / "hooks", "deal.won", "kill -9 $PPID")


def test_kill_between_commit_and_delivery_then_deliver_posts_it_once(cli, receiver, hermetic_home):
    _deal(cli, receiver)
    _kill_hook(cli, hermetic_home)
    env = {**minicrm_env(cli.target), "MINICRM_TODAY": "2026-11-22"}
    proc = run_minicrm("deal", "won", "1", env=env)
    assert proc.returncode == -signal.SIGKILL
    assert scalar(cli.target, "SELECT won_on FROM deal WHERE id = 1") is not None  # committed before the kill
    assert receiver.posts == [] and _outbox(cli.target) == [{"id": 1, "status": "pending", "attempts": 0}]
    (hermetic_home / "hooks" / "deal.won").unlink()
    cli.ok("hook", "deliver")
    cli.ok("hook", "deliver")
    assert [p["signed"] for p in receiver.posts] == [True]
    assert receiver.posts[0]["body"]["deal"]["state"] == "won"


def test_kill_while_posting_posts_at_most_once_more(cli, receiver):
    """minicrm is killed while the receiver holds its post: the claim keeps `hook deliver` off it until the claim
    expires (the next day here), then it is posted once more."""
    _deal(cli, receiver)
    receiver.stall_first = True
    env = {**os.environ, **minicrm_env(cli.target), "MINICRM_TODAY": "2026-11-22"}
    proc = subprocess.Popen([sys.executable, "-m", "minicrm", "deal", "won", "1"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        receiver.wait_for(1)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
    assert _outbox(cli.target) == [{"id": 1, "status": "pending", "attempts": 1}]
    cli.ok("hook", "deliver")  # still claimed by the killed process
    assert len(receiver.posts) == 1
    cli.ok("hook", "deliver", today="2026-11-23")
    cli.ok("hook", "deliver", today="2026-11-24")
    assert len(receiver.posts) == 2 and all(p["signed"] for p in receiver.posts)
    assert _outbox(cli.target) == [{"id": 1, "status": "delivered", "attempts": 2}]


def test_two_deliver_runs_never_post_one_delivery_twice(cli, receiver):
    refused = f"http://127.0.0.1:{_free_port()}/hook"  # nothing listens: every command leaves its post pending
    cli.ok("hook", "add", "contact.created", "--url", refused, "--secret-env", "MINICRM_HOOK_SECRET")
    for name in ("Alan", "Ken", "Dennis", "Bjarne", "Guido", "Linus", "Frances", "John"):
        cli.ok("contact", "add", name)
    assert [d["status"] for d in _outbox(cli.target)] == ["pending"] * 8
    execute(cli.target, "UPDATE webhook SET url = ?", (receiver.url,))  # the receiver is back
    receiver.delay = 0.2
    env = {**os.environ, **minicrm_env(cli.target), "MINICRM_TODAY": "2026-11-23"}
    runs = [subprocess.Popen([sys.executable, "-m", "minicrm", "hook", "deliver"], env=env,
                             stderr=subprocess.PIPE, text=True) for _ in range(2)]  # fmt: skip
    for run in runs:
        assert run.wait(120) == 0, run.stderr.read() if run.stderr else ""
    delivered = [p["delivery"] for p in receiver.posts]
    assert sorted(delivered, key=int) == [str(d["id"]) for d in _outbox(cli.target)]
    assert len(set(delivered)) == 8 and all(p["signed"] for p in receiver.posts)
    assert {d["status"] for d in _outbox(cli.target)} == {"delivered"}


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_hook_add_list_remove(cli, receiver):
    cli.ok("hook", "add", "deal.won", "--url", receiver.url, "--secret-env", "MINICRM_HOOK_SECRET")
    cli.fails("hook", "add", "deal.won", "--url", receiver.url, code=2, match="deal.won already posts to http")
    cli.fails("hook", "add", "deal.sold", "--url", receiver.url, code=2, match="unknown event 'deal.sold'")
    cli.fails("hook", "add", "deal.won", "--url", "ftp://example.org/x", code=2, match="invalid --url")
    cli.fails("hook", "add", "deal.won", "--url", receiver.url + "2", "--secret-env", "MY-SECRET", code=2,
              match="invalid --secret-env 'MY-SECRET'")  # fmt: skip
    [row] = json.loads(cli.ok("hook", "list", "--format", "json").stdout)
    assert (row["event"], row["kind"], row["target"], row["secret_env"]) == ("deal.won", "webhook", receiver.url,
                                                                             "MINICRM_HOOK_SECRET")  # fmt: skip
    cli.fails("hook", "remove", "deal.lost", code=1, match="no webhook for deal.lost")
    assert "removed 1 webhook of deal.won" in cli.ok("hook", "remove", "deal.won").stderr
    assert json.loads(cli.ok("hook", "list", "--format", "json").stdout) == []


def test_hook_test_posts_a_sample(cli, receiver):
    _deal(cli, receiver)
    [result] = json.loads(cli.ok("hook", "test", "deal.won", "--format", "json").stdout)
    assert result["kind"] == "webhook" and result["ok"] and result["result"] == "HTTP 200"
    [post] = receiver.posts
    assert post["signed"] and post["body"]["test"] is True and post["body"]["deal"]["title"] == "Engine"
    assert scalar(cli.target, "SELECT won_on FROM deal") is None


def test_no_hooks_writes_no_outbox_row(cli, receiver):
    _deal(cli, receiver)
    cli.ok("--no-hooks", "deal", "won", "1")
    assert receiver.posts == [] and _outbox(cli.target) == []


def test_a_manager_s_change_is_queued_and_posted(cli, acting, receiver):
    """On PostgreSQL with the rights of #21, a manager's own login writes the outbox and the attempts."""
    _deal(cli, receiver)
    manager = acting("Mia", "manager")
    assert "webhook" not in manager.ok("deal", "won", "1").stderr
    [post] = receiver.posts
    assert post["signed"] and post["body"]["user"] == "Mia" and post["body"]["deal"]["state"] == "won"
    assert _outbox(cli.target) == [{"id": 1, "status": "delivered", "attempts": 1}]


def test_a_big_import_leaves_the_posts_past_fifty_to_hook_deliver(cli, receiver, tmp_path):
    cli.ok("hook", "add", "contact.created", "--url", receiver.url, "--secret-env", "MINICRM_HOOK_SECRET")
    csv = tmp_path / "people.csv"
    csv.write_text("name\n" + "".join(f"Person {n:02d}\n" for n in range(60)))
    res = cli.ok("import", "csv", str(csv))
    assert "`minicrm hook deliver` posts the rest" in res.stderr
    assert len(receiver.posts) == 50
    cli.ok("hook", "deliver")
    names = sorted(p["body"]["contact"]["name"] for p in receiver.posts)
    assert names == [f"Person {n:02d}" for n in range(60)] and all(p["signed"] for p in receiver.posts)
