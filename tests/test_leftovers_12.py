"""Issue 12, the last gaps: Ctrl-C during start-up, Jinja errors in French, unknown system errors
in French, a path longer than PATH_MAX, the wizard's own output folder as a symbolic link."""

from __future__ import annotations

import errno
import re
import os
import signal
import subprocess
import sys
import threading
import time

import pytest

from conftest import ROOT

EXAMPLE = ROOT / "examples" / "agglo-val-de-marque.yaml"


# --- 1. Ctrl-C while ptms is still importing -------------------------------------------------------

def _interrupt_during_start_up(delay: float) -> tuple[int, str, str]:
    """Start `python -m ptms_cli validate`, wait until ptms's own code runs (`-X importtime` tells
    when the package `ptms_cli.cli` is imported, i.e. the heavy imports start), wait `delay`, then
    send SIGINT. Before that point the interpreter itself is starting, which ptms cannot change."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    proc = subprocess.Popen([sys.executable, "-X", "importtime", "-m", "ptms_cli", "validate", str(EXAMPLE)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=ROOT)
    lines: list[str] = []
    started = threading.Event()

    def read():
        for raw in proc.stderr:
            line = raw.decode("utf-8", "replace")
            lines.append(line)
            if line.rstrip().endswith("| ptms_cli.cli") or line.rstrip().endswith("|   ptms_cli.cli"):
                started.set()
        started.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    assert started.wait(60)
    time.sleep(delay)
    proc.send_signal(signal.SIGINT)
    out = proc.stdout.read().decode("utf-8", "replace")
    code = proc.wait(60)
    reader.join(60)
    return code, out, "".join(line for line in lines if not line.startswith("import time:"))


@pytest.mark.parametrize("delay", [0, 0.01, 0.03, 0.1, 0.3])
def test_ctrl_c_during_start_up_is_a_french_exit_130_without_traceback(delay):
    code, out, err = _interrupt_during_start_up(delay)
    assert "Traceback" not in err and "KeyboardInterrupt" not in err, err
    if code == -signal.SIGINT:  # CPython ends by SIGINT itself (the shell shows 130) after the shutdown
        assert "1 fichier vérifié" in out or "Interrompu" in err, (out, err)
        return
    assert code in (0, 1, 130), (code, err)
    if code == 130:
        assert "Interrompu" in err, err


# --- 3. an error number ptms does not know: French, with its name ----------------------------------

def test_an_unknown_system_error_is_french_with_its_errno_name():
    from ptms_cli.writing import os_reason

    assert os_reason(OSError(errno.ECONNRESET, "Connection reset by peer")) == "erreur système ECONNRESET"
    assert os_reason(OSError(errno.EXDEV, "Invalid cross-device link")) == "déplacement impossible entre deux systèmes de fichiers"
    assert os_reason(OSError("no errno at all")) == "erreur système"


# --- 4. a path longer than PATH_MAX ------------------------------------------------------------------

LONG = "/".join(["a" * 200] * 25) + "/sortie.json"  # 5 000 characters, beyond PATH_MAX (4 096)


@pytest.mark.parametrize("follow_links", [False, True])
def test_a_path_longer_than_path_max_is_a_short_french_write_error(tmp_path, follow_links):
    from ptms_cli.writing import WriteError, write_atomic

    with pytest.raises(WriteError) as exc:
        write_atomic(tmp_path / LONG, b"{}", follow_links=follow_links)
    message = str(exc.value)
    assert message.startswith(f"impossible d'écrire « {str(tmp_path)[:20]}") and "nom de fichier trop long" in message
    assert "…" in message and message.split(" » : ")[0].endswith("/sortie.json") and len(message) < 200, message


def test_schema_output_beyond_path_max_is_a_short_french_error(tmp_path, ptms):
    run = ptms("schema", "-o", str(tmp_path / LONG))
    assert run.code == 1 and "Traceback" not in run.err
    assert "nom de fichier trop long" in run.err and "…" in run.err and len(run.err) < 300, run.err


# --- 5. the wizard's own « <nom>-documents » folder --------------------------------------------------

class _Yes:
    def confirm(self, message, default=True):
        return True


def test_the_wizard_refuses_a_symlinked_documents_folder(tmp_path):
    import shutil

    from rich.console import Console

    from ptms_cli.validation import validate_file
    from ptms_cli.wizard.run import offer_render
    from ptms_cli.writing import WriteError

    project = tmp_path / "projet.yaml"
    shutil.copy(EXAMPLE, project)
    elsewhere = tmp_path / "ailleurs"
    elsewhere.mkdir()
    (tmp_path / "projet-documents").symlink_to(elsewhere)
    with pytest.raises(WriteError) as exc:
        offer_render(Console(file=open(os.devnull, "w")), project, 1, validate_file(project), _Yes())
    assert "projet-documents" in str(exc.value) and "lien symbolique" in str(exc.value)
    assert list(elsewhere.iterdir()) == []


def test_the_init_wizard_writes_the_one_schema_version():
    from ptms_cli import model
    from ptms_cli.wizard import run

    assert run.SCHEMA_VERSION is model.SCHEMA_VERSION
    source = (ROOT / "src" / "ptms_cli" / "wizard" / "run.py").read_text(encoding="utf-8")
    assert '"schema_version", 1)' not in source


# --- 2. Jinja's errors told in French ----------------------------------------------------------------

JINJA_MISTAKES = [
    ("{% if a %}fin", "le bloc « if » ouvert plus haut n'est pas fermé (il manque « {% endif %} »)"),
    ("{{ a b }}", "attendu : la fin de la balise « }} », trouvé : « b »"),
    ("{{ a|foo }}", "filtre inconnu « foo »"),
    ("{{ a is foo }}", "test inconnu « foo »"),
    ("{% foo %}", "balise inconnue « foo »"),
    ("{% endif %}", "balise de fermeture « {% endif %} » sans bloc ouvert correspondant"),
    ("{{ a + }}", "élément inattendu : la fin de la balise « }} »"),
    ("{% for x in %}{% endfor %}", "une expression est attendue, trouvé : la fin de la balise « %} »"),
    ("{{ a(}}", "élément inattendu : « } », attendu : « ) »"),
    ("{% for x in a %}{% endfor %}", "cette valeur (int) n'est pas une liste : impossible de la parcourir"),
    ("{{ a / 0 }}", "division par zéro"),
    ("{{ a + 'x' }}", "opération « + » impossible entre une valeur int et une valeur str"),
]
ENGLISH = re.compile(r"\b(expected|unexpected|named|Encountered|template|object|got)\b")


@pytest.mark.parametrize("tag, french", JINJA_MISTAKES)
def test_a_jinja_mistake_in_a_template_is_explained_in_french(tmp_path, tag, french):
    from docx import Document

    from ptms_cli.documents import render as r

    doc = Document()
    doc.add_paragraph("Objet")
    doc.add_paragraph(tag)
    doc.save(str(tmp_path / "lettre.docx"))
    with pytest.raises(r.RenderError) as exc:
        r.render(tmp_path / "lettre.docx", {"a": 1}, r.Properties(title="Essai", author="ptms"))
    message = str(exc.value)
    assert message.startswith("modèle « lettre.docx »") and f"« {tag.split('%}')[0]}" in message, message
    assert french in message and not ENGLISH.search(message.replace(tag, "")), message


def test_an_untranslated_jinja_error_keeps_its_detail_after_a_french_lead():
    from ptms_cli.documents.render import french_jinja

    assert french_jinja("'str' object cannot be interpreted as an integer") == \
        "erreur dans le modèle (détail : 'str' object cannot be interpreted as an integer)"
