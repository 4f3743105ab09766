"""Events (#22): what the services tell hooks and webhooks, and when.

A service calls `emit(session, "deal.won", lambda: deal.to_json(), before=old)` inside its write transaction. When
anything listens (an executable in the hooks folder, a webhook), the payload is built once — the record's
`--format json` contract under its kind (`"deal": {...}`), plus `event`, `time`, `user` and, for a change, the
changed fields `before` and `after` — and the webhooks' outbox rows are written in that same transaction. After the
commit (`Session.on_commit`) the local hooks run and the command posts the new outbox rows itself (short timeout;
`hook deliver` retries what fails). Nothing listening costs one `stat` and one small query per session.

`check(session, "deal.won", ...)` runs the `before-deal.won` hooks before the service opens its write transaction,
so no lock is held while they run; a non-zero exit refuses the change (`Conflict`, exit 1, nothing written).

Whoever opens the session says who acts, what time it is, where remarks go and whether hooks run (`configure`;
the CLI's AppContext and the TUI do); unconfigured sessions run hooks and report on stderr.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from weakref import WeakKeyDictionary

from minicrm.errors import Conflict
from minicrm.i18n import _
from minicrm.store.core.db import Session
from minicrm.store.core.hooks import local, webhooks
from minicrm.store.core.records import iso

EVENTS = (
    "contact.created", "contact.updated", "contact.archived", "company.created", "company.updated",
    "interaction.logged", "deal.created", "deal.updated", "deal.stage-changed", "deal.won", "deal.lost",
    "task.created", "task.done", "request.opened", "request.closed", "followup.due", "import.finished",
)  # fmt: skip
#: Fields every change moves: left out of `before`/`after`.
_BOOKKEEPING = frozenset({"updated_at", "revision"})
#: Hooks calling minicrm that fire hooks... stop at this depth (MINICRM_HOOK_DEPTH counts it).
MAX_DEPTH = 4
#: Seconds a command waits for a webhook before leaving it to `hook deliver`.
WEBHOOK_TIMEOUT = 5.0
HOOK_TIMEOUT = local.DEFAULT_TIMEOUT

Payload = dict[str, Any] | Callable[[], dict[str, Any]]


def _stderr(message: str) -> None:
    sys.stderr.write(message + "\n")


@dataclass
class Settings:
    """How one session's events are handled."""

    enabled: bool = field(default_factory=lambda: _depth() < MAX_DEPTH)
    user: str | None = None
    now: Callable[[], datetime] = field(default=lambda: datetime.now().replace(microsecond=0))
    report: Callable[[str], None] = _stderr
    folder: Path | None = None  # the hooks folder; default $MINICRM_HOME/hooks
    env: dict[str, str] = field(default_factory=dict)  # MINICRM_DB, MINICRM_TODAY... for the hooks
    timeout: float = local.DEFAULT_TIMEOUT
    webhook_timeout: float = WEBHOOK_TIMEOUT
    deliver_now: bool = True  # switched off after a failed post: the rest is left to `hook deliver`
    deliver_budget: int = 50  # posts a command makes itself (an import may queue thousands)
    subscriptions: dict[str, list[int]] | None = None  # cached webhook ids per event

    def hooks_folder(self) -> Path:
        if self.folder is None:
            self.folder = local.hooks_dir()
        return self.folder


_SETTINGS: WeakKeyDictionary[Session, Settings] = WeakKeyDictionary()


def _depth() -> int:
    try:
        return int(os.environ.get("MINICRM_HOOK_DEPTH", "0"))
    except ValueError:
        return 0


def settings(session: Session) -> Settings:
    found = _SETTINGS.get(session)
    if found is None:
        found = _SETTINGS[session] = Settings()
    return found


def configure(session: Session, **values: Any) -> Settings:
    """Set who acts, the clock, the reporter, `enabled`... for this session's events."""
    current = settings(session)
    for key, value in values.items():
        if key == "enabled":
            value = bool(value) and _depth() < MAX_DEPTH
        setattr(current, key, value)
    return current


def forget_subscriptions(session: Session) -> None:
    """After `hook add/remove`: read the webhooks again at the next event."""
    settings(session).subscriptions = None


def _webhooks_of(session: Session, conf: Settings, name: str) -> list[int]:
    if conf.subscriptions is None:
        conf.subscriptions = webhooks.subscriptions(session)
    return conf.subscriptions.get(name, [])


def listens(session: Session, name: str) -> bool:
    """Whether a hook or webhook would get `name` (the cheap test before building a payload)."""
    conf = settings(session)
    if not conf.enabled:
        return False
    return bool(local.find(conf.hooks_folder(), name) or _webhooks_of(session, conf, name))


def snapshot(session: Session, name: str, record: Callable[[], dict[str, Any]]) -> dict[str, Any] | None:
    """The record's JSON before a change, read only when someone listens to `name`."""
    return record() if listens(session, name) else None


def changed(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    keys = [k for k in after if k not in _BOOKKEEPING and before.get(k) != after.get(k)]
    keys += [k for k in before if k not in after and k not in _BOOKKEEPING]
    return {k: before.get(k) for k in keys}, {k: after.get(k) for k in keys}


def _body(conf: Settings, name: str, record: dict[str, Any] | None, **more: Any) -> dict[str, Any]:
    return {"event": name, "time": iso(conf.now()), "user": conf.user, name.split(".")[0]: record, **more}


def emit(session: Session, name: str, payload: Payload, before: dict[str, Any] | None = None) -> None:
    """Tell the hooks and webhooks of `name` (a member of EVENTS) about a change made in this transaction."""
    conf = settings(session)
    if not conf.enabled:
        return
    hooks = local.find(conf.hooks_folder(), name)
    targets = _webhooks_of(session, conf, name)
    if not hooks and not targets:
        return
    outside = not session.in_write()  # e.g. remind: the outbox row needs a transaction, the hooks a commit
    if outside and not session.writes_denied:
        with session.write():
            emit(session, name, payload, before)
        return
    record = payload() if callable(payload) else payload
    body = _body(conf, name, record)
    if before is not None:
        body["before"], body["after"] = changed(before, record)
    text = json.dumps(body, ensure_ascii=False, default=str)
    record_id = record.get("id") if isinstance(record, dict) else None
    if outside:  # a viewer's remind (#21) writes nothing: its hooks run, no webhook post can be queued
        if targets:
            conf.report(_("{event}: webhooks not told ({reason})").format(event=name, reason=session.writes_denied))
        _after_commit(session, conf, name, text, hooks, [], record_id)
        return
    ids = webhooks.enqueue(session, targets, name, text, now=conf.now()) if targets else []
    session.on_commit(lambda: _after_commit(session, conf, name, text, hooks, ids, record_id))


def _env(conf: Settings, name: str, phase: str, record_id: Any) -> dict[str, str]:
    env = {**os.environ, **conf.env, "MINICRM_EVENT": name, "MINICRM_HOOK_PHASE": phase,
           "MINICRM_HOOK_DEPTH": str(_depth() + 1)}  # fmt: skip
    if conf.user:
        env["MINICRM_USER"] = conf.user
    if record_id is not None:
        env["MINICRM_RECORD_ID"] = str(record_id)
    return env


def _after_commit(
    session: Session, conf: Settings, name: str, text: str, hooks: list[Path], ids: list[int], record_id: Any
) -> None:
    """Run after the change is durable: its hooks, then its webhooks. Reports problems; never raises."""
    try:
        env = _env(conf, name, "after", record_id)
        for path in hooks:
            outcome = local.run(path, text.encode(), env, conf.timeout)
            if outcome.output.strip():
                conf.report(outcome.output.rstrip("\n"))
            if not outcome.ok:
                msg = _("hook {event} ({path}) {problem}; the change is kept")
                conf.report(msg.format(event=name, path=path, problem=outcome.problem(conf.timeout)))
        if ids and conf.deliver_now:
            from minicrm.store.core.hooks import delivery  # only when there is something to post

            if conf.deliver_budget < len(ids):
                conf.report(_("more webhook posts than a command makes itself: `minicrm hook deliver` posts the rest"))
                conf.deliver_now = False
            summary = delivery.deliver(session, now=conf.now, timeout=conf.webhook_timeout,
                                       ids=ids[: max(conf.deliver_budget, 0)], stop_on_failure=True)  # fmt: skip
            conf.deliver_budget -= len(summary.results)
            for problem in summary.problems:
                conf.report(_("{problem}; `minicrm hook deliver` retries it").format(problem=problem))
                conf.deliver_now = False
    except KeyboardInterrupt:
        msg = _("hooks of {event} interrupted; the change is kept, webhooks are left to `minicrm hook deliver`")
        conf.report(msg.format(event=name))
    except Exception as exc:  # a hook problem never turns a committed change into a failed command
        msg = _("hooks of {event} failed: {error}: {reason}; the change is kept")
        conf.report(msg.format(event=name, error=type(exc).__name__, reason=exc))


def check(
    session: Session,
    name: str,
    *,
    record: Callable[[], dict[str, Any] | None] | None = None,
    change: dict[str, Any] | None = None,
) -> None:
    """Run the `before-NAME` hooks on the intended change; a refusal raises Conflict (exit 1) before any write.

    Their input: `event`, `time`, `user`, the record as it is now (null for a new one) and `change`, what the
    command is about to set. Call it before `session.write()`, so the write lock is not held while they run."""
    conf = settings(session)
    if not conf.enabled:
        return
    hooks = local.find(conf.hooks_folder(), f"before-{name}")
    if not hooks:
        return
    current = record() if record is not None else None
    text = json.dumps(_body(conf, name, current, change=change or {}), ensure_ascii=False, default=str)
    env = _env(conf, name, "before", current.get("id") if current else None)
    for path in hooks:
        outcome = local.run(path, text.encode(), env, conf.timeout)
        if outcome.error and not local.executable(path):
            conf.report(
                _("hook before-{event} ({path}) {problem}; not run").format(
                    event=name, path=path, problem=outcome.error
                )
            )
            continue
        if not outcome.ok:
            said = " ".join(line.strip() for line in outcome.output.splitlines() if line.strip())[:400]
            msg = _("{event} refused by hook {hook}: {reason}")
            raise Conflict(msg.format(event=name, hook=path.name, reason=said or outcome.problem(conf.timeout)))
        if outcome.output.strip():
            conf.report(outcome.output.rstrip("\n"))


def fire_test(session: Session, name: str, record: dict[str, Any] | None) -> list[dict[str, Any]]:
    """`hook test EVENT`: run the hooks of `name` (or `before-NAME`) on a sample marked `"test": true` and post it to
    its webhooks through the outbox; one result per hook or webhook."""
    conf = settings(session)
    phase, event = ("before", name.removeprefix("before-")) if name.startswith("before-") else ("after", name)
    extra: dict[str, Any] = {"test": True} if phase == "after" else {"test": True, "change": {}}
    text = json.dumps(_body(conf, event, record, **extra), ensure_ascii=False, default=str)
    env = _env(conf, event, phase, record.get("id") if record else None)
    results: list[dict[str, Any]] = []
    for path in local.find(conf.hooks_folder(), name):
        outcome = local.run(path, text.encode(), env, conf.timeout)
        results.append({"kind": "hook", "target": str(path), "ok": outcome.ok,
                        "result": "ok" if outcome.ok else outcome.problem(conf.timeout),
                        "output": outcome.output})  # fmt: skip
    targets = webhooks.subscriptions(session).get(name, []) if phase == "after" else []
    if targets:
        from minicrm.store.core.hooks import delivery

        with session.write():
            ids = webhooks.enqueue(session, targets, event, text, now=conf.now())
        summary = delivery.deliver(session, now=conf.now, timeout=conf.webhook_timeout, ids=ids)
        for item, result in summary.results:
            results.append({"kind": "webhook", "target": item.url, "ok": result.ok,
                            "result": result.describe() if not result.ok else f"HTTP {result.status}",
                            "output": ""})  # fmt: skip
    return results
