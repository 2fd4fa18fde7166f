"""The technical committee is consultative (PTMS-W105): the convention states that it prepares the
steering committee's work, gives opinions and votes on nothing (`templates/src/_comite-regles.md`), so
a decision rule given to it contradicts the document the partners sign."""

from __future__ import annotations

from collections.abc import Iterator

from .. import referential
from ..derived import Derived
from ..findings import Problem
from ..model import Project


def technical_committee(p: Project, step: int | None, d: Derived) -> Iterator[Problem]:
    g = p.governance
    t = g.technical_committee if g else None
    if t is None or not t.decision_rule:
        return
    yield Problem("PTMS-W105", f"le comité technique a une règle de décision (« {referential.label('decision_rules', t.decision_rule)} »), "
                  "alors que la convention le dit consultatif : il ne vote pas",
                  ("governance", "technical_committee", "decision_rule"),
                  "Retirez « decision_rule » du comité technique : il prépare et propose, le comité de pilotage "
                  "décide (ou un avenant).", key=True)
