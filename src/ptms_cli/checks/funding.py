"""Funding: the facts of the funding plan as findings (PTMS-E030, E036, W030, W031, W032).

The engine (`ptms_cli.funding`) computes the plan and its facts (`allocation_issues`,
`imbalances`, `ending_aids`, `jumps`); `plan_problems` words them, in that order.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from ..derived import Derived
from ..findings import Problem
from ..frformat import money, percent
from ..funding.engine import AllocationIssue, ContributionJump, EndingAid, FundingPlan, YearImbalance, fte_text, months_text
from ..model import Project

_ALLOCATION = {  # kind -> (message, hint); {partner}, {year}, {amount}, {detail} filled in
    "no_partner": ("la clé de répartition ne désigne aucun partenaire",
                   "Listez dans « funding.allocation.partners » les partenaires qui se partagent le reste."),
    "duplicate": ("partenaire « {partner} » en double dans la clé de répartition", "Chaque partenaire figure une seule fois."),
    "missing_weight": ("partenaire « {partner} » : pourcentage manquant",
                       "Avec la clé « percentages », chaque partenaire a un « weight »."),
    "percent_total": ("les pourcentages de la clé de répartition totalisent {amount} % au lieu de 100 %",
                      "Corrigez les « weight » pour que leur somme fasse 100."),
    "no_population": ("partenaire « {partner} » : population inconnue pour la clé « population »",
                      "Renseignez « population » pour ce partenaire."),
    "no_attribute": ("partenaire « {partner} » : {label} inconnu(e) pour la clé de répartition",
                     "Renseignez « {key} » pour ce partenaire (ou « weight_by_year » dans la clé)."),
    "unknown_attribute": ("la clé « attribute » désigne un attribut non déclaré : « {detail} »",
                          "Déclarez-le dans « funding.allocation.attributes » (identifiant: libellé) et donnez sa valeur "
                          "à chaque partenaire (« attributes »)."),
    "no_method": ("la clé de répartition n'a ni méthode (« method ») ni groupes (« groups »)",
                  "Indiquez « method » et « partners », ou des « groups » avec chacun sa clé."),
    "groups_and_key": ("la clé de répartition a à la fois des groupes et une méthode ou des partenaires propres",
                       "Avec « groups », placez chaque partenaire dans un groupe et retirez « method » et « partners »."),
    "group_no_share": ("le groupe « {detail} » n'a ni pourcentage ni montant",
                       "Indiquez sa part du reste (« percent ») ou ses montants par année (« amounts »)."),
    "group_percent_total": ("{when}les parts des groupes totalisent {amount} % au lieu de 100 %",
                            "Corrigez « percent » (ou « percent_by_year ») des groupes pour que leur somme fasse 100."),
    "groups_over": ("en {year}, les montants fixes des groupes dépassent de {amount} le reste à financer",
                    "Réduisez les « amounts » des groupes de cette année."),
    "groups_short": ("en {year}, {amount} restent à répartir : aucun groupe en pourcentage ne les prend",
                     "Donnez un « percent » à au moins un groupe, ou ajustez les montants fixes."),
    "no_hours": ("partenaire « {partner} » : aucune heure de service achetée dans ses secteurs",
                 "Indiquez ses « sectors » (secteurs du service), ou des besoins avec des secteurs couverts par le service."),
    "no_weight": ("la clé de répartition n'a aucun poids positif", ""),
    "negative_remainder": ("en {year}, les ressources et contributions fixes dépassent le coût de {amount} : rien à répartir",
                           "Réduisez des contributions fixes ou des ressources de cette année, ou complétez le budget."),
    "nobody_present": ("en {year}, aucun partenaire de la clé de répartition ne participe au projet pendant une partie "
                       "de l'année : {amount} restent à répartir",
                       "Ajoutez à la clé un partenaire présent sur toute la période, ou corrigez les dates « from » / « until »."),
    "impossible": ("en {year}, répartition impossible : {detail}", ""),
}


def allocation_problem(issue: AllocationIssue) -> Problem:
    """PTMS-E036: the allocation key cannot share the remainder."""
    message, hint = _ALLOCATION[issue.kind]
    amount = ""
    if issue.amount is not None:
        amount = fte_text(issue.amount) if issue.kind in ("percent_total", "group_percent_total") else money(issue.amount)
    label, _, key = issue.detail.partition("|")
    fill = {"when": f"en {issue.year}, " if issue.year else "", "partner": issue.partner, "year": issue.year, "amount": amount, "detail": issue.detail, "label": label,
            "key": f"attributes.{key}" if key and key not in ("population", "qpv_population", "housing_units") else key}
    return Problem("PTMS-E036", message.format(**fill), issue.loc, hint.format(**fill))


def imbalance_problem(x: YearImbalance) -> Problem:
    """Without an allocation key: a shortfall is W030 (E030 once the project has a convention), an excess E030."""
    amounts = f"(coût {money(x.cost)}, financements {money(x.funded)})"
    if x.balance > 0:
        return Problem("PTMS-E030" if x.signed else "PTMS-W030", f"en {x.year}, reste à financer : {money(x.balance)} {amounts}",
                       x.loc, "Ajoutez des contributions (« funding.contributions ») ou une clé de répartition du reste "
                       "(« funding.allocation »).", key=True)
    return Problem("PTMS-E030", f"en {x.year}, les financements dépassent le coût de {money(-x.balance)} {amounts}",
                   x.loc, "Chaque année, ressources et contributions doivent égaler exactement le coût.", key=True)


def ending_aid_problem(x: EndingAid) -> Problem:
    """PTMS-W031: subsidised posts whose aid ends before the project does (amount: `funding.engine.ending_aids`)."""
    noun = ("poste adulte-relais", "postes adultes-relais") if x.contract == "adulte_relais" else ("poste PEC", "postes PEC")
    what = f"d'un {noun[0]}" if x.count == 1 else f"de {x.count} {noun[1]}"
    return Problem("PTMS-W031", f"en {x.year}, fin {what} : {money(x.amount)} à couvrir", x.loc,
                   "Montant : l'aide d'une année pleine de ces postes, qui manquera dès l'année suivante. "
                   "Prévoyez le renouvellement de la convention, la pérennisation des postes ou d'autres financements.")


def jump_problem(x: ContributionJump) -> Problem:
    """PTMS-W032: a partner's contribution changes by more than `funding.jump_threshold` in a year."""
    sign = "+" if x.change > 0 else "−"
    amounts = f"de {money(x.before)} à {money(x.after)}"
    if x.months_from != 12 or x.months_to != 12:  # a year partly in the period or with the partner
        amounts = (f"de {money(x.before)} sur {months_text(x.months_from)} à {money(x.after)} sur "
                   f"{months_text(x.months_to)}, par mois de présence")
    return Problem("PTMS-W032",
                   f"contribution de « {x.partner} » : {sign}{percent(abs(x.change))} "
                   f"entre {x.year_from} et {x.year_to} ({amounts})",
                   x.loc,
                   f"Au-delà du seuil de {percent(x.threshold, 0)} "
                   "(« funding.jump_threshold ») : lissez la contribution ou prévenez le partenaire.")


def plan_problems(plan: FundingPlan) -> list[Problem]:
    """Every finding of the plan, in the order `ptms funding` shows them."""
    return ([allocation_problem(x) for x in plan.allocation_issues] + [imbalance_problem(x) for x in plan.imbalances]
            + [ending_aid_problem(x) for x in plan.ending_aids] + [jump_problem(x) for x in plan.jumps])


def funding(project: Project, step: int | None, d: Derived) -> Iterator[Problem]:
    """The plan's problems; with `--step 3` a shortfall is an error."""
    if project.budget is None and project.funding is None:
        return
    for pb in plan_problems(d.plan):
        yield replace(pb, code="PTMS-E030") if (step or 0) >= 3 and pb.code == "PTMS-W030" else pb
