"""`ptms amend` and `aftersign.amend`: the avenant's clauses, article by title, signers; `ptms sign`."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from conftest import docx_text, plain

from ptms_cli.aftersign import adapters, amend, diff, sign
from ptms_cli.documents import catalog
from ptms_cli.validation import validate_file

ARTICLES = adapters.convention_articles(catalog.default_templates() / "convention.docx")


def _load(path):
    r = validate_file(path)
    assert not r.errors, [f.message for f in r.findings]
    return r.project, r.derived.plan


@pytest.fixture
def amended(write_project):
    def run(old: dict, new: dict, articles=ARTICLES):
        a = _load(write_project(old, "a.yaml"))
        b = _load(write_project(new, "b.yaml"))
        d = diff.compute(a[0], a[1], b[0], b[1])
        return d, amend.clauses(d, a[0], b[0], articles), a[0], b[0]
    return run


def test_articles_are_read_from_the_convention_template_in_order():
    src = Path(__file__).resolve().parents[1] / "templates" / "src"  # the repository's sources (not site-packages)

    def lines(name: str) -> list[str]:  # the source with its `[inclure x]` fragments (`_x.md`) expanded
        out = []
        for line in (src / name).read_text(encoding="utf-8").splitlines():
            inc = line.strip().removeprefix("[inclure ").removesuffix("]").split()[0] if line.strip() else ""
            out += lines(f"_{inc}.md") if line.strip().startswith("[inclure ") else [line]
        return out

    titles = [line.removeprefix("[article] ").strip() for line in lines("convention.md") if line.startswith("[article] ")]
    assert ARTICLES == titles
    for fam in diff.FAMILIES.values():  # every family's article exists in today's convention
        assert fam.article is None or fam.article in ARTICLES


def _every_family(data: dict) -> dict:
    new = copy.deepcopy(data)
    new["partners"].append({"id": "villers", "name": "Commune de Villers", "kind": "commune",
                            "roles": ["funder", "signatory"], "status": "committed", "population": 9000})
    shares = new["funding"]["allocation"]["partners"]
    next(s for s in shares if s["partner"] == "sailly")["weight"] = 5
    shares.append({"partner": "villers", "weight": 5})
    new["period"]["end"] = "2029-12-31"
    for line in new["funding"]["contributions"] + new["funding"]["resources"]:
        line["amounts"][2029] = line["amounts"][2028]
    new["convention"]["duration_years"] = 4
    new["convention"]["payment_schedule"] = [{"label": "avant le 30 avril", "percent": 100}]
    new["governance"]["steering_committee"]["chair"] = "marcq"
    return new


def test_each_change_family_produces_its_clause_under_its_article(amended, intercommunal):
    d, clauses, _, _ = amended(intercommunal, _every_family(intercommunal))
    assert set(d.families()) == {"parties", "duration", "cost", "contributions", "resources", "allocation",
                                 "schedule", "governance"}
    by_article = {c.article: c for c in clauses}
    assert set(by_article) == {None, "Durée", "Coût de l'action", "Contributions financières",
                               "Modalités de versement", "Gouvernance"}
    for title, clause in by_article.items():
        if title is None:
            assert clause.intro == "La liste des parties à la convention est ainsi modifiée :"
            assert "Commune de Villers devient partie à la convention" in clause.lines[0]
            continue
        n = ARTICLES.index(title) + 1
        assert clause.number == n and clause.intro == f"L'article {n} « {title} » est ainsi modifié :"
        assert clause.lines and all(x.endswith((" ;", ".")) for x in clause.lines) and clause.lines[-1].endswith(".")
        assert clause.unanimity
    contrib = by_article["Contributions financières"]
    assert {"contributions", "resources", "allocation"} == set(contrib.families)
    assert any("Commune de Villers — pour 2029, la contribution est fixée à" in x for x in contrib.lines)
    assert any("(trente mille euros)" in x or "euros" in x for x in contrib.lines)
    assert "avant le 30 avril : 100\xa0%" in by_article["Modalités de versement"].lines[0]
    assert "présidence" in by_article["Gouvernance"].lines[0]


def test_articles_are_found_by_title_when_renumbered(amended, intercommunal):
    new = copy.deepcopy(intercommunal)
    new["governance"]["steering_committee"]["chair"] = "marcq"
    renumbered = ["Objet", "Parties", "Durée", "Gouvernance"]
    _, clauses, _, _ = amended(intercommunal, new, renumbered)
    assert [(c.number, c.intro) for c in clauses] == [(4, "L'article 4 « Gouvernance » est ainsi modifié :")]
    _, clauses, _, _ = amended(intercommunal, new, ["Objet"])  # a template without that article
    assert clauses[0].number is None and clauses[0].intro == "L'article « Gouvernance » est ainsi modifié :"


def test_signers_are_every_party_including_those_leaving(amended, intercommunal):
    new = copy.deepcopy(intercommunal)
    dep = next(p for p in new["partners"] if p["id"] == "departement")
    dep["roles"] = [r for r in dep["roles"] if r not in ("signatory", "funder")]
    new["funding"]["contributions"] = [c for c in new["funding"]["contributions"] if c["partner"] != "departement"]
    d, _, old, cur = amended(intercommunal, new)
    ids, rule = amend.signers(d, old, cur)
    assert "departement" in ids and set(cur.signatories()) <= set(ids) and rule == "l'ensemble des parties"


@pytest.mark.slow
def test_amend_without_change_says_so_and_writes_nothing(ptms, write_project, intercommunal, tmp_path):
    path = write_project(intercommunal)
    assert ptms("sign", path, "--date", "2026-03-15", "-f", "docx").code == 0
    record = json.loads((sign.folder_for(path) / sign.RECORD).read_text())
    assert record["date"] == "2026-03-15" and "convention.docx" in record["documents"]
    r = ptms("amend", path, "-o", tmp_path / "out")
    assert r.code == 0 and "aucun avenant" in r.out
    assert not (tmp_path / "out").exists()


@pytest.mark.slow
def test_amend_after_signature_writes_the_avenant(ptms, write_project, intercommunal, tmp_path):
    path = write_project(intercommunal)
    assert ptms("sign", path, "-f", "docx").code == 0
    again = ptms("sign", path, "-f", "docx")
    assert again.code == 2 and "existe déjà" in again.err  # a second signature needs --force
    write_project(_every_family(intercommunal))  # the same file, edited after the signature
    r = ptms("amend", path, "--number", "2", "-o", tmp_path / "out", "-f", "docx,md")
    assert r.code == 0, r.err
    text = plain(docx_text(tmp_path / "out" / "avenant-2.docx"))
    assert "Avenant n° 2" in text
    n = ARTICLES.index("Contributions financières") + 1
    assert f"L'article {n} « Contributions financières » est ainsi modifié" in text
    assert "Commune de Villers" in text and "Budget pluriannuel et plan de financement modifiés" in text
    avenant_article = ARTICLES.index("Avenant") + 1
    assert f"en application de l'article {avenant_article} « Avenant » de la convention, la signature de l'ensemble" in text
    assert (tmp_path / "out" / "avenant-2.md").read_text(encoding="utf-8").startswith("# Avenant n°\u00a02")  # typography pass
    manifest = json.loads((tmp_path / "out" / ".ptms-manifest.json").read_text())
    assert manifest["files"]["avenant-2.docx"]["document"] == "avenant"


@pytest.mark.slow
def test_amend_refuses_a_tampered_signed_copy_and_a_missing_one(ptms, write_project, intercommunal):
    path = write_project(intercommunal)
    missing = ptms("amend", path)
    assert missing.code == 2 and "ptms sign" in missing.err
    assert ptms("sign", path, "-f", "docx").code == 0
    copy_path = sign.folder_for(path) / path.name
    copy_path.write_text(copy_path.read_text(encoding="utf-8") + "\n# modifié\n", encoding="utf-8")
    r = ptms("amend", path)
    assert r.code == 2 and "modifiée depuis la signature" in r.err and "Traceback" not in r.err


@pytest.mark.parametrize("example", ["commune-beaulieu.yaml", "agglo-val-de-marque.yaml", "agglo-val-d-ysel.yaml"])
def test_the_avenant_cites_the_articles_by_the_signed_convention_s_own_numbers(example):
    """The shipped template holds the contrat d'engagement républicain for subsidised associations
    only: read from the template alone, every later article of a régie's convention was one too high."""
    from conftest import EXAMPLES
    from ptms_cli.aftersign import adapters
    from ptms_cli.documents import articles
    from ptms_cli.validation import validate_file

    project = validate_file(EXAMPLES / example).project
    template = adapters.convention_template(project)
    titles = adapters.convention_articles(template, project=project)
    assert titles == [a.title for a in articles.convention_articles(project)]
    ref, number = adapters.article_ref("Protection des données personnelles", titles)
    assert number == articles.number_of(project, "Protection des données personnelles")
    assert ref == f"l'article {number} « Protection des données personnelles »"
    assert adapters.article_ref("Objet", titles)[0] == "l'article 1er « Objet »"
