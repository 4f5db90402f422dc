"""Colour that reads: WCAG contrast between two colours, the text colour for a fill, and the one sequential scale of
every heatmap (a colour at any point of it). Pure functions, no Plotly objects."""

from __future__ import annotations

import re

TEXT_MIN_CONTRAST = 4.5  # WCAG 2.1 AA for text under 24 px (and for tick labels)
DARK_TEXT, LIGHT_TEXT = "#000000", "#FFFFFF"

# The one sequential scale of every heatmap, light for less and dark for more, everywhere: cividis (Nuñez, Anderton
# and Renslow 2018), perceptually uniform and readable with the common colour-vision deficiencies, reversed so that
# a busier week, a higher score or more minutes is darker.
SEQUENTIAL = [  # Plotly's Cividis, reversed
    "#FEE838",
    "#E1CC55",
    "#C3B369",
    "#A59C74",
    "#8A8678",
    "#707173",
    "#575D6D",
    "#3B496C",
    "#123570",
    "#00224E",
]
SEQUENTIAL_SCALE = [[i / (len(SEQUENTIAL) - 1), colour] for i, colour in enumerate(SEQUENTIAL)]
NO_DATA = "#FFFFFF"  # a cell with nothing to colour stays white: the note under the chart says what blank means


def rgb(colour: str) -> tuple[float, float, float]:
    """``#RRGGBB``, ``#RGB``, ``rgb(r, g, b)`` or ``rgba(...)`` as 0-255 channels."""
    colour = colour.strip()
    if colour.startswith("#"):
        digits = colour[1:]
        if len(digits) == 3:
            digits = "".join(d * 2 for d in digits)
        return int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16)
    numbers = re.findall(r"[\d.]+", colour)
    if len(numbers) < 3:
        raise ValueError(f"not a colour: {colour!r}")
    return float(numbers[0]), float(numbers[1]), float(numbers[2])


def luminance(colour: str) -> float:
    """WCAG relative luminance."""

    def channel(v: float) -> float:
        v /= 255
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """The WCAG contrast ratio of two colours, 1 to 21."""
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def text_on(fill: str) -> str:
    """Black or white, whichever reads better on ``fill`` (every fill here gives one of them 4.5:1 or more)."""
    return DARK_TEXT if contrast(DARK_TEXT, fill) >= contrast(LIGHT_TEXT, fill) else LIGHT_TEXT


def sequential_at(t: float | None) -> str:
    """The colour of the sequential scale at ``t`` (0 = least, 1 = most), interpolated; white for no value."""
    if t is None:
        return NO_DATA
    t = min(1.0, max(0.0, t)) * (len(SEQUENTIAL) - 1)
    i = min(int(t), len(SEQUENTIAL) - 2)
    f = t - i
    a, b = rgb(SEQUENTIAL[i]), rgb(SEQUENTIAL[i + 1])
    r, g, bl = (round(x + (y - x) * f) for x, y in zip(a, b, strict=True))
    return f"#{r:02X}{g:02X}{bl:02X}"
