"""Server-rendered SVG charts: no script, no third-party asset, presentation attributes
only (the CSP forbids inline styles). Every label is escaped."""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

INK = "#1d2430"
MUTED = "#5b6677"
BRAND = "#0b5cab"
BAD = "#b3261e"
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _svg(width: int, height: int, body: list[str], title: str) -> Markup:
    return Markup(  # noqa: S704 - every text below is escaped
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" aria-label="{escape(title)}" font-family="system-ui, '
        f'sans-serif" font-size="11"><title>{escape(title)}</title>{"".join(body)}</svg>'
    )


def bars(
    items: Sequence[tuple[str, float]], title: str, color: str = BRAND, unit: str = ""
) -> Markup:
    """Horizontal bars, one per item."""
    width, label_w, row = 640, 170, 20
    height = max(row * len(items) + 10, 30)
    peak = max((v for _, v in items), default=0) or 1
    body = []
    for i, (label, value) in enumerate(items):
        y = 5 + i * row
        w = (width - label_w - 80) * value / peak
        body.append(
            f'<text x="{label_w - 6}" y="{y + 13}" text-anchor="end" fill="{INK}">'
            f"{escape(label)}</text>"
            f'<rect x="{label_w}" y="{y + 2}" width="{w:.1f}" height="{row - 6}" '
            f'fill="{color}" rx="2"/>'
            f'<text x="{label_w + w + 5:.1f}" y="{y + 13}" fill="{MUTED}">'
            f"{escape(_num(value))}{escape(unit)}</text>"
        )
    if not items:
        body.append(f'<text x="10" y="20" fill="{MUTED}">no data</text>')
    return _svg(width, height, body, title)


def heatmap(cells: dict[tuple[int, int], float], title: str) -> Markup:
    """Weekday (1-7, rows) x hour (0-23, columns), darker = more."""
    cw, ch, left, top = 24, 20, 40, 18
    width, height = left + 24 * cw + 10, top + 7 * ch + 10
    peak = max(cells.values(), default=0) or 1
    body = [
        f'<text x="{left + h * cw + cw / 2}" y="12" text-anchor="middle" fill="{MUTED}">'
        f"{h:02d}</text>"
        for h in range(0, 24, 2)
    ]
    for d in range(1, 8):
        y = top + (d - 1) * ch
        body.append(
            f'<text x="{left - 6}" y="{y + 14}" text-anchor="end" fill="{INK}">'
            f"{WEEKDAYS[d - 1]}</text>"
        )
        for h in range(24):
            value = cells.get((d, h), 0)
            share = value / peak
            body.append(
                f'<rect x="{left + h * cw}" y="{y}" width="{cw - 2}" height="{ch - 2}" '
                f'fill="{BRAND}" fill-opacity="{0.06 + 0.94 * share:.2f}">'
                f"<title>{WEEKDAYS[d - 1]} {h:02d}:00 {escape(_num(value))}</title></rect>"
            )
    return _svg(width, height, body, title)


def line(points: Sequence[tuple[str, float]], title: str, color: str = BRAND) -> Markup:
    """A series over days; labels at both ends."""
    width, height, left, bottom = 640, 160, 50, 24
    peak = max((v for _, v in points), default=0) or 1
    plot_w, plot_h = width - left - 10, height - bottom - 10
    body = [
        f'<line x1="{left}" y1="{10 + plot_h}" x2="{width - 10}" y2="{10 + plot_h}" '
        f'stroke="{MUTED}"/>',
        f'<text x="{left - 6}" y="16" text-anchor="end" fill="{MUTED}">{escape(_num(peak))}</text>',
    ]
    if points:
        step = plot_w / max(len(points) - 1, 1)
        coords = " ".join(
            f"{left + i * step:.1f},{10 + plot_h - plot_h * v / peak:.1f}"
            for i, (_, v) in enumerate(points)
        )
        body.append(f'<polyline points="{coords}" fill="none" stroke="{color}" stroke-width="2"/>')
        body.append(
            f'<text x="{left}" y="{height - 6}" fill="{MUTED}">{escape(points[0][0])}</text>'
        )
        body.append(
            f'<text x="{width - 10}" y="{height - 6}" text-anchor="end" '
            f'fill="{MUTED}">{escape(points[-1][0])}</text>'
        )
    else:
        body.append(f'<text x="{left + 10}" y="40" fill="{MUTED}">no data</text>')
    return _svg(width, height, body, title)


def _num(value: float) -> str:
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.2f}"
    return f"{int(value):,}"
