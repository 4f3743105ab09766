"""`minicrm whois NUMBER|EMAIL`: who is calling, with their short card."""

from __future__ import annotations

import os
from typing import Annotated, Any

import typer

from minicrm.commands._common import FormatOpt, app_ctx
from minicrm.i18n import _
from minicrm.output import Format


def whois(
    ctx: typer.Context,
    query: Annotated[str, typer.Argument(help="A phone number (any format) or an e-mail address.")],
    region: Annotated[
        str | None,
        typer.Option(
            "--region", help="Region for numbers without +country (DE, GB...; env MINICRM_REGION, config key region)."
        ),
    ] = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Find the contact or company a phone number or e-mail belongs to."""
    from minicrm import output
    from minicrm.store.views.whois import lookup

    actx = app_ctx(ctx)
    from minicrm.store.views.whois import REGION_ENV

    if region is None and not os.environ.get(REGION_ENV):
        region = actx.setting("region")  # options and MINICRM_* variables win over the config file
    found = lookup(actx.session(), query, region=region)
    if output.emit_data(found, fmt, csv_rows=found["matches"]):
        return
    con = output.console()
    for match in found["matches"]:
        con.print(output.key_values(_lines(match)))
        con.print()


def _lines(m: dict[str, Any]):
    last = m["last_interaction"]
    yield (_("Contact") if m["kind"] == "contact" else _("Company"), f"{m['name']}  (#{m['id']})")
    if m["kind"] == "contact":
        yield (_("Company"), m["company"])
        yield (_("Role"), m.get("role"))
        yield (_("Status"), m.get("status"))
    yield (_("Phone"), ", ".join(m["phones"]))
    yield (_("E-mail"), ", ".join(m["emails"]))
    if last:
        yield (_("Last"), f"{last['happened_at'][:16].replace('T', ' ')} {last['kind']}: {last['summary']}")
    if m.get("next_contact_on"):
        goal = f" — {m['next_contact_goal']}" if m.get("next_contact_goal") else ""
        yield (_("Next"), f"{m['next_contact_on']}{goal}")
    for d in m["open_deals"]:
        yield (_("Deal"), f"#{d['id']} {d['title']} ({d['stage']}, {d['amount']} {d['currency']})")
    for r in m["open_requests"]:
        yield (_("Request"), f"#{r['id']} {r['subject']} ({r['status']}, {r['priority']})")


def register(app: typer.Typer) -> None:
    app.command("whois")(whois)
