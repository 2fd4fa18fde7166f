"""The three steps of the approach: titles, commands, and which sections of the project each one fills."""

from __future__ import annotations

STEPS = {
    1: "Mobiliser et fédérer les partenaires",
    2: "Définir les besoins et le cahier des charges",
    3: "Signer la convention unique",
}

STEP_COMMANDS = {1: "mobilize", 2: "specify", 3: "convene"}
