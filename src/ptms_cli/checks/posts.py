"""Subsidised posts: PEC and adultes-relais as the law frames them (PTMS-E070, E071, W072, W073).

The legal maxima are dated parameters with their source (`data/parameters.yaml`: `pec_max_months`,
`adulte_relais_max_months`), read through the funding engine's one reader of that file. The
adultes-relais convention's length itself is checked with the other dates (PTMS-E034,
`checks.dates`), from the same parameter (`adulte_relais_max_end`).
"""

from __future__ import annotations

import calendar
from collections.abc import Iterator
from datetime import date, timedelta

from ..derived import Derived
from ..findings import Problem
from ..frformat import quantity
from ..funding.engine import DEFAULT_PEC_HOURS, default_parameters, in_force
from ..model import Project
from ..model.service import Post

# Hours a week of one full-time post (FTE 1): the model bounds `aid_hours_per_week` by the same 35.
FULL_TIME_HOURS = 35


def max_months(name: str, on: date) -> int:
    """The legal maximum (`pec_max_months`, `adulte_relais_max_months`) in force on a date."""
    return int(in_force(default_parameters()[name], on))


def add_months(d: date, n: int) -> date:
    """The same day `n` months later (the month's last day when it is shorter)."""
    i = d.year * 12 + d.month - 1 + n
    year, month = divmod(i, 12)
    return date(year, month + 1, min(d.day, calendar.monthrange(year, month + 1)[1]))


def latest_end(start: date, months: int) -> date:
    """Last day of a contract of `months` months starting on `start` (2026-01-01, 24 -> 2027-12-31)."""
    return add_months(start, months) - timedelta(days=1)


def adulte_relais_max_end(start: date) -> date:
    """Last day of an adultes-relais convention starting on `start` (3 years, renewable)."""
    return latest_end(start, max_months("adulte_relais_max_months", start))


def short_date(d: date) -> str:
    return d.strftime("%d/%m/%Y")


def posts(p: Project, step: int | None, d: Derived) -> Iterator[Problem]:
    if p.service is None:
        return
    qpv = {s.id for s in p.territory.sectors if s.qpv}
    by_id = {post.id: post for post in p.service.posts}
    for i, post in enumerate(p.service.posts):
        loc = ("service", "posts", i)
        if post.contract == "pec":
            yield from _pec(p, post, loc, by_id)
        elif post.contract == "adulte_relais" and post.sectors and not qpv.intersection(post.sectors):
            yield Problem(
                "PTMS-W073",
                f"poste adulte-relais « {post.id} » : aucun de ses secteurs ({', '.join(post.sectors)}) n'est en quartier prioritaire",
                loc + ("sectors",),
                "Un poste adulte-relais s'exerce dans ou pour un quartier prioritaire (code du travail L5134-100 s.) : "
                "affectez-le à un secteur marqué « qpv: true » ou justifiez le lien avec un QPV.",
            )


def _pec(p: Project, post: Post, loc: tuple, by_id: dict[str, Post]) -> Iterator[Problem]:
    if post.aid_rate is None:
        yield Problem(
            "PTMS-E070",
            f"poste PEC « {post.id} » sans taux d'aide : son aide de l'État est comptée 0 € "
            "mais sa fin est annoncée comme une perte de financement",
            loc + ("contract",),
            "Indiquez « aid_rate », le taux fixé par arrêté du préfet de région (entre 0,30 et 0,60), "
            "ou changez le type de contrat si le poste n'est pas aidé.",
        )
    hours = post.aid_hours_per_week or DEFAULT_PEC_HOURS
    worked = post.fte * FULL_TIME_HOURS
    if hours > worked and (post.aid_rate is not None or post.aid_hours_per_week is not None):
        given = post.aid_hours_per_week is not None
        yield Problem(
            "PTMS-E071",
            f"poste PEC « {post.id} » : aide calculée sur {hours} h par semaine"
            f"{'' if given else ' (valeur par défaut)'} pour {quantity(worked.normalize())} h travaillées "
            f"({quantity(post.fte.normalize())} ETP × {FULL_TIME_HOURS} h)",
            loc + (("aid_hours_per_week",) if given else ("fte",)),
            "L'aide PEC porte au plus sur les heures réellement travaillées : "
            f"indiquez « aid_hours_per_week » au plus égal à {quantity(worked.normalize())} ou corrigez l'ETP.",
        )
    start, end, chain = _pec_span(p, post, by_id)
    if start is None or end is None:
        return
    months = max_months("pec_max_months", start)
    if end > latest_end(start, months):
        since = f", prolongations comprises depuis le {short_date(start)} (postes {', '.join(chain)})" if len(chain) > 1 else ""
        yield Problem(
            "PTMS-W072",
            f"poste PEC « {post.id} » : le contrat aidé court jusqu'au {short_date(end)}, au-delà de {months} mois{since}",
            loc + (("end",) if post.end else ()),
            f"Une convention individuelle PEC dure au plus {months} mois, prolongations comprises (code du travail "
            "L5134-23), sauf exceptions de l'article L5134-23-1 : raccourcissez le poste ou "
            "prévoyez la suite avec un autre contrat (« continues »).",
        )


def _pec_span(p: Project, post: Post, by_id: dict[str, Post]) -> tuple[date | None, date | None, list[str]]:
    """Start and end of the PEC, the PEC posts it prolongs included (`continues`); open dates are the
    project's (the funding engine counts the aid over the whole period then)."""
    period = p.period
    end = post.end or (period.end if period else None)
    chain = [post.id]
    first = post
    while first.continues and (prev := by_id.get(first.continues)) is not None and prev.contract == "pec" \
            and prev.id not in chain:
        chain.append(prev.id)
        first = prev
    start = first.start or (period.start if period else None)
    return start, end, list(reversed(chain))


__all__ = ["FULL_TIME_HOURS", "short_date", "add_months", "adulte_relais_max_end", "latest_end", "max_months", "posts"]
