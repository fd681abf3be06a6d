"""Server-side SVG charts for the dashboards and the PDF reports: plain strings, no JavaScript.

Every chart is an ``<svg role="img">`` with a ``<title>`` and a ``<desc>``, explicit width,
height and viewBox, and only literal colours and the "DejaVu Sans" font, so the same string
renders in a browser and in WeasyPrint. Colour is never the only cue: series are told apart by
fill patterns, every bar carries its label and its value as text, and a target is a black mark
named in the value text. The page always puts the table of the same values next to the chart.

Callers pass values already formatted (``text``), so charts stay free of units and locales.
To fit a chart to its column, the stylesheet says ``svg.chart { max-width: 100%; height: auto }``
(in a page or a PDF). Never as a ``style`` attribute on the svg itself: WeasyPrint then reads the
height as zero and draws the chart as a square.
"""

import hashlib
import re
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from html import escape

from markupsafe import Markup

from portal.formatting import number

FONT = "DejaVu Sans"
INK = "#1e1e1e"
MUTED = "#505050"
GRID = "#c8c8c8"
# Dark enough for 3:1 against white (WCAG 1.4.11 for graphics); patterns do the real telling.
COLOURS = ("#1d4f91", "#1b6e33", "#8a4b00", "#6a1b9a", "#005f73", "#7a2e2e")
CHAR_WIDTH = 0.62  # of the font size: DejaVu Sans is wide; generous so labels never overlap
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

Number = Decimal | int | float


def esc(text: object) -> str:
    """Text for an SVG text node or attribute: escaped, and without the characters XML refuses
    (a stray control character in a contract name would break the PDF's SVG parser)."""
    return escape(_XML_INVALID.sub("", str(text)), quote=True)


def text_width(text: str, size: float) -> float:
    return len(text) * size * CHAR_WIDTH


def wrap(text: str, size: float, width: float, *, lines: int = 2) -> list[str]:
    """At most ``lines`` lines that fit ``width``; the last one ends with « … » if cut."""
    limit = max(4, int(width / (size * CHAR_WIDTH)))
    return textwrap.wrap(text, width=limit, max_lines=lines, placeholder=" …") or [""]


# --- Patterns: one per series, so series differ without colour ----------------------------------

# Series 0 is a plain fill (see _Svg.fill); then diagonal hatching, dots, cross-hatching,
# horizontal stripes, reverse diagonal. "{c}" is the series' colour.
_PATTERNS = (
    "",
    '<path d="M-2,2 l4,-4 M0,8 l8,-8 M6,10 l4,-4" stroke="{c}" stroke-width="2.2"/>',
    '<circle cx="2" cy="2" r="1.7" fill="{c}"/><circle cx="6" cy="6" r="1.7" fill="{c}"/>',
    '<path d="M0,4 h8 M4,0 v8" stroke="{c}" stroke-width="1.6"/>',
    '<path d="M0,2 h8 M0,6 h8" stroke="{c}" stroke-width="1.8"/>',
    '<path d="M-2,6 l4,4 M0,0 l8,8 M6,-2 l4,4" stroke="{c}" stroke-width="2.2"/>',
)


def _pattern(index: int, pid: str) -> str:
    body = _PATTERNS[index % len(_PATTERNS)].format(c=COLOURS[index % len(COLOURS)])
    return (f'<pattern id="{pid}" patternUnits="userSpaceOnUse" width="8" height="8">'
            f'<rect width="8" height="8" fill="#ffffff"/>{body}</pattern>')


class _Svg:
    """Collects the elements of one chart and writes the envelope."""

    def __init__(self, title: str, desc: str, key: str):
        # Several charts share one HTML page or PDF: their ids must not collide.
        digest = hashlib.blake2s(f"{title}|{desc}|{key}".encode(), digest_size=5).hexdigest()
        self.prefix = f"ch{digest}"
        self.title, self.desc = title, desc
        self.parts: list[str] = []
        self.patterns: dict[int, str] = {}

    def fill(self, index: int) -> str:
        if index % 6 == 0:  # a plain fill: a solid pattern shows tile seams in PDF viewers
            return COLOURS[index % len(COLOURS)]
        pid = f"{self.prefix}-p{index}"
        self.patterns.setdefault(index, _pattern(index, pid))
        return f"url(#{pid})"

    def add(self, element: str) -> None:
        self.parts.append(element)

    def text(self, x: float, y: float, content: str, *, size: float = 12, anchor: str = "start",
             weight: str = "normal", colour: str = INK) -> None:
        bold = ' font-weight="bold"' if weight == "bold" else ""
        self.add(f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" '
                 f'fill="{colour}"{bold}>{esc(content)}</text>')

    def lines(self, x: float, y: float, lines: list[str], *, size: float = 12,
              anchor: str = "start") -> None:
        spans = "".join(
            f'<tspan x="{x:.1f}" dy="{0 if i == 0 else size * 1.2:.1f}">{esc(line)}</tspan>'
            for i, line in enumerate(lines))
        self.add(f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" '
                 f'fill="{INK}">{spans}</text>')

    def rect(self, x: float, y: float, w: float, h: float, fill: str, tooltip: str) -> None:
        # The outline keeps a light pattern visible; the inner title is a hover tooltip.
        self.add(f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(w, 0):.1f}" height="{h:.1f}" '
                 f'fill="{fill}" stroke="{INK}" stroke-width="1"><title>{esc(tooltip)}</title>'
                 f'</rect>')

    def backdrop(self, x: float, y: float, w: float, h: float) -> None:
        """White behind a value written over grid lines or a target line, so it stays legible."""
        self.add(f'<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" '
                 f'fill="#ffffff"/>')

    def line(self, x1: float, y1: float, x2: float, y2: float, *, colour: str = GRID,
             width: float = 1, dash: str | None = None) -> None:
        dashed = f' stroke-dasharray="{dash}"' if dash else ""
        self.add(f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" '
                 f'stroke="{colour}" stroke-width="{width}"{dashed}/>')

    def target_mark(self, x: float, top: float, bottom: float, tooltip: str) -> None:
        """A thick black bar with a triangle on top: readable in greyscale."""
        self.add(f'<g><title>{esc(tooltip)}</title>'
                 f'<line x1="{x:.1f}" y1="{top:.1f}" x2="{x:.1f}" y2="{bottom:.1f}" '
                 f'stroke="{INK}" stroke-width="3"/>'
                 f'<path d="M{x - 5:.1f},{top - 6:.1f} h10 l-5,6 z" fill="{INK}"/></g>')

    def render(self, width: float, height: float) -> Markup:  # texts went through esc()
        t, d = f"{self.prefix}-t", f"{self.prefix}-d"
        defs = f"<defs>{''.join(self.patterns.values())}</defs>" if self.patterns else ""
        w, h = round(width), round(height)
        return Markup(  # nosec B704
            f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
            f'width="{w}" height="{h}" viewBox="0 0 {w} {h}" aria-labelledby="{t} {d}" '
            f'font-family="{FONT}">'
            f'<title id="{t}">{esc(self.title)}</title><desc id="{d}">{esc(self.desc)}</desc>'
            f'{defs}<rect width="{w}" height="{h}" fill="#ffffff"/>{"".join(self.parts)}</svg>')


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1.0
    magnitude = 10 ** (len(str(int(value))) - 1)
    for step in (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10.0 * magnitude


def _to_float(value: Number | None) -> float:
    return float(value) if value is not None else 0.0


# --- Horizontal bars, each against an optional target -------------------------------------------

@dataclass
class Bar:
    label: str
    value: Number | None     # None: not computable (shown « — », no bar)
    text: str                # the value as read, e.g. "31,4 %"
    target: Number | None = None
    target_text: str | None = None  # e.g. "objectif 30,0 %"


@dataclass
class Group:
    label: str
    # One per series, in series order; None where a series does not apply to this group (no
    # bar and no room taken, e.g. a share the category's decree does not set).
    bars: list[Bar | None] = field(default_factory=list)


def bar_chart(*, title: str, desc: str, bars: Sequence[Bar], scale_max: Number | None = None,
              tick_format: Callable[[float], str] | None = None, width: int = 680,
              label_width: int = 260) -> Markup:
    """One horizontal bar per row, its value written after it and its target as a black mark."""
    groups = [Group(b.label, [b]) for b in bars]
    return _horizontal(title, desc, groups, None, scale_max, tick_format, width, label_width)


def grouped_bar_chart(*, title: str, desc: str, series: Sequence[str], groups: Sequence[Group],
                      scale_max: Number | None = None,
                      tick_format: Callable[[float], str] | None = None,
                      width: int = 680, label_width: int = 230) -> Markup:
    """Groups of bars (e.g. per AGEC category: reuse and recycled shares, each against its
    minimum). Series differ by pattern, and every bar names its series in its value text."""
    return _horizontal(title, desc, groups, list(series), scale_max, tick_format, width,
                       label_width)


def _value_label(bar: Bar, series: str | None) -> str:
    text = bar.text if bar.value is not None else f"{bar.text} (non calculable)"
    if series:
        text = f"{series} : {text}"
    return f"{text} ({bar.target_text})" if bar.target_text else text


def _horizontal(title, desc, groups, series, scale_max, tick_format, width, label_width):
    key = repr([(g.label, [b and (b.value, b.target, b.text) for b in g.bars]) for g in groups])
    svg = _Svg(title, desc, key)
    size = 13
    value_size = 12 if series else 13
    bar_h = 18 if series else 20
    counts = [max(1, sum(1 for b in g.bars if b is not None)) for g in groups]
    labels = [wrap(g.label, size, label_width, lines=max(3, n)) for g, n in zip(groups, counts,
                                                                              strict=True)]
    texts = [_value_label(b, series[i] if series else None)
             for g in groups for i, b in enumerate(g.bars) if b is not None]
    x0 = label_width + 10
    # The plot keeps a readable length; long value texts widen the picture instead (it is
    # scaled down to the page by max-width).
    value_room = max([text_width(t, value_size) for t in texts] + [60]) + 16
    plot = max(260.0, width - x0 - value_room)
    width = max(width, x0 + plot + value_room)
    present = [b for g in groups for b in g.bars if b is not None]
    values = [_to_float(b.value) for b in present]
    targets = [_to_float(b.target) for b in present]
    top_value = float(scale_max) if scale_max is not None else _nice_max(max(values + targets
                                                                             + [0]))
    fmt = tick_format or (lambda v: number(v))

    def x_of(value: Number | None) -> float:
        return x0 + plot * max(min(_to_float(value), top_value), 0) / top_value

    top, gap = 32.0, 12
    heights = [max(n * (bar_h + 4), len(lines) * size * 1.2 + 4) + gap
               for n, lines in zip(counts, labels, strict=True)]
    bottom = top + sum(heights)
    for i in range(5):
        x = x0 + plot * i / 4
        svg.line(x, top - 8, x, bottom, dash=None if i == 0 else "2,3")
        svg.text(x, top - 14, fmt(top_value * i / 4), size=11, anchor="middle", colour=MUTED)
    has_target = False
    y_group = top
    for group, lines, height, n in zip(groups, labels, heights, counts, strict=True):
        middle = y_group + height / 2
        svg.lines(label_width, middle + 4 - (len(lines) - 1) * size * 0.6, lines, size=size,
                  anchor="end")
        y = middle - n * (bar_h + 4) / 2 + 2
        for index, bar in enumerate(group.bars):
            if bar is None:
                continue
            name = series[index] if series else None
            end = x_of(bar.value)
            if bar.value is not None:
                tooltip = f"{group.label} — {_value_label(bar, name)}"
                svg.rect(x0, y, end - x0, bar_h, svg.fill(index), tooltip)
            if bar.target is not None:
                has_target = True
                mark = x_of(bar.target)
                svg.target_mark(mark, y - 1, y + bar_h + 1, bar.target_text or "Objectif")
                end = max(end, mark + 2)
            label = _value_label(bar, name)
            svg.backdrop(end + 4, y + 1, text_width(label, value_size) + 4, bar_h - 2)
            svg.text(end + 6, y + bar_h / 2 + 4, label, size=value_size,
                     weight="normal" if series else "bold")
            y += bar_h + 4
        y_group += height
    height = bottom + 22
    if series or has_target:
        used = sorted({i for g in groups for i, b in enumerate(g.bars) if b is not None})
        legend = [(i, series[i]) for i in used] if series else []
        height = _legend(svg, legend, x0, height, has_target) + 6
    return svg.render(width, height)


def _legend(svg: _Svg, series: Sequence[tuple[int, str]], x: float, y: float,
            target: bool) -> float:
    """Swatches with the pattern of each series, then the target mark; returns the height."""
    cursor = x
    for index, name in series:
        svg.rect(cursor, y - 11, 16, 14, svg.fill(index), name)
        svg.text(cursor + 22, y, name, size=12)
        cursor += 22 + text_width(name, 12) + 18
    if target:
        svg.target_mark(cursor + 4, y - 8, y + 4, "Objectif")
        svg.text(cursor + 14, y, "Trait noir : objectif ou minimum", size=12)
    return y + 14


# --- Stacked bars: the composition of a total, every segment named below its bar ----------------

@dataclass
class Segment:
    label: str
    value: Number
    text: str  # e.g. "1 200 h (62,3 %)"


@dataclass
class Stack:
    label: str
    segments: list[Segment]


def stacked_bar_chart(*, title: str, desc: str, stacks: Sequence[Stack], width: int = 680,
                      label_width: int = 180) -> Markup:
    """One 100 % bar per row, split into patterned segments; under each bar its segments are
    listed with their pattern swatch, name and value, so no legend lookup is needed."""
    svg = _Svg(title, desc, repr([(s.label, [(g.label, g.value) for g in s.segments])
                                  for s in stacks]))
    size, bar_h = 13, 22
    x0 = label_width + 10
    plot = width - x0 - 10
    y = 12.0
    for stack in stacks:
        total = sum(_to_float(s.value) for s in stack.segments)
        label = wrap(stack.label, size, label_width)
        svg.lines(label_width, y + bar_h / 2 + 4 - (len(label) - 1) * size * 0.6, label,
                  size=size, anchor="end")
        x = x0
        for index, segment in enumerate(stack.segments):
            length = plot * _to_float(segment.value) / total if total else 0
            if length > 0:
                svg.rect(x, y, length, bar_h, svg.fill(index), f"{segment.label} : {segment.text}")
            x += length
        if not total:
            svg.rect(x0, y, plot, bar_h, "#ffffff", f"{stack.label} : aucune donnée")
            svg.text(x0 + 8, y + bar_h / 2 + 4, "Aucune donnée", size=12, colour=MUTED)
        y += bar_h + 18
        cursor = x0
        for index, segment in enumerate(stack.segments):
            item = f"{segment.label} : {segment.text}"
            needed = 22 + text_width(item, 12) + 14
            if cursor + needed > width and cursor > x0:
                cursor, y = x0, y + 18
            svg.rect(cursor, y - 11, 14, 14, svg.fill(index), segment.label)
            svg.text(cursor + 20, y, item, size=12)
            cursor += needed
        y += 22
    return svg.render(width, y)


# --- Vertical bars for trends over years (one or several series) --------------------------------

@dataclass
class Series:
    name: str
    values: list[Number | None]
    texts: list[str]


def column_chart(*, title: str, desc: str, categories: Sequence[str], series: Sequence[Series],
                 target: Number | None = None, target_text: str | None = None,
                 scale_max: Number | None = None, min_width: int = 480) -> Markup:
    """Columns per category (a year), grouped when there are several series, each with its value
    written on top; a target is a dashed black line named at its end."""
    key = repr([list(categories)] + [(s.name, s.values) for s in series] + [target])
    svg = _Svg(title, desc, key)
    size, height_plot, top, left = 12, 200, 26, 16
    widest = max([text_width(t, size) for s in series for t in s.texts] + [36])
    bar_w = max(36.0, widest + 6)
    group_w = bar_w * len(series) + 24
    width = max(min_width, left * 2 + group_w * max(len(categories), 1)
                + (150 if target is not None else 0))
    peak = max([_to_float(v) for s in series for v in s.values] + [_to_float(target), 0])
    negative = min([_to_float(v) for s in series for v in s.values] + [0])
    top_value = float(scale_max) if scale_max is not None else _nice_max(peak)
    span = top_value - negative or 1.0
    base_y = top + height_plot * top_value / span
    # Below a negative column sits its value: the category names go further down.
    label_gap = 32 if negative < 0 else 18

    def y_of(value: float) -> float:
        return top + height_plot * (top_value - value) / span

    svg.line(left, base_y, width - left, base_y, colour=INK)
    if target is not None:  # drawn first: the values written on the columns stay on top
        ty = y_of(_to_float(target))
        svg.line(left, ty, width - left - 140, ty, colour=INK, width=2, dash="6,4")
        svg.text(width - left - 136, ty + 4, target_text or "Objectif", size=12, weight="bold")
    for c, category in enumerate(categories):
        gx = left + c * group_w + 12
        for s, serie in enumerate(series):
            value = serie.values[c]
            x = gx + s * bar_w
            text = serie.texts[c] if value is not None else "—"
            if value is not None:
                y = y_of(max(_to_float(value), 0))
                h = abs(y_of(_to_float(value)) - base_y)
                svg.rect(x + 2, min(y, base_y), bar_w - 4, h, svg.fill(s),
                         f"{serie.name}, {category} : {text}")
                text_y = min(y, base_y) - 5 if _to_float(value) >= 0 else base_y + h + 12
            else:
                text_y = base_y - 5
            svg.backdrop(x + bar_w / 2 - text_width(text, size) / 2 - 2, text_y - size,
                         text_width(text, size) + 4, size + 3)
            svg.text(x + bar_w / 2, text_y, text, size=size, anchor="middle", weight="bold")
        svg.text(gx + bar_w * len(series) / 2, top + height_plot + label_gap, category, size=13,
                 anchor="middle")
    height = top + height_plot + label_gap + 12
    if len(series) > 1:
        height = _legend(svg, list(enumerate(s.name for s in series)), left, height + 10, False)
    return svg.render(width, height + 6)
