"""Theme values in ReportLab terms: registered fonts and ParagraphStyles."""
from __future__ import annotations

from reportlab.lib.colors import HexColor
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from ...fonts import ResolvedFont, resolve_theme_fonts
from ...theme import TextStyle, Theme

ALIGN = {"left": TA_LEFT, "center": TA_CENTER, "right": TA_RIGHT, "justify": TA_JUSTIFY}
_registered: dict[tuple[str, int], str] = {}


def register(font: ResolvedFont) -> str:
    """Register a font file once per process; roles sharing a face share one registration."""
    key = (font.file, font.index)
    if key not in _registered:
        name = f"SB{len(_registered)}-{font.family.replace(' ', '')}"
        pdfmetrics.registerFont(TTFont(name, font.file, subfontIndex=font.index))
        _registered[key] = name
    return _registered[key]


class PdfStyles:
    def __init__(self, theme: Theme):
        self.theme = theme
        self.font_names = {role: register(f) for role, f in resolve_theme_fonts(theme).items()}
        self.paragraph = {name: self._paragraph(style) for name, style in theme.styles.items()}

    def font(self, style_name: str) -> str:
        return self.font_names[self.theme.style(style_name).font]

    def color(self, name: str):
        return HexColor(self.theme.color(name))

    def _paragraph(self, s: TextStyle) -> ParagraphStyle:
        style = ParagraphStyle(
            s.name, fontName=self.font_names[s.font], fontSize=s.size, leading=s.leading,
            alignment=ALIGN[s.align], firstLineIndent=s.indent_chars * s.size,
            textColor=HexColor(s.color), spaceBefore=s.space_before, spaceAfter=s.space_after,
            wordWrap="CJK", allowWidows=1, allowOrphans=1,
        )
        # Justified text on the page grid: N characters a line even when N glyphs of this size
        # are a little wider than the line (16 pt × 28 > 156 mm), as Word's character grid does.
        if s.align == "justify":
            style.gridSqueeze = max(0.0, 1 - self.theme.char_pitch / s.size)
        return style
