"""The after-signature templates (avenant, appel de fonds, bilan annuel): declared once in
`catalog.FOLLOWUP`, written in templates/src, shipped built and up to date."""

from __future__ import annotations

import importlib.util
import sys

import pytest
from conftest import ROOT

from ptms_cli.aftersign import adapters
from ptms_cli.documents import catalog

sys.path.insert(0, str(ROOT / "templates"))
import docsource  # noqa: E402


def _build():
    spec = importlib.util.spec_from_file_location("ptms_build", ROOT / "templates" / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_followup_templates_have_sources_and_are_shipped_up_to_date():
    build = _build()
    names = {d.name for d in catalog.DOCUMENTS}
    for spec in catalog.FOLLOWUP:
        assert spec.name not in names  # `ptms render` never renders them
        source = docsource.parse(ROOT / "templates" / "src" / spec.template.replace(".docx", ".md"))
        assert source.title == spec.title
        shipped = catalog.default_templates() / spec.template
        assert build.difference(shipped, build.build_one(spec.template)) is None, spec.template


def test_avenant_template_has_numbered_articles_and_a_funding_annex():
    template = catalog.default_templates() / "avenant.docx"
    assert adapters.convention_articles(template) == ["{{ c.title }}", "Plan de financement", "Entrée en vigueur"]
    assert adapters.convention_articles(template, "Annexe") == ["Budget pluriannuel et plan de financement modifiés"]


def test_templates_list_and_export_include_the_followup_templates(ptms, tmp_path):
    listed = ptms("templates", "list")
    assert listed.code == 0
    for spec in catalog.FOLLOWUP:
        assert f"{spec.template} : {spec.title} (ptms {spec.command})" in listed.out
    exported = ptms("templates", "export", tmp_path / "modeles")
    assert exported.code == 0
    for spec in catalog.FOLLOWUP:
        copy = tmp_path / "modeles" / spec.template
        assert copy.read_bytes() == (catalog.default_templates() / spec.template).read_bytes()
    checked = ptms("templates", "check", tmp_path / "modeles")
    assert checked.code == 0 and f"{len(catalog.TEMPLATES)} modèles vérifiés" in checked.out


def test_templates_check_flags_an_unknown_variable_in_a_followup_template(ptms, tmp_path):
    from docx import Document

    folder = tmp_path / "modeles"
    folder.mkdir()
    doc = Document(str(catalog.default_templates() / "appel-de-fonds.docx"))
    doc.add_paragraph("Montant : {{ call.amount }} ; {{ appel.montant }}")
    doc.save(str(folder / "appel-de-fonds.docx"))
    r = ptms("templates", "check", folder)
    assert r.code == 1 and "« appel » absente du contexte" in r.out and "« call »" not in r.out


@pytest.mark.slow
def test_a_customised_call_template_is_used_by_ptms_calls(ptms, write_project, intercommunal, tmp_path):
    from conftest import docx_text, plain
    from docx import Document

    folder = tmp_path / "modeles"
    assert ptms("templates", "export", folder).code == 0
    doc = Document(str(folder / "appel-de-fonds.docx"))
    doc.add_paragraph("Mention maison : référence {{ call.reference }}")
    doc.save(str(folder / "appel-de-fonds.docx"))
    out = tmp_path / "out"
    r = ptms("calls", write_project(intercommunal), "--year", "2027", "-o", out, "--templates", folder)
    assert r.code == 0, r.err
    assert "Mention maison : référence AF-2027-caf-1" in plain(docx_text(out / "appel-de-fonds-2027-caf-1.docx"))
