"""Text in the PDFs (the board pack's and the school brief): DejaVu Sans where the machine has it (every character the
dashboard prints: ≤, ≥, ✓, ✗, →, –, †), else fpdf2's core Helvetica with those characters spelled in Latin-1. Text is
written as text (never markdown), so a name in the data prints as it is."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
REGULAR, BOLD = FONT_DIR / "DejaVuSans.ttf", FONT_DIR / "DejaVuSans-Bold.ttf"
LATIN1 = {"≤": "<=", "≥": ">=", "—": "-", "–": "-", "†": "+", "✓": "v", "✗": "x", "→": "->", "…": "...", "·": "-"}


def use_fonts(pdf) -> tuple[str, Callable[[str], str]]:
    """Register the body font on an ``fpdf.FPDF`` (regular and bold, style ``B``); returns its family and the
    function every text goes through before it is written."""
    if REGULAR.exists() and BOLD.exists():
        pdf.add_font("body", "", str(REGULAR))
        pdf.add_font("body", "B", str(BOLD))
        return "body", str

    def latin1(text: str) -> str:
        for char, spelled in LATIN1.items():
            text = text.replace(char, spelled)
        return text.encode("latin-1", "replace").decode("latin-1")

    return "helvetica", latin1
