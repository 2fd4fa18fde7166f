"""The convention: every funder signs, the payment schedule adds up, signatories have a representative,
its term is the project's period (PTMS-E033, E035, E037, W042)."""

from __future__ import annotations

from collections.abc import Iterator

from ..derived import Derived
from ..findings import Problem
from ..model import Project


def signatures(p: Project, step: int | None, d: Derived) -> Iterator[Problem]:
    if p.convention is None and (step or 0) < 3:
        return
    signing = set(p.signatories())
    for i, partner in enumerate(p.partners):
        if "funder" in partner.roles and partner.id not in signing and partner.status != "declined":
            yield Problem("PTMS-E033", f"le financeur « {partner.id} » ne signe pas la convention", ("partners", i, "roles"),
                          "Tout financeur est partie à la convention : ajoutez le rôle « signatory ».")
    if p.convention and p.convention.payment_schedule:
        total = sum(x.percent for x in p.convention.payment_schedule)
        if total != 100:
            yield Problem("PTMS-E035", f"l'échéancier de versement totalise {total} % au lieu de 100 %",
                          ("convention", "payment_schedule"))


def representatives(p: Project, step: int | None, d: Derived) -> Iterator[Problem]:
    signing = set(p.signatories())
    for i, partner in enumerate(p.partners):
        if partner.id in signing and partner.status == "committed" and partner.representative is None:
            yield Problem("PTMS-W042", f"le signataire engagé « {partner.name} » n'a pas de représentant légal",
                          ("partners", i), "Renseignez « representative » (nom, qualité, décision) avant la convention.")


def term(p: Project, step: int | None, d: Derived) -> Iterator[Problem]:
    """PTMS-E037: a `duration_years` that makes the convention end elsewhere than the period."""
    from ..documents.formatting import duration_words, long_date
    from ..funding.period import convention_term, duration

    c, period = p.convention, p.period
    if c is None or period is None or not c.duration_years or period.end < period.start:
        return
    start, end = convention_term(period.start, period.end, c.start, c.duration_years)
    if end != period.end:
        yield Problem("PTMS-E037",
                      f"la convention dure {c.duration_years} an{'s' if c.duration_years > 1 else ''} : elle finirait le "
                      f"{long_date(end)}, or le projet finit le {long_date(period.end)}",
                      ("convention", "duration_years"),
                      f"Supprimez « duration_years » (la convention court alors sur toute la période, "
                      f"{duration_words(duration(start, period.end))}) ou corrigez la période (« period »).")
