"""The writer's paragraph markup, read without the HTML tokenizer.

ReportLab reads a Paragraph's markup with ParaParser, an html.parser.HTMLParser: for the 140
paragraphs of a report, tokenizing was half of the story's time. The markup PdfWriter.para makes
has five kinds of token only: text, <font name="…">, </font>, <br/> and the entities escape()
writes. A regular expression finds them and hands each to the ParaParser callback HTMLParser
would call, in the same order and with the same arguments, so the frags are ParaParser's own.
Markup of any other kind is read by ReportLab as before. tests/writers/test_speed_equivalence.py
holds the two to the same frags."""
from __future__ import annotations

import re

from reportlab.platypus.paragraph import cleanBlockQuotedText, textTransformFrags
from reportlab.platypus.paraparser import ParaParser, _re_para

_TOKEN = re.compile(r'<font name="([^"<>&]*)">|(</font>)|(<br/>)|&(amp|lt|gt);|([^<&]+)')


def frags_of(markup: str, style):
    """(text, style, frags) as Paragraph(markup, style) sets them, or None for markup this does
    not read (ReportLab's parser reads it then, and reports what is wrong with it)."""
    text = cleanBlockQuotedText(markup)  # the whitespace Paragraph collapses, as it does
    if _re_para.match(text):
        return None
    parser = ParaParser()
    parser.caseSensitive = 1  # Paragraph's default
    parser._setup_for_parse(style)
    parser.handle_starttag("para", [])  # ParaParser.parse wraps the text in <para>
    at = 0
    for token in _TOKEN.finditer(text):
        if token.start() != at:
            return None
        font, close, line_break, entity, data = token.groups()
        if data is not None:
            parser.handle_data(data)
        elif font is not None:
            parser.handle_starttag("font", [("name", font)])
        elif close:
            parser.handle_endtag("font")
        elif line_break:  # HTMLParser's handle_startendtag
            parser.handle_starttag("br", [])
            parser.handle_endtag("br")
        else:
            parser.handle_entityref(entity)
        at = token.end()
    if at != len(text):
        return None
    parser.handle_endtag("para")
    style, frags, bullet_frags = parser._complete_parse()
    if frags is None or bullet_frags:
        return None
    textTransformFrags(frags, style)
    return text, style, frags
