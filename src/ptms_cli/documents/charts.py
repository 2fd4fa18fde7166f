"""Charts embedded in documents (matplotlib, Agg backend, deterministic PNG bytes)."""

from __future__ import annotations

import io
from decimal import Decimal

from .. import frformat


def contributions_png(funding: dict) -> bytes | None:
    """Stacked bars: for each year, the amount of each funder (resources and contributions).

    `funding` is the `funding` entry of the template context (`partners`: who pays what, `years`).
    Returns None when there is nothing to draw.
    """
    rows = [r for r in funding.get("partners", []) if any(Decimal(v) for v in r["raw"])]
    if not rows:
        return None
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt
    from matplotlib.ticker import FuncFormatter

    years = [str(y) for y in funding["years"]]
    with matplotlib.rc_context({"font.family": "DejaVu Sans", "font.size": 8, "svg.hashsalt": "ptms"}):
        fig, ax = plt.subplots(figsize=(7.0, 3.3), dpi=150)  # low: fits under the tables before it
        bottom = [0.0] * len(years)
        cmap = plt.get_cmap("tab20")
        for i, row in enumerate(rows):
            values = [float(Decimal(v)) for v in row["raw"]]
            ax.bar(years, values, bottom=bottom, label=row["label"], color=cmap(i % 20), width=0.55,
                   edgecolor="white", linewidth=0.5)
            bottom = [b + v for b, v in zip(bottom, values)]
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: frformat.quantity(int(v)) + " €"))
        ax.spines[["top", "right"]].set_visible(False)
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.08), ncol=2, fontsize=7, frameon=False)
        buf = io.BytesIO()
        fig.savefig(buf, format="png", metadata={"Software": None}, bbox_inches="tight", pad_inches=0.1)
        plt.close(fig)
    return buf.getvalue()
