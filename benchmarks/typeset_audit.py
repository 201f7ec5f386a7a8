"""A print shop's audit of the body text of shangli-brief PDFs (clreq-style).

    .venv/bin/python benchmarks/typeset_audit.py out/*.pdf

For every page it reads the body lines (the body face at the body size, inside the type area)
with true glyph positions (MuPDF honours the character spacing that justifies a line; pdfminer
drops it after the last glyph of each text string) and counts:

- pairs:   adjacent full-width punctuation set wider than 1.5 em (，“ ”。 ）（ 、“ ”“ …)
- loose:   a line other than a paragraph's last whose letter-spacing passes 0.1 em
- orphans: a paragraph's first line alone at the foot of a page
- widows:  a paragraph's last line alone at the head of a page
- runts:   a paragraph's last line of fewer than two characters (punctuation not counted)
- kinsoku: a line starting with closing or ending with opening punctuation
- ragged:  a line other than a paragraph's last that does not end at the right edge
- spread:  the digits of a number or the letters of a Latin word set apart (2 0 2 2)

Prints one line per PDF and exits 1 when any fault is found. Tests call audit() directly."""
from __future__ import annotations

import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from shangli_brief.typography import CLOSING, LEFT_INK, OPENING, compressible_pair  # noqa: E402

MM = 72 / 25.4
# The bulletin's type area (GB/T 9704): the theme's margins on A4.
LEFT, RIGHT = 28 * MM, (210 - 26) * MM
TOP, BOTTOM = 37 * MM, (297 - 35) * MM
BODY_SIZE = 16.0
KINDS = ("pairs", "loose", "orphans", "widows", "runts", "kinsoku", "ragged", "spread")


@dataclass
class Line:
    page: int
    y: float
    chars: list  # (char, x origin, advance)
    after_space: frozenset = frozenset()  # indices into chars of those that follow a word space

    @property
    def text(self) -> str:
        return "".join(c for c, _, _ in self.chars)

    @property
    def left(self) -> float:
        return self.chars[0][1]

    @property
    def right(self) -> float:
        c, x, advance = self.chars[-1]
        return x + advance

    def flush(self) -> bool:
        """Ends at the right edge; a closing mark there may have given up (part of) its blank
        right half, so its box may end short by up to half an em, its ink never past the edge."""
        c, x, advance = self.chars[-1]
        if c in LEFT_INK:
            return x + advance >= RIGHT - 0.6 and x + advance / 2 <= RIGHT + 0.6
        return abs(x + advance - RIGHT) <= 0.6

    @property
    def indented(self) -> bool:
        return self.left > LEFT + 1.5 * BODY_SIZE

    @property
    def full(self) -> bool:
        return self.right >= RIGHT - BODY_SIZE / 2


@dataclass
class Report:
    faults: dict = field(default_factory=lambda: {k: [] for k in KINDS})
    lines: int = 0

    def add(self, kind: str, line: Line, detail: str = "") -> None:
        self.faults[kind].append(f"p{line.page}: {line.text[:24]}{(' ' + detail) if detail else ''}")

    @property
    def total(self) -> int:
        return sum(len(v) for v in self.faults.values())

    def summary(self) -> str:
        return ", ".join(f"{k} {len(v)}" for k, v in self.faults.items())


def body_lines(path) -> list[list[Line]]:
    """Per page, the body lines in reading order."""
    import pymupdf
    pages = []
    with pymupdf.open(str(path)) as doc:
        raw = [page.get_text("rawdict") for page in doc]
    fonts = Counter(span["font"] for page in raw for block in page["blocks"]
                    for line in block.get("lines", ()) for span in line["spans"]
                    if abs(span["size"] - BODY_SIZE) < 0.3 for _ in span["chars"])
    body_font = fonts.most_common(1)[0][0] if fonts else None
    for number, page in enumerate(raw, 1):
        rows: dict[float, list] = {}
        for block in page["blocks"]:
            for line in block.get("lines", ()):
                for span in line["spans"]:
                    if abs(span["size"] - BODY_SIZE) >= 0.3:
                        continue
                    for ch in span["chars"]:
                        x, y = ch["origin"]
                        if not (LEFT - 1 <= x <= RIGHT + 1 and TOP - 1 <= y <= BOTTOM + 4):
                            continue
                        advance = ch["bbox"][2] - ch["bbox"][0]
                        rows.setdefault(round(y, 1), []).append((ch["c"], x, advance, span["font"]))
        lines = []
        for y in sorted(rows):
            chars = sorted(rows[y], key=lambda c: c[1])
            own = sum(1 for c in chars if c[3] == body_font)
            if own * 2 < len(chars) or not "".join(c[0] for c in chars).strip():
                continue  # a heading (黑体, 楷体) or a panel figure: not body text
            kept, after_space = [], set()
            for c, x, a, _ in chars:
                if c.strip():
                    kept.append((c, x, a))
                elif kept:
                    after_space.add(len(kept))
            lines.append(Line(number, y, kept, frozenset(after_space)))
        pages.append(lines)
    return pages


def _better_break(line: Line, following: Line | None, slack: float) -> bool:
    """Whether the start of the next line could have come up: its first unbreakable piece (a
    number with its unit and punctuation) fits in the line's slack plus what compressing the
    line's punctuation gives (a third of an em a mark, one em at most)."""
    if following is None or following.page != line.page and following.y < line.y:
        return True
    from shangli_brief.typography import RIGHT_INK, no_break_before
    keep = no_break_before(following.text)
    run = 1
    while run < len(keep) and keep[run]:
        run += 1
    width = sum(advance for _, _, advance in following.chars[:run])
    marks = sum(1 for c, _, _ in line.chars if c in LEFT_INK or c in RIGHT_INK)
    return width <= slack + min(marks / 3, 1) * BODY_SIZE + 0.5


def audit(path) -> Report:
    report = Report()
    pages = body_lines(path)
    flat = [line for page in pages for line in page]
    report.lines = len(flat)
    for k, line in enumerate(flat):
        following = flat[k + 1] if k + 1 < len(flat) else None
        # the paragraph's last line: not full, or the next line starts a paragraph, or none
        last = not line.full or following is None or following.indented \
            or following.y - line.y > 2.2 * BODY_SIZE and following.page == line.page
        text = line.text
        if text and (text[0] in CLOSING or text[-1] in OPENING):
            report.add("kinsoku", line)
        for n, ((a, xa, adv), (b, xb, _)) in enumerate(zip(line.chars, line.chars[1:]), 1):
            if compressible_pair(a, b) and xb - xa > 0.5 * BODY_SIZE + 0.1 * BODY_SIZE + 0.2:
                report.add("pairs", line, f"{a}{b} {(xb - xa) / BODY_SIZE + 1:.2f} em")
            if a.isascii() and b.isascii() and a.isalnum() and b.isalnum() and n not in line.after_space \
                    and xb - (xa + adv) > 0.05 * BODY_SIZE:
                report.add("spread", line, f"{a}{b} {(xb - xa - adv) / BODY_SIZE:.2f} em apart")
        if not last:
            if not line.flush():
                report.add("ragged", line, f"ends {line.right - RIGHT:+.1f} pt")
            gaps = [xb - (xa + adv) for (_, xa, adv), (_, xb, _) in zip(line.chars, line.chars[1:])]
            gaps = [g for g in gaps if g > -BODY_SIZE / 4]  # compressed marks are not gaps
            if gaps and sum(gaps) / len(gaps) > 0.1 * BODY_SIZE + 0.05 \
                    and _better_break(line, following, sum(gaps)):
                report.add("loose", line, f"{sum(gaps) / len(gaps) / BODY_SIZE:.2f} em")
        else:
            counted = [c for c, _, _ in line.chars if c not in CLOSING]
            if len(counted) < 2 and not line.indented:
                report.add("runts", line)
    for page, next_page in zip(pages, pages[1:]):
        if not page or not next_page:
            continue
        foot, head = page[-1], next_page[0]
        continues = not head.indented and head.left < LEFT + BODY_SIZE
        if foot.indented and foot.full and continues and (foot.page, foot.y) != (head.page, head.y):
            report.add("orphans", foot)
        following = next_page[1] if len(next_page) > 1 else None
        head_last = not head.full or following is None or following.indented
        if continues and head_last and foot.full:
            report.add("widows", head)
    return report


def main(paths: list[str]) -> int:
    faults = 0
    for path in paths:
        report = audit(path)
        faults += report.total
        print(f"{path}: {report.lines} body lines; {report.summary()}")
        for kind, found in report.faults.items():
            for item in found:
                print(f"    {kind}: {item}")
    return 1 if faults else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or sorted(str(p) for p in (ROOT / "out").glob("*.pdf"))))
