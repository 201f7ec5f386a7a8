"""Type sizes: Chinese size names (字号) and points. A module of its own, so that the theme
and its schema both use it without importing each other."""
from __future__ import annotations
from ..i18n import _

# Chinese size names (字号) in points.
SIZE_NAMES = {"初号": 42, "小初": 36, "一号": 26, "小一": 24, "二号": 22, "小二": 18, "三号": 16,
              "小三": 15, "四号": 14, "小四": 12, "五号": 10.5, "小五": 9}


# A size a printed page can hold: from a footnote's to a masthead's twice over.
SMALLEST, LARGEST = 4, 100


def size_pt(value) -> float:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if SMALLEST <= value <= LARGEST:  # NaN and infinities fail here too
            return float(value)
        raise ValueError(_("size '{value}' is not a number of points from {smallest} to {largest} or a size name "
                           "like 三号").format(value=value, smallest=SMALLEST, largest=LARGEST))
    text = str(value).strip()
    if text in SIZE_NAMES:
        return float(SIZE_NAMES[text])
    if text.endswith("pt"):
        text = text[:-2].strip()
    try:  # '16' and '16pt' as well as 16: a size quoted in the theme file is still a size
        size = float(text)
    except ValueError:
        size = None
    if size is not None and SMALLEST <= size <= LARGEST:
        return size
    raise ValueError(_("size '{value}' is not a number of points from {smallest} to {largest} or a size name "
                       "like 三号").format(value=value, smallest=SMALLEST, largest=LARGEST))
