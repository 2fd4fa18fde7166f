"""The coverage matrix as a deterministic PNG picture for Word documents (matplotlib, imported on use)."""

from __future__ import annotations

from .matrix import STATES, VIEW_TITLES, VIEWS, Matrix, coverage_matrix
from .text import cell_lines, view_summary

COLORS: dict[str, dict[str, str]] = {
    "before": {"gap": "#c62828", "once": "#a5d6a7", "overlap": "#f9a825", "none": "#f2f2f2"},
    "after": {"planned": "#1f5fa8", "partial": "#f4a259", "coordinated": "#9ecae1", "gap": "#c62828", "none": "#f2f2f2"},
}
_DARK = {"#c62828", "#1f5fa8"}  # backgrounds that need white text

DPI = 200
LEGEND_ROW = 0.17  # inches between two lines of the legend
WIDTH_IN = 1260 / DPI  # 16 cm (6.3 in, 1260 px): the text width of an A4 page with 2.5 cm margins


def coverage_png(project, view: str = "both", matrix: Matrix | None = None) -> bytes:
    """A PNG picture of the coverage matrix (deterministic, 16 cm wide at 200 dpi).

    `matrix`: the project's matrix when already computed (`coverage_matrix(project)`).
    `view`: ``before``, ``after`` or ``both`` (before above after). Same project -> same bytes:
    fixed fonts (DejaVu Sans shipped with matplotlib), fixed size and resolution, no timestamp or
    software name in the PNG metadata.
    """
    if view not in (*VIEWS, "both"):
        raise ValueError(f"vue inconnue : {view}")
    views = list(VIEWS) if view == "both" else [view]
    return _render(matrix if matrix is not None else coverage_matrix(project), views)


def _render(matrix: Matrix, views: list[str]) -> bytes:
    import io
    import textwrap
    from pathlib import Path

    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.font_manager import FontProperties
    from matplotlib.patches import Rectangle

    fonts = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    regular = FontProperties(fname=fonts / "DejaVuSans.ttf")
    bold = FontProperties(fname=fonts / "DejaVuSans-Bold.ttf")

    margin, gap_y = 0.12, 0.22
    label_w = 1.75
    n_cols = max(1, len(matrix.sectors))
    col_w = (WIDTH_IN - 2 * margin - label_w) / n_cols
    size = 7.0 if col_w >= 0.8 else 6.0
    line_h = size * 1.25 / 72  # inches
    char_w = size * 0.55 / 72

    def wrap(text: str, width_in: float) -> list[str]:
        return textwrap.wrap(text, max(4, int(width_in / char_w)), break_long_words=True) or [""]

    headers = [wrap(label, col_w - 0.06) for _, label in matrix.sectors]
    header_h = max([len(h) for h in headers] + [1]) * line_h + 0.1
    rows = [wrap(label, label_w - 0.1) for _, label in matrix.fields]
    row_hs = [
        max([len(r)] + [len(cell_lines(matrix.cell(f, s), v)) for s, _ in matrix.sectors for v in views]) * line_h + 0.1
        for (f, _), r in zip(matrix.fields, rows)
    ]
    legend_rows = {v: (len(STATES[v]) + 1) // 2 for v in views}  # two columns (the after view has five states)

    # layout: one block per view = title, subtitle, header, rows, legend
    blocks = []
    y = margin
    for v in views:
        top = y
        y += 0.2 + 0.17  # title + subtitle
        grid_top = y
        y += header_h + (sum(row_hs) if rows else 0.3)
        legend_top = y + 0.1
        y = legend_top + legend_rows[v] * LEGEND_ROW
        blocks.append((v, top, grid_top, legend_top))
        y += gap_y
    height = y - gap_y + margin

    fig = Figure(figsize=(WIDTH_IN, height), dpi=DPI, facecolor="white")
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, WIDTH_IN)
    ax.set_ylim(height, 0)  # y grows downwards, in inches
    ax.axis("off")

    def text(x, y, s, font=regular, fs=size, **kw):
        ax.text(x, y, s, fontproperties=font, fontsize=fs, **kw)

    for v, top, grid_top, legend_top in blocks:
        text(margin, top, VIEW_TITLES[v], bold, 10, va="top")
        text(margin, top + 0.2, view_summary(matrix, v), regular, 7.5, va="top", color="#333333")
        x0 = margin + label_w
        for k, h in enumerate(headers):
            text(x0 + k * col_w + col_w / 2, grid_top + header_h - 0.05, "\n".join(h), bold, size,
                 ha="center", va="bottom", linespacing=1.1)
        if not rows:
            text(margin, grid_top + header_h + 0.1, "Aucun besoin, acteur ni service à représenter.", regular, size, va="top")
        ry = grid_top + header_h
        for (f, _), lines, rh in zip(matrix.fields, rows, row_hs):
            text(margin, ry + rh / 2, "\n".join(lines), bold, size, va="center", linespacing=1.1)
            for k, (s, _) in enumerate(matrix.sectors):
                c = matrix.cell(f, s)
                state = c.state(v)
                color = COLORS[v][state]
                ax.add_patch(Rectangle((x0 + k * col_w, ry), col_w, rh, facecolor=color, edgecolor="white", linewidth=1.5))
                body = cell_lines(c, v)
                if body:
                    text(x0 + k * col_w + col_w / 2, ry + rh / 2, "\n".join(body), regular, size, ha="center",
                         va="center", linespacing=1.15, color="white" if color in _DARK else "black")
            ry += rh
        lx = margin  # two columns; the second starts after the widest label of the first
        renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]  # the Agg canvas
        items = list(STATES[v].items())
        for col in (items[:legend_rows[v]], items[legend_rows[v]:]):
            widest = 0.0
            for n, (state, label) in enumerate(col):
                ly = legend_top + n * LEGEND_ROW
                ax.add_patch(Rectangle((lx, ly), 0.22, 0.14, facecolor=COLORS[v][state], edgecolor="#999999",
                                       linewidth=0.5))
                t = ax.text(lx + 0.3, ly + 0.07, label, fontproperties=regular, fontsize=7, va="center")
                widest = max(widest, t.get_window_extent(renderer).width / DPI)
            lx += 0.3 + widest + 0.25
    out = io.BytesIO()
    fig.savefig(out, format="png", dpi=DPI, facecolor="white", metadata={"Software": None})
    return out.getvalue()
