"""Dates: the project, the contrat de ville, subsidised posts and the convention (PTMS-E034); a
partner's participation (`from` / `until`) inside the period, and its fixed contributions inside its
participation (PTMS-E038)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from ..derived import Derived
from ..findings import Problem
from ..model import Project
from .posts import adulte_relais_max_end


def dates(p: Project, step: int | None, d: Derived) -> Iterator[Problem]:
    if p.period and p.period.end <= p.period.start:
        yield Problem("PTMS-E034", "la fin du projet précède son début", ("period", "end"))
    cdv = p.contrat_de_ville
    if cdv and cdv.start_year and cdv.end_year and cdv.end_year < cdv.start_year:
        yield Problem("PTMS-E034", "le contrat de ville finit avant de commencer", ("contrat_de_ville", "end_year"))
    if p.service:
        for i, post in enumerate(p.service.posts):
            loc = ("service", "posts", i)
            if post.start and post.end and post.end <= post.start:
                yield Problem("PTMS-E034", f"poste « {post.id} » : la fin précède le début", loc + ("end",))
            if post.contract == "adulte_relais":
                if not (post.start and post.end):
                    yield Problem("PTMS-E034", f"poste adulte-relais « {post.id} » : dates de la convention d'aide manquantes",
                                  loc, "Indiquez « start » et « end » de la convention (3 ans, renouvelable).")
                elif post.end > adulte_relais_max_end(post.start):
                    yield Problem("PTMS-E034", f"poste adulte-relais « {post.id} » : une convention adulte-relais dure au plus 3 ans",
                                  loc + ("end",), "Au-delà, déclarez un renouvellement comme un nouveau poste.")
            if post.contract == "pec":
                if post.aid_rate is not None and not (0.3 <= float(post.aid_rate) <= 0.6):
                    yield Problem("PTMS-E034", f"poste PEC « {post.id} » : le taux d'aide doit être entre 0,30 et 0,60",
                                  loc + ("aid_rate",))
                if not post.end:
                    yield Problem("PTMS-E034", f"poste PEC « {post.id} » : date de fin du contrat aidé manquante",
                                  loc, "Un PEC dure de 9 à 12 mois, renouvelable : indiquez « end ».")
    if p.convention and p.convention.start and p.period:
        if not (p.period.start <= p.convention.start <= p.period.end):
            yield Problem("PTMS-E034", "la convention prend effet hors de la période du projet", ("convention", "start"))


def _add_years(d: date, n: int) -> date:
    try:
        return d.replace(year=d.year + n)
    except ValueError:  # 29 February
        return d.replace(year=d.year + n, day=28)


def participation(p: Project, step: int | None, d: Derived) -> Iterator[Problem]:
    """PTMS-E038: a partner's `from` / `until` outside the period or in the wrong order; a fixed
    contribution given for a year in which the partner does not take part."""
    period = p.period
    absent: set[str] = set()
    for i, partner in enumerate(p.partners):
        lo, hi = partner.from_, partner.until
        if lo is None and hi is None:
            continue
        loc = ("partners", i)
        if lo and hi and hi < lo:
            yield Problem("PTMS-E038", f"partenaire « {partner.id} » : sa sortie (« until ») précède son entrée (« from »)",
                          loc + ("until",), "Corrigez l'une des deux dates.")
            absent.add(partner.id)
            continue
        if period is None:
            continue
        for key, value in (("from", lo), ("until", hi)):
            if value and not (period.start <= value <= period.end):
                yield Problem("PTMS-E038", f"partenaire « {partner.id} » : la date « {key} » est hors de la période du projet",
                              loc + (key,), "Une participation commence et finit pendant la période (« period »).")
    if period is None or p.funding is None:
        return
    from ..funding import presence

    for i, c in enumerate(p.funding.contributions):
        if c.partner in absent:
            continue
        for y in c.amounts:
            lo, hi = max(period.start, date(y, 1, 1)), min(period.end, date(y, 12, 31))
            if lo <= hi and c.amounts[y] and presence(p, c.partner, lo, hi) == 0:
                yield Problem("PTMS-E038", f"contribution de « {c.partner} » en {y} : le partenaire ne participe pas au projet "
                              "cette année-là", ("funding", "contributions", i, "amounts", y),
                              "Retirez ce montant ou corrigez ses dates de participation (« from », « until »).", key=True)
