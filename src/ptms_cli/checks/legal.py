"""The convention's legal consistency (PTMS-W100 to W104): set-up against the data, the operator's bank
details, the SIEG de minimis ceiling, a governance without conflict of interest, representatives who are
people. Facts (set-up, public aid, thresholds) come from `legalfacts`."""

from __future__ import annotations

import re
from collections.abc import Iterator

from .. import legalfacts
from ..derived import Derived
from ..findings import Problem
from ..frformat import money
from ..model import Project

# Words of a selection by competition: the partners bought a service (public contract), not a project.
_COMPETITION = re.compile(r"appel (?:à projets?|d'offres?)|march[ée] public|mise en concurrence|consultation", re.I)
# A representative's « name » that is a title (« M. le préfet… », « Madame la maire »).
_TITLE_AS_NAME = re.compile(r"^(?:M\.|Mme|Monsieur|Madame)\s+(?:le|la|l')\b", re.I)


def setup(p: Project, step: int | None, d: Derived) -> Iterator[Problem]:
    if p.service is None or p.convention is None:
        return
    chosen = legalfacts.setup(p)
    kind = legalfacts.operator_kind(p)
    public = kind in legalfacts.kinds("public_operator_kinds")
    loc = ("convention", "legal_setup") if p.convention.legal_setup else ("service", "operator")
    if chosen == "subsidy":
        if public:
            yield Problem("PTMS-W100", "montage « subvention » alors que l'opérateur est une collectivité", loc,
                          "Une collectivité qui exploite le service avec ses agents est en régie : "
                          "« convention.legal_setup: regie ».")
        text = " ".join(x for x in (p.service.selection, p.service.legal_form) if x)
        m = _COMPETITION.search(text)
        if m:
            where = ("service", "selection") if p.service.selection and _COMPETITION.search(p.service.selection) \
                else ("service", "legal_form")
            yield Problem("PTMS-W100", f"montage « subvention » alors que l'opérateur a été choisi par « {m.group(0)} »",
                          where, "Une subvention finance un projet initié par l'opérateur ; si les partenaires ont défini "
                          "le service et choisi un prestataire, c'est un marché public (« public_contract »).")
    elif chosen == "regie" and not public:
        yield Problem("PTMS-W100", "montage « régie » alors que l'opérateur n'est pas une collectivité", loc,
                      "La régie suppose que l'opérateur soit une commune, un EPCI ou un département partie à la convention.")
    elif chosen == "public_contract" and public:
        yield Problem("PTMS-W100", "montage « marché public » alors que l'opérateur est une collectivité partie", loc,
                      "Une partie ne peut être le titulaire du marché qu'elle passe : choisissez « regie ».")


def bank_details(p: Project, step: int | None, d: Derived) -> Iterator[Problem]:
    if p.service is None or p.convention is None or (step is not None and step < 3):
        return
    if legalfacts.setup(p) == "subsidy" and p.convention.bank_account is None:
        yield Problem("PTMS-W101", "coordonnées bancaires de l'opérateur manquantes", ("convention",),
                      "Renseignez « convention.bank_account » (titulaire, IBAN, BIC) : la convention affiche "
                      "« [à compléter] » à leur place.")


def sieg_ceiling(p: Project, step: int | None, d: Derived) -> Iterator[Problem]:
    if p.service is None or p.funding is None or legalfacts.setup(p) != "subsidy":
        return
    if p.convention and p.convention.sieg_mandate:
        return
    on = legalfacts.reference_date(p)
    ceiling = legalfacts.threshold("sieg_de_minimis", on)
    total, years = legalfacts.public_aid(p, d).max_three_years()
    if total > ceiling:
        yield Problem("PTMS-W102", f"aides publiques de {money(total)} sur trois ans ({years[0]}-{years[-1]}), "
                      f"au-delà du plafond de minimis SIEG de {money(ceiling)}", ("funding",),
                      f"Au-delà ({legalfacts.threshold_source('sieg_de_minimis')}), la convention doit valoir mandat "
                      "(décision 2012/21/UE) : après avis juridique, « convention.sieg_mandate: true » ajoute la clause.",
                      key=True)


def governance(p: Project, step: int | None, d: Derived) -> Iterator[Problem]:
    g = p.governance
    if g is None:
        return
    c = g.steering_committee
    base = ("governance", "steering_committee")
    operator = p.service.operator if p.service else None
    if operator and operator in c.members and c.operator_votes:
        yield Problem("PTMS-W103", "l'opérateur a voix délibérative au comité de pilotage, qui décide de son budget",
                      base + ("operator_votes",), "L'opérateur siège avec voix consultative (« operator_votes: false »).")
    if c.budget_decided_by == "members":
        signing = set(p.signatories())
        for i, m in enumerate(c.members):
            if m not in signing:
                yield Problem("PTMS-W103", f"« {m} », qui ne signe pas la convention, décide du budget",
                              base + ("members", i), "Seuls les financeurs signataires décident du budget : "
                              "« budget_decided_by: funders ».")


def representatives(p: Project, step: int | None, d: Derived) -> Iterator[Problem]:
    signing = set(p.signatories())
    for i, x in enumerate(p.partners):
        r = x.representative
        if x.id in signing and r is not None and _TITLE_AS_NAME.match(r.name):
            yield Problem("PTMS-W104", f"le représentant de « {x.id} » est désigné par un titre (« {r.name} »)",
                          ("partners", i, "representative", "name"),
                          "Indiquez le nom de la personne qui signe (ex. « Mme Camille Roussel ») et sa qualité dans « title ».")
