"""The `ptms` application: French help, French usage errors, fixed exit codes (`exitcodes`).

Every failure ends here as a French message and an exit code, never a traceback: a bug of ptms is
reported as an internal error (exit 2; with `--format json`, a JSON document with PTMS-E000).
"""

from __future__ import annotations

import signal
import sys

import typer
from typer.core import TyperCommand, TyperGroup

from .. import __version__
from ..exitcodes import EXIT_CODES, EXIT_FINDINGS, EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE  # noqa: F401
from ..interrupt import exit_on_interrupt
from ..reporters import clean


class Interrupted(Exception):
    """Ctrl-C during a command that did not handle it (typer would turn it into a silent exit 130)."""


class _French:
    """Mixin: the built-in --help option and the usage line speak French; a Ctrl-C is `Interrupted`."""

    options_metavar = "[OPTIONS]"

    def make_context(self, *args, **kwargs):  # typer builds the parameters here (imports pydantic)
        try:
            return super().make_context(*args, **kwargs)  # type: ignore[misc]
        except KeyboardInterrupt:
            raise Interrupted from None

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)  # type: ignore[misc]
        except KeyboardInterrupt:
            raise Interrupted from None

    def get_help_option(self, ctx):  # type: ignore[override]
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            option.help = "Afficher cette aide et quitter."
        return option

    def format_usage(self, ctx, formatter) -> None:  # type: ignore[override]
        pieces = self.collect_usage_pieces(ctx)  # type: ignore[attr-defined]
        pieces = [p.replace("COMMAND", "COMMANDE").replace("[ARGS]", "[ARGUMENTS]") for p in pieces]
        formatter.write_usage(ctx.command_path, " ".join(pieces), prefix="Usage : ")


def _french_help_panels() -> None:
    from typer import rich_utils as ru

    ru.ARGUMENTS_PANEL_TITLE = "Arguments"
    ru.OPTIONS_PANEL_TITLE = "Options"
    ru.COMMANDS_PANEL_TITLE = "Commandes"
    ru.ERRORS_PANEL_TITLE = "Erreur"
    ru.ABORTED_TEXT = "Interrompu."
    ru.DEFAULT_STRING = "[défaut : {}]"
    ru.REQUIRED_LONG_STRING = "[obligatoire]"
    ru.ENVVAR_STRING = "[variable d'environnement : {}]"
    if not getattr(ru._get_rich_console, "_ptms", False):  # help typeset in French: no line starts with « »
        original_console = ru._get_rich_console

        def french_console(stderr: bool = False):
            from rich.console import Console
            from rich.text import Text

            from ..terminal import FrenchConsole, french

            class HelpConsole(FrenchConsole):  # typography only: typer lays out its own panels
                def render(self, renderable, options=None):  # type: ignore[override]
                    if isinstance(renderable, Text):
                        renderable = french(renderable)
                    return Console.render(self, renderable, options)

            plain = original_console(stderr=stderr)
            plain.__class__ = HelpConsole
            return plain

        french_console._ptms = True  # type: ignore[attr-defined]
        ru._get_rich_console = french_console
    from typer.core import TyperArgument, TyperOption

    for cls in (TyperArgument, TyperOption):
        original = cls.display_type_rich
        if getattr(original, "_ptms", False):
            continue

        def display_type_rich(self, ctx, _original=original):
            shown = _original(self, ctx)
            if shown is None or "|" in shown:
                return shown
            base = shown.strip("<>").split("[")[0].split(" ")[0]
            return {"int": "<entier>", "float": "<nombre>", "path": "<chemin>", "str": "<texte>", "text": "<texte>"}.get(base)

        display_type_rich._ptms = True  # type: ignore[attr-defined]  # marks the patch as done
        cls.display_type_rich = display_type_rich  # type: ignore[method-assign]  # French type names


class Command(_French, TyperCommand):
    pass


class Group(_French, TyperGroup):
    def list_commands(self, ctx):  # keep the order of registration (the three steps)
        return list(self.commands)



app = typer.Typer(
    name="ptms",
    cls=Group,
    help=(
        "Outils pour construire un [bold]projet territorial de médiation sociale[/bold] : "
        "mobiliser les partenaires, écrire le cahier des charges et son plan de financement, "
        "rédiger la convention unique."
    ),
    epilog="Codes de sortie : " + " ; ".join(f"{code} {text}" for code, text in EXIT_CODES.items()) + ".",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)


def command(name: str, **kw):
    """Register a command with the French help option."""
    return app.command(name, cls=Command, **kw)


def _version(value: bool) -> None:
    if value:
        print(f"ptms {__version__}")
        raise typer.Exit(EXIT_OK)


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", "-V", help="Afficher la version et quitter.", callback=_version, is_eager=True
    ),
) -> None:
    """Projet territorial de médiation sociale."""


# Command name -> module of `ptms_cli.cli` that registers it. Only the invoked command's module is
# imported (all of them for help or an unknown command), so start-up stays light as commands grow.
COMMANDS: dict[str, str] = {
    "init": "cmd_wizards",
    "mobilize": "cmd_wizards",
    "specify": "cmd_wizards",
    "convene": "cmd_wizards",
    "validate": "cmd_validate",
    "status": "cmd_status",
    "funding": "cmd_funding",
    "schema": "cmd_schema",
    "coverage": "cmd_coverage",
    "render": "cmd_render",
    "context": "cmd_render",
    "templates": "cmd_templates",
    "diff": "cmd_diff",  # after signature (aftersign/)
    "amend": "cmd_amend",
    "sign": "cmd_sign",
    "calls": "cmd_calls",
    "report": "cmd_report",
}


def _register(args: list[str]) -> None:
    import importlib

    wanted = next((a for a in args if not a.startswith("-")), None)
    modules = [COMMANDS[wanted]] if wanted in COMMANDS else dict.fromkeys(COMMANDS.values())
    for module in modules:
        importlib.import_module(f"{__package__}.{module}")


def _french_usage(exc) -> str:
    from typer._click import exceptions as ce

    param = getattr(exc, "param", None)
    pname = None
    if param is not None:
        pname = "/".join(param.opts) if getattr(param, "param_type_name", "") == "option" else (param.metavar or param.name.upper())
    if isinstance(exc, ce.NoSuchOption):
        msg = f"option inconnue « {exc.option_name} »"
        if exc.possibilities:
            msg += " : vouliez-vous dire " + " ou ".join(f"« {p} »" for p in sorted(exc.possibilities)) + " ?"
        return msg
    if isinstance(exc, ce.MissingParameter):
        return f"argument obligatoire manquant : {pname}" if pname else "argument obligatoire manquant"
    if isinstance(exc, ce.BadOptionUsage) and "requires an argument" in exc.message:
        return f"l'option « {exc.option_name} » attend une valeur"
    if isinstance(exc, ce.BadParameter) and exc.param is None and exc.param_hint:
        return f"valeur invalide pour {exc.param_hint} : {exc.message}"
    if isinstance(exc, ce.BadParameter):
        text = exc.message
        cause = exc.__cause__
        if type(cause).__name__ == "ValidationError" and "is not one of" not in text:  # typer checked it with pydantic
            from ..schema_errors import message

            err = cause.errors(include_url=False)[0]  # type: ignore[attr-defined]
            text = f"{message(err)} (valeur : « {err.get('input')} »)"
        if "is not one of" in text or "is not a valid" in text or "is not in the range" in text:
            text = "valeur « " + text.split("'")[1] + " » non acceptée" if "'" in text else "valeur non acceptée"
            if "is not one of" in exc.message:  # an option with choices (`--format`, `--by`, `--view`…): list them
                import re

                choices = re.findall(r"'([^']*)'", exc.message.split("is not one of", 1)[1])
                what = "formats" if "--format" in getattr(exc.param, "opts", ()) else "valeurs"
                text += f" ; {what} possibles : " + ", ".join(choices)
        return f"valeur invalide pour {pname} : {text}" if pname else f"valeur invalide : {text}"
    if "No such command" in exc.message:
        import difflib

        name = exc.message.split("'")[1] if "'" in exc.message else ""
        close = difflib.get_close_matches(name, list(COMMANDS), n=1, cutoff=0.6)
        return f"commande inconnue « {name} »" + (f" : vouliez-vous dire « {close[0]} » ?" if close else "")
    if "Got unexpected extra argument" in exc.message:
        return "argument en trop : " + exc.message.split("(")[-1].rstrip(")")
    if "Missing command" in exc.message:
        return "commande manquante"
    return exc.message


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `ptms` console script; returns (and exits with) the exit code."""
    import os

    # pydantic would scan every installed distribution for plugins at start-up; ptms uses none.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    from ..model_cache import skip_plugin_discovery

    skip_plugin_discovery()  # nor import its plugin loader (importlib.metadata) to learn it
    from typer._click import exceptions as ce

    from ..writing import WriteError

    args = sys.argv[1:] if argv is None else argv
    MACHINE_OUTPUT["json"] = _wants_json(args)
    _register(args)
    cli = typer.main.get_command(app)
    if not args or any(a in ("-h", "--help") for a in args):
        _french_help_panels()
    try:
        try:
            if argv is None:  # the real process (`console.main`): Ctrl-C raises KeyboardInterrupt while the command runs
                signal.signal(signal.SIGINT, signal.default_int_handler)
            code = cli.main(args=args, prog_name="ptms", standalone_mode=False)
        finally:
            if argv is None:  # the command is over (or failing): a Ctrl-C now ends the process at once
                exit_on_interrupt("Interrompu.")
    except ce.UsageError as exc:
        if type(exc).__name__ == "NoArgsIsHelpError":  # `ptms` alone: the help was shown
            return _finish(EXIT_OK, argv)
        where = exc.ctx.command_path if exc.ctx else "ptms"
        message = _french_usage(exc)
        print(f"Erreur : {clean(message)}\nAide : « {where} --help ».", file=sys.stderr)
        if MACHINE_OUTPUT["json"]:
            from ..reporters import JsonReporter

            JsonReporter().report([], error=message)
        code = EXIT_USAGE
    except ce.ClickException as exc:
        print(f"Erreur : {clean(exc.message)}", file=sys.stderr)
        code = EXIT_USAGE
    except WriteError as exc:  # any command that could not write a file: French message, no traceback
        print(f"Erreur : {clean(exc)}.", file=sys.stderr)
        code = EXIT_FINDINGS
    except OSError as exc:  # a file operation the system refused (name too long…), not caught closer
        from ..reporters import file_name
        from ..writing import os_reason

        where = f" sur « {file_name(str(exc.filename))} »" if exc.filename else ""
        print(f"Erreur : opération impossible{where} : {clean(os_reason(exc))}.", file=sys.stderr)
        code = EXIT_FINDINGS
    except (typer.Abort, KeyboardInterrupt, Interrupted):
        print("\nInterrompu : rien n'a été modifié.", file=sys.stderr)
        code = EXIT_INTERRUPTED
    except Exception as exc:  # a bug of ptms: French message (JSON if asked), exit 2, never a traceback
        code = internal_error(exc)
    return _finish(code if isinstance(code, int) else EXIT_OK, argv)


# Whether stdout is JSON (`--format json`): a usage or internal error then still writes JSON there.
MACHINE_OUTPUT = {"json": False}


def _wants_json(args: list[str]) -> bool:
    pairs = zip(args, args[1:])
    return any(a in ("--format=json", "-fjson") for a in args) or any(
        a in ("--format", "-f") and b == "json" for a, b in pairs)


def internal_finding(exc: BaseException, file: str = ""):
    """A bug of ptms as the PTMS-E000 finding, told on stderr in French (the traceback only with
    PTMS_DEBUG=1)."""
    import os

    from ..findings import error

    finding = error("PTMS-E000", "erreur interne de ptms : la commande n'a pas pu aboutir", file=file,
                    hint="C'est un défaut de ptms, pas forcément de votre fichier : signalez-le avec la commande lancée, "
                         "la version (« ptms --version ») et si possible le fichier.")
    if os.environ.get("PTMS_DEBUG"):
        import traceback

        traceback.print_exception(exc, file=sys.stderr)
    print(f"Erreur : {finding.message}.\n    conseil : {finding.hint}", file=sys.stderr)
    return finding


def internal_error(exc: BaseException) -> int:
    """Report a bug of ptms (`internal_finding`), as JSON on stdout too when the command writes
    JSON; returns the exit code."""
    finding = internal_finding(exc)
    if MACHINE_OUTPUT["json"]:
        from ..reporters import JsonReporter
        from ..validation import FileResult

        JsonReporter(stream=sys.stdout).report([FileResult("", [finding], unreadable=True)])
    return EXIT_INTERNAL


def _finish(code: int, argv: list[str] | None) -> int:
    if argv is None:
        for stream in (sys.stdout, sys.stderr):  # a Ctrl-C during the shutdown must not lose the output
            try:
                stream.flush()
            except (OSError, ValueError):
                pass
        sys.exit(code)
    return code
