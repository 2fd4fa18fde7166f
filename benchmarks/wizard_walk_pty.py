"""The issue-17 scenario walked through the real wizards in a pseudo-terminal (pexpect): count prompts
and keypresses.

A commune of 30 000 inhabitants, two priority neighbourhoods (QPV), six partners, four mediators:
`ptms init`, then `mobilize`, `specify`, `convene`, to a complete convention (then `ptms validate
--step 3` and `ptms render --doc convention`); then the keypresses to change one value (a partner's
status) in the finished project: with `ptms mobilize --edit partners`, and through the step's menu.

The driver does not follow a fixed list of questions: it reads each prompt on screen and answers from
`SCENARIO` by the prompt's stable words (so it survives questions being added, removed or reordered).
A prompt it has no answer for gets Enter (its default) and is listed at the end. Keys counted as a user
types them: Enter 1, each arrow 1, Space 1, a menu's shortcut key 1, typed text its characters.

Run (one command; `-v` prints every prompt and the keys sent; `--columns 60` for a narrow terminal):

    PYTHONPATH=src python benchmarks/wizard_walk_pty.py [-v] [--keep DIR]
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pexpect

ROOT = Path(__file__).resolve().parent.parent
DOWN, UP, ENTER, SPACE = "\x1b[B", "\x1b[A", "\r", " "


class Seq(list):
    """Successive answers to the same prompt (the last one repeats)."""


class Items(list):
    """The items to add to a list section (« … : que faire ? »), each a dict of answers."""


DEFAULT = object()  # press Enter: keep the default

# ---------------------------------------------------------------------------------------------------
# The scenario, in one place. Keys are stable words of the prompt (case-insensitive; the longest key
# found in the prompt wins, the innermost item first). Values: text typed; a choice's label (or part
# of it) in a menu; a list of labels to tick in a checkbox (the others unticked); True/False for
# « Oui »/« Non »; Items([...]) for a list section; Seq([...]) for successive answers; DEFAULT.
# ---------------------------------------------------------------------------------------------------
LEAD = {  # the lead partner, asked by `init`
    "Nom du partenaire": "Ville de Villeneuve", "Type de partenaire": "Commune",
    "Rôles": ["Financeur", "Signataire"], "Statut de mobilisation": "Engagé"}
PARTNERS = Items([  # added in `mobilize` (the lead is there already)
    {"Nom du partenaire": "Habitat 47", "Type de partenaire": "Bailleur",
     "Rôles": ["Financeur", "Signataire"], "Statut de mobilisation": "Engagé", "Champs d'intérêt": ["Tranquillité"]},
    {"Nom du partenaire": "Caisse d'allocations familiales", "Type de partenaire": "allocations familiales",
     "Rôles": ["Financeur", "Signataire"], "Statut de mobilisation": "Intéressé", "Champs d'intérêt": ["Accès aux droits"]},
    {"Nom du partenaire": "Département de Lot-et-Garonne", "Type de partenaire": "Département",
     "Rôles": ["Financeur", "Signataire"], "Statut de mobilisation": "Intéressé", "Champs d'intérêt": ["Accès aux droits"]},
    {"Nom du partenaire": "Préfecture de Lot-et-Garonne", "Type de partenaire": "État",
     "Rôles": ["Financeur", "Signataire"], "Statut de mobilisation": "Engagé", "Champs d'intérêt": ["Tranquillité"]},
    {"Nom du partenaire": "Médiation 47", "Type de partenaire": "Association",
     "Rôles": ["Opérateur", "Signataire"], "Statut de mobilisation": "Engagé"},
])
# the legal representatives of the six signatories, asked by `convene` in the partners' order
REPRESENTATIVES = [("M. Paul Durand", "Maire"), ("Mme Claire Martin", "Directrice générale"), ("M. Jean Petit", "Directeur"),
                   ("Mme Sophie Bernard", "Présidente"), ("M. Luc Moreau", "Préfet"), ("Mme Anne Leroy", "Présidente")]

SCENARIO: dict[str, Any] = {
    "Représentant légal de": Seq([f"{name}, {title}" for name, title in REPRESENTATIVES]),
    # init
    "Nom du territoire": "Villeneuve", "Type de territoire": "Commune", "Département": "Lot-et-Garonne (47)",
    "Communes concernées": "Villeneuve", "Population": "30000",
    "Quartiers prioritaires (QPV)": Items([
        {"Nom du quartier": "Les Haras", "Population": "3200"},
        {"Nom du quartier": "Le Centre ancien", "Population": "2800"},
    ]),
    # one sector per priority neighbourhood, proposed: both kept
    "un secteur par quartier prioritaire": ["Les Haras", "Le Centre ancien"], "Secteurs opérationnels": Items([]),
    "Début du projet": "01/01/2026", "Fin du projet": "31/12/2028",
    **LEAD,
    "Partenaires": PARTNERS,
    "saisir aussi le contact": False,  # asked once for the partners added
    # mobilize
    "Objectifs partagés": Items([
        {"Énoncé de l'objectif": "Apaiser les halls et les espaces publics",
         "Partenaires concernés": ["Ville", "Habitat 47", "Préfecture"], "Champs d'intervention": ["Tranquillité"]},
        {"Énoncé de l'objectif": "Ramener les familles vers leurs droits",
         "Partenaires concernés": ["Ville", "Caisse", "Département"], "Champs d'intervention": ["Accès aux droits"]},
    ]),
    # specify
    "Types de postes": Items([{"Libellé": "Médiateur social", "Coût annuel": "42000"}]),
    "Nom du service": "Service de médiation de Villeneuve", "^Opérateur$": "Médiation 47",
    "^Activités": ["Présence active", "Mise en relation", "Gestion de conflits"],
    "Secteurs couverts : lesquels": ["Les Haras", "Centre ancien"], "Secteurs couverts": Items([]),
    "Heures de présence": Seq(["35", "30"]),
    "Postes": Items([
        {"Intitulé du poste": "Médiateur Les Haras", "Nombre de postes": "2", "Secteurs d'affectation": ["Les Haras"]},
        {"Intitulé du poste": "Médiateur Centre ancien", "Nombre de postes": "2",
         "Secteurs d'affectation": ["Centre ancien"]},
    ]),
    "Décrire maintenant l'encadrement": False, "Ajouter des coûts en plus des postes": False, "Choix de l'opérateur": "Médiation 47",
    "Renseigner « Répartition du reste à financer »": True, "Clé de répartition": "Pourcentages fixés",
    "se répartissent le reste : lesquels": ["Ville", "Habitat 47", "Caisse", "Département"],
    "Partenaires qui se répartissent le reste": Items([]), "Poids": Seq(["50", "20", "15", "15"]),
    # convene
    "Réunions par an": "2",
    "Échéancier de versement": Items([
        {"Échéance": "à la signature", "Part de la contribution": "60"},
        {"Échéance": "avant le 30 juin", "Part de la contribution": "40"},
    ]),
    "Tribunal compétent": DEFAULT,  # proposed from the département: Bordeaux
    "Lieu de signature": "Villeneuve",
    # every step
    "Enregistrer les modifications": "Enregistrer",  # with errors: « Enregistrer comme brouillon de projet »
    "Produire maintenant": False,
}

# changing one value in the finished project: a partner's status, with `ptms mobilize --edit partners`
# (after the change, Entrée on the item's menu is « Enregistrer et quitter »)
CHANGE: dict[str, Any] = {
    "Partenaires": "Modifier : Caisse",
    "quel champ modifier": Seq(["Statut", DEFAULT]),
    "Statut de mobilisation": "Engagé",
    "Produire maintenant": False,
}
# the same through the step's menu (`ptms mobilize`), with « Enregistrer et quitter » in the item's menu
CHANGE_HUB: dict[str, Any] = {
    "quelle section": "Partenaires",
    "Partenaires": "Modifier : Caisse",
    "quel champ modifier": Seq(["Statut", "Enregistrer et quitter"]),
    "Statut de mobilisation": "Intéressé",
    "Produire maintenant": False,
}

# The wizards' own words the driver relies on (menus and prompts); the one place to adjust them.
UI = {
    "list": "que faire",  # a list section's menu: « Partenaires : que faire ? »
    "add": "Ajouter", "edit": "Modifier : ", "done": "Terminer",  # its choices
    "hub": "quelle section",  # a step's menu of sections
    "yes": "Oui", "no": "Non",  # a confirmation
    "select": "puis Entrée)", "checkbox": "pour valider)",  # the ends of the menus' instructions
}

# ---------------------------------------------------------------------------------------------------
ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[()][0-9A-B]|\x1b[=>]")
QMARK = "?\x1b[0;1m "  # questionary's question mark, then the bold question


@dataclass
class Screen:
    question: str
    kind: str  # text, select, checkbox
    choices: list[str] = field(default_factory=list)
    pointer: int = 0
    checked: list[bool] = field(default_factory=list)
    shortcuts: list[str] = field(default_factory=list)


def _joined(lines: list[str]) -> list[str]:
    """Choice lines with their wrapped continuations joined (`wizard.backend.wrap`): a choice starts
    with its shortcut (« 1) », « a) ») or its box (● ○), after the pointer; any other line continues it."""
    out: list[str] = []
    for ln in lines:
        if out and not re.match(r"^\s*(?:»\s*)?(?:\w\)\s|[●○]\s)", ln):
            out[-1] += " " + ln.strip()
        else:
            out.append(ln)
    return out


def parse(raw: str) -> Screen:
    """The prompt drawn last in `raw` (questionary's first drawing of it)."""
    at = raw.rfind(QMARK)
    part = raw[at + len(QMARK):]
    question = ANSI.split(part, 1)[0].strip()
    rest = ANSI.sub("", part[len(ANSI.split(part, 1)[0]):]).replace("\r", "")
    # the choices come after the instruction, which a narrow terminal may have wrapped anywhere
    # (the wizard wraps at words, the rest of a line aligned under its text: « \n » and spaces)
    instruction = re.search("|".join("".join(re.escape(c) + ("\\s*" if c == " " else "\n?\\s*") for c in words)
                                     for words in (UI["select"], UI["checkbox"])), rest)
    lines = _joined([ln for ln in rest[instruction.end():].split("\n") if ln.strip()]) if instruction else []
    if instruction and re.sub(r"\s+", " ", instruction.group(0)).strip() == UI["checkbox"]:
        s = Screen(question, "checkbox")
        for ln in lines:
            m = re.match(r"^\s*(»)?\s*([●○])\s(.*)$", ln)
            if m:
                s.choices.append(m.group(3).strip())
                s.checked.append(m.group(2) == "●")
        return s
    if instruction:
        s = Screen(question, "select")
        for i, ln in enumerate(x for x in lines if re.match(r"^\s*(»\s*)?(\w\)\s)?\S", x)):
            m = re.match(r"^\s*(»)?\s*(?:(\w)\)\s)?(.*)$", ln)
            assert m
            if m.group(1):
                s.pointer = i
            s.shortcuts.append(m.group(2) or "")
            s.choices.append(m.group(3).strip())
        return s
    return Screen(question, "text")


class Walk:
    def __init__(self, scenario: dict, verbose: bool = False):
        self.stack: list[dict] = [scenario]
        self.used: dict[int, int] = {}  # id(Items or Seq) -> how many consumed
        self.verbose = verbose
        self.prompts = 0
        self.keys = 0
        self.typed = 0  # of which characters of typed text
        self.unmatched: list[str] = []
        self.log: list[tuple[str, str]] = []
        self.visits: dict[str, int] = {}  # section title -> times opened from the hub (per command)

    def lookup(self, question: str) -> tuple[dict, str] | None:
        """The innermost context with a key for this prompt, and that key (the longest that fits)."""
        q = question.casefold()
        for ctx in reversed(self.stack):
            keys = [k for k in ctx if not k.startswith("_") and (
                re.search(k, question, re.I) if k.startswith("^") else k.casefold() in q)]
            if keys:
                return ctx, max(keys, key=len)
        return None

    def hub(self, s: Screen) -> Any:
        """A step's menu: its default (the next section to do), unless that section was already
        opened twice in this command (it stays « à revoir »): then the next one still missing or to
        review, else « Terminer »."""
        def visits(label: str) -> int:
            return self.visits.get(label.split(" — ")[0], 0)

        label = s.choices[s.pointer]
        if visits(label) >= 2 and not label.startswith(UI["done"]):
            label = next((c for c in s.choices if ("✗" in c or "⚠" in c) and visits(c) < 2),
                         next(c for c in s.choices if c.startswith(UI["done"])))
        if not label.startswith(UI["done"]):
            self.visits[label.split(" — ")[0]] = visits(label) + 1
        return label

    def answer(self, s: Screen) -> tuple[str, int]:
        """(keys to send, keypresses they count)."""
        self.prompts += 1
        found = self.lookup(s.question)
        listing = s.question.rstrip(" ?").endswith(UI["list"])
        value: Any = DEFAULT
        if found is not None:
            ctx, key = found
            value = ctx[key]
            if isinstance(value, Items):
                while self.stack[-1] is not ctx:  # the previous item of this list (or a deeper one) is done
                    self.stack.pop()
                n = self.used.get(id(value), 0)
                if n < len(value):
                    self.used[id(value)] = n + 1
                    self.stack.append(value[n])
                    value = UI["edit"] + value[n]["_edit"] if "_edit" in value[n] else UI["add"]
                else:
                    value = UI["done"]
            elif isinstance(value, Seq):
                n = self.used.get(id(value), 0)
                self.used[id(value)] = n + 1
                value = value[min(n, len(value) - 1)]
        elif listing:
            value = UI["done"]  # a list the scenario leaves empty
        elif UI["hub"] in s.question and s.kind == "select":
            value = self.hub(s)
        if value is DEFAULT and not listing:
            self.unmatched.append(s.question)
        try:
            if s.kind == "select":
                if value is True or value is False:
                    value = UI["yes"] if value else UI["no"]
                return self.pick(s, value)
            if s.kind == "checkbox":
                return self.tick(s, value)
        except LookupError as exc:  # the scenario does not fit this prompt: keep its default
            self.unmatched.append(f"{s.question} ({exc})")
            return ENTER, 1
        text = "" if value is DEFAULT else str(value)
        self.typed += len(text)
        return text + ENTER, len(text) + 1

    @staticmethod
    def find(choices: list[str], label: str) -> int:
        folded = [c.casefold() for c in choices]
        want = label.casefold()
        for test in (lambda c: c == want, lambda c: c.startswith(want), lambda c: want in c):
            hits = [i for i, c in enumerate(folded) if test(c)]
            if hits:
                return hits[0]
        raise LookupError(f"« {label} » n'est pas un choix : {choices}")

    def pick(self, s: Screen, value: Any) -> tuple[str, int]:
        """A menu: Enter on the highlighted choice (1 key), else its shortcut then Enter (2), or the arrows
        then Enter when that is shorter. The shortcut is sent even for the highlighted choice (harmless,
        counted as the Enter a user would press): the answer never depends on reading the screen right."""
        if value is DEFAULT:
            return ENTER, 1
        target = self.find(s.choices, str(value))
        steps = target - s.pointer
        count = 1 if steps == 0 else min(abs(steps) + 1, 2 if s.shortcuts[target] else abs(steps) + 1)
        if s.shortcuts[target]:
            return s.shortcuts[target] + ENTER, count
        return (DOWN if steps > 0 else UP) * abs(steps) + ENTER, count

    def tick(self, s: Screen, value: Any) -> tuple[str, int]:
        if value is DEFAULT:
            return ENTER, 1
        wanted = {self.find(s.choices, label) for label in value}
        keys, count, at = "", 0, 0
        for i, checked in enumerate(s.checked):
            if checked != (i in wanted):
                keys += DOWN * (i - at) + SPACE
                count += i - at + 1
                at = i
        return keys + ENTER, count + 1


def env(columns: int) -> dict[str, str]:
    e = dict(os.environ, PYTHONPATH=str(ROOT / "src"), TERM="xterm", PROMPT_TOOLKIT_NO_CPR="1",
             COLUMNS=str(columns), LINES="40")
    e.pop("NO_COLOR", None)
    return e


def drive(command: str, path: Path, walk: Walk, columns: int, limit: int = 800, extra: tuple[str, ...] = ()) -> int:
    """One wizard command to its end; returns its exit code."""
    child = pexpect.spawn(sys.executable, ["-m", "ptms_cli", command, str(path), *extra], env=env(columns),
                          encoding="utf-8", dimensions=(40, columns), timeout=120, cwd=str(path.parent))
    raw = ""
    start = walk.prompts
    walk.visits = {}
    while True:
        try:
            chunk = child.read_nonblocking(65536, timeout=0.4)
            raw += chunk
            continue
        except pexpect.TIMEOUT:
            pass
        except pexpect.EOF:
            break
        at = raw.rfind(QMARK)
        if at < 0 or raw.rfind("\x1b[?2004l") > at or raw.rfind("\x1b[?2004h") < 0:
            continue  # still working (or only the echo of the last answer is on screen)
        screen = parse(raw)
        keys, count = walk.answer(screen)
        walk.keys += count
        walk.log.append((screen.question, repr(keys)))
        if walk.verbose:
            for ln in ANSI.sub("", raw[:raw.rfind(QMARK)]).splitlines():
                if ln.strip().startswith(("✗", "⚠", "Erreur", "PTMS")):
                    print("     ", ln.strip())
            print(f"  [{screen.kind}] {screen.question}  {screen.choices[:12] if screen.choices else ''}"
                  f" -> {keys!r} ({count})")
        if walk.prompts - start > limit:
            child.terminate(force=True)
            raise SystemExit(f"{command} : plus de {limit} questions, la marche tourne en rond")
        raw = ""
        child.send(keys)
    child.close()
    if walk.verbose and raw.strip():
        print(ANSI.sub("", raw)[-2000:])
    return child.exitstatus if child.exitstatus is not None else -1


def ptms(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ptms_cli", *args], env=env(120), capture_output=True, text=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-v", "--verbose", action="store_true")
    parser.add_argument("--columns", type=int, default=120)
    parser.add_argument("--keep", type=Path, help="dossier où garder le projet produit")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="ptms-walk-"))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "villeneuve.yaml"
    for old in folder.glob("villeneuve.yaml*"):  # the project and any draft of an earlier walk
        old.unlink()
    rows = []
    total = Walk(SCENARIO, args.verbose)
    t0 = time.monotonic()
    for command in ("init", "mobilize", "specify", "convene"):
        prompts, keys, typed = total.prompts, total.keys, total.typed
        if args.verbose:
            print(f"== {command}")
        code = drive(command, path, total, args.columns)
        rows.append((command, total.prompts - prompts, total.keys - keys, total.typed - typed, code))
    elapsed = time.monotonic() - t0
    validate = ptms("validate", str(path), "--step", "3")
    render = ptms("render", str(path), "--doc", "convention", "-o", str(folder / "out"), "--format", "docx")
    change = Walk(CHANGE, args.verbose)
    if args.verbose:
        print("== mobilize --edit partners (changer le statut d'un partenaire)")
    change_code = drive("mobilize", path, change, args.columns, extra=("--edit", "partners"))
    change_hub = Walk(CHANGE_HUB, args.verbose)
    if args.verbose:
        print("== mobilize (le même changement par le menu de l'étape)")
    change_hub_code = drive("mobilize", path, change_hub, args.columns)

    print(f"Scénario de l'issue 17 ({args.columns} colonnes) : {path}")
    print(f"{'commande':10} {'questions':>9} {'touches':>8} {'dont texte':>10}  code")
    for command, prompts, keys, typed, code in rows:
        print(f"{command:10} {prompts:9} {keys:8} {typed:10}  {code}")
    print(f"{'total':10} {total.prompts:9} {total.keys:8} {total.typed:10}   ({elapsed:.0f} s)")
    errors = [ln for ln in validate.stdout.splitlines() if "PTMS-E" in ln]
    warnings = [ln for ln in validate.stdout.splitlines() if "PTMS-W" in ln]
    print(f"ptms validate --step 3 : code {validate.returncode}, {len(errors)} erreur(s), "
          f"{len(warnings)} avertissement(s)")
    for ln in errors + warnings:
        print("   ", ln.strip())
    print(f"ptms render --doc convention : code {render.returncode}"
          + ("" if render.returncode == 0 else f"\n{render.stdout}{render.stderr}"))
    print(f"changer le statut d'un partenaire (ptms mobilize --edit partners) : {change.prompts} questions, "
          f"{change.keys} touches (code {change_code})")
    print(f"le même par le menu de l'étape (ptms mobilize) : {change_hub.prompts} questions, {change_hub.keys} touches"
          f" (code {change_hub_code})")
    unmatched = sorted(set(total.unmatched))
    print(f"questions laissées à leur valeur par défaut (Entrée) : {len(total.unmatched)}"
          f" ({len(unmatched)} différentes)")
    for q in unmatched:
        print("   ", q)
    ok = (all(code == 0 for *_, code in rows) and not errors and render.returncode == 0 and change_code == 0
          and change_hub_code == 0)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
