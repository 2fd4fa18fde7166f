"""The after-signature templates (avenant, appel de fonds, bilan annuel): declared once in
`catalog.FOLLOWUP`, written in templates/src, shipped built and up to date."""

from __future__ import annotations

import importlib.util
import sys

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
