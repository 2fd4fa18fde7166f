"""The thin layer between `aftersign` and the rest of ptms: every value read from the funding plan,
the convention's payment schedule, its legal model and its template goes through here.

Other work in progress changes what these read (calendar or convention years and due dates inside
the period, the operator's bank details and the adhesion clause of the legal model, the status
planned / requested / granted of the resources): each function says which, and is the one place to
re-point.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path

from ..model import Project

ZERO = Decimal("0.00")


# --- funding plan (funding.compute_plan, funding.rows) ---------------------------------------------


def contributions_by_partner(plan) -> dict[str, dict[int, Decimal]]:
    """Partner id -> year -> its contribution (fixed + allocated, every nature) in the plan.
    Calendar years (partners call and pay from their budget years), whatever view the convention counts in."""
    from ..funding import rows

    out: dict[str, dict[int, Decimal]] = {}
    for r in rows(replace(plan, years=calendar(plan)), "contributions"):
        mine = out.setdefault(r.item.partner, {})
        for y, v in r.amounts.items():
            mine[y] = mine.get(y, ZERO) + v
    return out


def callable_contributions(project: Project, plan) -> dict[str, dict[int, Decimal]]:
    """What can be called from each partner, per year: its contribution in the plan.
    Contributions are the partners' own cash: all of it is called. Resources (planned, requested or granted,
    see `funding.instruments`) are paid by their own payers and never called here."""
    return contributions_by_partner(plan)


def resources_by_key(plan) -> dict[str, tuple[str, str | None, dict[int, Decimal]]]:
    """Resource key -> (label, partner id or None, year -> amount)."""
    from ..funding import rows

    return {str(r.key): (r.item.label, r.item.partner, dict(r.amounts)) for r in rows(replace(plan, years=calendar(plan)), "resources")}


def partner_totals(plan) -> dict[str | None, dict[int, Decimal]]:
    """Partner id (None: resources paid by no named partner) -> year -> resources + contributions."""
    from ..funding import rows

    return {r.key: dict(r.amounts) for r in rows(replace(plan, years=calendar(plan)), "partners")}  # type: ignore[misc]


def partner_name(project: Project, pid: str | None) -> str:
    if pid is None:
        return "Autres ressources"
    p = project.partner(pid)
    return p.name if p else pid


def calendar(plan) -> list:
    """The plan's calendar years (what `--year 2027` means), whatever view the convention counts in."""
    return plan.views.get("calendar") or plan.years


def cost_by_year(plan) -> dict[int, Decimal]:
    return {y.year: y.cost_total for y in calendar(plan)}


def cost_by_category(plan, year: int) -> dict[str, tuple[str, Decimal]]:
    """Cost category id -> (French label, planned amount) for `year`."""
    out: dict[str, tuple[str, Decimal]] = {}
    for y in calendar(plan):
        if y.year != year:
            continue
        for c in y.costs:
            label, amount = out.get(c.category, (c.category_label, ZERO))
            out[c.category] = (label, amount + c.amount)
    return out


def plan_years(plan) -> list[int]:
    return [y.year for y in calendar(plan)]


# --- payment schedule (convention.payment_schedule; documents/context.py `_installments`) ----------


@dataclass(frozen=True)
class Installment:
    number: int  # 1-based, as in `payments[].installment`
    label: str
    percent: Decimal
    kind: str  # "avance", "acompte" or "solde"


def schedule(project: Project) -> list[Installment]:
    """The convention's payment schedule; the last instalment of several is the balance (« solde »)."""
    items = project.convention.payment_schedule if project.convention else []
    out = []
    for i, x in enumerate(items, 1):
        kind = "solde" if i == len(items) and len(items) > 1 else ("avance" if i == 1 else "acompte")
        out.append(Installment(i, x.label, Decimal(x.percent), kind))
    return out


def split(amount: Decimal, items: list[Installment]) -> list[Decimal]:
    """`amount` split along the schedule to the cent, exactly as the convention's annex shows it
    (one rule: `funding.installments.split`, the remainder on the last instalment)."""
    from ..funding.installments import split as split_schedule

    return split_schedule(amount, [x.percent for x in items])


_MONTHS = {"janvier": 1, "février": 2, "fevrier": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6, "juillet": 7,
           "août": 8, "aout": 8, "septembre": 9, "octobre": 10, "novembre": 11, "décembre": 12, "decembre": 12}
_DAY_MONTH = re.compile(r"\b(1er|\d{1,2})\s+(" + "|".join(_MONTHS) + r")\b", re.IGNORECASE)


def due_date(project: Project, item: Installment, year: int) -> dt.date | None:
    """When instalment `item` of the contribution of `year` is due, or None if the convention does
    not say. RE-POINT: the `period` work gives instalments a due date of their own; until then the
    date is read from the label (« avant le 31 mars de chaque année » -> 31 March of `year`)."""
    source = project.convention.payment_schedule[item.number - 1] if project.convention else None
    explicit = getattr(source, "due", None)
    if isinstance(explicit, dt.date):
        return explicit.replace(year=year) if explicit.year != year else explicit
    m = _DAY_MONTH.search(item.label)
    if not m:
        return None
    day = 1 if m.group(1).lower() == "1er" else int(m.group(1))
    try:
        return dt.date(year, _MONTHS[m.group(2).lower()], day)
    except ValueError:
        return None


def condition(item: Installment) -> str:
    """What the instalment waits for, in French (the label says it: « sur présentation du bilan »)."""
    label = item.label
    m = re.search(r"\b(sur|après|apres|à réception|a reception)\b.*", label, re.IGNORECASE)
    return m.group(0).rstrip(" .") if m else ""  # never a condition the convention does not state


# --- legal model (operator, adhesion clause, reference) ---------------------------------------------


BANK_PLACEHOLDER = "[coordonnées bancaires de l'opérateur à compléter : IBAN, BIC, titulaire du compte]"


def operator(project: Project) -> dict:
    """Name and bank details (`convention.bank_account`) of the operator who receives the funds; a
    placeholder to complete while the project has none (ptms never invents them)."""
    name = partner_name(project, project.service.operator) if project.service is not None else ""
    acc = project.convention.bank_account if project.convention else None
    bank = ""
    if acc is not None:
        bank = " — ".join(x for x in (f"titulaire : {acc.holder}", f"IBAN : {acc.iban}",
                                       f"BIC : {acc.bic}" if acc.bic else "", acc.bank or "") if x)
    return {"name": name or "l'opérateur", "bank": bank or BANK_PLACEHOLDER, "bank_known": bool(bank)}


def adhesion_clause(project: Project) -> bool:
    """Whether the convention lets a new partner join by an adhesion (an act approved by the steering
    committee, signed by the newcomer): the shipped convention always has that clause (« Adhésion »)."""
    return project.convention is not None


def convention_reference(project: Project, signed: dict | None = None) -> str:
    """How a letter or an avenant names the convention: its title and, once known, its signature date."""
    from ..documents.formatting import long_date

    c = project.convention
    title = c.title if c else "Convention pluripartite de médiation sociale"
    when = c.signing_date if c and c.signing_date else None
    if when is None and signed and signed.get("date"):
        when = dt.date.fromisoformat(signed["date"])
    return f"{title} signée le {long_date(when)}" if when else title


# --- the convention's articles (its template) -------------------------------------------------------


def convention_articles(template: Path, style_name: str = "Article", project: Project | None = None) -> list[str]:
    """The titles of the convention's articles in order (article N is `titles[N - 1]`), read from the
    convention's Word template: paragraphs of the « Article » style (« Annexe »: its annexes). With
    `project` (the signed version), an article of the shipped list (`documents.articles.ARTICLES`)
    that its convention leaves out (the contrat d'engagement républicain of a régie) is dropped, so
    the numbers are those of the signed convention; a user's own articles are kept in place."""
    from lxml import etree

    ns = {"w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main"}
    with zipfile.ZipFile(template) as z:
        root = etree.fromstring(z.read("word/document.xml"))
        styles = etree.fromstring(z.read("word/styles.xml"))
    ids = {s.get(f"{{{ns['w']}}}styleId") for s in styles.iterfind("w:style", ns)
           if (n := s.find("w:name", ns)) is not None and n.get(f"{{{ns['w']}}}val") == style_name}
    out = []
    for p in root.iter(f"{{{ns['w']}}}p"):
        style = p.find("w:pPr/w:pStyle", ns)
        if style is not None and style.get(f"{{{ns['w']}}}val") in ids:
            text = "".join(t.text or "" for t in p.iter(f"{{{ns['w']}}}t")).strip()
            out.append(re.sub(r"^Article (?:\{\{.*?\}\}|\S+) – ", "", text))  # « Article {{ legal.art.x }} – Titre »: the title
    if project is not None and style_name == "Article":
        from ..documents import articles

        present = {a.title for a in articles.convention_articles(project)}
        out = [t for t in out if t in present or t not in articles.KEY_BY_TITLE]
    return out


def convention_template(project: Project, project_file: Path | None = None, templates: Path | None = None) -> Path:
    """The convention template the project renders with (user's directory first, else the shipped one)."""
    from ..documents import catalog
    from ..documents.pipeline import project_templates_dir

    user = templates if templates is not None else (
        project_templates_dir(project, project_file) if project_file is not None else None)
    return catalog.template_path(catalog.BY_NAME["convention"], user)[0]


def article_ref(title: str, articles: list[str]) -> tuple[str, int | None]:
    """How a document cites the convention's article `title`: « l'article 6 « Contributions financières » »
    (by title alone if the template has no such article), and its number. The one place to call the
    convention's own numbering (« Article 1er », computed at render time) once it is exposed."""
    from ..documents.articles import ordinal

    number = articles.index(title) + 1 if title in articles else None
    return (f"l'article {ordinal(number)} « {title} »" if number else f"l'article « {title} »"), number
