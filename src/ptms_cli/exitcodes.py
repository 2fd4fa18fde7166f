"""The exit codes of every `ptms` command: one set, documented in the README (« Codes de sortie »).

Same meanings as yamllint / check-jsonschema: 0 nothing to report, 1 findings (or an operation
that failed), 2 the input could not be used at all (usage, unreadable file, internal error).
"""

EXIT_OK = 0
EXIT_FINDINGS = 1  # problems found (errors, or warnings with --strict), or an operation that failed
EXIT_USAGE = 2  # usage error, unreadable input
EXIT_INTERNAL = 2  # a bug of ptms (finding PTMS-E000): like an unreadable input, the file was not checked
EXIT_INTERRUPTED = 130  # Ctrl-C

EXIT_CODES = {
    EXIT_OK: "succès",
    EXIT_FINDINGS: "problèmes trouvés, ou opération en échec",
    EXIT_USAGE: "usage incorrect, fichier illisible ou erreur interne",
    EXIT_INTERRUPTED: "interrompu (Ctrl-C)",
}
