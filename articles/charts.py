"""Charts drawn on the server as SVG (no script, nothing for the CSP to allow): stacked
bars, columns and lines. Every text is escaped; numbers are formatted here."""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

Segment = tuple[str, float, str]  # (name, value, #colour)


def swatch(colour: str) -> SafeString:
    """A small square of ``colour`` for legends (an SVG: no style attribute needed)."""
    return mark_safe(
        '<svg class="swatch" viewBox="0 0 10 10" aria-hidden="true">'
        f'<rect width="10" height="10" rx="2" fill="{escape(colour)}"/></svg>'
    )


def _svg(width: int, height: int, body: list[str], title: str) -> SafeString:
    return mark_safe(  # built from escaped text and numbers only
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{escape(title)}</title>{''.join(body)}</svg>"
    )


def stacked_bars(rows: list[tuple[str, list[Segment]]], title: str, width: int = 520) -> SafeString:
    """One horizontal bar per row, its segments side by side, scaled to the largest total."""
    left, bar, gap = 120, 18, 8
    largest = max((sum(v for _, v, _ in segments) for _, segments in rows), default=0) or 1
    body = []
    for index, (name, segments) in enumerate(rows):
        y = index * (bar + gap) + 4
        body.append(
            f'<text x="{left - 6}" y="{y + 13}" text-anchor="end">{escape(name[:18])}</text>'
        )
        x = float(left)
        total = 0.0
        for part, value, colour in segments:
            span = (width - left - 50) * value / largest
            if span > 0:
                body.append(
                    f'<rect x="{x:.1f}" y="{y}" width="{span:.1f}" height="{bar}" '
                    f'fill="{escape(colour)}">'
                    f"<title>{escape(part)}: {value:g}</title></rect>"
                )
            x += span
            total += value
        body.append(f'<text x="{x + 4:.1f}" y="{y + 13}">{total:g}</text>')
    height = max(len(rows), 1) * (bar + gap) + 8
    return _svg(width, height, body, title)


def columns(points: list[tuple[str, float]], title: str, width: int = 520) -> SafeString:
    """Vertical columns, first and last x labels written under the axis."""
    height, bottom, top = 160, 20, 12
    largest = max((v for _, v in points), default=0) or 1
    step = min((width - 40) / max(len(points), 1), 24.0)  # one hour is not a wall
    body = [
        f'<line x1="30" y1="{height - bottom}" x2="{width}" y2="{height - bottom}" '
        'stroke="#cbd2da"/>'
    ]
    body.append(f'<text x="26" y="{top + 4}" text-anchor="end">{largest:g}</text>')
    for index, (name, value) in enumerate(points):
        h = (height - bottom - top) * value / largest
        x = 34 + index * step
        body.append(
            f'<rect x="{x:.1f}" y="{height - bottom - h:.1f}" width="{max(step - 2, 1):.1f}" '
            f'height="{h:.1f}" fill="#2563eb"><title>{escape(name)}: {value:g}</title></rect>'
        )
    if points:
        body.append(f'<text x="34" y="{height - 5}">{escape(points[0][0])}</text>')
    if len(points) > 1:
        body.append(
            f'<text x="{width - 2}" y="{height - 5}" text-anchor="end">'
            f"{escape(points[-1][0])}</text>"
        )
    return _svg(width, height, body, title)


def lines(
    xs: list[str], series: list[tuple[str, list[float | None], str]], title: str, width: int = 520
) -> SafeString:
    """One line per series over the same x labels, y from 0 to 1 (agreement figures);
    a missing value breaks the line."""
    height, bottom, top, left = 170, 22, 10, 34
    plot_h = height - bottom - top
    step = (width - left - 10) / max(len(xs) - 1, 1)
    body = [
        f'<line x1="{left}" y1="{level:.1f}" x2="{width}" y2="{level:.1f}" stroke="#eef0f2"/>'
        f'<text x="{left - 4}" y="{level + 4:.1f}" text-anchor="end">{y:g}</text>'
        for y in (0, 0.5, 1)
        for level in [top + plot_h * (1 - y)]
    ]
    for name, values, colour in series:
        points = [
            (left + i * step, top + plot_h * (1 - max(0.0, min(1.0, v))))
            for i, v in enumerate(values)
            if v is not None
        ]
        if len(points) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
            body.append(
                f'<polyline points="{path}" fill="none" stroke="{escape(colour)}" '
                'stroke-width="2"/>'
            )
        for x, y in points:
            body.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{escape(colour)}">'
                f"<title>{escape(name)}</title></circle>"
            )
    if xs:
        body.append(f'<text x="{left}" y="{height - 6}">{escape(xs[0])}</text>')
        body.append(
            f'<text x="{width - 2}" y="{height - 6}" text-anchor="end">{escape(xs[-1])}</text>'
        )
    return _svg(width, height, body, title)
