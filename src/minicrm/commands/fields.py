"""`minicrm field ...`: typed custom fields (text, number, date, choice) of contacts or companies."""

from __future__ import annotations

from typing import Annotated

import typer

from minicrm.commands._common import FormatOpt, app_ctx
from minicrm.i18n import N_, _, ngettext
from minicrm.output import Format

app = typer.Typer(help="Typed custom fields: define, list, remove.", no_args_is_help=True)
ForOpt = Annotated[str, typer.Option("--for", metavar="contact|company", help="Whose field: contact or company.")]
NameArg = Annotated[str, typer.Argument(help="The field's name, as in --field NAME=VALUE.")]


@app.command("define")
def define(
    ctx: typer.Context,
    name: NameArg,
    type_: Annotated[str, typer.Option("--type", metavar="text|number|date|choice", help="What its values are.")],
    choices: Annotated[
        str | None, typer.Option("--choices", metavar="A,B,...", help="The values a choice field allows.")
    ] = None,
    entity: ForOpt = "contact",
) -> None:
    """Define (or change) a field's type; the values already stored are checked and converted."""
    from minicrm import output
    from minicrm.store.people.field_types import define_field

    actx = app_ctx(ctx)
    fdef, converted = define_field(actx.session(), name, type=type_, entity=entity,
                                   choices=(choices or "").split(","), now=actx.now(),
                                   user_id=actx.user_id())  # fmt: skip
    said = (ngettext("contact field '{name}': {type}{choices}; {n} value checked",
                     "contact field '{name}': {type}{choices}; {n} values checked", converted)
            if fdef.entity == "contact" else
            ngettext("company field '{name}': {type}{choices}; {n} value checked",
                     "company field '{name}': {type}{choices}; {n} values checked", converted))  # fmt: skip
    choices = f" ({', '.join(fdef.choices)})" if fdef.choices else ""
    output.note(said.format(name=fdef.name, type=fdef.type, choices=choices, n=converted))


COLUMNS = [
    ("name", N_("Field"), 1),
    ("for", N_("For"), 1),
    ("type", N_("Type"), 1),
    ("choices", N_("Choices"), 3),
    ("values", N_("Values"), 2),
]


@app.command("list")
def list_(
    ctx: typer.Context,
    entity: Annotated[
        str | None, typer.Option("--for", metavar="contact|company", help="Only contact or company fields.")
    ] = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Custom fields: the defined ones with their type, and every other key in use (text)."""
    from minicrm import output
    from minicrm.store.people.field_types import list_fields

    rows = [f.to_json() for f in list_fields(app_ctx(ctx).session(), entity)]
    output.emit_rows(
        rows, COLUMNS, fmt, empty=_("no custom fields (define one with: minicrm field define NAME --type ...)")
    )


@app.command("remove")
def remove(ctx: typer.Context, name: NameArg, entity: ForOpt = "contact") -> None:
    """Remove a field's definition; its values stay, as text."""
    from minicrm import output
    from minicrm.store.people.field_types import remove_field

    actx = app_ctx(ctx)
    kept = remove_field(actx.session(), name, entity=entity, now=actx.now(), user_id=actx.user_id())
    said = ngettext(
        "field '{name}' is text again; {n} value kept", "field '{name}' is text again; {n} values kept", kept
    )
    output.note(said.format(name=name.strip(), n=kept))


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="field")
