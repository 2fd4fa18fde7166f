"""Posts: continuations (PTMS-E090, PTMS-W090) and the mediators' capacity against the promised presence (PTMS-W051).

The staffing facts (FTE per year, mediators, capacity) come from `ptms_cli.staffing` through the
run's `Derived`; an unknown `continues` id is a broken reference (PTMS-E021, `checks.references`).
Other rules on posts (contract maxima, declined partners…) live in their own families.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

from .. import staffing
from ..derived import Derived
from ..findings import Problem
from ..frformat import number
from ..model import Project

# A continuation should start within a month of the end of the post it continues (a short gap or
# overlap between two contracts of the same people is normal; more is probably a date typo).
CONTINUATION_TOLERANCE = timedelta(days=31)


def _fr_date(d) -> str:
    return d.strftime("%d/%m/%Y")


def continuations(p: Project, step: int | None, d: Derived) -> Iterator[Problem]:
    if p.service is None:
        return
    posts = {x.id: x for x in p.service.posts}
    in_cycle = set(staffing.cycles(p.service.posts))
    for i, post in enumerate(p.service.posts):
        if not post.continues or post.continues not in posts:
            continue
        loc = ("service", "posts", i, "continues")
        if post.continues == post.id:
            yield Problem("PTMS-E090", f"le poste « {post.id} » se prolonge lui-même", loc,
                          "Indiquez dans « continues » l'identifiant du poste précédent occupé par les mêmes personnes, ou retirez la clé.")
            continue
        if post.id in in_cycle:
            yield Problem("PTMS-E090", f"le poste « {post.id} » fait partie d'une boucle de prolongations", loc,
                          "Une suite de postes va du plus ancien au plus récent : retirez « continues » du premier poste de la chaîne.")
            continue
        before = posts[post.continues]
        if post.start is None:
            yield Problem("PTMS-W090", f"le poste « {post.id} » prolonge « {before.id} » sans date de début", loc,
                          f"Sans « start », il remplace « {before.id} » dès le début du projet : indiquez la date à laquelle les mêmes personnes changent de contrat.")
        elif before.end is not None and abs((before.end + timedelta(days=1)) - post.start) > CONTINUATION_TOLERANCE:
            gap = (post.start - before.end).days - 1
            where = (f"{gap} jours après la fin" if gap > 0 else f"{-gap} jours avant la fin")
            yield Problem("PTMS-W090",
                          f"le poste « {post.id} » commence le {_fr_date(post.start)}, {where} du poste qu'il prolonge "
                          f"(« {before.id} », fin le {_fr_date(before.end)})",
                          ("service", "posts", i, "start"),
                          "Une prolongation reprend les mêmes personnes : elle commence le lendemain de la fin du poste "
                          "prolongé (à un mois près). Sinon, corrigez les dates ou retirez « continues ».")


def capacity(p: Project, step: int | None, d: Derived) -> Iterator[Problem]:
    if p.service is None or not p.service.sectors:
        return
    breaches = staffing.capacity(p, d.staffing)
    if not breaches:
        return
    limit = number(staffing.FIELD_HOURS_PER_FTE, 2)
    parts = []
    for b in breaches:
        presence = number(b.presence, 1).removesuffix(",0")
        fte = number(b.mediators, 1).removesuffix(",0")
        if b.per_fte is None:
            parts.append(f"en {b.year.label} : {presence} h de présence sans aucun ETP de médiateur")
        else:
            parts.append(f"en {b.year.label} : {presence} h de présence pour {fte} ETP de médiateurs, "
                         f"soit {number(b.per_fte, 1).removesuffix(',0')} h par ETP, au-delà de {limit} h")
    yield Problem("PTMS-W051", "présence promise supérieure à la capacité des médiateurs " + " ; ".join(parts),
                  ("service", "sectors"),
                  f"Un ETP de médiateur assure au plus {limit} h de présence par semaine (75 % de 35 h : le reste "
                  "couvre congés, réunions d'équipe, formation et bilans). Réduisez les heures des secteurs ou "
                  "ajoutez des postes pour ces années.", key=True)
