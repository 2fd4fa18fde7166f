"""Documents: formatting, context, rendering, exports, manifest, and the render/context/templates commands."""

from __future__ import annotations

import copy
import json
import os
import re
import shutil
import subprocess
import zipfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from docx import Document

from conftest import ROOT, docx_text, docx_texts, plain, require_soffice

from ptms_cli import referential
from ptms_cli.documents import catalog
from ptms_cli.documents import formatting as fmt
from ptms_cli import frformat
from ptms_cli.documents.context import build_context, letter_context
from ptms_cli.model import Project

pytestmark = pytest.mark.slow  # starts `ptms` in a subprocess (or LibreOffice) in most tests

TAG = re.compile(r"\{\{|\}\}|\{%|%\}")


def project_of(data: dict) -> Project:
    return Project.model_validate(data)


def user_template(path: Path, *paragraphs, runs: list[list[str]] | None = None) -> Path:
    """A minimal user .docx template: one paragraph per text, or one paragraph of several runs."""
    doc = Document()
    for text in paragraphs:
        doc.add_paragraph(text)
    for pieces in runs or []:
        p = doc.add_paragraph()
        for piece in pieces:
            p.add_run(piece)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    return path


# --- formatting -------------------------------------------------------------------------------

def test_money_and_words_in_french():
    assert plain(fmt.money(Decimal("12345.67"))) == "12 345,67 €"
    assert fmt.money_words(Decimal("12345.67")) == "douze mille trois cent quarante-cinq euros et soixante-sept centimes"
    assert fmt.money_words(Decimal("1")) == "un euro"
    assert fmt.money_words(Decimal("0.01")) == "un centime"
    assert fmt.money_words(Decimal("2000000")) == "deux millions d'euros"
    assert fmt.money_words(Decimal("80")) == "quatre-vingts euros"
    assert fmt.money_words(Decimal("-6288.34")) == "moins six mille deux cent quatre-vingt-huit euros et trente-quatre centimes"
    assert fmt.money_words(Decimal("-1")) == "moins un euro"


def test_long_dates_and_counts():
    assert fmt.long_date(date(2026, 1, 1)) == "1er janvier 2026"
    assert fmt.long_date(date(2027, 3, 15)) == "15 mars 2027"
    assert fmt.count_words(6, "mois", "mois") == "six (6) mois"
    assert fmt.count_words(3, "an") == "trois (3) ans"
    assert plain(frformat.rate(60)) == "60 %"


# --- context (pure) ---------------------------------------------------------------------------

def test_context_uses_model_titles_and_referential_labels(intercommunal):
    p = project_of(intercommunal)
    ctx = build_context(p)
    from ptms_cli.model.partners import Partner

    assert ctx["labels"]["partner"]["kind"] == Partner.model_fields["kind"].title
    assert ctx["labels"]["indicator"]["register"] == "Registre d'utilité sociale"
    first = ctx["partners"][0]
    assert first["kind_label"] == referential.PARTNER_KINDS[intercommunal["partners"][0]["kind"]]
    assert ctx["service"]["activities"][0] == referential.ACTIVITIES[intercommunal["service"]["activities"][0]]
    # plain data only: JSON round-trips unchanged, and building twice gives the same result
    assert json.loads(json.dumps(ctx)) == ctx
    assert build_context(p) == ctx


def test_context_contributions_in_figures_and_words(intercommunal):
    ctx = build_context(project_of(intercommunal))
    logis = next(c for c in ctx["funding"]["contributions"] if c["partner_id"] == "logis-marque")
    assert [plain(x) for x in logis["amounts"][:1]] == ["60 000,00 €"]
    assert logis["by_year"][0]["words"] == "soixante mille euros"
    assert logis["by_year"][0]["year"] == 2026
    assert ctx["convention"]["notice"] == "six (6) mois"
    assert ctx["convention"]["start"] == "1er janvier 2026"
    assert [s["id"] for s in ctx["signatories"]] == [x["id"] for x in intercommunal["partners"] if "signatory" in x["roles"]]


def test_letter_context_adds_the_partner(step1):
    ctx = build_context(project_of(step1))
    letter = letter_context(ctx, step1["partners"][1]["id"])
    assert letter["partner"]["name"] == step1["partners"][1]["name"]
    assert "partner" not in ctx


def test_plan_follows_progress(intercommunal, step1):
    full = catalog.plan(project_of(intercommunal))
    assert {j.spec.name for j in full.jobs} == {"mobilisation", "lettres", "cahier-des-charges", "convention"}
    letters = [j for j in full.jobs if j.spec.name == "lettres"]
    assert len(letters) == sum(x.get("status") != "declined" for x in intercommunal["partners"])
    early = catalog.plan(project_of(step1))
    assert {j.spec.name for j in early.jobs} == {"mobilisation", "lettres"}
    assert {s.spec.name for s in early.skipped} == {"cahier-des-charges", "convention"}
    assert all("étape 2" in s.reason for s in early.skipped)


@pytest.mark.parametrize("text", ["../../etc/passwd", "Ville d'Été / Nord", "", "CON", "a" * 300])
def test_slugs_are_safe_file_names(text):
    s = catalog.slug(text)
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", s) and len(s) <= 80


# --- templates source -------------------------------------------------------------------------

def test_shipped_templates_match_their_source():
    proc = subprocess.run([__import__("sys").executable, str(ROOT / "templates" / "build.py"), "--check"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    for spec in catalog.DOCUMENTS:
        assert (catalog.default_templates() / spec.template).is_file()


# --- rendering through the CLI ----------------------------------------------------------------

@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """The intercommunal example rendered once (docx and md), shared by several tests."""
    from conftest import run_ptms

    out = tmp_path_factory.mktemp("agglo")
    run = run_ptms("render", ROOT / "examples" / "agglo-val-de-marque.yaml", "-o", out, "--format", "docx,md")
    assert run.code == 0, run.err
    return out, run


def test_intercommunal_renders_every_document(rendered, intercommunal):
    out, run = rendered
    names = {p.name for p in out.glob("*.docx")}
    assert {"dossier-mobilisation.docx", "cahier-des-charges.docx", "convention.docx"} <= names
    assert len([n for n in names if n.startswith("lettre-intention-")]) == len(intercommunal["partners"])
    for path in out.glob("*.docx"):
        text = docx_text(path)
        assert not TAG.search(text), f"balise restée dans {path.name}"
        assert intercommunal["name"] in plain(text)  # header (a letter: in its subject)
        with zipfile.ZipFile(path) as z:
            footers = "".join(z.read(n).decode() for n in z.namelist() if n.startswith("word/footer"))
        if path.name.startswith("lettre-intention-"):  # on the partner's letterhead: no header, no footer
            assert "PAGE" not in footers and not any(docx_texts(path)[-2:])
            continue
        assert " PAGE " in footers and " NUMPAGES " in footers and "Page " in footers and " sur " in footers


def test_convention_contains_parties_articles_amounts_and_signatures(rendered, intercommunal):
    out, _ = rendered
    text = plain(docx_text(out / "convention.docx"))
    for x in intercommunal["partners"]:
        if "signatory" in x["roles"]:
            assert x["name"] in text and x["representative"]["name"] in text
            # signature block; the State is the party, its préfecture the service that signs
            heading = "L'État\nPréfecture du Nord" if x["kind"] == "prefecture" else x["name"]
            assert f"{heading}\n{x['representative']['name']}\n{x['representative']['title']}" in text
    assert "délibération n° 2025-087 du conseil municipal en date du 4 décembre 2025" in text
    for ref in ("loi n° 2014-173 du 21 février 2014", "circulaire n° 5811-SG du 29 septembre 2015", "XP X60-600",
                "articles 10, 26 et 28"):
        assert ref in text
    assert "18 janvier 2010" not in text  # replaced by the 2015 circulaire
    assert "Considérant" in text
    assert "Logis de la Marque (office public de l'habitat) (droit commun) : 2026 : 60 000,00 € (soixante mille euros)" in text
    assert "avant le 31 mars de chaque année" in text and "60 %" in text
    assert "six (6) mois" in text and "le tribunal administratif de Lille" in text  # lower case in running text (issue 16)
    assert "Comité de pilotage." in text and "majorité des deux tiers" in text
    assert "Agressions de conducteurs sur la ligne 3" in text  # indicators annex
    md = (out / "convention.md").read_text(encoding="utf-8")
    titles = re.findall(r"^### Article (\d+)(?:er)? – (.+)$", md, re.M)  # « Article 1er », then 2, 3…
    assert [int(n) for n, _ in titles] == list(range(1, len(titles) + 1))
    for title in ("Objet", "Durée", "Coût de l'action", "Contributions financières", "Modalités de versement",
                  "Justificatifs", "Autres engagements", "Sanctions", "Évaluation", "Contrôle", "Renouvellement",
                  "Avenant", "Annexes", "Résiliation", "Recours", "Gouvernance", "Rôle de l'opérateur",
                  "Territoire couvert", "Protection des données personnelles", "Communication"):
        assert title in {t for _, t in titles}
    assert re.findall(r"^## Annexe (\d) – (.+)$", md, re.M) == [
        ("1", "Programme d'actions"), ("2", "Budget pluriannuel et plan de financement"), ("3", "Indicateurs d'évaluation"),
        ("4", "Protection des données personnelles")]


def test_documents_carry_the_computed_funding_plan(rendered, intercommunal):
    from ptms_cli import funding

    out, _ = rendered
    plan = funding.compute_plan(project_of(intercommunal))
    convention = plain(docx_text(out / "convention.docx"))
    contributions = funding.rows(plan, "contributions")
    assert any(x.allocated for y in plan.years for x in y.contributions)  # the allocation key is used
    for row in contributions:
        assert row.item.name in convention
        for year, amount in row.amounts.items():
            assert f"{year} : {plain(fmt.money(amount))} ({fmt.money_words(amount)})" in convention
    # payment schedule: each year's contribution split 60 % / 40 %, parts adding up to the cent
    md = (out / "convention.md").read_text(encoding="utf-8")
    for row in contributions:
        for year, amount in row.amounts.items():
            line = next(x for x in md.splitlines() if x.startswith(f"| {row.item.name} | {year} |"))
            cells = [c.strip() for c in line.strip("|").split("|")]
            parts = [Decimal(plain(c).split("<br>")[0].split("\n")[0].replace(" €", "").replace(" ", "").replace(",", "."))
                     for c in cells[2:-1]]  # each cell: the amount, then its due date
            assert sum(parts) == amount and len(parts) == len(intercommunal["convention"]["payment_schedule"])
            assert abs(parts[0] - amount * Decimal("0.6")) < Decimal("0.01")
    total = sum((y.cost_total for y in plan.years), Decimal(0))
    assert f"{plain(fmt.money(total))} ({fmt.money_words(total)})" in convention
    cdc = plain(docx_text(out / "cahier-des-charges.docx"))
    for row in funding.rows(plan, "costs"):
        assert row.item.label in cdc
    for y in plan.years:
        assert plain(fmt.money(y.cost_total)) in cdc


def test_cahier_and_dossier_contents(rendered, intercommunal):
    out, _ = rendered
    cdc = plain(docx_text(out / "cahier-des-charges.docx"))
    for heading in ("Contexte et objectifs généraux", "Formes de médiation et posture des médiateurs",
                    "Territoires et secteurs d'intervention", "Profils et compétences des agents",
                    "Formation et qualification", "Moyens humains et matériels", "Gouvernance, coordination",
                    "Suivi et évaluation", "Budget pluriannuel et plan de financement", "choix de l'opérateur"):
        assert heading in cdc
    assert "Présence active de proximité" in cdc
    with zipfile.ZipFile(out / "cahier-des-charges.docx") as z:
        assert any(n.startswith("word/media/") and n.endswith(".png") for n in z.namelist())  # the chart
    dossier = docx_text(out / "dossier-mobilisation.docx")
    for x in intercommunal["partners"]:
        assert x["name"] in dossier
    assert "Médiateurs municipaux de Marcq-la-Rivière" in dossier  # diagnosis: existing actors
    assert "Signature de la convention unique" in dossier  # calendar
    assert "15 janvier 2026" in dossier
    assert "Sans projet territorial : " in plain(dossier)  # coverage diagnosis, from ptms_cli.coverage
    with zipfile.ZipFile(out / "dossier-mobilisation.docx") as z:
        assert any(n.startswith("word/media/") for n in z.namelist())  # the coverage picture
    from ptms_cli import coverage

    matrix = coverage.coverage_matrix(project_of(intercommunal))
    assert coverage.view_summary(matrix, "before") in dossier
    assert coverage.view_summary(matrix, "after") in cdc
    letter = docx_text(out / "lettre-intention-marcq.docx")
    assert "Mme Isabelle Caron" in plain(letter) and "lettre d'intention" in letter.lower()


def test_markdown_is_derived_from_the_docx(rendered):
    out, _ = rendered
    md = (out / "dossier-mobilisation.md").read_text(encoding="utf-8")
    assert md.startswith("# Dossier de mobilisation des partenaires")
    assert re.search(r"^\| Nom du partenaire \| Type de partenaire \|", md, re.M)
    assert "## 3. La carte des partenaires" in md


def test_step1_project_renders_only_step1_documents(tmp_path, ptms, step1):
    run = ptms("render", ROOT / "examples" / "cc-deux-rives.yaml", "-o", tmp_path)
    assert run.code == 0, run.err
    names = {p.name for p in tmp_path.glob("*.docx")}
    assert "dossier-mobilisation.docx" in names and "convention.docx" not in names
    assert "cahier-des-charges.docx" not in names
    assert len([n for n in names if n.startswith("lettre-intention-")]) == sum(
        x.get("status") != "declined" for x in step1["partners"])
    assert "ignoré : Cahier des charges — étape 2" in run.out
    assert "ignoré : Convention unique pluripartite" in run.out


def test_commune_example_renders(tmp_path, ptms, commune):
    run = ptms("render", ROOT / "examples" / "commune-beaulieu.yaml", "-o", tmp_path)
    assert run.code == 0, run.err
    assert "ignoré :" not in run.out and "0 document ignoré" in run.out
    for name in ("dossier-mobilisation", "cahier-des-charges", "convention"):
        text = docx_text(tmp_path / f"{name}.docx")
        assert commune["name"] in text and not TAG.search(text)
    assert len(list(tmp_path.glob("lettre-intention-*.docx"))) == sum(
        x.get("status") != "declined" for x in commune["partners"])


def test_rerender_is_byte_identical(tmp_path, ptms, rendered):
    out, _ = rendered
    run = ptms("render", ROOT / "examples" / "agglo-val-de-marque.yaml", "-o", tmp_path, "--format", "docx,md",
               "--doc", "convention", "--doc", "cahier-des-charges")
    assert run.code == 0, run.err
    for name in ("convention.docx", "convention.md", "cahier-des-charges.docx"):
        assert (tmp_path / name).read_bytes() == (out / name).read_bytes()
    with zipfile.ZipFile(tmp_path / "convention.docx") as z:
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        core = z.read("docProps/core.xml").decode()
    assert "2026-01-15" in core  # signing date, not the clock
    assert "Convention unique pluripartite" in core


def test_values_are_rendered_literally(tmp_path, ptms, write_project, step1):
    data = copy.deepcopy(step1)
    tricky = "A & B <b>gras</b> \"cité\" 'apostrophe' {{ territory.name }} {% if x %}"
    data["name"] = "Projet " + tricky
    data["objectives"][0]["statement"] = "Première ligne\nDeuxième ligne & <fin>"
    path = write_project(data)
    run = ptms("render", path, "-o", tmp_path / "out", "--format", "docx,md", "--doc", "mobilisation")
    assert run.code == 0, run.err
    text = docx_text(tmp_path / "out" / "dossier-mobilisation.docx")
    assert "Projet " + tricky in text
    assert "Première ligne\nDeuxième ligne & <fin>" in text  # newline -> line break
    with zipfile.ZipFile(tmp_path / "out" / "dossier-mobilisation.docx") as z:
        xml = z.read("word/document.xml").decode()
    assert "Première ligne</w:t><w:br/>" in xml
    md = (tmp_path / "out" / "dossier-mobilisation.md").read_text(encoding="utf-8")
    # Markdown shows the text literally: HTML-significant characters as entities, never raw HTML
    assert "A &amp; B &lt;b&gt;gras&lt;/b&gt; \"cité\" 'apostrophe' {{ territory.name }} {% if x %}" in md
    assert "<b>" not in md


def test_hand_edited_output_survives_and_force_overwrites(tmp_path, ptms):
    src = ROOT / "examples" / "cc-deux-rives.yaml"
    out = tmp_path / "out"
    assert ptms("render", src, "-o", out, "--doc", "mobilisation", "--format", "docx,md").code == 0
    original = (out / "dossier-mobilisation.md").read_bytes()
    manifest = json.loads((out / ".ptms-manifest.json").read_text())
    assert set(manifest["files"]) == {"dossier-mobilisation.docx", "dossier-mobilisation.md"}
    edited = original + "\nNote ajoutée à la main.\n".encode()
    (out / "dossier-mobilisation.md").write_bytes(edited)
    run = ptms("render", src, "-o", out, "--doc", "mobilisation", "--format", "docx,md")
    assert run.code == 1
    assert "dossier-mobilisation.md" in run.err and "--force" in run.err
    assert (out / "dossier-mobilisation.md").read_bytes() == edited
    run = ptms("render", src, "-o", out, "--doc", "mobilisation", "--format", "docx,md", "--force")
    assert run.code == 0, run.err
    assert (out / "dossier-mobilisation.md").read_bytes() == original
    # a file ptms did not write is protected too
    (out / "dossier-mobilisation.md").unlink()
    (out / ".ptms-manifest.json").unlink()
    (out / "dossier-mobilisation.md").write_text("à moi", encoding="utf-8")
    assert ptms("render", src, "-o", out, "--doc", "mobilisation", "--format", "md").code == 1
    assert (out / "dossier-mobilisation.md").read_text(encoding="utf-8") == "à moi"


def test_undefined_variable_names_template_and_tag(tmp_path, ptms):
    tpl = tmp_path / "modeles"
    user_template(tpl / "dossier-mobilisation.docx", "Territoire : {{ territory.nmae }}")
    run = ptms("render", ROOT / "examples" / "cc-deux-rives.yaml", "-o", tmp_path / "out", "--templates", tpl,
               "--doc", "mobilisation")
    assert run.code == 1
    assert "dossier-mobilisation.docx" in run.err and "{{ territory.nmae }}" in run.err and "nmae" in run.err
    assert "Traceback" not in run.err
    assert not (tmp_path / "out" / "dossier-mobilisation.docx").exists()


def test_sandbox_escape_fails_cleanly(tmp_path, ptms):
    tpl = tmp_path / "modeles"
    user_template(tpl / "dossier-mobilisation.docx", "{{ project.__class__.__mro__[1].__subclasses__() }}")
    run = ptms("render", ROOT / "examples" / "cc-deux-rives.yaml", "-o", tmp_path / "out", "--templates", tpl,
               "--doc", "mobilisation")
    assert run.code == 1
    assert "bac à sable" in run.err and "dossier-mobilisation.docx" in run.err
    assert "Traceback" not in run.err


def test_templates_path_in_project_file(tmp_path, ptms, write_project, step1):
    user_template(tmp_path / "mes-modeles" / "dossier-mobilisation.docx", "MODÈLE MAISON — {{ territory.name }}")
    data = dict(step1, templates="mes-modeles")
    path = write_project(data)
    run = ptms("render", path, "-o", tmp_path / "out", "--doc", "mobilisation", "--doc", "lettres")
    assert run.code == 0, run.err
    assert docx_text(tmp_path / "out" / "dossier-mobilisation.docx").startswith(
        "MODÈLE MAISON — " + step1["territory"]["name"])
    # templates missing from the user's directory fall back to the defaults
    assert "lettre d'intention" in docx_text(next((tmp_path / "out").glob("lettre-intention-*.docx"))).lower()


def test_templates_export_and_check(tmp_path, ptms):
    out = tmp_path / "modeles"
    run = ptms("templates", "export", out)
    assert run.code == 0, run.err
    for spec in catalog.TEMPLATES:  # after-signature templates included
        assert (out / spec.template).read_bytes() == (catalog.default_templates() / spec.template).read_bytes()
    run = ptms("templates", "check", out, "--project", ROOT / "examples" / "agglo-val-de-marque.yaml")
    assert run.code == 0, run.out + run.err
    assert f"{len(catalog.TEMPLATES)} modèles vérifiés : {len(catalog.TEMPLATES)} sans problème" in run.out
    run = ptms("templates", "check", out, "--project", ROOT / "examples" / "cc-deux-rives.yaml")
    assert run.code == 0 and "rendu d'essai non fait, le projet n'a pas terminé l'étape 3" in run.out
    # a second export keeps the files already there
    assert "conservé" in ptms("templates", "export", out).out


def test_templates_check_finds_split_tags_and_unknown_variables(tmp_path, ptms):
    d = tmp_path / "modeles"
    user_template(d / "dossier-mobilisation.docx", "{{ inconnue }}", runs=[["Nom : {{ terr", "itory.name }}"]])
    user_template(d / "convention.docx", "Nom : {{ territory.name }")
    user_template(d / "lettre-intention.docx", "Cher partenaire {{ partner.name }} de {{ territory.name }}")
    run = ptms("templates", "check", d)
    assert run.code == 1
    lines = run.out.splitlines()
    assert any("dossier-mobilisation.docx" in x and "coupée" in x and "{{ territory.name }}" in x for x in lines)
    assert any("dossier-mobilisation.docx" in x and "« inconnue »" in x for x in lines)
    assert any("convention.docx" in x and "mal formée" in x for x in lines)
    assert not any("lettre-intention.docx" in x for x in lines)  # `partner` is known to letters
    assert "3 modèles vérifiés : 1 sans problème, 2 à corriger" in run.out
    run = ptms("templates", "check", d, "--project", ROOT / "examples" / "cc-deux-rives.yaml")
    assert run.code == 1 and "Traceback" not in run.err


def test_templates_check_bad_directory(tmp_path, ptms):
    assert ptms("templates", "check", tmp_path / "absent").code == 2
    assert ptms("templates", "check", tmp_path).code == 2  # no .docx


def test_context_command_prints_json(ptms):
    run = ptms("context", ROOT / "examples" / "agglo-val-de-marque.yaml")
    assert run.code == 0, run.err
    ctx = json.loads(run.out)
    assert ctx["territory"]["name"] == "Communauté d'agglomération du Val de Marque"
    assert ctx["labels"]["territory"]["name"] == "Nom du territoire"


def test_render_usage_errors(tmp_path, ptms):
    src = ROOT / "examples" / "cc-deux-rives.yaml"
    run = ptms("render", src, "--doc", "inconnu", "-o", tmp_path)
    assert run.code == 2 and "inconnu" in run.err
    run = ptms("render", src, "--format", "docx,rtf", "-o", tmp_path)
    assert run.code == 2 and "rtf" in run.err
    run = ptms("render", tmp_path / "absent.yaml", "-o", tmp_path)
    assert run.code == 2 and "absent.yaml" in run.err
    (tmp_path / "fichier").write_text("x")
    run = ptms("render", src, "-o", tmp_path / "fichier")
    assert run.code == 2 and "n'est pas un dossier" in run.err and "Traceback" not in run.err
    assert not list(tmp_path.glob("*.docx"))


def test_invalid_project_is_not_rendered(tmp_path, ptms, write_project, step1):
    data = copy.deepcopy(step1)
    data["lead_partner"] = "personne"
    run = ptms("render", write_project(data), "-o", tmp_path / "out")
    assert run.code == 1 and "PTMS-E021" in run.err
    assert not (tmp_path / "out").exists()


# --- compiled-template cache (issue 7 relies on it) ---------------------------------------------

def test_compiled_templates_are_cached_and_documents_stay_identical(step1):
    from ptms_cli.documents import render as r

    p = project_of(step1)
    ctx = build_context(p)
    tpl = catalog.default_templates() / "dossier-mobilisation.docx"
    props = r.Properties(title="t", author="a", date=date(2027, 1, 1))
    first = r.render(tpl, ctx, props, dict.fromkeys(catalog.IMAGES))
    cached = r.cache_info()
    second = r.render(tpl, ctx, props, dict.fromkeys(catalog.IMAGES))
    assert r.cache_info() == cached > 0
    assert first == second
    other = dict(ctx, project=dict(ctx["project"], name="Autre nom"))
    third = r.render(tpl, other, props, dict.fromkeys(catalog.IMAGES))
    assert r.cache_info() == cached
    assert "Autre nom" in docx_text(third) and "Autre nom" not in docx_text(first)


# --- PDF (LibreOffice) ------------------------------------------------------------------------

@pytest.mark.pdf
def test_every_document_converts_to_pdf(tmp_path, ptms):
    require_soffice()
    out = tmp_path / "out"
    run = ptms("render", ROOT / "examples" / "agglo-val-de-marque.yaml", "-o", out, "--format", "pdf",
               "--doc", "mobilisation", "--doc", "cahier-des-charges", "--doc", "convention", timeout=600)
    assert run.code == 0, run.err
    for name in ("dossier-mobilisation", "cahier-des-charges", "convention"):
        pdf = out / f"{name}.pdf"
        assert pdf.read_bytes().startswith(b"%PDF")
        if shutil.which("pdftotext"):
            text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, timeout=60).stdout
            pages = len(text.split("\f")) - 1
            assert f"Page {pages} sur {pages}" in text
            assert not TAG.search(text)
    assert not list(out.glob("*.docx"))  # only the formats asked for


@pytest.mark.pdf
def test_letter_converts_to_pdf(tmp_path, ptms):
    require_soffice()
    run = ptms("render", ROOT / "examples" / "cc-deux-rives.yaml", "-o", tmp_path, "--format", "docx,pdf",
               "--doc", "lettres", timeout=600)
    assert run.code == 0, run.err
    assert len(list(tmp_path.glob("*.pdf"))) == len(list(tmp_path.glob("*.docx"))) > 0


def test_missing_libreoffice_message(tmp_path, ptms):
    env_run = subprocess.run(
        [__import__("sys").executable, "-m", "ptms_cli", "render", str(ROOT / "examples" / "cc-deux-rives.yaml"),
         "-o", str(tmp_path), "--format", "docx,pdf", "--doc", "mobilisation"],
        capture_output=True, text=True, timeout=120, env={**os.environ, "PTMS_SOFFICE": ""})
    assert env_run.returncode == 1
    assert "LibreOffice est introuvable" in env_run.stderr and "--format docx,md" in env_run.stderr
    assert (tmp_path / "dossier-mobilisation.docx").exists()  # the other formats are still written
    assert not list(tmp_path.glob("*.pdf"))


def test_optional_sections_left_out_still_render(tmp_path, ptms, write_project, intercommunal):
    data = copy.deepcopy(intercommunal)
    for key in ("contrat_de_ville", "actors", "calendar", "custom_fields"):
        data.pop(key, None)
    data["territory"].pop("qpv")
    data["territory"].pop("population")
    data["service"]["fields"] = [f for f in data["service"]["fields"] if f != "numerique"]
    for sector in data["service"]["sectors"]:
        sector["fields"] = [f for f in sector.get("fields", []) if f != "numerique"]
        sector.pop("time_slots", None)
    for key in ("supervision", "training", "reporting", "charter", "resources", "selection", "legal_form", "purposes"):
        data["service"].pop(key, None)
    data["governance"].pop("technical_committee")
    for key in ("data_protection", "communication", "signing_place", "signing_date"):
        data["convention"].pop(key)
    data["evaluation"].pop("method")
    data["evaluation"].pop("lead")
    for x in data["partners"]:
        x.pop("contact", None)
        x.pop("address", None)
    run = ptms("render", write_project(data), "-o", tmp_path / "out", "--format", "docx,md")
    assert run.code == 0, run.err
    assert "0 document ignoré" in run.out
    text = docx_text(tmp_path / "out" / "convention.docx")
    assert not TAG.search(text) and "None" not in text
    assert "Fait à ……………………, le ……………………" in text
    assert "Comité technique" not in text and "Point de contact unique" not in text
    cdc = docx_text(tmp_path / "out" / "cahier-des-charges.docx")
    assert not TAG.search(cdc) and "None" not in cdc and "à définir en comité technique" in cdc
    dossier = docx_text(tmp_path / "out" / "dossier-mobilisation.docx")
    assert "Aucun acteur de médiation existant n'a été recensé." in dossier and "None" not in dossier
    assert "Le calendrier sera arrêté" in dossier


def test_partner_shares_in_the_context_match_ptms_funding():
    from ptms_cli.documents.context import build_context
    from ptms_cli.frformat import percent
    from ptms_cli.funding import compute_plan
    from ptms_cli.validation import load_project

    project, *_ = load_project(ROOT / "examples" / "agglo-val-de-marque.yaml")
    plan = compute_plan(project)
    context = build_context(project)
    agglo = next(x for x in context["funding"]["partners"] if "agglomération" in str(x))
    shares = {y.year: s.share for y in plan.years for s in y.partners if s.partner == "agglo"}
    assert agglo["shares"][-1] == percent(shares[2028]) == "26,3\u00a0%"
