"""A chart that floats: when it does not fit where it falls and moving it to the next page
would leave more than a third of this one empty, the body text after it is set first, as a
print shop sets a figure at the head of the next page while the text runs on."""
from __future__ import annotations

from reportlab.platypus import FrameBreak, KeepTogether
from reportlab.platypus.flowables import Flowable


class ChartFloat(Flowable):
    """`parts` (the chart, its caption, its source line) kept together; `followers`: the body
    paragraphs after it in its section, which may be set before it."""

    def __init__(self, parts: list, followers: list, frame_height: float, floating: bool = False):
        super().__init__()
        self.parts, self.followers, self.frame_height = parts, followers, frame_height
        self.floating = floating  # text is being set before it: the rest of the page too

    def wrap(self, available_width, available_height):
        # as KeepTogether does: too tall to be placed whole, so that split() decides
        return available_width, 0xFFFFFF

    def split(self, available_width, available_height):
        # KeepTogether decides whether the parts fit here (a frame break first when they do
        # not); what is returned first must fit here, as ReportLab places it at once.
        canvas = self.canv  # set by splitOn, as for any flowable
        kept = KeepTogether(self.parts).splitOn(canvas, available_width, available_height)
        moved = bool(kept) and isinstance(kept[0], type(FrameBreak))  # FrameBreak is an instance
        if moved and self.followers and (self.floating or available_height > self.frame_height / 3):
            first, rest = self.followers[0], self.followers[1:]
            later = ChartFloat(self.parts, rest, self.frame_height, floating=True)
            if _height(canvas, first, available_width, available_height) <= available_height:
                return [first, later]
            pieces = first.splitOn(canvas, available_width, available_height)
            if len(pieces) > 1:  # its first lines here, the rest on the next page, then the chart
                return [*pieces, later]
        return [*kept, *self.followers]

    def draw(self):  # never drawn: always split into what it holds
        pass


def _height(canvas, flowable, width, height) -> float:
    return flowable.wrapOn(canvas, width, height)[1] + flowable.getSpaceBefore()
