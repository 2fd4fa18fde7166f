"""After the signature of the convention: amendments (`diff`, `amend`), calls for funds (`calls`),
the annual report (`report`) and the record of the signed version (`sign`).

Pure modules over the typed project and its funding plan; the commands live in `cli/cmd_*.py`.
What this package reads from the rest of ptms goes through `adapters` (one place to re-point when
the funding engine, the convention's legal model or the resources' status change).
"""
