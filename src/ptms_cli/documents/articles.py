"""The articles of the convention present for a project, in order, with their numbers: ONE definition.

French legal usage numbers the first article « Article 1er » and cites the others by number
(« l'article 7 »). The shipped convention template prints each heading from `legal.art`
(« Article {{ legal.art.duree }} – Durée », built by `templates/docbuilder.py` from this list, which
refuses a title it does not know) and cites articles through the same map, so a conditional article
(the contrat d'engagement républicain, only for a subsidised association) leaves no gap and every
cross-reference follows. The avenant (`aftersign`) finds the article it amends here, by title.

Public API:
- `ARTICLES`: every article the shipped template can hold, in order (`key`, `title`, condition);
- `convention_articles(project)`: the `Article`s present for that project, numbered from 1;
- `ordinal(n)`: « 1er », « 2 », …; `Article.heading` (« Article 1er – Objet »), `Article.ref`
  (« l'article 1er »);
- `context(project)`: what the template context carries (`legal.articles`, `legal.art`).

Keep `ARTICLES` in the order and under the conditions of `templates/src/convention.md` (its fragments
expanded); `tests/test_convention_articles.py` renders each example and compares the headings.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .. import legalfacts
from ..model import Project


@dataclass(frozen=True)
class ArticleDef:
    key: str  # identifier used by the template (`legal.art.<key>`)
    title: str  # the heading's words, as in the template source
    when: Callable[[Project], bool] | None = None  # None: always present


def _association(p: Project) -> bool:
    return legalfacts.is_association(p)


ARTICLES: tuple[ArticleDef, ...] = (
    ArticleDef("objet", "Objet"),
    ArticleDef("cadre", "Cadre juridique"),
    ArticleDef("duree", "Durée"),
    ArticleDef("territoire", "Territoire couvert"),
    ArticleDef("operateur", "Rôle de l'opérateur"),
    ArticleDef("cout", "Coût de l'action"),
    ArticleDef("contributions", "Contributions financières"),
    ArticleDef("versement", "Modalités de versement"),
    ArticleDef("excedent", "Excédent, sous-consommation et postes vacants"),
    ArticleDef("gouvernance", "Gouvernance"),
    ArticleDef("engagements", "Autres engagements"),
    ArticleDef("justificatifs", "Justificatifs"),
    ArticleDef("cer", "Contrat d'engagement républicain", _association),
    ArticleDef("donnees", "Protection des données personnelles"),
    ArticleDef("communication", "Communication"),
    ArticleDef("evaluation", "Évaluation"),
    ArticleDef("controle", "Contrôle"),
    ArticleDef("sanctions", "Sanctions"),
    ArticleDef("renouvellement", "Renouvellement"),
    ArticleDef("avenant", "Avenant"),
    ArticleDef("adhesion", "Adhésion d'une nouvelle partie"),
    ArticleDef("resiliation", "Résiliation"),
    ArticleDef("annexes", "Annexes"),
    ArticleDef("dispositions", "Dispositions générales"),
    ArticleDef("recours", "Recours"),
)
KEY_BY_TITLE = {a.title: a.key for a in ARTICLES}


def ordinal(n: int) -> str:
    """An article's number as French legal usage writes it: « 1er », then « 2 », « 3 »…"""
    if n < 1:
        raise ValueError(f"numéro d'article invalide : {n}")
    return "1er" if n == 1 else str(n)


@dataclass(frozen=True)
class Article:
    key: str
    title: str
    number: int

    @property
    def ordinal(self) -> str:
        return ordinal(self.number)

    @property
    def heading(self) -> str:
        """« Article 1er – Objet »."""
        return f"Article {self.ordinal} – {self.title}"

    @property
    def ref(self) -> str:
        """« l'article 1er », as a cross-reference in running text."""
        return f"l'article {self.ordinal}"


def convention_articles(p: Project) -> list[Article]:
    """The convention's articles present for `p`, in order, numbered 1, 2, … without gaps."""
    present = [a for a in ARTICLES if a.when is None or a.when(p)]
    return [Article(a.key, a.title, n) for n, a in enumerate(present, start=1)]


def number_of(p: Project, title: str) -> int | None:
    """The number of the article titled `title` in `p`'s convention, or None if it has none."""
    return next((a.number for a in convention_articles(p) if a.title == title), None)


def context(p: Project) -> dict:
    """`articles`: the list (key, title, number, ordinal, heading); `art`: key -> ordinal (« 1er », « 7 »);
    an absent article's key maps to "" (the template only cites it under the same condition)."""
    present = convention_articles(p)
    art = {a.key: "" for a in ARTICLES}
    art.update({a.key: a.ordinal for a in present})
    return {
        "articles": [{"key": a.key, "title": a.title, "number": a.number, "ordinal": a.ordinal,
                      "heading": a.heading} for a in present],
        "art": art,
    }
