"""Model licences in the newsroom: the installed packages with their licence and scores, and the
rule that output of a non-commercial model is published only where an admin allowed it."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from translations.packages import PackageInfo, forbids_commercial_use
from translations.routes import package_label
from workflow import evaluations
from workflow.db import utcnow
from workflow.errors import Conflict, InvalidInput
from workflow.models import AuditEvent, Edition, InstanceSetting, ModelEvaluation, User
from workflow.permissions import Action, require

logger = logging.getLogger(__name__)
NONCOMMERCIAL = "publish_noncommercial_output"


@dataclass(frozen=True)
class ModelLine:
    """One installed package as the Models page and ``models list`` show it."""

    package: PackageInfo
    scores: list[ModelEvaluation] = field(default_factory=list)

    @property
    def noncommercial(self) -> bool:
        """True when the package's licence forbids commercial use of its output."""
        return self.package.noncommercial

    def to_json(self) -> dict[str, object]:
        """The package's description plus its stored evaluation scores."""
        return {**self.package.to_json(), "evaluations": [
            {"source": s.source_language, "target": s.target_language, "route": s.route,
             "chrf": round(s.chrf, 2), "bleu": round(s.bleu, 2), "data": s.data,
             "sentences_per_second": round(s.sentences / s.seconds, 2) if s.seconds else None}
            for s in self.scores]}


def catalogue(session: Session, packages: Sequence[PackageInfo]) -> list[ModelLine]:
    """Each package with the newest evaluations of the routes that go through it."""
    scores = evaluations.latest(session)
    lines = []
    for package in packages:
        label = package_label(package.code, package.version)
        mine = [s for s in scores if label in s.route.partition(" via ")[2].split(", ")]
        lines.append(ModelLine(package, mine))
    return lines


@dataclass(frozen=True)
class NoncommercialSetting:
    """Whether output of non-commercial models may be published, and who decided it when."""

    allowed: bool
    changed_by: str | None = None
    changed_at: object | None = None


def noncommercial_setting(session: Session) -> NoncommercialSetting:
    """The current setting (off unless an admin turned it on)."""
    row = session.get(InstanceSetting, NONCOMMERCIAL)
    if row is None:
        return NoncommercialSetting(False)
    person = session.get(User, row.changed_by_id) if row.changed_by_id else None
    return NoncommercialSetting(bool((row.value or {}).get("allowed")),
                                person.email if person else None, row.changed_at)


def set_noncommercial(session: Session, user_id: int | None, allowed: bool, *,
                      acknowledged: bool = False) -> NoncommercialSetting:
    """An admin allows (having confirmed the newsroom may) or forbids publishing such output."""
    require(session.get(User, user_id) if user_id is not None else None, Action.ADMIN)
    if allowed and not acknowledged:
        raise InvalidInput("Confirm that this newsroom may publish the output of models whose "
                           "licence forbids commercial use.", code="licence_not_acknowledged")
    row = session.get(InstanceSetting, NONCOMMERCIAL)
    if row is None:
        row = InstanceSetting(key=NONCOMMERCIAL)
        session.add(row)
    was = bool((row.value or {}).get("allowed"))
    session.add(AuditEvent(actor_id=user_id, action="instance.noncommercial_output",
                           detail={"allowed": bool(allowed), "was": was}))
    row.value = {"allowed": bool(allowed)}
    row.changed_by_id = user_id
    row.changed_at = utcnow()
    session.flush()
    return noncommercial_setting(session)


def noncommercial_sources(edition: Edition) -> dict[str, str]:
    """Packages (code → licence) whose non-commercial licence covers a machine segment here."""
    found: dict[str, str] = {}
    for translation in edition.translations:
        if not translation.segment.active:
            continue
        for step in (translation.machine_route or {}).get("steps", []):
            licence = step.get("licence") if isinstance(step, dict) else None
            if forbids_commercial_use(licence):
                found[str(step.get("package_code"))] = str(licence)
    return found


def held_back(session: Session, edition: Edition) -> bool:
    """True if the edition's machine segments came from a non-commercial model and publishing
    such output is not allowed now (a scheduled version then waits at its embargo time)."""
    if not noncommercial_sources(edition) or noncommercial_setting(session).allowed:
        return False
    logger.warning("edition %s is held back at its embargo time: its machine segments came "
                   "from a non-commercial model and publishing such output is not allowed",
                   edition.id)
    return True


def check_publishable(session: Session, edition: Edition) -> None:
    """Conflict when the edition's machine segments came from a non-commercial model and no
    admin has allowed publishing such output on this instance."""
    found = noncommercial_sources(edition)
    if not found or noncommercial_setting(session).allowed:
        return
    names = ", ".join(f"{code} ({licence})" for code, licence in sorted(found.items()))
    raise Conflict(f"Machine segments of this edition came from {names}, whose licence forbids "
                   "commercial use. An admin can allow publishing such output on the Models "
                   "page.", code="noncommercial_model", packages=sorted(found))
