"""The four wizards: init, and the three steps (mobilize, specify, convene).

Each flow edits `engine.data` (the plain project) section by section; nothing is written here.
"""

from __future__ import annotations

import copy

from .. import referential
from ..model import SCHEMA_VERSION
from ..steps import ALL as STEP_LIST
from ..steps import STEPS
from .engine import Engine, describe
from .hub import Section, hub
from .questions import NONE_LABEL, question, slug
from .tribunals import SOURCE, tribunal_for

# Top-level keys each wizard may change (also the keys accepted in --answers): the step's sections.
KEYS: dict[str, list[str]] = {s.command: list(s.sections) for s in STEP_LIST}
STEP_NUMBER = {s.command: s.number for s in STEP_LIST}

# Fields asked for a partner in step 1 (the others stay editable in the file).
PARTNER_FIELDS = ["name", "id", "kind", "roles", "status", "representative", "contact", "fields", "needs", "notes"]
# Asked when a partner is added: the legal representative is asked in step 3 for the signatories, the notes
# from the partner's menu.
PARTNER_ADD = [n for n in PARTNER_FIELDS if n not in ("representative", "notes")]


def step_title(n: int) -> str:
    return f"Étape {n} — {STEPS[n]}"


def _models():
    from ..model import Project
    from ..model.partners import Partner

    return Project, Partner


def communes(e: Engine) -> list[str]:
    """The communes of the territory answered so far."""
    return [c for c in (e.preview().get("territory") or {}).get("communes") or [] if isinstance(c, str)]


def only_commune(e: Engine, item: dict) -> str | None:
    """A territory of one commune: every sector and priority neighbourhood is in it (not asked)."""
    names = communes(e)
    return names[0] if len(names) == 1 else None


def named_commune(e: Engine, item: dict) -> str | None:
    """The commune a sector or a neighbourhood names (« Roubaix — Alma » is in Roubaix), else the
    commune of the sector or neighbourhood of the same name."""
    name = slug(str(item.get("name") or ""))
    found = [c for c in communes(e) if f"-{slug(c)}-" in f"-{name}-"]  # whole words: « Eu » is not in « Europe »
    if found:
        return max(found, key=len)
    territory = e.preview().get("territory") or {}
    same = [x.get("commune") for x in (territory.get("sectors") or []) + (territory.get("qpv") or [])
            if isinstance(x, dict) and x.get("commune") and slug(str(x.get("name") or "")) == name]
    return same[0] if same else None


def qpv_names(e: Engine) -> list[str]:
    """The names of the priority neighbourhoods answered so far."""
    return [str(q["name"]) for q in (e.preview().get("territory") or {}).get("qpv") or []
            if isinstance(q, dict) and q.get("name")]


def qpv_named(e: Engine, sector: dict) -> bool:
    """A sector named as a priority neighbourhood (« Centre ancien » and « Le Centre ancien ») is in it."""
    name = slug(str(sector.get("name") or ""))
    return bool(name) and any(name == slug(q) or f"-{name}" == slug(q)[-len(name) - 1:] for q in qpv_names(e))


def sectors_from_qpv(e: Engine):
    """Sectors proposed for an empty list: one per priority neighbourhood, in a QPV (ticked by default)."""
    names = qpv_names(e)
    if not names:
        return None
    return ("Secteurs opérationnels : un secteur par quartier prioritaire (décochez ceux à ne pas créer) ?",
            [(n, n) for n in names], list(names), lambda n: {"name": n, "qpv": True})


def init(e: Engine) -> None:
    from ..model.territory import Period, Territory

    Project, Partner = _models()
    d = e.data
    for where in ("Sector.commune", "Qpv.commune"):
        e.implied[where] = lambda item: only_commune(e, item)
        e.defaults[where] = lambda item: named_commune(e, item)
    d["schema_version"] = SCHEMA_VERSION
    e.required.add("Territory.sectors")
    e.picks["Territory.sectors"] = lambda: sectors_from_qpv(e)
    e.defaults["Sector.qpv"] = lambda sector: True if qpv_named(e, sector) else None
    e.heading("Nouveau projet territorial de médiation sociale")
    e.heading(question(Project, "territory").title)
    e.section("territory", lambda: e.fields(Territory, d.get("territory") or {}))
    e.heading(question(Project, "period").title)
    e.section("period", lambda: e.fields(Period, d.get("period") or {}))
    territory = d["territory"].get("name", "")
    e.section("name", lambda: e.ask(question(Project, "name"), d.get("name"),
                                    default=f"Projet territorial de médiation sociale — {territory}"))
    e.section("contrat_de_ville", lambda: e.ask(question(Project, "contrat_de_ville"), d.get("contrat_de_ville")))
    e.heading(question(Project, "lead_partner").title)
    if d.get("partners"):
        e.section("lead_partner", lambda: e.ask(question(Project, "lead_partner"), d.get("lead_partner")))
        return
    kind = d["territory"].get("kind")
    lead = e.fields(Partner, {}, names=["name", "id", "kind", "roles", "status"], defaults={
        "name": territory, "kind": kind if kind in referential.PARTNER_KINDS else None,
        "roles": ["funder", "signatory"], "status": "committed"})
    d["partners"] = [lead]
    d["lead_partner"] = lead["id"]


def partner_map(e: Engine, partners: list[dict]) -> None:
    """The partner map: one row per partner, columns titled from the model; one block per partner when
    the terminal is too narrow for the columns (`terminal.fit`)."""
    from rich import box
    from rich.markup import escape
    from rich.table import Table

    from ..terminal import fit

    # Short headers for a terminal-wide table (the full labels are the model's titles); the kind under the
    # name, so that the table fits 120 columns with its longest e-mail address whole.
    table = Table(title=f"Carte des partenaires ({len(partners)})", box=box.SIMPLE_HEAD, header_style="bold")
    for header in ("Partenaire", "Rôles", "Statut", "Contact", "Champs d'intérêt"):
        table.add_column(header)
    for p in partners:
        contact = p.get("contact") or {}
        kind = referential.label("partner_kinds", p.get("kind", "")) if p.get("kind") else ""
        table.add_row(escape(p.get("name", "") or p.get("id", "")) + (f"\n[dim]{escape(kind)}[/dim]" if kind else ""),
                      *map(escape, (
                          ", ".join(referential.label("partner_roles", r) for r in p.get("roles") or []),
                          referential.label("mobilization_statuses", p.get("status", "identified")),
                          "\n".join(x for x in (contact.get("name"), contact.get("email")) if x),
                          ", ".join(referential.label("fields", f) for f in p.get("fields") or []),
                      )))
    e.console.print(fit(table, e.console.width), soft_wrap=False)  # wrapped by rich at words, not by the terminal


def mobilize(e: Engine) -> None:
    Project, Partner = _models()
    d = e.data

    def partners():
        e.section("partners", lambda: e.edit_list(question(Project, "partners"), d.get("partners") or [],
                                                  show_items=lambda items: partner_map(e, items), names=PARTNER_FIELDS, add_names=PARTNER_ADD,
                                                  required=True))

    def partners_fields(objective: dict) -> list[str] | None:
        """An objective's fields: by default those of interest to the partners concerned."""
        by_id = {p.get("id"): p for p in d.get("partners") or []}
        found = [f for pid in objective.get("partners") or [] for f in by_id.get(pid, {}).get("fields") or []]
        return list(dict.fromkeys(found)) or None

    e.defaults["Objective.fields"] = partners_fields

    def listed(key: str, required: bool = False):
        return lambda: e.section(key, lambda: e.edit_list(question(Project, key), d.get(key) or [], required=required))

    walk(e, 1, [
        Section("partners", question(Project, "partners").title, partners),
        Section("objectives", question(Project, "objectives").title, listed("objectives", True)),
        Section("actors", question(Project, "actors").title, listed("actors"), required=False),
        Section("calendar", question(Project, "calendar").title, listed("calendar"), required=False),
    ])


def advanced_places(step: int) -> list:
    """Where the expert fields of a step's sections are, outside list items (« Options avancées » of the hub)."""
    from ..model.convention import Convention, DataProtection
    from ..model.funding import Allocation, Budget, Funding
    from ..model.governance import Committee

    return {2: [(("budget",), Budget), (("funding",), Funding), (("funding", "allocation"), Allocation)],
            3: [(("governance", "steering_committee"), Committee), (("governance", "technical_committee"), Committee),
                (("convention",), Convention), (("convention", "data_protection"), DataProtection)]}.get(step, [])


# The sections `ptms <étape> --edit SECTION` opens at once (YAML keys of the step's hub sections; in
# `specify`, « budget » is the post types, « costs » the other costs of the budget).
EDITABLE: dict[str, list[str]] = {
    "mobilize": ["partners", "objectives", "actors", "calendar"],
    "specify": ["budget", "service", "costs", "parameters", "funding"],
    "convene": ["governance", "evaluation", "convention"],
}


def walk(e: Engine, step: int, sections: list[Section], redirect: dict[str, str] | None = None) -> None:
    """The step's hub (`hub.hub`): sections in any order until « Terminer »; with `--edit SECTION`
    (`Engine.edit_section`), that section at once, then the review."""
    start = None
    if e.edit_section is not None:
        command = next(name for name, n in STEP_NUMBER.items() if n == step and name != "init")
        start = EDITABLE[command].index(e.edit_section)
    e.in_hub = True
    try:
        hub(e, step, step_title(step), sections, redirect, advanced=advanced_places(step), start=start)
    finally:
        e.in_hub = False


def specify(e: Engine) -> None:
    from ..model.funding import Budget, Funding
    from ..model.service import Service

    Project, _ = _models()
    d = e.data
    e.required |= {"Service.sectors", "Service.posts", "Budget.post_types"}
    e.after_change = lambda: show_balance(e)
    e.defaults["Post.post_type"] = lambda post: next((t.get("id") for t in (d.get("budget") or {}).get("post_types") or []), None)
    e.defaults["Post.start"] = lambda post: (d.get("period") or {}).get("start")  # a post runs over the period
    e.applies["AllocationShare.sectors"] = lambda share: (  # the sectors bought: the key « hours » only
        ((e.preview().get("funding") or {}).get("allocation") or {}).get("method") == "hours")
    e.defaults["Post.end"] = lambda post: (d.get("period") or {}).get("end")
    e.implied["Post.post_type"] = lambda post: only_post_type(e)
    e.sources["Post.post_type"] = lambda post: "le seul type de poste du budget"
    e.picks["Service.sectors"] = lambda: service_sectors(e)
    e.picks["Allocation.partners"] = lambda: sharing_partners(e)

    # first the post types: the posts of the service point to these cost types
    post_types = question(Budget, "post_types").title
    try:
        walk(e, 2, [
            Section("budget", post_types,
                    lambda: e.section("budget", lambda: e.fields(Budget, d.get("budget") or {}, names=["post_types"])),
                    required=False, part=lambda data: (data.get("budget") or {}).get("post_types")),
            Section("service", question(Project, "service").title,
                    lambda: e.section("service", lambda: e.fields(Service, d.get("service") or {}))),
            Section("budget", question(Project, "budget").title,
                    lambda: e.section("budget", lambda: e.fields(Budget, d.get("budget") or {},
                                                                 names=[n for n in Budget.model_fields if n != "post_types"])),
                    required=False, part=lambda data: {k: v for k, v in (data.get("budget") or {}).items() if k != "post_types"}),
            Section("parameters", question(Project, "parameters").title,
                    lambda: e.section("parameters", lambda: e.ask(question(Project, "parameters"), d.get("parameters"))),
                    required=False),
            Section("funding", question(Project, "funding").title,
                    lambda: e.section("funding", lambda: e.fields(Funding, d.get("funding") or {}))),
        ])
    finally:
        e.after_change = None


def only_post_type(e: Engine) -> str | None:
    """A budget with one post type: every post is of that type (not asked; shown, and in the post's menu)."""
    types = [t.get("id") for t in (e.data.get("budget") or {}).get("post_types") or [] if t.get("id")]
    return types[0] if len(types) == 1 else None


def service_sectors(e: Engine):
    """The service's sectors, for an empty list: the territory's sectors, all ticked."""
    sectors = e.targets("sectors")
    return ("Secteurs couverts : lesquels (puis les heures de chacun) ?", sectors, [i for i, _ in sectors],
            lambda sector: {"sector": sector})


def sharing_partners(e: Engine):
    """Who shares what is left to fund, for an empty list: the funders ticked, but the operator and
    those with a fixed contribution (they pay their amount)."""
    partners = e.targets("partners")
    by_id = {p.get("id"): p for p in e.data.get("partners") or []}
    funding = e.preview().get("funding") or {}
    fixed = {c.get("partner") for c in funding.get("contributions") or []}
    operator = (e.data.get("service") or {}).get("operator")
    ticked = [i for i, _ in partners if "funder" in (by_id.get(i, {}).get("roles") or []) and i not in fixed and i != operator]
    return ("Partenaires qui se répartissent le reste : lesquels (puis la part de chacun) ?", partners, ticked,
            lambda partner: {"partner": partner})


def funding_engine():
    """`compute_plan` of the funding engine (a function, so that tests can stand in for it)."""
    from ..funding import compute_plan

    return compute_plan


def show_balance(e: Engine) -> None:
    """The funding balance per year of the working project, as the user answers."""
    d = e.data
    if not (d.get("budget") or d.get("funding")):
        return
    compute_plan = funding_engine()
    project = e.project(e.preview())
    if project is None:
        return  # an answer is missing or wrong: the section review says which
    from rich.table import Table

    from ..frformat import money

    try:
        plan = compute_plan(project)
    except Exception as exc:  # noqa: BLE001 - a half-filled project must never stop the wizard
        e.say(f"Équilibre du financement : incalculable ({exc}).", "dim")
        return
    shown = tuple((y.year, y.cost_total, y.resources_total, y.contributions_total, y.balance) for y in plan.years)
    if shown == getattr(e, "last_balance", None) or not any(any(x[1:4]) for x in shown):
        return  # shown only when it changes, once there is something to show
    e.last_balance = shown  # type: ignore[attr-defined]  # remembered between two screens
    from ..terminal import fit

    table = Table(title="Équilibre du financement", header_style="bold")
    for col in ("Année", "Coût du service", "Ressources", "Contributions", "Reste à financer"):
        table.add_column(col, justify="right" if col != "Année" else "left")
    for y in plan.years:
        style = "green" if y.balance == 0 else "red"
        table.add_row(str(y.year), money(y.cost_total), money(y.resources_total), money(y.contributions_total),
                      f"[{style}]{money(y.balance)}[/{style}]")
    # one block per year when the terminal is too narrow: an amount is never split over two lines
    e.console.print(fit(table, e.console.width), soft_wrap=False)  # wrapped by rich at words, not by the terminal


def convene(e: Engine) -> None:
    from ..indicators import suggest
    from ..model.convention import Convention
    from ..model.evaluation import Evaluation
    from ..model.governance import Governance

    Project, _ = _models()
    d = e.data
    partners = d.get("partners") or []
    operator = (d.get("service") or {}).get("operator")
    e.required |= {"Evaluation.indicators", "Convention.payment_schedule"}

    def cotech_members(committee: dict) -> list[str] | None:
        """The COTECH gathers the technical contacts of the COPIL's members: those who have a contact
        (all of them if none has one yet), and the operator."""
        if tuple(key for key, _ in e.frames)[-1:] != ("technical_committee",):
            return None
        copil = ((e.preview().get("governance") or {}).get("steering_committee") or {}).get("members") or []
        contacts = {p.get("id") for p in partners if p.get("contact")}
        members = [m for m in copil if m in contacts] or list(copil)
        return members + ([operator] if operator and operator not in members else [])

    e.defaults["Committee.members"] = cotech_members

    def governance():
        current = copy.deepcopy(d.get("governance")) or {
            "steering_committee": {"members": [p["id"] for p in partners if p.get("status") == "committed"]}}
        if d.get("lead_partner") and "chair" not in current["steering_committee"]:
            current["steering_committee"]["chair"] = d["lead_partner"]
        e.section("governance", lambda: e.fields(Governance, current))

    def evaluation():
        current = dict(d.get("evaluation") or ({"lead": operator} if operator else {}))
        current = e.fields(Evaluation, current, names=["lead", "method"])
        indicators = list(current.get("indicators") or [])
        activities = (d.get("service") or {}).get("activities") or []
        offers = suggest(activities, {i.get("id") for i in indicators})
        if offers:
            labels = [(s.id, f"{s.label} ({referential.label('registers', s.register)}, "
                              f"{referential.label('levels', s.level).lower()})") for s in offers]
            chosen = e.b.checkbox("Indicateurs suggérés (activités du service et registres CITER)", labels,
                                  default=[] if indicators else [s.id for s in offers][: max(3, len(activities))])
            for s in offers:
                if s.id not in chosen:
                    continue
                objective = objective_for(e, s, indicators)
                indicators.append(s.as_indicator(objective))
        e.frames.append(["indicators", None])  # where the list is: a renamed indicator moves its results too
        try:
            current["indicators"] = e.edit_list(question(Evaluation, "indicators"), indicators)
        finally:
            e.frames.pop()
        return current

    def convention():
        period = d.get("period") or {}
        defaults = {}
        if period.get("start") and period.get("end"):
            defaults = {"start": period["start"], "duration_years": period["end"].year - period["start"].year + 1}
        names = [n for n in Convention.model_fields if n != "signatories"]
        department = (d.get("territory") or {}).get("department")
        if tribunal_for(department):
            defaults["court"] = tribunal_for(department)
            e.sources["Convention.court"] = lambda convention: f"Par défaut, celui du département ({department}) : {SOURCE}."
        current = e.fields(Convention, d.get("convention") or {}, names=names, defaults=defaults)
        if e.quitting:
            return current
        by_role = [p["id"] for p in partners if "signatory" in (p.get("roles") or [])]
        q = question(Convention, "signatories")
        chosen = e.ask(q, current.get("signatories"), default=by_role)
        if chosen and (chosen != by_role or "signatories" in current):
            current["signatories"] = chosen
        else:
            current.pop("signatories", None)
        return current

    def convention_and_representatives():
        e.section("convention", convention)
        if not e.quitting:
            representatives(e)

    walk(e, 3, [
        Section("governance", question(Project, "governance").title, governance),
        Section("evaluation", question(Project, "evaluation").title, lambda: e.section("evaluation", evaluation)),
        Section("convention", question(Project, "convention").title, convention_and_representatives),
    ], redirect={"objectives": "evaluation", "partners": "convention"})


def objective_for(e: Engine, suggestion, indicators: list[dict]) -> str | None:
    """The objective a suggested indicator evaluates: the only one; else the one objective of the
    indicator's field (register), shown, unless it is measured already while another is not; else asked
    (default: the first objective not yet measured)."""
    from ..model.evaluation import Indicator

    objectives = [(o["id"], describe(o)) for o in e.data.get("objectives") or [] if o.get("id")]
    if len(objectives) <= 1:
        return objectives[0][0] if objectives else None
    title = question(Indicator, "objective").title.lower()
    measured = {i.get("objective") for i in indicators}
    same = [o["id"] for o in e.data.get("objectives") or [] if suggestion.register in (o.get("fields") or [])]
    if len(same) == 1 and (same[0] not in measured or all(o in measured for o, _ in objectives)):
        e.say(f"« {suggestion.label} » : {title} → {dict(objectives)[same[0]]} "
              "(même champ d'intervention ; modifiable dans la liste)", "dim")
        return same[0]
    first = next((o for o, _ in objectives if o not in measured), objectives[0][0])
    return e.b.select(f"« {suggestion.label} » : {title}", objectives + [(None, NONE_LABEL)], default=first)


def representatives(e: Engine) -> None:
    """Each signatory needs its legal representative: asked for those who have none (name and title;
    the decision that authorises the signature is in the partner's menu of step 1). A partner whose
    contact has a name and a function: that person is proposed, one confirmation."""
    d = e.data
    project = e.project()
    if project is None:
        return
    from ..model.partners import Partner

    names = {p.get("id"): p.get("name") or p.get("id") for p in d.get("partners") or []}
    e.say("Signataires : " + (", ".join(names.get(i, i) for i in project.signatories()) or "(aucun)"))
    for pid in project.signatories():  # each signatory needs its legal representative
        partner = next((p for p in d.get("partners") or [] if p.get("id") == pid), None)
        if partner is None or partner.get("representative"):
            continue
        e.heading(f"{Partner.model_fields['representative'].title} — {partner.get('name', pid)}")
        contact = partner.get("contact") or {}
        if contact.get("name") and contact.get("function") and e.b.confirm(
                f"Représentant légal de « {partner.get('name', pid)} » : {contact['name']}, {contact['function']} "
                "(son contact) ?", default=True):
            partner["representative"] = {"name": contact["name"], "title": contact["function"]}
            continue
        partner["representative"] = ask_representative(e, str(partner.get("name") or pid))


def split_representative(text: str) -> tuple[dict | None, str | None]:
    """« Mme Claire Martin, Directrice générale » -> the representative (name, title), or a French error.
    The name ends at the first comma; the title may have commas of its own."""
    from ..model.partners import Representative

    name, comma, title = text.strip().partition(",")
    if not comma or not name.strip() or not title.strip():
        return None, "le nom puis la qualité, séparés par une virgule (ex. « Mme Claire Martin, Directrice générale »)"
    out = {}
    for key, value in (("name", name.strip()), ("title", title.strip())):
        checked, error = question(Representative, key).check(value)
        if error:
            return None, f"{question(Representative, key).title} : {error}"
        out[key] = checked
    return out, None


def ask_representative(e: Engine, partner: str) -> dict:
    """One question for a signatory's legal representative: name and title on one line."""
    answer = e.b.text(f"Représentant légal de « {partner} » (nom, qualité)",
                      validate=lambda text: split_representative(text)[1])
    value, _ = split_representative(answer)
    assert value is not None  # checked by `validate`
    return value
