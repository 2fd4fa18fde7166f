"""Dates: the project, the contrat de ville, subsidised posts and the convention (PTMS-E034)."""

from __future__ import annotations

from collections.abc import Iterator

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

