"""Text from the data is never markup and never sends control characters to the terminal (#16).

A database whose names, notes, summaries, goals, tags, stages, kinds, users, deal titles and request subjects
hold Rich/Textual markup (`Bob [/b]`, `[link=…]`, `[red]…[/red]`), terminal escape sequences (a window-title
OSC, a colour CSI) and a bidi override is walked through every screen, every preview pane and the modals and
notifications that name a record.

How the test looks at "what the terminal gets": after each step, `look()` renders the current screen with its
own compositor (`screen._compositor.render_strips()`, what `App.export_screenshot` and the real driver draw
from, toasts and modals included) and walks every segment of every strip. The segments are the characters
the driver writes between its own escape sequences (cursor moves and colours are separate control segments
or styles, never segment text), so a raw ESC, BEL, C1 control or bidi override in a segment's text is one the
data smuggled to the terminal, and a segment whose style carries a link came from interpreted `[link=…]`
markup. The joined segment text is the screen as a user reads it: the literal `Bob [/b]` must be in it (as
typed, not swallowed as markup), and the escapes must show as their visible stand-ins (`␛`, `␇`, `�`), as
`minicrm.cells.terminal_safe` renders them. An exception anywhere (e.g. MarkupError on `[/b]`) fails
`run_test`.

The hostile text is written with SQL after the records are made through the store, as a database written by
an older version or another tool would hold it: whatever the store accepts today, the TUI must stay safe.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from decimal import Decimal
from typing import Any

from tests.tui.conftest import TODAY, make_app, now, query, settle
from textual.screen import ModalScreen
from textual.widgets import DataTable

from conftest import execute
from minicrm.cells import terminal_safe
from minicrm.store.core.db import Database

BOB = "Bob [/b]"
LINK = "[link=https://evil.example]x[/link]"
RED = "[red]red[/red]"
TITLE = "\x1b]0;pwned\x07"
CSI = "\x1b[31m"
RTL = "\u202eevil"

EVE = f"Eve {TITLE}{CSI} {RTL}"
NAMES = {
    "bob": BOB,
    "eve": EVE,
    "link": LINK,
    "red": f"{RED} {CSI}",
}
COMPANY = f"ACME {BOB} {RTL}"
NOTES = f"{LINK} {RED} {TITLE}"
GOAL = f"{RED} {RTL}"
SUMMARY = f"{BOB} {CSI}said {LINK}"
OUTCOME = f"{TITLE}done"
KIND = f"[b]{CSI}k"
STAGE = f"{RED}{CSI}"
DEAL = f"{BOB} {LINK}"
NEXT_STEP = f"{RTL} {RED}"
TASK = f"{RED} task {TITLE}"
SUBJECT = f"{BOB} {CSI}printer"
USER = f"{RED} {TITLE}ann"
TAG = f"{RED}{CSI}"

#: What the terminal must never receive from the data: C0 controls, DEL, C1 controls, bidi overrides/isolates.
FORBIDDEN = {chr(c) for c in (*range(0x20), *range(0x7F, 0xA0))} | {
    chr(c) for c in (0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A))
}


def fill(db) -> dict[str, int]:
    """Records made through the store with tame text, then given the hostile text with SQL."""
    from minicrm.store.people.companies import create_company
    from minicrm.store.people.contacts import create_contact
    from minicrm.store.people.interactions import log_interaction, set_next
    from minicrm.store.people.users import ensure_user
    from minicrm.store.sales.deals import create_deal
    from minicrm.store.sales.tasks import create_task
    from minicrm.store.service.requests import create_request

    at = now()
    ids: dict[str, int] = {}
    with Database(db).connect() as s:
        ids["user"] = ensure_user(s, "ann", now=at)
        ids["company"] = create_company(s, name="acme", now=at, industry="retail", city="Lyon", notes="n")
        for key in NAMES:  # added long ago: the ones never contacted are forgotten clients
            ids[key] = create_contact(
                s, name=key, now=at - timedelta(days=200), status="client", tags=["vip"], notes="n",
                company="acme" if key == "bob" else None, birthday="1990-11-25" if key == "eve" else None,
            ).id  # fmt: skip
        log_interaction(s, contact_id=ids["bob"], kind="call", summary="s", happened_at=at - timedelta(days=1),
                        now=at, outcome="o")  # fmt: skip
        set_next(s, ids["bob"], on=TODAY, goal="g", now=at)
        soon = TODAY + timedelta(days=2)
        ids["deal"] = create_deal(s, title="d", now=at, contact_id=ids["bob"], company_id=ids["company"],
                                  amount=Decimal("1200"), next_step="n", next_step_on=soon)  # fmt: skip
        ids["task"] = create_task(s, title="t", now=at, due_on=TODAY, contact_id=ids["bob"])
        ids["request"] = create_request(s, subject="r", now=at, contact_id=ids["eve"], priority="urgent",
                                        assignee_id=ids["user"])  # fmt: skip
    for key, name in NAMES.items():
        execute(db, "UPDATE contact SET name = ?, notes = ?, owner_id = ? WHERE id = ?",
                (name, NOTES, ids["user"], ids[key]))  # fmt: skip
    execute(db, "UPDATE contact SET next_contact_goal = ? WHERE id = ?", (GOAL, ids["bob"]))
    execute(db, "UPDATE contact_tag SET tag = ? WHERE contact_id = ?", (TAG, ids["bob"]))
    execute(db, "UPDATE company SET name = ?, industry = ?, city = ?, notes = ? WHERE id = ?",
            (COMPANY, RED, CSI, NOTES, ids["company"]))  # fmt: skip
    execute(db, "INSERT INTO interaction_kind (name, position) VALUES (?, ?)", (KIND, 99))
    execute(db, "UPDATE interaction SET kind = ?, summary = ?, outcome = ? WHERE contact_id = ?",
            (KIND, SUMMARY, OUTCOME, ids["bob"]))  # fmt: skip
    execute(db, "UPDATE pipeline_stage SET name = ? WHERE id = (SELECT stage_id FROM deal WHERE id = ?)",
            (STAGE, ids["deal"]))  # fmt: skip
    execute(db, "UPDATE deal SET title = ?, next_step = ? WHERE id = ?", (DEAL, NEXT_STEP, ids["deal"]))
    execute(db, "UPDATE task SET title = ? WHERE id = ?", (TASK, ids["task"]))
    execute(db, "UPDATE service_request SET subject = ? WHERE id = ?", (SUBJECT, ids["request"]))
    execute(db, "UPDATE app_user SET name = ? WHERE id = ?", (USER, ids["user"]))
    return ids


def look(app, *expected: str) -> str:
    """The current screen as the terminal gets it; fails on a raw control character or an interpreted link,
    and unless every `expected` text (shown as `terminal_safe` shows it) is on screen."""
    lines = []
    for y, strip in enumerate(app.screen._compositor.render_strips()):
        line = []
        for segment in strip:
            if segment.control:
                continue
            bad = FORBIDDEN.intersection(segment.text)
            assert not bad, f"{type(app.screen).__name__} line {y}: raw {sorted(bad)!r} in {segment.text!r}"
            link = segment.style.link if segment.style else None
            assert not link, f"{type(app.screen).__name__} line {y}: link {link!r} on {segment.text!r}"
            line.append(segment.text)
        lines.append("".join(line))
    text = "\n".join(lines)
    for value in expected:
        assert terminal_safe(value) in text, f"{terminal_safe(value)!r} not on {type(app.screen).__name__}:\n{text}"
    return text


async def look_soon(pilot, *expected: str) -> str:
    """`look()` until the `expected` texts are on screen (a notification shows after its worker's reload)."""
    for _ in range(50):
        text = look(pilot.app)
        if all(terminal_safe(value) in text for value in expected):
            pilot.app.clear_notifications()  # seen: it must not hide what the next steps look at
            return text
        await asyncio.sleep(0.1)
        await pilot.pause()
    return look(pilot.app, *expected)


async def round_trip(pilot, key: str, *expected: str, close: str = "escape") -> None:
    """Open a modal with `key`, look at it, close it with `close`."""
    await pilot.press(key)
    await settle(pilot)
    assert isinstance(pilot.app.screen, ModalScreen), f"{key} opened no modal"
    look(pilot.app, *expected)
    await pilot.press(close)
    await settle(pilot)
    assert not isinstance(pilot.app.screen, ModalScreen), f"{close} closed no modal"


def app_screen(pilot) -> str:
    return type(pilot.app.screen).__name__


@asynccontextmanager
async def hostile_app(new_target) -> AsyncIterator[tuple[Any, str, dict[str, int]]]:
    """The app (wide, notifications on) over a new database filled by `fill()`: (pilot, db, ids)."""
    db = new_target("hostile")
    ids = fill(db)
    app = make_app(db)
    app.NOTIFICATION_TIMEOUT = 60  # a slow run must not lose a notification before it is looked at
    async with app.run_test(size=(220, 60), notifications=True) as pilot:
        await settle(pilot)
        yield pilot, db, ids


async def test_dashboard_contacts_and_contact_forms(new_target):
    async with hostile_app(new_target) as (pilot, db, ids):
        app = pilot.app
        # dashboard: the due queue (name, goal, task, request, deal), forgotten clients, birthdays, the log form
        assert app_screen(pilot) == "DashboardScreen"
        look(app, BOB, GOAL, f"Eve {TITLE}", NAMES["red"], LINK[:20])  # the name column is 24 wide
        await round_trip(pilot, "l", f"Log an interaction with {BOB}", KIND)

        # contacts: the table, then every row's preview; Bob's card with notes, tags, deal, interaction
        await pilot.press("2")
        await settle(pilot)
        look(app, *NAMES.values(), COMPANY)
        table = app.screen.query_one("#contacts", DataTable)
        for row in range(table.row_count):
            table.move_cursor(row=row)
            await settle(pilot)
            look(app)
        table.move_cursor(row=table.get_row_index(str(ids["bob"])))
        await settle(pilot)
        look(app, NOTES, TAG, USER, DEAL, SUMMARY, KIND, GOAL)
        await round_trip(pilot, "n", f"Next contact with {BOB}")

        # the contact's own screen, and every form and question naming the contact
        await pilot.press("enter")
        await settle(pilot)
        assert app_screen(pilot) == "ContactDetailScreen"
        look(app, BOB, COMPANY, NOTES, TAG, GOAL, DEAL, NEXT_STEP, TASK, SUMMARY, OUTCOME, KIND)
        await round_trip(pilot, "l", f"Log an interaction with {BOB}")
        await round_trip(pilot, "n", f"Next contact with {BOB}", GOAL)
        await round_trip(pilot, "e", f"Edit {BOB}", NOTES, TAG)
        await round_trip(pilot, "d", f"New deal with {BOB}", STAGE)
        await round_trip(pilot, "t", f"New task for {BOB}")
        await round_trip(pilot, "a", f"Add for {BOB}")
        await round_trip(pilot, "A", f"Archive {BOB}?", close="n")

        # the forms show the stored text made visible; saving them untouched keeps the stored text as it was
        stored = ("SELECT c.name, c.notes, c.next_contact_goal, t.tag FROM contact c"
                  " JOIN contact_tag t ON t.contact_id = c.id WHERE c.id = ?")  # fmt: skip
        before = query(db, stored, (ids["bob"],))
        assert before == [(BOB, NOTES, GOAL, TAG)]
        for key in ("e", "n"):
            await pilot.press(key)
            await settle(pilot)
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert not isinstance(app.screen, ModalScreen)
            assert query(db, stored, (ids["bob"],)) == before


async def test_companies_and_deals_board(new_target):
    async with hostile_app(new_target) as (pilot, db, ids):
        app = pilot.app
        # companies: table, preview, the company's screen and its archive question
        await pilot.press("3")
        await settle(pilot)
        look(app, COMPANY, RED, NOTES, BOB, f"{BOB}: {BOB} {CSI}said")  # the preview wraps the rest
        await pilot.press("enter")
        await settle(pilot)
        assert app_screen(pilot) == "CompanyDetailScreen"
        look(app, COMPANY, RED, NOTES, BOB, SUMMARY, DEAL)
        await round_trip(pilot, "a", f"Add for {COMPANY}")
        await pilot.press("a", "c")  # a person at this company: the form names it
        await settle(pilot)
        look(app, f"New contact at {COMPANY}")
        await pilot.press("escape")
        await settle(pilot)
        await round_trip(pilot, "A", f"Archive {COMPANY}?", close="n")

        # deals board: the stage's column title and the deal card; won/lost questions; a move's notification
        await pilot.press("4")
        await settle(pilot)
        look(app, STAGE, DEAL, NEXT_STEP, BOB)
        await round_trip(pilot, "w", f"Mark '{DEAL}' as won today?", close="n")
        await round_trip(pilot, "x", f"Why was '{DEAL}' lost?")
        await pilot.press("right_square_bracket")
        await settle(pilot)
        stage = "SELECT s.name FROM deal d JOIN pipeline_stage s ON s.id = d.stage_id WHERE d.id = ?"
        assert query(db, stage, (ids["deal"],))[0][0] == "qualified"
        await look_soon(pilot, f"'{DEAL}' →")  # the toast wraps the stage to the next line


async def test_reports_requests_and_notifications(new_target):
    async with hostile_app(new_target) as (pilot, _db, ids):
        app = pilot.app
        # reports: stage names and interaction kinds
        await pilot.press("5")
        await settle(pilot)
        look(app, STAGE, KIND)

        # requests: subject, client, assignee; the close question; the client's screen; an archive notification
        await pilot.press("6")
        await settle(pilot)
        look(app, SUBJECT, f"Eve {TITLE}", USER)
        await round_trip(pilot, "c", f"Close request #{ids['request']} '{SUBJECT}'?", close="n")
        await pilot.press("enter")
        await settle(pilot)
        assert app_screen(pilot) == "ContactDetailScreen"
        look(app, EVE, SUBJECT, NOTES)
        await pilot.press("A")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        await look_soon(pilot, f"{EVE} archived")
        await pilot.press("question_mark")
        await settle(pilot)
        look(app)
