"""Command-line front end: one small module per command; no core logic lives here."""
