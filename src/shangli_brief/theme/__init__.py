"""One theme drives both writers: page geometry in mm, sizes in pt, colours, font roles, heading
numbering. Each writer turns these values into its own library's styles."""
from .theme import (FontRole, HeadingNumberer, TextStyle, Theme, heading_label, load_theme,
                    size_pt, zh_numeral)

__all__ = ["FontRole", "HeadingNumberer", "TextStyle", "Theme", "heading_label", "load_theme", "size_pt", "zh_numeral"]
