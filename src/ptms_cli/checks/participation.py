"""Partners who join or leave: committee chairs and signatories against the partners' dates
(PTMS-W091, PTMS-W092). `from` <= `until` is a date rule (`checks.dates`)."""

from __future__ import annotations

from collections.abc import Iterator

from .. import participation
from ..derived import Derived
from ..findings import Problem
from ..model import Project

_COMMITTEES = (("steering_committee", "comité de pilotage"), ("technical_committee", "comité technique"))


def _fr(d) -> str:
    return d.strftime("%d/%m/%Y")


def governance(p: Project, step: int | None, d: Derived) -> Iterator[Problem]:
    """A chair who is not a partner for the whole period; a member who never takes part in it."""
    if p.governance is None or p.period is None:
        return
    by_id = {x.id: x for x in p.partners}
    for key, name in _COMMITTEES:
        c = getattr(p.governance, key)
        if c is None:
            continue
        chair = by_id.get(c.chair or "")
        if chair is not None and (participation.joins_later(p, chair) or participation.leaves_early(p, chair)):
            when = (f"ne rejoint le projet que le {_fr(chair.from_)}" if participation.joins_later(p, chair)
                    else f"quitte le projet le {_fr(chair.until)}")
            yield Problem("PTMS-W091", f"la présidence du {name} est confiée à « {chair.id} », qui {when}",
                          ("governance", key, "chair"),
                          "Confiez la présidence à un partenaire présent pendant toute la convention, ou prévoyez "
                          "par avenant qui préside avant son arrivée ou après son départ.")
        for j, m in enumerate(c.members):
            x = by_id.get(m)
            if x is not None and participation.outside_period(p, x):
                yield Problem("PTMS-W092", f"« {m} », membre du {name}, ne participe pas au projet pendant sa période",
                              ("governance", key, "members", j),
                              "Vérifiez ses dates « from » et « until », ou retirez-le du comité.")


def signatories(p: Project, step: int | None, d: Derived) -> Iterator[Problem]:
    """A signatory whose dates leave no day inside the period signs for nothing."""
    if p.period is None:
        return
    by_id = {x.id: x for x in p.partners}
    explicit = participation.explicit_signatories(p)
    for i, pid in enumerate(p.signatories()):
        x = by_id.get(pid)
        if x is None or not participation.outside_period(p, x):
            continue
        loc = ("convention", "signatories", i) if explicit else ("partners", p.partners.index(x), "roles")
        yield Problem("PTMS-W092", f"le signataire « {pid} » ne participe pas au projet pendant sa période",
                      loc, "Vérifiez ses dates « from » et « until » (elles doivent croiser la période du projet).")
