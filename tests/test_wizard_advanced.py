"""« Options avancées »: the expert fields, out of the default flow, reachable from an item's menu
(a resource « sollicitée ») and from a step's hub (a committee's quorum)."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import yaml
from rich.console import Console

from ptms_cli.model.funding import Funding
from ptms_cli.validation import validate_file
from ptms_cli.wizard.backend import ENTER, ScriptedBackend
from ptms_cli.wizard.backend import Expect as E
from ptms_cli.wizard.engine import Engine
from ptms_cli.wizard.questions import EXPERT_FIELDS, expert_names, question
from ptms_cli.wizard.run import run

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "agglo-val-de-marque.yaml"


def test_a_resource_is_marked_requested_from_its_advanced_options():
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    backend = ScriptedBackend([
        E("Ressources", ("edit", 0)), E("quel champ modifier", "advanced"),
        E("quelle option avancée", "status"), E("Statut", "requested"),
        E("quelle option avancée", "fallback"), E("Partenaire de repli", "agglo"),
        E("quelle option avancée", "done"), E("quel champ modifier", "done"), E("Ressources", "done")])
    e = Engine(backend, Console(file=io.StringIO(), width=100), data)
    e.frames = [["funding", data["funding"]]]
    items = e.edit_list(question(Funding, "resources"), data["funding"]["resources"])
    assert backend.answers == []
    assert items[0]["status"] == "requested" and items[0]["fallback"] == "agglo"
    assert items[1] == data["funding"]["resources"][1]  # the other resource as it was
    menu = [m for k, m in backend.asked if "quelle option avancée" in m]
    assert menu and all(m.startswith("Fonds interministériel") for m in menu)  # named, never by its id


def test_expert_fields_stay_out_of_the_default_flow():
    from ptms_cli.model.funding import Resource
    from ptms_cli.model.partners import Partner

    assert question(Resource, "status").kind == "skip"  # not asked when a resource is added
    assert expert_names(Resource) == ["status", "decision", "fallback"]
    assert "qpv_population" in expert_names(Partner) and "housing_units" in expert_names(Partner)
    assert "attributes" not in expert_names(Partner)  # a mapping: edited in the file
    assert all(f"{Partner.__name__}.{n}" in EXPERT_FIELDS for n in expert_names(Partner))


def test_a_committee_quorum_from_the_hub(tmp_path):
    path = tmp_path / "projet.yaml"
    shutil.copy(EXAMPLE, path)
    backend = ScriptedBackend([
        E("quelle section", "advanced"), E("options avancées de quelle partie", 0),
        E("quelle option avancée", "quorum"), E("Quorum", "les deux tiers des membres"),
        E("quelle option avancée", "done"), E("options avancées de quelle partie", "done"),
        E("quelle section", "done"), E("Enregistrer", True), E("Produire maintenant", False)])
    out = io.StringIO()
    assert run("convene", path, Console(file=out, width=100), lambda: backend) == 0
    assert backend.answers == []
    parts = next(c for k, c in [(k, m) for k, m in backend.asked] if "de quelle partie" in c)
    assert "Étape 3" in parts
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert data["governance"]["steering_committee"]["quorum"] == "les deux tiers des membres"
    assert "~ Gouvernance › Comité de pilotage › Quorum" in out.getvalue() or "+ Gouvernance › Comité de pilotage › Quorum" in out.getvalue()
    assert validate_file(path).errors == 0


class EnterThenCtrlC(ScriptedBackend):
    """A user who presses Enter at every question, then Ctrl-C."""

    def _next(self, kind, message):
        if not self.answers or "Produire" in message:
            self.asked.append((kind, message))
            raise KeyboardInterrupt
        return super()._next(kind, message)


def test_the_hub_never_defaults_to_the_advanced_options(tmp_path):
    path = tmp_path / "projet.yaml"
    shutil.copy(EXAMPLE, path)
    backend = EnterThenCtrlC([ENTER] * 40)  # Ctrl-C at « Produire ? »
    before = path.read_bytes()
    assert run("convene", path, Console(file=io.StringIO(), width=100), lambda: backend) == 130
    hubs = [m for _, m in backend.asked if "quelle section" in m]
    assert len(hubs) >= 2  # Enter walked the sections and came back to the hub
    assert not any("options avancées" in m for _, m in backend.asked)
    assert "Produire" in backend.asked[-1][1]
    assert path.read_bytes() == before  # nothing changed: « inchangé »
