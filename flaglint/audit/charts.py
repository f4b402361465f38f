"""The audit's charts as inline SVG, laid out so that no label is clipped.

The report runs no script that could measure text, so a label's width is estimated from the
advance of each of its characters, generously (DejaVu Sans, the widest common sans-serif, is
narrower), and each chart is sized from its labels: the bar chart's left margin from the
longest label, up to a cap past which a label is cut with an ellipsis and keeps its full text
in a <title> (the tooltip); the line chart's margins from its axis labels. Colours are inline
styles shared by a series and its legend swatch, so no style sheet can make them differ."""

from __future__ import annotations

import unicodedata
from html import escape

FONT_SIZE = 12  # px; the report's style sheet sets the same size for every svg text
_PAD = 8  # px between a label and the svg's edge, or a label and its bar
_LABEL_ROOM = 220  # px at most for a bar's label; a longer one is cut
_BAR_ROOM = 290  # px for the longest bar
_ROW = 26  # px a bar
_NARROW = frozenset("iljtfrI.,:;'|!()[]{}/\\- ")
_WIDE = frozenset("mwMW@%#&+=<>~^ÆæŒœ")
_LATIN = 0x24F  # the last of Latin Extended-B: letters past it are sized as wide
# (name, colour) of the series of the debt-over-time chart, in the order they are drawn.
SERIES = (("flags", "#2f6fb3"), ("past their lifetime", "#c0392b"))


def text_width(text: str) -> float:
    """An upper estimate of `text`'s width in px at FONT_SIZE: Latin letters and digits
    narrower than an em, wide ones (capitals, `m`, `w`, operators) up to an em, other scripts
    and East Asian glyphs an em, symbols (emoji) more, combining marks nothing."""
    ems = 0.0
    for char in text:
        if unicodedata.combining(char):
            continue
        if unicodedata.category(char) == "So":
            ems += 1.3
        elif char in _WIDE or ord(char) > _LATIN:
            ems += 1.0
        elif char in _NARROW:
            ems += 0.4
        elif char.isupper():
            ems += 0.8
        else:
            ems += 0.65
    return ems * FONT_SIZE


def fit(text: str, room: float) -> str:
    """`text`, or its longest start that fits `room` px with an ellipsis after it."""
    if text_width(text) <= room:
        return text
    cut = len(text)
    while cut and text_width(text[:cut].rstrip() + "…") > room:
        cut -= 1
    return text[:cut].rstrip() + "…"


def _label(x: float, y: float, text: str, room: float, anchor: str) -> str:
    shown = fit(text, room)
    title = f"<title>{escape(text)}</title>" if shown != text else ""
    return f'<text x="{x:.0f}" y="{y:.0f}" text-anchor="{anchor}">{escape(shown)}{title}</text>'


def _svg(label: str, width: float, height: float, body: str) -> str:
    return (f'<svg class="chart" role="img" aria-label="{escape(label)}" width="{width:.0f}" '
            f'height="{height:.0f}" viewBox="0 0 {width:.0f} {height:.0f}" '
            f'font-size="{FONT_SIZE}">{body}</svg>')


def bars(title: str, items: list[tuple[str, int, str]], label: str) -> str:
    """A horizontal bar chart: (name, count, colour) a bar, each name left of its bar."""
    top = max((n for _, n, _ in items), default=0) or 1
    room = min(max((text_width(name) for name, _, _ in items), default=0), _LABEL_ROOM)
    left = _PAD + room + _PAD
    width = left + _BAR_ROOM + _PAD + text_width(str(top)) + _PAD
    height = _ROW * max(len(items), 1) + 10
    parts = []
    for i, (name, count, color) in enumerate(items):
        y = 5 + i * _ROW
        length = round(_BAR_ROOM * count / top)
        parts.append(f'{_label(left - _PAD, y + 16, name, room, "end")}'
                     f'<rect x="{left:.0f}" y="{y + 3}" width="{max(length, 1)}" '
                     f'height="{_ROW - 8}" fill="{color}"><title>{escape(name)}: {count}'
                     f'</title></rect><text x="{left + length + 6:.0f}" y="{y + 16}">{count}'
                     f'</text>')
    if not items:
        parts.append(f'<text x="{_PAD}" y="20">nothing to show</text>')
    return (f"<figure><figcaption>{escape(title)}</figcaption>"
            f"{_svg(label, width, height, ''.join(parts))}</figure>")


def lines(months: list[tuple[str, int, int]]) -> str:
    """Flags and stale flags per month (YYYY-MM, flags, stale) as a line chart, its legend
    above the plot."""
    top = max((n for _, n, _ in months), default=0) or 1
    month = text_width("0000-00")
    left = max(_PAD + text_width(str(top)) + 6, month / 2 + _PAD)
    width, height, bottom, right, plot_top = 560, 230, 40, month / 2 + _PAD, 34
    step = (width - left - right) / max(len(months) - 1, 1)

    def point(i: int, value: int) -> str:
        x = left + i * step
        y = height - bottom - (height - bottom - plot_top) * value / top
        return f"{x:.1f},{y:.1f}"

    parts = [f'<line x1="{left:.0f}" y1="{height - bottom}" x2="{width - right:.0f}" '
             f'y2="{height - bottom}" stroke="#999"/>',
             f'<text x="{left - 6:.0f}" y="{plot_top + 4}" text-anchor="end">{top}</text>'
             f'<text x="{left - 6:.0f}" y="{height - bottom + 4}" text-anchor="end">0</text>']
    x = float(_PAD)
    values = ([n for _, n, _ in months], [s for _, _, s in months])
    for (name, color), series in zip(SERIES, values, strict=True):
        points = " ".join(point(i, n) for i, n in enumerate(series))
        parts.append(f'<polyline class="series" data-series="{name}" fill="none" '
                     f'style="stroke:{color}" stroke-width="2" points="{points}"/>'
                     f'<line class="swatch" data-series="{name}" x1="{x:.0f}" y1="12" '
                     f'x2="{x + 18:.0f}" y2="12" style="stroke:{color}" stroke-width="3"/>'
                     f'<text x="{x + 24:.0f}" y="16">{escape(name)}</text>')
        x += 24 + text_width(name) + 16
    parts += [f'<text x="{left + i * step:.1f}" y="{height - bottom + 20}" '
              f'text-anchor="middle">{escape(m)}</text>'
              for i, (m, _, _) in enumerate(months) if i % 6 == 0 or i == len(months) - 1]
    # Only a lifetime can be judged month by month (the other reasons a flag is stale, as
    # the report counts them, are of today): the series says so
    return ("<figure><figcaption>Debt over time: flags, and those past their declared "
            "lifetime, month by month"
            f"</figcaption>{_svg('flags per month', width, height, ''.join(parts))}</figure>")
