"""The annual report's charts (matplotlib, Agg, deterministic PNG): readable in print and in black
and white — grey fills with hatching, values written on the bars, no meaning carried by colour alone.
Each chart's text alternative is `report.alt_budget` / `report.alt_indicators`.
"""

from __future__ import annotations

import io
import textwrap
from typing import Any

from ..frformat import percent, quantity
from .report import Report

_STYLE: Any = {"font.family": "DejaVu Sans", "font.size": 8, "svg.hashsalt": "ptms", "hatch.linewidth": 0.6}


def _save(fig) -> bytes:
    from matplotlib import pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format="png", metadata={"Software": None}, bbox_inches="tight", pad_inches=0.1)
    plt.close(fig)
    return buf.getvalue()


def budget_png(r: Report) -> bytes | None:
    """Horizontal bars per cost category: planned (light grey, hatched «//») and executed (dark grey)."""
    rows = [b for b in r.budget if b.planned or b.actual]
    if not rows:
        return None
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    with matplotlib.rc_context(_STYLE):
        fig, ax = plt.subplots(figsize=(7.0, 0.5 + 0.55 * len(rows)), dpi=150)
        ys = list(range(len(rows)))
        planned = [float(b.planned) for b in rows]
        actual = [float(b.actual or 0) for b in rows]
        ax.barh([y + 0.2 for y in ys], planned, height=0.38, color="#d9d9d9", edgecolor="black", hatch="//",
                linewidth=0.5, label="Prévu")
        ax.barh([y - 0.2 for y in ys], actual, height=0.38, color="#595959", edgecolor="black", linewidth=0.5,
                label="Réalisé")
        top = max(planned + actual) or 1.0
        for y, p, b in zip(ys, planned, rows):
            ax.text(p + top * 0.01, y + 0.2, quantity(int(p)) + " €", va="center", fontsize=7)
            shown = quantity(int(b.actual)) + " €" if b.actual is not None else "non saisi"
            ax.text((float(b.actual or 0)) + top * 0.01, y - 0.2, shown, va="center", fontsize=7)
        ax.set_yticks(ys, [textwrap.fill(b.label, 34) for b in rows])
        ax.invert_yaxis()
        ax.set_xlim(0, top * 1.25)
        ax.xaxis.set_visible(False)
        ax.spines[["top", "right", "bottom"]].set_visible(False)
        ax.legend(loc="lower right", frameon=False, fontsize=7)
        ax.set_title(f"Budget {r.year} : prévu et réalisé", loc="left", fontsize=9)
        return _save(fig)


def indicators_png(r: Report) -> bytes | None:
    """Horizontal bars: each numeric result as a share of its target (100 % line dashed)."""
    rows = [i for i in r.indicators if i.ratio is not None]
    if not rows:
        return None
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    with matplotlib.rc_context(_STYLE):
        fig, ax = plt.subplots(figsize=(7.0, 0.6 + 0.6 * len(rows)), dpi=150)
        ys = list(range(len(rows)))
        values = [float(i.ratio) * 100 for i in rows]
        ax.barh(ys, values, height=0.55, color="#a6a6a6", edgecolor="black", hatch="..", linewidth=0.5)
        ax.axvline(100, color="black", linestyle="--", linewidth=0.8)
        top = max(values + [100.0])
        for y, v, i in zip(ys, values, rows):
            note = " — plafond" if i.lower else ""
            mark = "atteinte" if i.reached else "non atteinte"
            ax.text(v + top * 0.01, y, f"{percent(i.ratio, 0)} ({i.value} / {i.target}{note}) : {mark}", va="center",
                    fontsize=7)
        ax.set_yticks(ys, [textwrap.fill(i.label, 34) for i in rows])
        ax.invert_yaxis()
        ax.set_xlim(0, top * 1.6)
        ax.xaxis.set_visible(False)
        ax.spines[["top", "right", "bottom"]].set_visible(False)
        ax.set_title(f"Résultats {r.year} rapportés à la cible (trait : cible atteinte)", loc="left", fontsize=9)
        return _save(fig)
