"""The four wizards: init, and the three steps (mobilize, specify, convene).

Each flow edits `engine.data` (the plain project) section by section; nothing is written here.
"""

from __future__ import annotations

from .. import referential
from ..model import SCHEMA_VERSION
from ..steps import ALL as STEP_LIST
from ..steps import STEPS
from .engine import Engine, describe
from .questions import question

# Top-level keys each wizard may change (also the keys accepted in --answers): the step's sections.
KEYS: dict[str, list[str]] = {s.command: list(s.sections) for s in STEP_LIST}
STEP_NUMBER = {s.command: s.number for s in STEP_LIST}

# Fields asked for a partner in step 1 (the others stay editable in the file).
PARTNER_FIELDS = ["name", "id", "kind", "roles", "status", "representative", "contact", "fields", "needs", "notes"]


def step_title(n: int) -> str:
    return f"Étape {n} — {STEPS[n]}"


def _models():
    from ..model import Project
    from ..model.partners import Partner

    return Project, Partner


def init(e: Engine) -> None:
    from ..model.territory import Period, Territory

    Project, Partner = _models()
    d = e.data
    d["schema_version"] = SCHEMA_VERSION
    e.required.add("Territory.sectors")
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
    """The partner map: one row per partner, columns titled from the model."""
    from rich import box
    from rich.markup import escape
    from rich.table import Table

    # Short headers for a terminal-wide table; the full labels are the model's titles.
    table = Table(title=f"Carte des partenaires ({len(partners)})", box=box.SIMPLE_HEAD, header_style="bold")
    table.add_column("Identifiant", no_wrap=True)
    for header in ("Partenaire", "Type", "Rôles", "Statut", "Contact", "Champs d'intérêt"):
        table.add_column(header)
    for p in partners:
        contact = p.get("contact") or {}
        table.add_row(*map(escape, (
            p.get("id", ""), p.get("name", ""),
            referential.label("partner_kinds", p.get("kind", "")) if p.get("kind") else "",
            ", ".join(referential.label("partner_roles", r) for r in p.get("roles") or []),
            referential.label("mobilization_statuses", p.get("status", "identified")),
            " ".join(x for x in (contact.get("name"), contact.get("email")) if x),
            ", ".join(referential.label("fields", f) for f in p.get("fields") or []),
        )))
    e.console.print(table)


def mobilize(e: Engine) -> None:
    Project, Partner = _models()
    d = e.data
    e.heading(step_title(1))

    e.section("partners", lambda: e.edit_list(question(Project, "partners"), d.get("partners") or [],
                                              show_items=lambda items: partner_map(e, items), names=PARTNER_FIELDS,
                                              required=True))
    e.section("objectives", lambda: e.edit_list(question(Project, "objectives"), d.get("objectives") or [],
                                                required=True))
    e.section("actors", lambda: e.edit_list(question(Project, "actors"), d.get("actors") or []))
    e.section("calendar", lambda: e.edit_list(question(Project, "calendar"), d.get("calendar") or []))


def specify(e: Engine) -> None:
    from ..model.funding import Budget, Funding
    from ..model.service import Service

    Project, _ = _models()
    d = e.data
    e.heading(step_title(2))
    e.required |= {"Service.sectors", "Service.posts", "Budget.post_types"}
    e.after_change = lambda: show_balance(e)

    # first the post types: the posts of the service point to these cost types
    e.section("budget", lambda: e.fields(Budget, d.get("budget") or {}, names=["post_types"]))
    e.defaults["Post.post_type"] = lambda: next((t.get("id") for t in (d.get("budget") or {}).get("post_types") or []), None)
    e.heading(question(Project, "service").title)
    e.section("service", lambda: e.fields(Service, d.get("service") or {}))
    e.heading(question(Project, "budget").title)
    e.section("budget", lambda: e.fields(Budget, d.get("budget") or {},
                                         names=[n for n in Budget.model_fields if n != "post_types"]))
    e.section("parameters", lambda: e.ask(question(Project, "parameters"), d.get("parameters")))
    e.heading(question(Project, "funding").title)
    e.section("funding", lambda: e.fields(Funding, d.get("funding") or {}))
    e.after_change = None


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
    table = Table(title="Équilibre du financement", header_style="bold")
    for col in ("Année", "Coût du service", "Ressources", "Contributions", "Reste à financer"):
        table.add_column(col, justify="right" if col != "Année" else "left")
    for y in plan.years:
        style = "green" if y.balance == 0 else "red"
        table.add_row(str(y.year), money(y.cost_total), money(y.resources_total), money(y.contributions_total),
                      f"[{style}]{money(y.balance)}[/{style}]")
    e.console.print(table)


def convene(e: Engine) -> None:
    from ..indicators import suggest
    from ..model.convention import Convention
    from ..model.evaluation import Evaluation, Indicator
    from ..model.governance import Governance

    Project, _ = _models()
    d = e.data
    partners = d.get("partners") or []
    operator = (d.get("service") or {}).get("operator")
    e.heading(step_title(3))
    e.required |= {"Evaluation.indicators", "Convention.payment_schedule"}

    e.heading(question(Project, "governance").title)
    governance = d.get("governance") or {
        "steering_committee": {"members": [p["id"] for p in partners if p.get("status") == "committed"]}}
    if d.get("lead_partner") and "chair" not in governance["steering_committee"]:
        governance["steering_committee"]["chair"] = d["lead_partner"]
    e.section("governance", lambda: e.fields(Governance, governance))

    e.heading(question(Project, "evaluation").title)

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
            objectives = [(o["id"], describe(o)) for o in d.get("objectives") or []]
            for s in offers:
                if s.id not in chosen:
                    continue
                objective = objectives[0][0] if len(objectives) == 1 else None
                if len(objectives) > 1:
                    measured = {i.get("objective") for i in indicators}
                    first = next((o for o, _ in objectives if o not in measured), objectives[0][0])
                    objective = e.b.select(f"« {s.label} » : {question(Indicator, 'objective').title.lower()}",
                                           objectives + [(None, "(aucun)")], default=first)
                indicators.append(s.as_indicator(objective))
        current["indicators"] = e.edit_list(question(Evaluation, "indicators"), indicators)
        return current

    e.section("evaluation", evaluation)

    e.heading(question(Project, "convention").title)

    def convention():
        period = d.get("period") or {}
        defaults = {}
        if period.get("start") and period.get("end"):
            defaults = {"start": period["start"], "duration_years": period["end"].year - period["start"].year + 1}
        names = [n for n in Convention.model_fields if n != "signatories"]
        current = e.fields(Convention, d.get("convention") or {}, names=names, defaults=defaults)
        by_role = [p["id"] for p in partners if "signatory" in (p.get("roles") or [])]
        q = question(Convention, "signatories")
        chosen = e.ask(q, current.get("signatories"), default=by_role)
        if chosen and (chosen != by_role or "signatories" in current):
            current["signatories"] = chosen
        else:
            current.pop("signatories", None)
        return current

    e.section("convention", convention)
    project = e.project()
    if project is None:
        return
    from ..model.partners import Partner, Representative

    e.say("Signataires : " + (", ".join(project.signatories()) or "(aucun)"))
    for pid in project.signatories():  # each signatory needs its legal representative
        partner = next((p for p in d.get("partners") or [] if p.get("id") == pid), None)
        if partner is not None and not partner.get("representative"):
            e.heading(f"{Partner.model_fields['representative'].title} — {partner.get('name', pid)}")
            partner["representative"] = e.fields(Representative, {})
