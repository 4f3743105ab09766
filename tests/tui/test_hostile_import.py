"""The TUI over a database filled by `import csv` / `import vcard` with hostile text (#16): nothing raw reaches
the terminal. The CLI side of the same files is tests/cli/test_hostile_import.py; `look()` is explained in
tests/tui/test_hostile_text.py."""

from __future__ import annotations

from tests.cli.test_hostile_import import CSV_NAME, VCARD_NAME, VCARD_ORG, write_hostile_files
from tests.tui.conftest import make_app, settle
from tests.tui.test_hostile_text import look
from textual.widgets import DataTable

from conftest import Cli


async def test_imported_hostile_text_on_every_contact_screen(new_target, tmp_path):
    db = new_target("imported")
    cli = Cli(db)
    for command, path in zip(("csv", "vcard"), write_hostile_files(tmp_path), strict=True):
        cli.ok("import", command, path)
    app = make_app(db)
    async with app.run_test(size=(200, 50)) as pilot:
        await settle(pilot)
        look(app)  # the dashboard
        await pilot.press("2")
        await settle(pilot)
        look(app, CSV_NAME, VCARD_NAME, VCARD_ORG)
        table = app.screen.query_one("#contacts", DataTable)
        for row in range(table.row_count):  # each contact's preview pane
            table.move_cursor(row=row)
            await settle(pilot)
            look(app)
        table.move_cursor(row=0)
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert type(app.screen).__name__ == "ContactDetailScreen"
        shown = look(app)
        assert any(part in shown for part in ("Bob [/b]", "Eve ")), shown
        assert "␛" in shown  # the escape is shown as its visible stand-in, not dropped
