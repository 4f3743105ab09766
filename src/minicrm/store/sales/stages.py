"""The pipeline's stages: their order, names, default probabilities and outcomes (open, won, lost)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from minicrm.errors import BadInput, Conflict
from minicrm.i18n import _
from minicrm.store.core.db import Session
from minicrm.store.core.text import fold

# -- stages -----------------------------------------------------------------------------------


@dataclass
class Stage:
    id: int
    name: str
    position: int
    probability: int
    outcome: str

    def to_json(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in ("id", "name", "position", "probability", "outcome")}


def list_stages(session: Session) -> list[Stage]:
    return [
        Stage(r["id"], r["name"], r["position"], r["probability"], r["outcome"])
        for r in session.all("SELECT * FROM pipeline_stage ORDER BY position, id")
    ]


def stage_by_name(session: Session, name: str) -> Stage:
    key = fold(name)
    for stage in list_stages(session):
        if fold(stage.name) == key:
            return stage
    names = ", ".join(s.name for s in list_stages(session))
    raise BadInput(_("unknown stage '{name}' (one of: {names})").format(name=name, names=names))


def check_probability(value: int | None) -> int | None:
    if value is not None and not 0 <= value <= 100:
        raise BadInput(_("invalid probability {value} (0 to 100)").format(value=value))
    return value


def add_stage(session: Session, name: str, *, probability: int, before: str | None = None) -> Stage:
    """A new open stage, placed before `before` (default: before the first closed stage)."""
    name = " ".join(name.split())
    if not name:
        raise BadInput(_("a stage needs a name"))
    check_probability(probability)
    with session.write():
        if any(fold(s.name) == fold(name) for s in list_stages(session)):
            raise Conflict(_("a stage named '{name}' already exists").format(name=name))
        stages = list_stages(session)
        if before:
            at = stage_by_name(session, before).position
        else:
            at = min((s.position for s in stages if s.outcome != "open"), default=len(stages))
        session.execute("UPDATE pipeline_stage SET position = position + 1 WHERE position >= ?", (at,))
        session.execute(
            "INSERT INTO pipeline_stage (name, position, probability, outcome) VALUES (?, ?, ?, 'open')",
            (name, at, probability),
        )
    return stage_by_name(session, name)


def rename_stage(session: Session, old: str, new: str) -> None:
    new = " ".join(new.split())
    if not new:
        raise BadInput(_("a stage needs a name"))
    with session.write():
        stage = stage_by_name(session, old)
        if any(fold(s.name) == fold(new) and s.id != stage.id for s in list_stages(session)):
            raise Conflict(_("a stage named '{name}' already exists").format(name=new))
        session.execute("UPDATE pipeline_stage SET name = ? WHERE id = ?", (new, stage.id))


def set_stage_probability(session: Session, name: str, probability: int) -> None:
    check_probability(probability)
    with session.write():
        session.execute(
            "UPDATE pipeline_stage SET probability = ? WHERE id = ?", (probability, stage_by_name(session, name).id)
        )


def reorder_stages(session: Session, names: list[str]) -> None:
    """Give the open stages a new order; won and lost stay last."""
    with session.write():
        stages = list_stages(session)
        open_stages = [s for s in stages if s.outcome == "open"]
        chosen = [stage_by_name(session, n) for n in names]
        if sorted(s.id for s in chosen) != sorted(s.id for s in open_stages):
            raise BadInput(
                _("reorder needs every open stage exactly once: {stages}").format(
                    stages=", ".join(s.name for s in open_stages)
                )
            )
        closed = [s for s in stages if s.outcome != "open"]
        for position, stage in enumerate([*chosen, *closed]):
            session.execute("UPDATE pipeline_stage SET position = ? WHERE id = ?", (position, stage.id))
