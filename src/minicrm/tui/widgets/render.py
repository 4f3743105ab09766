"""Turn service records into rich Text for tables and panes (no data access here).

Text from the data is never markup and never sends a control character to the terminal (#16): every name,
note, summary, title, tag... goes through `plain()` (a `Text` for a table cell, a Static, a Label, a list
item) or `safe()` (a string to append to a `Text` we build, or to pass as `notify(..., markup=False)`).
Textual reads a `str` given to a DataTable cell, `Static.update`, `Label`, a `Select` prompt or `notify` as
markup: only our own constant strings may go there as `str`.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions
from rich.measure import Measurement
from rich.style import StyleType
from rich.text import Text

from minicrm import display, i18n
from minicrm.cells import terminal_safe
from minicrm.i18n import _, ngettext

BAR = "█"


def safe(value: Any) -> str:
    """A value from the data as a string fit for a `Text` (never for markup): control characters, escape
    sequence starters and bidi overrides replaced by visible symbols (␛, ␇, �)."""
    return "" if value is None else terminal_safe(str(value))


def plain(value: Any, style: StyleType = "") -> Text:
    """A value from the data as plain `Text`: shown as typed (`Bob [/b]` stays `Bob [/b]`), no escapes."""
    return Text(safe(value), style=style)


def day_text(value: Any, *, today: date | None = None, overdue: bool = False) -> Text:
    """A date (or the date of a datetime) as YYYY-MM-DD; red when `overdue` and before `today`."""
    if value is None or value == "":
        return Text("")
    if isinstance(value, str):
        value = datetime.fromisoformat(value) if len(value) > 10 else date.fromisoformat(value)
    day = value.date() if isinstance(value, datetime) else value
    style = "bold red" if overdue and today is not None and day < today else ""
    return Text(display.day(day), style=style)


#: The user's number format (config `number_format`) -> (thousands separator, decimal separator). Without
#: one, amounts read `20 000.00`: grouped by spaces, which `values.money.parse_money` reads back in any format.
NUMBER_FORMATS = {"1,234.56": (",", "."), "1.234,56": (".", ","), "1 234,56": (" ", ","), "1 234.56": (" ", ".")}
DEFAULT_NUMBER_FORMAT = "1 234.56"
_separators = NUMBER_FORMATS[DEFAULT_NUMBER_FORMAT]


def set_number_format(number_format: str | None) -> None:
    """Show every amount of this process in `number_format` (one of NUMBER_FORMATS; None: the default)."""
    global _separators
    local = i18n.language() != "en"  # Russian, Ukrainian and Bulgarian write 1 234,56
    _separators = NUMBER_FORMATS.get(
        number_format or "", (" ", ",") if local else NUMBER_FORMATS[DEFAULT_NUMBER_FORMAT]
    )


def amount_text(amount: Any) -> str:
    """An amount with two decimals in the user's number format: `20 000.00`, `20.000,00`, `20,000.00`."""
    return display.number(amount, grouping=_separators)


def money(amount: Any, currency: str | None = None) -> str:
    """An amount and its currency (`20 000.00 EUR`); "" for no amount."""
    if amount is None:
        return ""
    if i18n.language() != "en" and currency:  # `1 500,50 ₽`, `1 500,50 грн`
        return display.money(amount, currency)
    text = amount_text(amount)
    return f"{text} {currency}" if currency else text


def totals_lines(totals: dict[str, Any]) -> str:
    """Totals per currency, one per line (an amount is never cut or wrapped mid-value); "—" for none."""
    return "\n".join(money(v, k) for k, v in sorted(totals.items())) or "—"


def totals_text(totals: dict[str, Any]) -> str:
    return ", ".join(money(v, k) for k, v in sorted(totals.items())) or "—"


@dataclass(frozen=True)
class Part:
    """A piece of one line: text from the data or ours (made `safe()` when drawn), its style, and whether it
    may be cut with `…` when the line is too wide (names, titles: yes; dates, amounts: never)."""

    text: str
    style: str = ""
    cut: bool = False


def fit_line(parts: Sequence[Part], width: int) -> Text:
    """One line of `parts` in `width` cells: the cuttable parts shrink (the last first), the others stay whole."""
    texts = [Text(safe(p.text), style=p.style) for p in parts]
    over = sum(t.cell_len for t in texts) - width
    for i in reversed(range(len(parts))):
        if over <= 0:
            break
        if parts[i].cut and texts[i].cell_len:
            keep = texts[i].cell_len - over
            over -= texts[i].cell_len - max(keep, 0)
            if keep >= 2:
                texts[i].truncate(keep, overflow="ellipsis")
            else:
                texts[i] = Text("…" if keep == 1 else "")
    line = Text(no_wrap=True, overflow="ellipsis", end="")
    for text in texts:
        line.append_text(text)
    line.truncate(width, overflow="ellipsis")  # what never fits (a date wider than the column) is cut last
    return line


class FitLines:
    """Lines drawn at the width they get (a deal card, a column title), each fitted by `fit_line`."""

    def __init__(self, *lines: Sequence[Part]) -> None:
        self.lines = lines

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> Iterator[Text]:
        for parts in self.lines:
            line = fit_line(parts, options.max_width)
            line.end = "\n"
            yield line

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        widest = max((sum(cell_len(safe(p.text)) for p in line) for line in self.lines), default=0)
        whole = max((cell_len(safe(p.text)) for line in self.lines for p in line if not p.cut), default=0)
        return Measurement(min(whole, options.max_width), min(widest, options.max_width))


def deal_lines(deal: dict[str, Any], *, indent: str = "  ") -> list[list[Part]]:
    """A deal of a card (`#5 Migration`, its stage and amount, its next step) as FitLines lines: the title,
    stage and step are cut to the width, the amount and the date never."""
    lines = [[Part(f"#{deal['id']} ", "bold"), Part(deal["title"], "bold", cut=True)]]
    lines.append([Part(indent), Part(deal["stage"], cut=True), Part(f" · {money(deal['amount'], deal['currency'])}")])
    if deal.get("next_step"):
        step = [Part(indent + _("next: "), "dim"), Part(deal["next_step"], "dim", cut=True)]
        if deal.get("next_step_on"):
            step.append(Part(f" · {deal['next_step_on']}", "dim"))
        lines.append(step)
    return lines


def bar(value: float, maximum: float, width: int) -> str:
    if maximum <= 0 or value <= 0:
        return ""
    return BAR * max(1, round(width * value / maximum))


class _Card:
    """The lines of a card: a label column (as wide as the longest label shown, at least 10) and the values."""

    def __init__(self) -> None:
        self.lines: list[tuple[str, str, str]] = []

    def line(self, label: str, value: Any, style: str = "") -> None:
        if value in (None, "", []):
            return
        self.lines.append((label, safe(value), style))

    def into(self, text: Text) -> None:
        width = max([10] + [cell_len(label) + 2 for label, _value, _style in self.lines])
        for label, value, style in self.lines:
            text.append(label + " " * (width - cell_len(label)), style="dim")
            text.append(f"{value}\n", style=style)


def _heading(card: dict[str, Any]) -> Text:
    text = Text()
    text.append(safe(card["name"]), style="bold")
    if card.get("archived"):
        text.append("  " + _("(archived)"), style="yellow")
    text.append("\n")
    return text


def _last(lines: _Card, card: dict[str, Any]) -> None:
    last = card.get("last_interaction_at")
    if not last:
        lines.line(_("Last"), _("never"), "dim")
        return
    try:
        shown = display.moment(datetime.fromisoformat(last))  # the user's date format, as the tables show it
    except ValueError:
        shown = last.replace("T", " ")[:16]
    lines.line(_("Last"), shown, "")


def contact_card_text(card: dict[str, Any], *, today: date) -> Text:
    """The header of a contact: who, where, how to reach, when next."""
    text = _heading(card)
    lines = _Card()
    role, company = card.get("role"), card.get("company")
    works = _("{role} at {company}").format(role=role, company=company) if role and company else role or company
    lines.line(_("Works"), works)
    lines.line(_("Status"), card.get("status"))
    lines.line(_("E-mail"), ", ".join(card.get("emails") or []))
    lines.line(_("Phone"), ", ".join(card.get("phones") or []))
    lines.line(_("Tags"), ", ".join(card.get("tags") or []))
    lines.line(_("Owner"), card.get("owner"))
    nxt = card.get("next_contact_on")
    if nxt:
        late = card.get("days_overdue") or 0
        goal = f" — {card['next_contact_goal']}" if card.get("next_contact_goal") else ""
        when = nxt + (f" {card['next_contact_time']}" if card.get("next_contact_time") else "")
        overdue = "  " + _("({late} d overdue)").format(late=late) if late else ""
        lines.line(_("Next"), f"{when}{goal}{overdue}", "bold red" if late else "")
    else:
        lines.line(_("Next"), _("not scheduled"), "dim")
    cadence = card.get("effective_cadence_days")
    if cadence:
        lines.line(_("Cadence"), ngettext("every {n} day", "every {n} days", cadence).format(n=cadence))
    _last(lines, card)
    lines.line(_("Birthday"), card.get("birthday"))
    lines.line(_("Notes"), card.get("notes"))
    lines.into(text)
    return text


def _latest(text: Text) -> None:
    text.append("\n" + _("Latest") + "\n", style="bold underline")


def contact_preview(card: dict[str, Any], *, today: date) -> Text:
    text = contact_card_text(card, today=today)
    deals = card.get("deals") or []
    if deals:
        text.append("\n" + _("Open deals") + "\n", style="bold underline")
        for d in deals:
            text.append(safe(f"  {d['title']} · {d['stage']} · {money(d['amount'], d['currency'])}\n"))
    _latest(text)
    items = card.get("interactions") or []
    if not items:
        text.append("  " + _("no interactions yet") + "\n", style="dim")
    for i in items:
        text.append(f"  {i['happened_at'][:10]} ", style="dim")
        text.append(safe(f"{i['kind']:<8} "), style="cyan")
        text.append(safe(f"{i['summary']}\n"))
    return text


def company_card_text(card: dict[str, Any]) -> Text:
    text = _heading(card)
    lines = _Card()
    lines.line(_("Industry"), card.get("industry"))
    lines.line(_("City"), ", ".join(v for v in (card.get("city"), card.get("country")) if v))
    lines.line(_("Website"), card.get("website"))
    lines.line(_("E-mail"), card.get("email"))
    lines.line(_("Phone"), card.get("phone"))
    lines.line(_("Tags"), ", ".join(card.get("tags") or []))
    lines.line(_("Owner"), card.get("owner"))
    _last(lines, card)
    lines.line(_("Notes"), card.get("notes"))
    lines.into(text)
    return text


def company_preview(card: dict[str, Any]) -> Text:
    text = company_card_text(card)
    people = len(card["people"])
    text.append("\n" + _("People ({n})").format(n=people) + "\n", style="bold underline")
    for p in card["people"][:8]:
        text.append(safe(f"  {p['name']}"), style="bold")
        text.append(safe(f"  {p['role'] or ''}\n"), style="dim")
    _latest(text)
    for i in card["interactions"]:
        text.append(f"  {i['happened_at'][:10]} ", style="dim")
        text.append(safe(f"{i['kind']:<8} "), style="cyan")
        who = i["contact"] or _("(the company)")
        text.append(safe(f"{who}: {i['summary']}\n"))
    if not card["interactions"]:
        text.append("  " + _("no interactions yet") + "\n", style="dim")
    return text
