"""The French of the generated documents, read back from the rendered files (QA findings D10-D13).

Each test reads what a reader sees (the .docx text through python-docx, the PDF text through
pdftotext, the Markdown through a Markdown parser) and checks a rule of the wording, not a copy of
the templates.
"""

from __future__ import annotations

import copy
import re
import shutil
import subprocess
from collections import Counter

import pytest
import yaml
from docx import Document

from conftest import ROOT, docx_text, docx_texts, plain, require_soffice
from ptms_cli import referential

pytestmark = pytest.mark.slow  # starts `ptms` in a subprocess (or LibreOffice) in most tests

AGGLO = ROOT / "examples" / "agglo-val-de-marque.yaml"
COMMUNE = ROOT / "examples" / "commune-beaulieu.yaml"


@pytest.fixture(scope="module")
def agglo_docs(tmp_path_factory):
    from conftest import run_ptms

    out = tmp_path_factory.mktemp("wording")
    run = run_ptms("render", AGGLO, "-o", out, "--format", "docx,md")
    assert run.code == 0, run.err
    return out


@pytest.fixture(scope="module")
def commune_docs(tmp_path_factory):
    from conftest import run_ptms

    out = tmp_path_factory.mktemp("wording-commune")
    run = run_ptms("render", COMMUNE, "-o", out, "--format", "docx")
    assert run.code == 0, run.err
    return out


# --- D10a: no id reaches a document -----------------------------------------------------------

def _strings(node, key=None):
    """(key, value) of every string in a YAML tree."""
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _strings(v, k)
    elif isinstance(node, list):
        for v in node:
            yield from _strings(v, key)
    elif isinstance(node, str):
        yield key, node


def _leakable_ids(data: dict) -> set[str]:
    """Ids a reader must never see: every `id` of the project and every vocabulary key, except those
    that are also ordinary words of the project's texts, of the French labels or of the templates' prose
    (« commune », « lundi », « coordination »...)."""
    ids = {v for k, v in _strings(data) if k == "id"}
    ids |= {k for vocab in referential.ALL.values() for k in vocab}
    texts = [v for _, v in _strings(data) if " " in v or "@" in v]  # names, descriptions, e-mail addresses
    texts += [v for vocab in referential.ALL.values() for v in vocab.values()]
    texts += [p.read_text(encoding="utf-8") for p in (ROOT / "templates" / "src").glob("*.md")]  # templates' prose
    words = set()
    for t in texts:
        words |= set(re.findall(r"[\w-]+", t)) | set(re.findall(r"[\w-]+", t.lower()))
    return {i for i in ids if i not in words}


def _id_pattern(ids: set[str]) -> re.Pattern:
    return re.compile(r"(?<![\w-])(" + "|".join(re.escape(i) for i in sorted(ids, key=len, reverse=True))
                      + r")(?![\w-])")


@pytest.mark.parametrize("example, fixture", [(AGGLO, "agglo_docs"), (COMMUNE, "commune_docs")])
def test_no_identifier_reaches_the_documents(example, fixture, request):
    data = yaml.safe_load(example.read_text(encoding="utf-8"))
    ids = _leakable_ids(data)
    assert "mediateurs-marcq" in ids or example == COMMUNE  # the id that leaked (an actor's)
    pattern = _id_pattern(ids)
    out = request.getfixturevalue(fixture)
    docs = sorted(out.glob("*.docx"))
    assert docs
    for path in docs:
        found = sorted(set(pattern.findall(docx_text(path))))
        assert not found, f"identifiants visibles dans {path.name} : {found}"


def test_overlaps_name_the_actors(agglo_docs, intercommunal):
    names = {a["id"]: a["name"] for a in intercommunal["actors"]}
    text = plain(docx_text(agglo_docs / "dossier-mobilisation.docx"))
    line = next(x for x in text.splitlines() if x.startswith("Habitat collectif — La Briqueterie"))
    assert names["mediateurs-marcq"] in line and names["agents-tranquillite"] in line


# --- D10b/c/d: no missing article, no inclusive form, no agreement to guess -------------------

def test_no_partner_name_needs_an_article(agglo_docs, intercommunal):
    names = [x["name"] for x in intercommunal["partners"]]
    preposition = re.compile(r"(?i)\b(?:par|pour|à|avec|entre)\s+(" + "|".join(re.escape(n) for n in names) + ")")
    for path in sorted(agglo_docs.glob("*.docx")):
        text = plain(docx_text(path))
        assert not preposition.search(text), (path.name, preposition.search(text).group(0))
        assert not re.search(r"\w\((?:e|s|es)\)", text), (path.name, re.search(r"\w+\((?:e|s|es)\)", text).group(0))
        # a paragraph never opens on a bare partner name followed by a verb
        for p in map(plain, docx_texts(path)):
            for n in names:
                assert not re.match(re.escape(n) + r",? (?:représenté|souhaite|s'engage|fait part|assure)", p), (path.name, p)


def test_convention_parties_and_signatures(agglo_docs, intercommunal):
    text = plain(docx_text(agglo_docs / "convention.docx"))
    marcq = next(x for x in intercommunal["partners"] if x["id"] == "marcq")
    assert (f"représentant : {marcq['representative']['name']}, {marcq['representative']['title']} — habilitation : "
            "délibération n° 2025-087 du conseil municipal en date du 4 décembre 2025 ;") in text
    assert "onze (11) exemplaires originaux" in text
    assert "versé par" not in text and "versement : Préfecture" not in text  # the State pays, not a préfecture
    assert "; versement : l'État —" in text  # the FIPD
    assert "; versement : l'Agence de services et de paiement (ASP) —" in text  # the post aids


# --- D10e: cahier des charges -----------------------------------------------------------------

def test_cahier_counts_and_lists(agglo_docs, intercommunal):
    path = agglo_docs / "cahier-des-charges.docx"
    text = plain(docx_text(path))
    assert len(intercommunal["territory"]["qpv"]) == 2
    assert "Le territoire compte deux quartiers prioritaires de la politique de la ville." in text
    doc = Document(str(path))
    refs = [plain(p.text) for p in doc.paragraphs if p.style.name == "List Bullet" and p.text.startswith(("la ", "le "))
            and ("loi" in p.text or "circulaire" in p.text or "norme" in p.text or "règlement" in p.text)]
    assert len(refs) == 5
    assert all(r.endswith(" ;") for r in refs[:-1]) and refs[-1].endswith(".") and not refs[-1].endswith(";.")
    assert ". (" not in text  # « … en soirée. (1 ETP). »


def test_one_quarter_is_singular(tmp_path, ptms, write_project, intercommunal):
    data = copy.deepcopy(intercommunal)
    data["territory"]["qpv"] = data["territory"]["qpv"][:1]
    for s in data["territory"]["sectors"]:
        s["qpv"] = False
    run = ptms("render", write_project(data), "-o", tmp_path / "out", "--doc", "cahier-des-charges")
    assert run.code == 0, run.err
    text = plain(docx_text(tmp_path / "out" / "cahier-des-charges.docx"))
    assert "Le territoire compte un quartier prioritaire de la politique de la ville." in text


# --- D10f: convention articles 3, 6, 13; dossier duration ------------------------------------

def _article(md: str, title: str) -> str:
    match = re.search(rf"^### Article \d+ – {re.escape(title)}\n(.*?)(?=^#)", md, re.M | re.S)
    assert match, title
    return match.group(1)


def test_convention_articles_read_well(agglo_docs, intercommunal):
    md = plain((agglo_docs / "convention.md").read_text(encoding="utf-8"))
    territory = _article(md, "Territoire couvert")
    assert ") (" not in territory and "Marcq-la-Rivière, Hem-sur-Marque et Sailly-les-Prés" in territory
    money = _article(md, "Contributions financières")
    assert not re.search(r"(?<![\d ])0,00 €", money) and "zéro euro" not in money
    # a year without aid is left out, the other years stay
    pec = next(x for x in money.split("\n\n") if "Aide de l'État PEC" in x)
    assert "2026 : 12 500,80 €" in pec and "2027" not in pec and "2028" not in pec
    evaluation = _article(md, "Évaluation")
    method = intercommunal["evaluation"]["method"]
    assert evaluation.count(method) == 1
    assert evaluation.count("co-construite avec les financeurs") == 1
    assert evaluation.count("comité de pilotage") == 1


def test_evaluation_without_method_keeps_the_default_sentence(tmp_path, ptms, write_project, intercommunal):
    data = copy.deepcopy(intercommunal)
    del data["evaluation"]["method"]
    run = ptms("render", write_project(data), "-o", tmp_path / "out", "--doc", "convention", "--format", "md")
    assert run.code == 0, run.err
    evaluation = _article(plain((tmp_path / "out" / "convention.md").read_text(encoding="utf-8")), "Évaluation")
    assert evaluation.count("co-construite avec les financeurs") == 1
    assert evaluation.count("comité de pilotage") == 1


def test_dossier_duration_has_no_nested_parentheses(agglo_docs):
    text = plain(docx_text(agglo_docs / "dossier-mobilisation.docx"))
    assert "(3)" not in text and "soit trois ans." in text


# --- D11: no word split across lines in table cells (PDF) ------------------------------------

def _words(text: str) -> Counter:
    """Words of more than 3 letters; hyphens removed (pdftotext joins « Marcq-la-\\nRivière »)."""
    out = Counter()
    for token in re.split(r"[\s/–—]+", text.replace("-", "")):
        token = token.strip(".,;:()«»*")
        if len(token) > 3 and "@" not in token and "." not in token:
            out[token] += 1
    return out


@pytest.mark.pdf
def test_no_word_is_split_in_table_columns(tmp_path, ptms):
    require_soffice()
    if not shutil.which("pdftotext"):
        pytest.fail("pdftotext (poppler-utils) est requis pour ce test.")
    out = tmp_path / "out"
    run = ptms("render", AGGLO, "-o", out, "--format", "docx,pdf", "--doc", "mobilisation", "--doc",
               "cahier-des-charges", "--doc", "convention", timeout=600)
    assert run.code == 0, run.err
    for name in ("dossier-mobilisation", "cahier-des-charges", "convention"):
        pdf = subprocess.run(["pdftotext", str(out / f"{name}.pdf"), "-"], capture_output=True, text=True,
                             timeout=60).stdout
        seen, wanted = _words(pdf), _words(plain(docx_text(out / f"{name}.docx")))
        split = sorted(w for w in wanted if wanted[w] > seen[w])
        assert not split, f"mots coupés dans {name}.pdf : {split}"


# --- D12: the Markdown export escapes what the user typed ------------------------------------

def test_markdown_escapes_user_text(tmp_path, ptms, write_project, intercommunal):
    from markdown_it import MarkdownIt

    data = copy.deepcopy(intercommunal)
    partner = next(x for x in data["partners"] if x["id"] == "nord-habitat")
    partner["name"] = "Habitat <Sambre> & Cie | *Nord_Est*"
    partner["representative"]["name"] = "<b>Olivier</b>"
    data["objectives"][0]["statement"] = "# Pas un titre <script>alert(1)</script>"
    run = ptms("render", write_project(data), "-o", tmp_path / "out", "--doc", "convention", "--format", "md")
    assert run.code == 0, run.err
    md = (tmp_path / "out" / "convention.md").read_text(encoding="utf-8")
    assert "<b>" not in md and "<script>" not in md and "<Sambre>" not in md
    html = MarkdownIt("commonmark").enable("table").render(md)
    assert "<b>" not in html and "<script>" not in html and "<h1>Pas un titre" not in html
    assert "&lt;b&gt;Olivier&lt;/b&gt;" in html
    assert "Habitat &lt;Sambre&gt; &amp; Cie | *Nord_Est*" in html  # shown literally, not emphasised
    assert "<em>Nord" not in html
    # table rows keep their number of cells although the name holds a « | »
    rows = [line for line in md.splitlines() if line.startswith("| ") and "Habitat &lt;Sambre&gt;" in line]
    assert rows
    header_cells = {len(re.findall(r"(?<!\\)\|", line)) for line in md.splitlines() if line.startswith("|---")}
    for line in rows:
        assert len(re.findall(r"(?<!\\)\|", line)) in header_cells
    # the ordinary text stays readable: no escaping of apostrophes, accents or hyphens
    assert "Communauté d'agglomération du Val de Marque" in md and "Marcq-la-Rivière" in md


# --- D13: `ptms context` on a project with errors ------------------------------------------

def test_context_refusal_fits_the_command(ptms, write_project, step1):
    data = copy.deepcopy(step1)
    data["lead_partner"] = "personne"
    run = ptms("context", write_project(data))
    assert run.code == 1 and "PTMS-E021" in run.err
    assert "Aucun document produit" not in run.err and "Contexte des modèles non produit" in run.err
    assert run.out == ""


# --- layout a reader would stumble on (issue 16, acceptance) ---------------------------------------------

W_NS = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _keeps_with_next(paragraph) -> bool:
    return paragraph._p.find(f"{W_NS}pPr/{W_NS}keepNext") is not None


def test_dossier_objective_stays_with_its_partners(agglo_docs, intercommunal):
    doc = Document(str(agglo_docs / "dossier-mobilisation.docx"))
    paragraphs = doc.paragraphs
    heads = [n for n, x in enumerate(paragraphs) if plain(x.text).startswith("Objectif ")]
    assert len(heads) == len(intercommunal["objectives"])
    for n in heads:
        assert _keeps_with_next(paragraphs[n]), paragraphs[n].text
        assert plain(paragraphs[n + 1].text).startswith("Partenaires concernés")


def test_dossier_coverage_picture_follows_its_text_with_its_caption(agglo_docs):
    doc = Document(str(agglo_docs / "dossier-mobilisation.docx"))
    texts = [plain(x.text) for x in doc.paragraphs]
    start = texts.index("Couverture actuelle du territoire")
    end = next(n for n in range(start + 1, len(texts)) if doc.paragraphs[n].style.name.startswith("Heading"))
    pictures = [n for n in range(start, end) if doc.paragraphs[n]._p.findall(f".//{W_NS}drawing")]
    assert len(pictures) == 1
    at = pictures[0]
    assert texts[at + 1].startswith("Figure 1 – ")  # the caption right under the picture
    assert _keeps_with_next(doc.paragraphs[at])
    assert any(t.startswith("Besoins exprimés qu'aucun acteur") for t in texts[start:at])  # text before the picture
    assert "(figure 1)" in texts[start + 1]


def test_cahier_cost_table_says_what_cannot_be_computed(agglo_docs):
    text = plain((agglo_docs / "cahier-des-charges.md").read_text(encoding="utf-8"))
    section = text.split("Ce que coûte le service", 1)[1].split("Risques et pérennisation", 1)[0]
    assert "Par habitant en QPV" in section
    assert "—" not in section  # an unknown ratio is said, never a bare dash
    assert "non calculable" in section and "n'est pas calculable" in section


def test_cahier_cost_rows_are_the_plan_s_years_once(ptms):
    """Convention years (« Année 1 »…): one row per year of the plan, with its cost, and the groups' keys."""
    run = ptms("context", ROOT / "examples" / "agglo-val-d-ysel.yaml")
    assert run.code == 0, run.err
    import json

    ctx = json.loads(run.out)
    rows = ctx["cahier"]["money"]["per_year"]
    assert [r["year"] for r in rows] == [str(y) for y in ctx["funding"]["years"]]
    assert all(r["cost"] != "0,00\u00a0€" for r in rows)
    key = plain(ctx["cahier"]["money"]["key"])
    assert "groupe « Communes » (35 % du reste), au prorata de la population" in key
    assert "groupe « Agglomération » (40 % du reste), à parts égales" in key
