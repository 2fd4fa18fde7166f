"""The parts of `ptms funding` about money that is not cash or not secured: contributions in kind
and what happens if a requested resource is refused (tables for people, plain data for json)."""

from __future__ import annotations

from typing import Any

from ..funding.inkind import in_kind_by_partner, in_kind_lines
from ..funding.scenarios import refusal_effects


def print_extras(console, project, plan, escape) -> None:
    """Two tables after « Qui paie quoi », only when the project has contributions in kind / requested resources."""
    from rich.table import Table

    from ..frformat import money

    years = [y.year for y in plan.years]
    by_partner = in_kind_by_partner(project, years)
    if by_partner:
        t = Table(title="Contributions en nature, valorisées (jamais versées en argent, hors équilibre)",
                  title_justify="left", title_style="bold", show_footer=True)
        t.add_column("Partenaire et apport", footer="Total", overflow="fold")
        totals = {y: sum((x.amount for x in in_kind_lines(project, y)), start=0) for y in years}
        for y in years:
            t.add_column(str(y), footer=money(totals[y]) if totals[y] else "—", justify="right", no_wrap=True)
        seen = set()
        for year in years:
            for x in in_kind_lines(project, year):
                if x.ref in seen:
                    continue
                seen.add(x.ref)
                cells = [f"{escape(x.name)}\n[dim]{escape(x.kind_label)} : {escape(x.label)}[/dim]"]
                for y in years:
                    line = next((z for z in in_kind_lines(project, y) if z.ref == x.ref), None)
                    cells.append(money(line.amount) if line else "[dim]—[/dim]")
                t.add_row(*cells)
        console.print()
        console.print(t)
        value = " ; ".join(f"{y.year} : {money(y.cost_total + totals[y.year])}" for y in plan.years)
        console.print(f"Valeur totale du dispositif (coûts + apports en nature) — {value}.", soft_wrap=True)
    for effect in refusal_effects(project):
        console.print()
        who = (f"à la charge de {_name(project, effect.fallback)}" if effect.fallback
               else "réparti par la clé de répartition" if plan.allocation_method else "non compensé")
        t = Table(title=f"Si « {escape(effect.label)} » (sollicitée) est refusée : montant {who}",
                  title_justify="left", title_style="bold")
        t.add_column("Partenaire", overflow="fold")
        for y in years:
            t.add_column(str(y), justify="right", no_wrap=True)
        names: dict[str | None, str] = {}
        table: dict[str | None, dict[int, Any]] = {}
        for c in effect.changes:
            names[c.partner] = c.name
            table.setdefault(c.partner, {})[c.year] = c
        for pid, by_year in table.items():
            cells = [escape(names[pid])]
            for y in years:
                c = by_year.get(y)
                cells.append(f"{money(c.after)}\n[dim]({'+' if c.change > 0 else '−'}{money(abs(c.change))})[/dim]"
                             if c else "[dim]inchangé[/dim]")
            t.add_row(*cells)
        console.print(t)
        for year, short in effect.short.items():
            console.print(f"[red]{year} : il manquerait {money(short)}.[/red]")


def extras_as_dict(project, plan) -> dict:
    """`in_kind` and `if_refused` for `ptms funding --format json`, only the keys that have content
    (a project without either gets exactly the same JSON as before)."""
    years = [y.year for y in plan.years]
    out: dict[str, Any] = {}
    lines = [{"year": y, "partner": x.partner, "kind": x.kind, "label": x.label, "amount": str(x.amount), "ref": x.ref}
             for y in years for x in in_kind_lines(project, y)]
    if lines:
        out["in_kind"] = lines
    effects = refusal_effects(project)
    if effects:
        out["if_refused"] = [
            {"resource": e.resource, "fallback": e.fallback,
             "changes": [{"partner": c.partner, "year": c.year, "before": str(c.before), "after": str(c.after)}
                         for c in e.changes],
             "short": {str(y): str(v) for y, v in e.short.items()}}
            for e in effects]
    return out


def _name(project, pid):
    p = project.partner(pid) if pid else None
    return p.name if p else (pid or "—")
