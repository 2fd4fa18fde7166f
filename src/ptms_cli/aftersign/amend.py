"""The avenant (amendment) to the signed convention, from the changes of `diff`: each change stated in
legal form under the convention's article it amends (found by TITLE in the convention's template),
the parties that must sign, the new funding tables as an annex.

Pure: a `diff.Diff`, both projects and the article titles in, the avenant's template context out.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..documents.articles import ordinal
from ..documents.formatting import count_words, join, money, money_words
from ..model import Project
from . import adapters as a
from .diff import FAMILIES, Change, Diff

FUNDING_ANNEX = "Budget pluriannuel et plan de financement"  # title of the convention's annex replaced
AMENDMENT_ARTICLE = "Avenant"  # title of the convention's article on amendments


@dataclass
class Clause:
    title: str  # the avenant's article title (« Modification de l'article 6 « Contributions financières » »)
    intro: str  # « L'article 6 « Contributions financières » est ainsi modifié : »
    lines: list[str] = field(default_factory=list)
    families: list[str] = field(default_factory=list)
    unanimity: bool = True
    article: str | None = None  # the convention's article title
    number: int | None = None  # its number in the convention (None: not found by title)


def _article_ref(title: str | None, articles: list[str]) -> tuple[str, int | None]:
    """« l'article 6 « Contributions financières » » (`adapters.article_ref`); none for the parties."""
    if title is None:
        return "", None
    return a.article_ref(title, articles)


def _amount(c: Change, value) -> str:
    return f"{money(value)} ({money_words(value)})"


def _money_line(c: Change, what: str, who: str = "") -> str:
    """One amount change worded: « X — pour 2027, la contribution est portée à … au lieu de … »."""
    year = (f"{who} — " if who else "") + (f"pour {c.year}, " if c.year is not None else "")
    before, after = c.amount_before, c.amount_after
    if not before:
        return f"{year}{what} est fixée à {_amount(c, after)}"
    if not after:
        return f"{year}{what} est supprimée (elle était de {money(before)})"
    verb = "portée" if after > before else "ramenée"
    return f"{year}{what} est {verb} à {_amount(c, after)}, au lieu de {money(before)}"


def _line(c: Change, new: Project, old: Project) -> str:
    if c.family == "parties":
        if c.kind == "added":
            return (f"{c.subject} devient partie à la convention et en accepte l'ensemble des stipulations, "
                    "telles que modifiées par le présent avenant")
        return f"{c.subject} cesse d'être partie à la convention ; ses engagements au titre des exercices écoulés demeurent"
    if c.family == "duration":
        return f"{c.subject.lower()} : {c.after or '—'}, au lieu de {c.before or '—'}"
    if c.family == "cost":
        return _money_line(c, "le coût total du service")
    if c.family == "contributions":
        return _money_line(c, "la contribution", c.subject)
    if c.family == "resources":
        return _money_line(c, "la ressource", f"« {c.subject} »")
    if c.family == "allocation":
        if c.key == "method":
            return f"le reste à financer est réparti selon la clé suivante : {(c.after or '—').lower()}, au lieu de {(c.before or '—').lower()}"
        if c.before is None:
            return f"{c.subject} — entre dans la répartition du reste à financer : {c.after}"
        if c.after is None:
            return f"{c.subject} — ne participe plus à la répartition du reste à financer (au lieu de : {c.before})"
        return f"{c.subject} — part dans la répartition du reste à financer : {c.after}, au lieu de {c.before}"
    if c.family == "schedule":
        return f"l'échéancier de versement est remplacé par le suivant : {c.after or '—'}"
    if c.family == "governance":
        if c.key.endswith(".members"):
            return f"{c.subject} — " + " ; ".join(x for x in (c.after, c.before) if x)
        if c.before is None or c.after is None:
            return f"{c.subject} : {c.after or c.before}"
        return f"{c.subject} : {c.after}, au lieu de {c.before}"
    raise ValueError(f"famille de changement inconnue : {c.family}")


def clauses(d: Diff, old: Project, new: Project, articles: list[str]) -> list[Clause]:
    """One clause per amended article of the convention (families sharing an article are merged),
    in the order of `diff.FAMILIES`; the parties first."""
    out: dict[str | None, Clause] = {}
    for fam in d.families():
        f = FAMILIES[fam]
        clause = out.get(f.article)
        if clause is None:
            ref, number = _article_ref(f.article, articles)
            if f.article is None:
                clause = Clause("Parties à la convention", "La liste des parties à la convention est ainsi modifiée :")
            else:
                clause = Clause(f"Modification de {ref}", f"{ref[0].upper()}{ref[1:]} est ainsi modifié :",
                                article=f.article, number=number)
            out[f.article] = clause
        clause.families.append(fam)
        clause.unanimity = clause.unanimity and f.unanimity
        clause.lines += [_line(c, new, old) for c in d.of(fam)]
    for clause in out.values():  # « a ; b ; c. »
        clause.lines = [x + (" ;" if i < len(clause.lines) - 1 else ".") for i, x in enumerate(clause.lines)]
    return list(out.values())


def signers(d: Diff, old: Project, new: Project) -> tuple[list[str], str]:
    """Partner ids who sign the avenant, and the rule in French. Every party (those leaving too, who
    take note), unless the only change is partners joining under an adhesion clause: then the
    newcomers and the lead partner (`adapters.adhesion_clause`)."""
    only_joining = d.families() == ["parties"] and not d.leaving
    if only_joining and a.adhesion_clause(old):
        ids = list(dict.fromkeys(d.joining + ([new.lead_partner] if new.lead_partner else [])))
        return ids, "la ou les parties qui adhèrent et le partenaire pilote, comme le permet la clause d'adhésion"
    ids = list(dict.fromkeys(new.signatories() + d.leaving))
    return ids, "l'ensemble des parties"


def number_label(n: int) -> str:
    return f"n° {n}"


def context(base: dict, d: Diff, old: Project, new: Project, articles: list[str], annexes: list[str],
            number: int, signed: dict | None = None) -> dict:
    """The avenant's template context: the current project's context (`build_context`, whose
    `funding` fills the annexed tables) plus `avenant`."""
    sign_ids, rule = signers(d, old, new)
    people = {x["id"]: x for x in base.get("partners", [])}
    signer_rows = []
    for pid in sign_ids:
        x = new.partner(pid) or old.partner(pid)
        row = dict(people.get(pid) or {"id": pid, "name": x.name if x else pid, "representative": None})
        rep = x.representative if x else None
        row["represented_by"] = f"{rep.name}, {rep.title}" if rep else "son représentant légal"
        row["joining"] = pid in d.joining
        row["leaving"] = pid in d.leaving
        signer_rows.append(row)
    reference = a.convention_reference(old, signed)
    made = clauses(d, old, new, articles)
    funding_changed = any(f in d.families() for f in ("cost", "contributions", "resources", "allocation"))
    annex_ref = (f"l'annexe {annexes.index(FUNDING_ANNEX) + 1} « {FUNDING_ANNEX} »" if FUNDING_ANNEX in annexes
                 else f"l'annexe « {FUNDING_ANNEX} »")
    amendment_ref, _ = _article_ref(AMENDMENT_ARTICLE, articles)
    has_plan = bool(funding_changed and base.get("funding") is not None)
    return base | {"avenant": {
        "number": number,
        "number_label": number_label(number),
        "title": f"Avenant {number_label(number)}",
        "convention": reference,
        "amendment_article": amendment_ref,
        "clauses": [{"title": c.title, "intro": c.intro, "lines": c.lines, "unanimity": c.unanimity,
                     "article": c.article or "", "number": c.number or "", "ordinal": ordinal(i)}
                    for i, c in enumerate(made, start=1)],
        # the avenant's own articles after its clauses: « Article 1er », no gap (French legal usage)
        "art": {"plan": ordinal(len(made) + 1) if has_plan else "",
                "entry": ordinal(len(made) + 1 + has_plan)},
        "unanimity": any(c.unanimity for c in made),
        "signers": signer_rows,
        "signers_label": join([r["name"] for r in signer_rows]),
        "signers_rule": rule,
        "copies_label": count_words(len(signer_rows), "exemplaire original", "exemplaires originaux"),
        "funding_changed": has_plan,
        "funding_annex": annex_ref,
        "joining_label": join([a.partner_name(new, x) for x in d.joining]),
        "leaving_label": join([a.partner_name(old, x) for x in d.leaving]),
    }}
