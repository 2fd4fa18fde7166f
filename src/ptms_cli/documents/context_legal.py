"""The legal part of the template context (`legal` key): set-up, parties and their short names,
recitals, visas, conditioned clauses, thresholds, payment, governance rules, data protection.

PURE, like `context.py`: values formatted for the reader; the template only lays them out. The
references come from `data/legal.yaml` (sources in ../shared/legal.md), never from code.
"""

from __future__ import annotations

import re
from fractions import Fraction
from typing import Any

from .. import frformat, legalfacts, referential
from ..derived import Derived
from ..model import Project
from . import articles
from . import formatting as fmt

TO_COMPLETE = "[à compléter]"

# Default texts of the processing description (annex 4), when the project leaves a field empty.
PROCESSING_DEFAULTS = {
    "purposes": "suivi de l'activité du service, coordination des interventions et veille sociale partagée "
                "entre les parties",
    "data_categories": "identité et coordonnées des personnes qui sollicitent le service, nature de la "
                       "sollicitation, orientations proposées et suites données",
    "persons": "habitants et usagers des lieux où le service intervient, qui y ont recours ou y sont orientés",
    # RGPD art. 6(1)(e), whose basis is laid down by Member State law (art. 6(3)): the parties' competences
    # cited in the visas (see ../shared/legal.md, « Data protection »)
    "legal_basis": "exécution d'une mission d'intérêt public dont sont investies les parties publiques responsables "
                   "du traitement (RGPD, article 6, paragraphe 1, point e), fondée sur les compétences que leur donne "
                   "la loi, visées au préambule (article 6, paragraphe 3, du RGPD)",
    "retention": "données nominatives supprimées ou anonymisées un an après la dernière intervention ; "
                 "données agrégées conservées pour la durée de la convention et de son évaluation",
    "recipients": "les médiateurs et leur encadrement ; les parties ne reçoivent que des données agrégées ou "
                  "anonymisées par secteur et par période, sauf orientation nominative acceptée par la personne",
    "security": "accès nominatif et journalisé, réservé aux personnes habilitées ; hébergement dans l'Union "
                "européenne ; sauvegardes ; information des responsables en cas de violation de données",
}


def legal_references() -> list[str]:
    """The general references of the cahier des charges: politique de la ville, CPO circulaire, norm, RGPD."""
    data = legalfacts.legal_data()
    common = list(data["visas_common"])
    on = max(e["since"] for e in data["norm"])
    return [common[0], data["visas_by_setup"]["subsidy"][-1], legalfacts.norm(on), *common[1:]]


def _euros(amount) -> str:
    """A threshold in whole euros: « 23 000 € »."""
    return re.sub(r",00(\s€)$", r"\1", frformat.money(amount))


def _clean(value: str | None) -> str:
    return re.sub(r"[\x00-\x08\x0b-\x1f\x7f]", "", value or "").strip()


def _short(x) -> str:
    """The name a partner is called by in the convention: its short name, « l'État », or its name."""
    if x.short_name:
        return _clean(x.short_name)
    if x.kind in legalfacts.kinds("state_kinds"):
        return "l'État"
    return _clean(x.name)


def _state_service(name: str) -> str:
    """« Préfecture du Nord (État) » -> « Préfecture du Nord »: the service, the State being the party."""
    return re.sub(r"\s*\((?:l')?État\)\s*$", "", _clean(name))


def _party(p: Project, x, operator: str | None) -> dict:
    """A signatory as the convention names it (the State is the party, the préfecture its service)."""
    state = x.kind in legalfacts.kinds("state_kinds")
    r = x.representative
    rep_name = _clean(r.name) if r else TO_COMPLETE
    rep_title = _clean(r.title) if r else TO_COMPLETE
    authority = ""
    if r and r.decision:
        authority = _clean(r.decision) + (f" en date du {fmt.long_date(r.decision_date)}" if r.decision_date else "")
    short = "l'opérateur" if x.id == operator and not x.short_name else _short(x)
    return {
        "id": x.id,
        "state": state,
        "heading": "L'État" if state else _clean(x.name),
        "service": _state_service(x.name) if state else "",
        "short": short,
        "short_defined": short != ("L'État" if state else _clean(x.name)),
        "address": _clean(x.address),
        "siret": x.siret or "",
        "representative_name": rep_name,
        "representative_title": rep_title,
        "authority": authority,
        "operator": x.id == operator,
        "participation_label": _participation_label(p, x),
    }


def _participation_label(p: Project, x) -> str:
    """« jusqu'au 30 juin 2027 » for a party that leaves early; « à compter du … » for one that joins later
    but signs the initial convention because the project lists it (see `participation`)."""
    from .. import participation

    if participation.joins_later(p, x) and x.from_:
        return f"à compter du {fmt.long_date(x.from_)}"
    if participation.leaves_early(p, x) and x.until:
        return f"jusqu'au {fmt.long_date(x.until)}"
    return ""


def _visas(p: Project, setup: str, over_sieg: bool) -> list[str]:
    data = legalfacts.legal_data()
    out: list[str] = list(data["visas_common"])
    out.insert(1, legalfacts.norm(legalfacts.reference_date(p)))
    out += data["visas_by_setup"].get(setup, [])
    signing = [p.partner(i) for i in p.signatories()]
    for x in signing:
        if x is None:
            continue
        if x.kind == "epci":
            name = x.name.lower()
            out.append(next((e["text"] for e in data["epci_by_name"] if e["contains"] in name), data["epci_default"]))
        out += data["visas_by_kind"].get(x.kind, [])
    if setup == "subsidy" and any(x is not None and x.kind in {"commune", "epci", "departement", "region"} for x in signing):
        out += data["visas_control"]
    contracts = {post.contract for post in (p.service.posts if p.service else [])}
    for contract in ("adulte_relais", "pec"):
        if contract in contracts:
            out += data["visas_by_contract"][contract]
    if any(x.kind == "police_gendarmerie" for x in p.partners if x.status != "declined") or (
            p.governance and p.governance.technical_committee):
        out += data["visas_prevention"]
    if over_sieg:
        out += data["visas_sieg"]
    out += [_clean(v) for v in (p.convention.visas if p.convention else [])]
    return _merge_articles(out)


# Visas in the order of the hierarchy of norms: European Union law, codes, laws, decrees, arrêtés,
# circulaires, the AFNOR norm; anything else (a project's own visas: deliberations…) after them.
_VISA_RANKS = (("le règlement (UE)", 0), ("la décision ", 0), ("le code ", 1), ("la loi ", 2), ("le décret ", 3),
               ("l'arrêté ", 4), ("la circulaire ", 5), ("la norme ", 6))


def _visa_rank(visa: str) -> tuple[int, int]:
    """(rank of its kind, year of the text): texts of one kind in chronological order, codes as listed."""
    rank = next((r for prefix, r in _VISA_RANKS if visa.startswith(prefix)), len(_VISA_RANKS))
    year = re.search(r"\b(?:19|20)\d\d\b", visa) if rank not in (1, len(_VISA_RANKS)) else None
    return rank, int(year.group(0)) if year else 0


def _merge_articles(visas: list[str]) -> list[str]:
    """Without duplicates, one line per code (« le code X, notamment son article A » and « … ses articles B et
    suivants » -> « ses articles A et B et suivants »), in the order of the hierarchy of norms (stable)."""
    pattern = re.compile(r"^(le code [^,]+), notamment (?:son article (\S+)|ses articles (.+))$")
    out: list[str] = []
    articles: dict[str, list[str]] = {}
    for v in visas:
        m = pattern.match(v)
        if m:
            if m.group(1) not in articles:
                articles[m.group(1)] = []
                out.append(m.group(1))
            item = m.group(2) or m.group(3)
            if item not in articles[m.group(1)]:
                articles[m.group(1)].append(item)
        elif v not in out and v not in articles:
            out.append(v)
    def article_key(a: str) -> tuple:
        return tuple(int(x) if x.isdigit() else x for x in re.split(r"(\d+)", a))
    def line(v: str) -> str:
        items = articles.get(v) or []
        if not items:
            return v
        if len(items) == 1 and " " not in items[0]:
            return f"{v}, notamment son article {items[0]}"
        items = sorted(items, key=article_key)
        # « L5134-19-1 et suivants, L5134-100 à L5134-109 » : items that hold « et » are not joined by « et »
        listed = ", ".join(items) if any(" " in x for x in items) else fmt.join(items)
        return f"{v}, notamment ses articles {listed}"
    return sorted((line(v) for v in out), key=_visa_rank)


_METHOD_WORDS = {
    "percentages": "selon des pourcentages fixés",
    "hours": "au prorata des heures de service achetées dans les secteurs de chacune",
    "population": "au prorata de la population de chacune",
    "qpv_population": "au prorata de la population de chacune en quartier prioritaire",
    "housing_units": "au prorata des logements sociaux de chacune",
    "attribute": "au prorata de l'attribut « {attribute} » de chacune",
    "equal": "à parts égales",
}


def _key_words(p: Project, key, short: dict[str, str]) -> str | None:
    """« au prorata de la population de chacune entre les parties suivantes : A (60 %), B (40 %) », or None."""
    from ..funding.keys import key_weights

    weights, issues = key_weights(p, key, None)
    total = sum(weights.values(), Fraction(0))
    if issues or not total:
        return None
    alloc = p.funding.allocation if p.funding else None
    attribute = alloc.attributes.get(key.attribute or "", key.attribute or "") if alloc else ""
    method = _METHOD_WORDS[key.method].format(attribute=attribute)
    parts = []
    for share in key.shares:
        name = short.get(share.partner, share.partner)
        extra = ""
        if key.method == "population":
            x = p.partner(share.partner)
            extra = f"{frformat.quantity(x.population)} habitants, " if x and x.population else ""
        ratio = weights.get(share.partner, Fraction(0)) / total
        parts.append(f"{name} ({extra}{frformat.percent(ratio, 0 if (ratio * 100).denominator == 1 else 1)})")
    return f"{method} entre les parties suivantes : {fmt.join(parts)}"


def _allocation(p: Project, short: dict[str, str]) -> str:
    """The allocation key of `funding.allocation` (one key or groups), in words."""
    from ..funding.keys import keys

    alloc = p.funding.allocation if p.funding else None
    if alloc is None or not (alloc.partners or alloc.groups):
        return ""
    tail = (" Les montants qui en résultent, fixés ci-dessus, sont des montants maximaux : une variation du coût du "
            "service ou d'une autre ressource modifierait la part de ces parties selon la même clé, et fait l'objet "
            "d'un avenant.")
    if not alloc.groups:
        words = _key_words(p, keys(alloc)[0], short)
        if words is None:
            return ""
        return (f"Le reste à financer, après les ressources et les contributions fixes, est réparti chaque année "
                f"{words}.{tail}")
    groups = []
    for g, key in zip(alloc.groups, keys(alloc)):
        words = _key_words(p, key, short)
        if words is None:
            return ""
        share = (f"{frformat.percent(Fraction(g.percent) / 100, 0 if g.percent == int(g.percent) else 1)} du reste"
                 if g.percent is not None else "un montant fixé chaque année")
        groups.append(f"le groupe « {_clean(g.name)} » ({share}), {words}")
    return ("Le reste à financer, après les ressources et les contributions fixes, est réparti chaque année entre "
            f"des groupes de parties, puis dans chaque groupe : {' ; '.join(groups)}.{tail}")


def _committee_rules(p: Project, c, operator: str | None, short: dict[str, str], steering: bool,
                     regie: bool = False) -> dict | None:
    if c is None:
        return None
    chair = short.get(c.chair or "", "") or "la présidence"
    operator_member = operator in c.members if operator else False
    return {
        "convened_by": short.get(c.convened_by, c.convened_by) if c.convened_by else (
            f"la présidence ({chair})" if c.chair else "la présidence"),
        "notice": fmt.count_words(c.notice_days, "jour", "jours"),
        "quorum": _clean(c.quorum) or "la moitié au moins des membres ayant voix délibérative, présents ou représentés",
        "proxies": fmt.count_words(c.proxies_per_member, "pouvoir", "pouvoirs") if c.proxies_per_member else "",
        "secretariat": short.get(c.secretariat, c.secretariat) if c.secretariat else (
            f"la présidence ({chair})" if c.chair else "la présidence"),
        "minutes": fmt.count_words(c.minutes_days, "jour", "jours"),
        # in a régie the operator is the collectivity that runs and funds its own service: it votes
        "operator_consultative": operator_member and not c.operator_votes and steering and not regie,
        "operator": short.get(operator or "", ""),
        "budget_by_funders": steering and c.budget_decided_by == "funders",
        # the technical committee prepares and advises; it votes on nothing, so it has no quorum
        "consultative": not steering,
    }


def _court(court: str | None) -> str:
    """The competent court as running text writes it: « le tribunal administratif de Lille » (lower case)."""
    text = _clean(court)
    return re.sub(r"^Tribunal administratif\b", "tribunal administratif", text) if text else TO_COMPLETE


def _bank(p: Project) -> dict:
    b = p.convention.bank_account if p.convention else None
    if b is None:
        return {"given": False, "holder": TO_COMPLETE, "iban": TO_COMPLETE, "bic": TO_COMPLETE, "bank": TO_COMPLETE}
    return {"given": True, "holder": _clean(b.holder), "iban": _clean(b.iban), "bic": _clean(b.bic) or TO_COMPLETE,
            "bank": _clean(b.bank) or TO_COMPLETE}


def _data_protection(p: Project, short: dict[str, str], operator: str | None, parties_ids: set[str]) -> dict:
    """Annex 4. Its table lists only the parties (signatories, the operator, and those who adhere later,
    as from their adhesion); a non-party that refers people is named apart, with its capacity."""
    c = p.convention
    dp = c.data_protection if c else None
    proc = dp.processing if dp else None
    processing = {k: _clean(getattr(proc, k, None)) or v for k, v in PROCESSING_DEFAULTS.items()}
    dpo = [_clean(x) for x in (proc.dpo if proc else [])]
    roles = {r.partner: r.role for r in (dp.roles if dp else [])}
    from .. import participation

    adherents = set(participation.adherents(p))
    parties = []
    outsiders: list[str] = []
    subcontractors: list[str] = []
    for x in p.partners:
        if x.status == "declined":
            continue
        if x.id not in parties_ids and x.id not in adherents:
            name = short.get(x.id, _clean(x.name)) if x.short_name else _clean(x.name)
            if "operator" in x.roles:
                subcontractors.append(name)
            elif {"prescriber", "beneficiary", "signatory"} & set(x.roles):
                outsiders.append(name)
            continue
        role = roles.get(x.id)
        label = referential.label("data_roles", role) if role else (
            "Orienteur et destinataire de données agrégées : responsable de ses propres traitements, il ne reçoit "
            "du service aucune donnée nominative hors orientation acceptée par la personne")
        state = x.kind in legalfacts.kinds("state_kinds")
        name = f"L'État ({_state_service(x.name)})" if state else _clean(x.name)
        if x.id in adherents and x.id not in parties_ids:
            name += " (à compter de son adhésion)"
        parties.append({"name": name, "role_label": label})
    return {
        "processing": processing,
        "dpo": dpo,
        "dpo_text": " ; ".join(dpo) if dpo else TO_COMPLETE,
        "parties": parties,
        "non_parties": fmt.join(outsiders),
        "subcontractors": fmt.join(subcontractors),
        "joint": any(r == "joint_controller" for r in roles.values()),
        "joint_names": fmt.join([short.get(i, i) for i, r in roles.items() if r == "joint_controller"]),
        "processor": any(r == "processor" for r in roles.values()),
        "processor_names": fmt.join([short.get(i, i) for i, r in roles.items() if r == "processor"]),
        "operator_processor": roles.get(operator or "") == "processor",
        "contact_point": short.get(dp.contact_point, "") if dp and dp.contact_point else "",
    }


def _budget_years(p: Project, derived: Derived, operator_name: str, regie: bool) -> dict | None:
    """When the plan counts convention years, what each party pays in each budget year (calendar year of
    each instalment's due date): the credits it votes, which the schedule (convention years) and the
    calendar table (amounts prorated by days) do not show. None when the plan counts calendar years
    (then the schedule's years are the budget years)."""
    from ..funding.installments import installments

    c = p.convention
    if p.funding is None or p.period is None or c is None or not c.payment_schedule or derived.plan.view != "convention":
        return None
    sums: dict[str, dict[int, Any]] = {}
    for x in installments(derived.plan.years, [s.percent for s in c.payment_schedule]):
        if regie and _clean(x.name) == operator_name:
            continue
        row = sums.setdefault(_clean(x.name), {})
        for due, amount in x.parts:
            row[due.year] = row.get(due.year, 0) + amount
    years = sorted({y for row in sums.values() for y in row})
    if not sums:
        return None
    return {
        "years": [str(y) for y in years],
        "rows": [{"partner": name, "amounts": [fmt.money(row.get(y, 0)) for y in years],
                  "total": fmt.money(sum(row.values()))} for name, row in sums.items()],
        "total": {"amounts": [fmt.money(sum(row.get(y, 0) for row in sums.values())) for y in years],
                  "total": fmt.money(sum(sum(row.values()) for row in sums.values()))},
    }


def legal_context(p: Project, derived: Derived) -> dict[str, Any] | None:
    """The `legal` key of the template context, or None without a service."""
    if p.service is None:
        return None
    c = p.convention
    setup = legalfacts.setup(p)
    operator_id = p.service.operator
    operator = p.partner(operator_id)
    on = legalfacts.reference_date(p)
    from .. import participation

    signing = [x for x in (p.partner(i) for i in participation.initial_signatories(p)) if x is not None]
    if operator is not None and operator not in signing:
        signing.append(operator)
    parties = [_party(p, x, operator_id) for x in signing]
    short = {x.id: ("l'opérateur" if x.id == operator_id and not x.short_name else _short(x)) for x in p.partners}
    short_by_name = {_clean(x.name): short[x.id] for x in p.partners}
    aid = legalfacts.public_aid(p, derived)
    three, three_years = aid.max_three_years()
    window = aid.three_year_window()
    sieg_ceiling = legalfacts.threshold("sieg_de_minimis", on)
    over_sieg = setup == "subsidy" and (three > sieg_ceiling or bool(c and c.sieg_mandate))
    auditor = legalfacts.threshold("statutory_auditor", on)
    essential = legalfacts.threshold("essential_data", on)
    convention_threshold = legalfacts.threshold("subsidy_convention", on)
    above_essential = [short.get(pid, pid) for pid, years in aid.by_funder.items() if max(years.values(), default=0) > essential]
    operator_name = _clean(operator.name) if operator else operator_id
    regie = setup == "regie"
    subsidy = setup == "subsidy"
    version = ""
    if c and c.version and not c.signing_date:
        version = f"Projet – version {c.version}" + (f" du {fmt.long_date(c.version_date)}" if c.version_date else "")
    elif c and not c.signing_date:
        version = "Projet de convention"
    public_funders = [short.get(x.id, x.id) for x in p.partners
                      if "funder" in x.roles and x.kind in legalfacts.kinds("public_kinds") and x.status != "declined"
                      and x.id != (operator_id if regie else None)]
    payers = []
    for pay in (c.payers if c else []):
        payers.append(f"{short.get(pay.partner, pay.partner)} : ordonnateur, {_clean(pay.authorizing_officer) or TO_COMPLETE} ; "
                      f"comptable assignataire, {_clean(pay.accountant) or TO_COMPLETE}")
    aid_kinds = {"adulte_relais": "postes d'adultes-relais", "pec": "parcours emploi compétences"}
    state_aids: list[str] = []
    if p.funding and p.period:
        for yp in derived.plan.years:
            for r in yp.resources:
                if r.computed and aid_kinds.get(r.kind, r.label) not in state_aids:
                    state_aids.append(aid_kinds.get(r.kind, r.label))
    numbered = articles.context(p)
    return {
        "articles": numbered["articles"],
        "art": numbered["art"],
        "setup": setup,
        "setup_label": referential.label("legal_setups", setup),
        "subsidy": subsidy,
        "regie": regie,
        "public_contract": setup == "public_contract",
        "association": legalfacts.is_association(p),
        "operator_name": operator_name,
        "operator_short": short.get(operator_id, operator_name),
        "parties": parties,
        "short": short,
        "short_by_name": short_by_name,
        "visas": _visas(p, setup, over_sieg),
        "replaces": [_clean(x) for x in (c.replaces if c else [])],
        "version": version,
        "footer": (version + " — ") if version else "",
        "signed": bool(c and c.signing_date),
        "entry_partial": bool(c and c.entry_into_force == "partial"),
        "lapse": fmt.count_words(c.lapse_months if c else 6, "mois", "mois"),
        "allocation": _allocation(p, short),
        "public_funders": fmt.join(public_funders),
        "state_aids": fmt.join(state_aids),
        "bank": _bank(p),
        "payers": payers,
        "fungibility": frformat.percent(Fraction(c.fungibility_percent if c else 10, 100), 0),
        "auditor": {
            "applies": legalfacts.is_association(p) and any(v > auditor for v in aid.by_year.values()),
            "threshold": _euros(auditor),
            "source": legalfacts.threshold_source("statutory_auditor"),
        },
        "essential_data": {
            "applies": subsidy and bool(above_essential),
            "funders": fmt.join(above_essential),
            "threshold": _euros(essential),
            "source": legalfacts.threshold_source("essential_data"),
        },
        "convention_threshold": _euros(convention_threshold),
        "sieg": {
            "applies": over_sieg,
            "amount": fmt.money(three),
            "years": fmt.join([str(y) for y in three_years]),  # kept for users' templates; prefer `period`
            "period": f"du {fmt.long_date(window.start)} au {fmt.long_date(window.end)}" if window else "",
            "ceiling": _euros(sieg_ceiling),
            "source": legalfacts.threshold_source("sieg_de_minimis"),
        },
        "governance": {
            "steering": _committee_rules(p, p.governance.steering_committee, operator_id, short, True, regie),
            "technical": _committee_rules(p, p.governance.technical_committee, operator_id, short, False),
        } if p.governance else None,
        "budget_years": _budget_years(p, derived, operator_name, regie),
        "court": _court(c.court if c else None),
        "data": _data_protection(p, short, operator_id, {x.id for x in signing}),
        "not_produced": "La présente convention ne tient lieu ni de la convention constitutive du groupement ni des "
                        "pièces du marché : elle fixe seulement le cadre partenarial (gouvernance, financement, "
                        "évaluation) entre les parties." if setup == "public_contract" else "",
    }
