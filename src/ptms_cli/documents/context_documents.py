"""Context of the documents that convince (cahier, dossier, letters): what `context.build_context`
adds for them, already written as French sentences.

- `pictures`: text alternative (accessibility) and caption of each picture;
- `letter_extras`: a partner's letter of intent (addressee, salutation, objectives it takes part in,
  commitments by role) or the lead's invitation letter.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from .. import referential
from ..model import Project
from ..model.service import DEFAULT_SELECTION_CRITERIA
from .formatting import in_sentence, label_list

# --- pictures -------------------------------------------------------------------------------------

def pictures(ctx: dict[str, Any]) -> dict[str, dict[str, str]]:
    """{picture name: {alt, caption}} — the text alternative says what the picture shows, in words."""
    cov = ctx.get("coverage") or {}
    summary = cov.get("summary_text") or {}
    out: dict[str, dict[str, str]] = {}
    before = summary.get("before", "")
    after = summary.get("after", "")
    out["coverage"] = {
        "caption": "Couverture des besoins par champ d'intervention et par secteur, sans et avec le projet"
        if ctx.get("service") else "Couverture actuelle des besoins par champ d'intervention et par secteur",
        "alt": "Matrice de couverture des besoins (champs d'intervention en lignes, secteurs en colonnes). "
        + (f"Sans projet territorial : {before}." if before else "")
        + (f" Avec le service mutualisé : {after}." if after and ctx.get("service") else ""),
    }
    out["coverage_before"] = {
        "caption": "Couverture actuelle des besoins par champ d'intervention et par secteur",
        "alt": "Matrice de couverture actuelle des besoins (champs d'intervention en lignes, secteurs en "
        f"colonnes). {before}." if before else "Matrice de couverture actuelle des besoins.",
    }
    funding = ctx.get("funding") or {}
    parts = []
    for row in funding.get("partners", []):
        shares = ", ".join(f"{s} en {y}" for y, s in zip(funding.get("years", []), row.get("shares", []), strict=False))
        parts.append(f"{row['partner'] or row['name']} : {shares}")
    out["contributions"] = {
        "caption": "Contributions des partenaires par année",
        "alt": "Histogramme des contributions des partenaires par année. Part de chaque partenaire dans le "
        "coût du service : " + " ; ".join(parts) + "." if parts else "Histogramme des contributions des partenaires.",
    }
    return out


# --- letters --------------------------------------------------------------------------------------

_VOWEL = re.compile(r"^[aeiouyàâéèêëîïôöûüh]", re.IGNORECASE)


def civility_of(name: str) -> str:
    """« madame » / « monsieur » read from a name written « Mme Hélène Masson » / « M. Philippe Garnier »."""
    m = re.match(r"\s*(M\.|Monsieur|Mme|Madame)(?:\s|\u00a0)", name or "")
    if not m:
        return ""
    return "monsieur" if m.group(1) in ("M.", "Monsieur") else "madame"


# what follows the office in a title is left out of the appellation: « Vice-président chargé de la
# prévention » -> « Monsieur le Vice-président », « préfète déléguée pour l'égalité des chances » -> « Madame la Préfète »
_TITLE_TAIL = re.compile(r",|\s(?:chargée?|en charge|déléguée?|adjointe? (?:au|à|aux|en)|de la|du|des|de l')\s")


def appellation(representative: Any) -> str:
    """« Monsieur le Président », « Madame la Maire », « Madame, Monsieur » (no civility or no title)."""
    if not representative:
        return "Madame, Monsieur"
    civility = representative.get("civility") or civility_of(representative.get("name", ""))
    title = representative.get("title") or ""
    if civility not in ("madame", "monsieur"):
        return "Madame, Monsieur"
    word = "Madame" if civility == "madame" else "Monsieur"
    if not title.strip():
        return word
    title = _TITLE_TAIL.split(title.strip(), maxsplit=1)[0].strip() or title.strip()  # « Vice-président »
    title = title[0].upper() + title[1:]
    article = "l'" if _VOWEL.match(title) else ("la " if civility == "madame" else "le ")
    return f"{word} {article}{title}"


def _join(items: list[str]) -> str:
    items = [x for x in items if x]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " et " + items[-1]


def commitments(roles: list[str], signatory: bool) -> list[str]:
    """What a partner says it will do, by role; only a signatory promises to submit the convention."""
    out = ["participer aux travaux de préparation du projet et désigner un référent",
           "contribuer à la définition des besoins et du cahier des charges"]
    if "funder" in roles:
        out.append("étudier notre participation au financement du service, dont le montant sera fixé par la "
                   "convention unique après délibération de nos instances")
    if "prescriber" in roles:
        out.append("orienter vers le service les situations qui relèvent de la médiation sociale et partager "
                   "avec lui les informations utiles, dans le respect du RGPD")
    if "beneficiary" in roles:
        out.append("faciliter l'intervention des médiateurs sur nos sites et avec nos équipes")
    if signatory:
        out.append("soumettre à nos instances de décision notre participation à la convention unique "
                   "pluripartite")
    else:
        out.append("prendre part aux instances de concertation du projet en qualité de partenaire associé")
    return out


def _city(address: str) -> str:
    m = re.search(r"\b\d{5}\s+([^,\n]+)\s*$", address or "")
    return m.group(1).strip() if m else ""


class _Index:
    """What every letter looks up, computed once per project (letters of thousands of partners)."""

    def __init__(self, p: Project, ctx: dict[str, Any]):
        self.partners = {x["id"]: x for x in ctx["partners"]}
        self.models = {x.id: x for x in p.partners}
        self.signatories = set(p.signatories())


def letter_extras(p: Project, ctx: dict[str, Any], partner_id: str, index: _Index | None = None) -> dict[str, Any]:
    """`letter` of the letter of one partner (see the module). `invited` (the partners the lead
    invites) is given to the lead's invitation letter only: a list in every letter made the dossier
    of a project with thousands of partners quadratic."""
    index = index or _Index(p, ctx)
    partner, model = index.partners[partner_id], index.models[partner_id]
    lead = ctx.get("lead")
    invitation = bool(lead and lead["id"] == partner_id)
    own: list[dict] = []
    others: list[dict] = []
    for o, obj in zip(ctx["objectives"], p.objectives, strict=True):
        (own if not obj.partners or partner_id in obj.partners else others).append(o)
    signatory = partner_id in index.signatories
    roles = list(model.roles)
    role_words = [in_sentence(referential.label("partner_roles", r)) for r in roles
                  if r != "signatory"]
    if "signatory" in roles or signatory:
        role_words.append("signataire de la convention")
    elif roles:
        role_words.append("partenaire associé")
    addressee = lead if (lead and not invitation) else None
    call = appellation(addressee["representative"]) if addressee else "Madame, Monsieur"
    fields = [p.custom_fields.get(f) or referential.label("fields", f) for f in model.fields]
    return {
        "kind": "invitation" if invitation else "intent",
        "place": _city(partner.get("address", "")),
        "appellation": call,
        "salutation": f"{call},",
        "closing": f"Veuillez agréer, {call}, l'expression de nos salutations distinguées."
        if not invitation else "Veuillez agréer, Madame, Monsieur, l'expression de nos salutations distinguées.",
        "roles_text": _join(role_words),
        "fields_text": label_list(fields, last=" et ", first_capital=False),
        "objectives_own": own,
        "objectives_others": others,
        "signatory": signatory,
        "commitments": commitments(roles, signatory),
        "invited": [x for x in ctx["partners_active"] if x["id"] != partner_id] if invitation else [],
    }


# --- cahier des charges --------------------------------------------------------------------------

FUTURE = {
    "absorbed": ("intégré au service", "ses agents et ses moyens rejoignent le service mutualisé ; son financement "
                 "actuel est repris dans le plan de financement"),
    "coordinated": ("coordonné", "il poursuit son activité, coordonnée par le service au sein du comité technique ; "
                    "son financement reste celui de son employeur"),
    "stop": ("arrêté", "son activité cesse à l'ouverture du service ; les crédits qui la finançaient peuvent être "
             "redéployés vers le service mutualisé"),
}


def _money(amount: Decimal) -> str:
    from ..frformat import money

    return money(amount)


def risks(p: Project, derived: Any) -> dict[str, Any]:
    """The facts behind PTMS-W031 (`funding.engine.ending_aids`) as sentences: which aids end when, how much."""
    plan = derived.plan if p.funding is not None and p.period is not None else None
    aids = list(plan.ending_aids) if plan is not None else []
    lines = []
    for x in aids:
        noun = ("poste adulte-relais", "postes adultes-relais") if x.contract == "adulte_relais" else ("poste en "
                                                                                                     "parcours emploi "
                                                                                                     "compétences (PEC)",
                                                                                                     "postes en parcours "
                                                                                                     "emploi compétences "
                                                                                                     "(PEC)")
        what = f"d'un {noun[0]}" if x.count == 1 else f"de {x.count} {noun[1]}"
        lines.append({"year": str(x.year), "text": f"en {x.year}, fin de l'aide {what} : {_money(x.amount)} par an "
                                                   "à couvrir", "amount": _money(x.amount)})
    total = sum((x.amount for x in aids), Decimal(0))
    return {"ending_aids": lines, "total": _money(total) if aids else "", "any": bool(aids)}


def careers(p: Project) -> dict[str, Any]:
    """Use of subsidised contracts and the mediators' career paths, from the posts and the training plan."""
    s = p.service
    if s is None:
        return {"subsidised": "", "any_subsidised": False, "certifications": []}
    counts: dict[str, int] = {}
    for x in s.posts:
        if x.contract in ("adulte_relais", "pec"):
            counts[x.contract] = counts.get(x.contract, 0) + x.count
    parts = []
    if counts.get("adulte_relais"):
        n = counts["adulte_relais"]
        parts.append(f"{n} poste{'s' if n > 1 else ''} adulte{'s' if n > 1 else ''}-relais")
    if counts.get("pec"):
        n = counts["pec"]
        parts.append(f"{n} poste{'s' if n > 1 else ''} en parcours emploi compétences (PEC)")
    certifications = sorted({t.certification.strip() for t in s.training if t.certification and t.certification.strip()})
    return {"subsidised": _join(parts), "any_subsidised": bool(parts), "certifications": certifications}


def qpv_population(p: Project) -> dict[str, Any]:
    """The population living in the priority neighbourhoods, from the communes partners' `qpv_population`
    (the one place the project gives it): {count, communes (names), missing (communes without it)}."""
    communes = [x for x in p.partners if x.kind == "commune"]
    given = [x for x in communes if x.qpv_population is not None]
    return {"count": sum(x.qpv_population or 0 for x in given) if given else None,
            "communes": [x.name.strip() for x in given],
            "missing": [x.name.strip() for x in communes if x.qpv_population is None]}


def money_explained(p: Project, ctx: dict[str, Any]) -> dict[str, Any] | None:
    """Cost per inhabitant, per QPV inhabitant and per hour of presence, and what each ratio divides by
    (or why it cannot be computed), and the allocation key in words."""
    funding = ctx.get("funding")
    if not funding or p.funding is None:
        return None
    from ..frformat import money, quantity

    plan_years = ctx.get("_plan_costs") or {}
    labels = [str(x) for x in funding["years"]]
    # The funding tables' column labels (« 2026 », or « Année 1 » for convention years), in the plan's order.
    costs = {(labels[i] if i < len(labels) else str(y)): c for i, (y, c) in enumerate(plan_years.items())}
    for label in labels[len(costs):]:
        costs.setdefault(label, Decimal(0))
    hours = sum((x.hours_per_week for x in p.service.sectors), 0.0) if p.service else 0.0
    population = p.territory.population
    qpv = qpv_population(p)
    unknown = "non calculable"
    rows = []
    for y, cost in costs.items():
        per_inhabitant = money(cost / population) if population and cost else unknown
        per_qpv = money(cost / qpv["count"]) if qpv["count"] and cost else unknown
        per_hour = money(cost / Decimal(str(hours * 52))) if hours and cost else unknown
        rows.append({"year": str(y), "cost": money(cost), "per_inhabitant": per_inhabitant,
                     "per_qpv_inhabitant": per_qpv, "per_hour": per_hour})
    notes = []
    if population:
        notes.append(f"Le coût par habitant rapporte le coût de l'année à la population du territoire "
                     f"({quantity(population)} habitants).")
    else:
        notes.append("Le coût par habitant n'est pas calculable : la population du territoire n'est pas "
                     "renseignée.")
    if qpv["count"]:
        whose = _join(qpv["communes"])
        notes.append(f"Le coût par habitant en quartier prioritaire (QPV) le rapporte aux {quantity(qpv['count'])} "
                     f"habitants des quartiers prioritaires déclarés par {'la commune' if len(qpv['communes']) == 1 else 'les communes'} "
                     f"partenaire{'s' if len(qpv['communes']) > 1 else ''} ({whose})"
                     + (f" ; la population en QPV de {_join(qpv['missing'])} n'est pas connue et n'y est pas comptée."
                        if qpv["missing"] else "."))
    else:
        notes.append("Le coût par habitant en quartier prioritaire (QPV) n'est pas calculable : la population des "
                     "quartiers prioritaires n'est pas renseignée pour les communes partenaires.")
    if hours:
        notes.append(f"Le coût par heure le rapporte aux heures de présence prévues ({quantity(hours)} heures par "
                     f"semaine, soit {quantity(round(hours * 52))} heures sur 52 semaines).")
    else:
        notes.append("Le coût par heure de présence n'est pas calculable : aucune heure de présence n'est prévue "
                     "dans les secteurs du service.")
    return {"per_year": rows, "hours_per_year": quantity(round(hours * 52)) if hours else "",
            "qpv_population": quantity(qpv["count"]) if qpv["count"] else "", "notes": notes,
            "key": allocation_words(p)}


_KEY_WORDS = {
    "population": "au prorata de la population de chacun, la même somme par habitant",
    "qpv_population": "au prorata de la population de chacun en quartier prioritaire",
    "housing_units": "au prorata des logements sociaux de chacun",
    "hours": "au prorata des heures de présence du service dans les secteurs de chacun, qui paie les heures dont il "
             "bénéficie",
    "attribute": "au prorata de « {attribute} » de chacun",
    "equal": "à parts égales",
}


def _key_sentence(p: Project, method: str, attribute: str | None, shares: list) -> str:
    """« selon des pourcentages fixés — A 60 % et B 40 % », « au prorata de … — A, B et C »."""
    names = [(p.partner(x.partner).name.strip() if p.partner(x.partner) else x.partner) for x in shares]
    if method == "percentages":
        return "selon des pourcentages fixés — " + _join(
            [f"{n} {str(x.weight).rstrip('0').rstrip('.').replace('.', ',')}\u00a0%"
             for n, x in zip(names, shares, strict=True) if x.weight is not None])
    alloc = p.funding.allocation if p.funding else None
    label = alloc.attributes.get(attribute or "", attribute or "") if alloc else (attribute or "")
    return _KEY_WORDS.get(method, "à parts égales").format(attribute=label) + " — " + (_join(names) or "les partenaires")


def allocation_words(p: Project) -> str:
    """The allocation key of the remainder (one key or groups), in a sentence."""
    alloc = p.funding.allocation if p.funding else None
    if alloc is None:
        return ("Chaque partenaire apporte la contribution fixée au plan de financement ; il n'y a pas de clé de "
                "répartition : les montants ont été arrêtés entre les partenaires.")
    nature = referential.label("funding_natures", alloc.nature).lower()
    head = f"Après les aides et les contributions fixées, le reste à financer (crédits de {nature}) est réparti "
    if not alloc.groups:
        return head + _key_sentence(p, alloc.method or "equal", alloc.attribute, alloc.partners) + "."
    from ..frformat import quantity

    parts = []
    for g in alloc.groups:
        share = f"{quantity(g.percent)}\u00a0% du reste" if g.percent is not None else "un montant fixé chaque année"
        parts.append(f"le groupe « {g.name.strip()} » ({share}), {_key_sentence(p, g.method, g.attribute, g.partners)}")
    return head + "entre des groupes de partenaires : " + " ; ".join(parts) + "."


def landlords_tfpb(p: Project) -> str:
    """The social landlords who fund the service, and why: the counterpart of their TFPB abatement in QPV."""
    from ..legalfacts import legal_data

    names = [x.name.strip() for x in p.partners if x.kind == "bailleur_social" and "funder" in x.roles]
    if not names or p.funding is None:
        return ""
    visa = (legal_data().get("visas_by_kind", {}).get("bailleur_social") or [""])[0]
    who = (f"Le bailleur social {names[0]} contribue" if len(names) == 1
           else f"Les bailleurs sociaux {_join(names)} contribuent")
    return (f"{who} au titre des actions de tranquillité et de médiation sociale qui sont la contrepartie de "
            "l'abattement de taxe foncière sur les propriétés bâties (TFPB)" + (f" prévu par {visa}," if visa else "")
            + " pour leurs logements situés en quartier prioritaire.")


def selection_criteria(p: Project) -> list[dict[str, str]]:
    """The call for projects' criteria and weights: the project's, or the default four."""
    given = [(c.label.strip(), c.weight) for c in p.service.selection_criteria] if p.service else []
    from ..frformat import quantity

    return [{"label": label, "weight": f"{quantity(weight)} %"} for label, weight in given or DEFAULT_SELECTION_CRITERIA]


def cahier(p: Project, derived: Any, ctx: dict[str, Any]) -> dict[str, Any]:
    s = p.service
    stage = (s.selection_stage or "adopted") if s else "adopted"
    return {
        "stage": stage,
        "call": stage == "call",
        "risks": risks(p, derived),
        "careers": careers(p),
        "money": money_explained(p, ctx),
        "criteria": selection_criteria(p),
        "landlords": landlords_tfpb(p),
        "indicators_incomplete": any(not (x or "").strip() for i in (p.evaluation.indicators if p.evaluation else [])
                                     for x in (i.measure, i.target, i.source, i.objective)),
        "actors": [
            {"name": a.name.strip(), "future": getattr(a, "future", None) or "",
             "future_label": FUTURE[a.future][0] if getattr(a, "future", None) else "à décider",
             "future_text": FUTURE[a.future][1] if getattr(a, "future", None)
             else "son articulation avec le service sera arrêtée en comité de pilotage"}
            for a in p.actors
        ],
    }


# --- dossier de mobilisation ---------------------------------------------------------------------

def _round_money(amount: Decimal) -> str:
    """An order of magnitude: two significant digits (« environ 490 000 € »)."""
    from ..frformat import money

    if amount <= 0:
        return money(Decimal(0)).replace(",00", "")
    digits = len(str(int(amount)))
    step = Decimal(10) ** max(digits - 2, 0)
    return money((amount / step).quantize(Decimal(1)) * step).replace(",00", "")


def _decision(roles: list[str], signatory: bool) -> str:
    if "funder" in roles:
        return "une délibération (ou décision) de principe sur votre participation au financement"
    if signatory:
        return "un accord de principe pour signer la convention unique pluripartite"
    if "prescriber" in roles:
        return "la désignation d'un référent qui orientera les situations vers le service"
    return "la désignation d'un référent pour les travaux de préparation"


def mobilization(p: Project, derived: Any, ctx: dict[str, Any]) -> dict[str, Any]:
    """Budget order of magnitude and « ce que nous vous demandons » per partner."""
    from .formatting import long_date

    plan = derived.plan if p.funding is not None and p.period is not None else None
    costs = [y.cost_total for y in plan.years] if plan else []
    budget = ""
    if costs:
        average = sum(costs, Decimal(0)) / len(costs)
        budget = (f"environ {_round_money(average)} par an pour le service mutualisé, soit "
                  f"{_round_money(sum(costs, Decimal(0)))} sur {len(costs)} ans")
    elif p.service and p.service.posts:
        fte = sum((x.fte * x.count for x in p.service.posts), Decimal(0))
        budget = (f"de {_round_money(fte * 35000)} à {_round_money(fte * 50000)} par an pour "
                  f"{str(fte.normalize()).replace('.', ',')} équivalents temps plein (un médiateur coûte de "
                  "35 000 à 50 000 € par an, tout compris)")
    shares: dict[str, Decimal] = {}
    if plan:
        for y in plan.years:
            for x in y.partners:
                if x.partner:
                    shares[x.partner] = shares.get(x.partner, Decimal(0)) + x.total
    asks = []
    signing = set(p.signatories())
    for x in p.partners:
        if x.status == "declined" or x.id == p.lead_partner:
            continue
        roles = list(x.roles)
        if x.id in shares and plan:
            magnitude = f"environ {_round_money(shares[x.id] / len(plan.years))} par an"
        elif "funder" in roles:
            magnitude = "à fixer avec les autres financeurs à l'étape 2 (cahier des charges)"
        else:
            magnitude = "pas de contribution financière attendue"
        asks.append({
            "partner": x.name.strip(),
            "role": _join([in_sentence(referential.label("partner_roles", r)) for r in roles]) or "à préciser",
            "contribution": magnitude,
            "decision": _decision(roles, x.id in signing),
            "reply_by": long_date(x.reply_by) if x.reply_by else "",
        })
    return {"budget": budget, "asks": asks}


# --- all of it ------------------------------------------------------------------------------------

def _plan_costs(p: Project, derived: Any) -> dict[int, Decimal]:
    if p.funding is None or p.period is None:
        return {}
    return {y.year: y.cost_total for y in derived.plan.years}


def documents_context(p: Project, derived: Any, ctx: dict[str, Any]) -> dict[str, Any]:
    """The keys this module adds to the template context (`context.build_context` calls it last)."""
    index = _Index(p, ctx)
    return {
        "pictures": pictures(ctx),
        "letters": {x.id: letter_extras(p, ctx, x.id, index) for x in p.partners},
        "mobilization": mobilization(p, derived, ctx),
        "cahier": cahier(p, derived, {**ctx, "_plan_costs": _plan_costs(p, derived)}),
    }
