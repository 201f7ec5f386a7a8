"""Small OOXML helpers for what python-docx has no API for."""
from __future__ import annotations

from docx.oxml import OxmlElement
from docx.oxml.ns import qn

_THEME_FONT_ATTRS = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")


def set_fonts(rpr, east_asia: str, latin: str) -> None:
    """Name the East Asian and Latin fonts on a w:rPr. python-docx's font.name sets only the
    Latin ones; theme font attributes would override explicit names, so they go."""
    rfonts = rpr.get_or_add_rFonts()
    for attr in _THEME_FONT_ATTRS:
        if rfonts.get(qn(attr)) is not None:
            del rfonts.attrib[qn(attr)]
    rfonts.set(qn("w:ascii"), latin)
    rfonts.set(qn("w:hAnsi"), latin)
    rfonts.set(qn("w:cs"), latin)
    rfonts.set(qn("w:eastAsia"), east_asia)


# Characters whose width Unicode leaves ambiguous: without w:hint="eastAsia" Word sets them in
# the Latin font (Times New Roman's narrow quotes and dashes in Chinese text).
_AMBIGUOUS = set("“”‘’—…·–‧※→←℃")


def east_asian_hint(r, text: str) -> None:
    if _AMBIGUOUS.intersection(text):
        r.get_or_add_rPr().get_or_add_rFonts().set(qn("w:hint"), "eastAsia")


_T, _TAB, _SPACE, _HINT, _VAL = qn("w:t"), qn("w:tab"), qn("xml:space"), qn("w:hint"), qn("w:val")


def run_element(text: str, style_id: str | None = None):
    """The w:r that paragraph.add_run(text) makes, with run.style = style_id and the East Asian
    hint, built directly (python-docx searches for each child's place among all it may precede)."""
    r = OxmlElement("w:r")
    hint = bool(_AMBIGUOUS.intersection(text))
    if style_id or hint:
        rpr = OxmlElement("w:rPr")
        if style_id:
            rstyle = OxmlElement("w:rStyle")
            rstyle.set(_VAL, style_id)
            rpr.append(rstyle)
        if hint:
            rfonts = OxmlElement("w:rFonts")
            rfonts.set(_HINT, "eastAsia")
            rpr.append(rfonts)
        r.append(rpr)
    for i, part in enumerate(text.replace("\r", "\n").split("\t") if text else ()):
        if i:
            r.append(OxmlElement("w:tab"))
        for j, piece in enumerate(part.split("\n")):
            if j:
                r.append(OxmlElement("w:br"))
            if piece:
                t = OxmlElement("w:t")
                t.text = piece
                if len(piece.strip()) < len(piece):
                    t.set(_SPACE, "preserve")
                r.append(t)
    return r


def text_run(paragraph, text: str):
    """paragraph.add_run(text), with the East Asian hint where the text needs it."""
    run = paragraph.add_run(text)
    east_asian_hint(run._r, text)
    return run


def first_line_chars(ppr, chars: float) -> None:
    """First-line indent counted in characters (w:firstLineChars, hundredths), as Word shows it."""
    ind = ppr.find(qn("w:ind"))
    if ind is None:
        ind = OxmlElement("w:ind")
        ppr.append(ind)
    ind.set(qn("w:firstLineChars"), str(int(round(chars * 100))))


def hanging_indent(ppr, left_chars: float, hanging_chars: float, size_pt: float) -> None:
    """A hanging indent counted in characters (as Word shows it) and in twips (for programs that
    read only those); the style's first-line indent is set aside."""
    ind = ppr.find(qn("w:ind"))
    if ind is None:
        ind = OxmlElement("w:ind")
        ppr.insert_element_before(ind, *_AFTER_IND)
    twips = lambda chars: str(int(round(chars * size_pt * 20)))  # noqa: E731
    ind.set(qn("w:left"), twips(left_chars))
    ind.set(qn("w:leftChars"), str(int(round(left_chars * 100))))
    ind.set(qn("w:hanging"), twips(hanging_chars))
    ind.set(qn("w:hangingChars"), str(int(round(hanging_chars * 100))))
    ind.set(qn("w:firstLineChars"), "0")


# What may follow w:ind in a w:pPr (CT_PPrBase's order)
_AFTER_IND = ("w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection",
              "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr",
              "w:sectPr", "w:pPrChange")


# Elements that must follow w:pBdr / w:tblBorders / w:shd in their parents (OOXML is ordered,
# and Word refuses a file whose children are out of order).
_AFTER = {
    "w:pBdr": ("w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap",
               "w:overflowPunct", "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi",
               "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing",
               "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment",
               "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr",
               "w:pPrChange"),
    "w:tblBorders": ("w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption",
                     "w:tblDescription"),
    "w:shd": ("w:noWrap", "w:tcMar", "w:textDirection", "w:tcFitText", "w:vAlign", "w:hideMark"),
}


def border(parent, edges: dict[str, tuple[float, str]], tag: str = "w:pBdr") -> None:
    """Borders in pt with #RRGGBB colours: {'bottom': (2.25, '#E60012')}."""
    old = parent.find(qn(tag))
    if old is not None:
        parent.remove(old)
    box = OxmlElement(tag)
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        if edge not in edges:
            continue
        width, color = edges[edge]
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "single" if width else "nil")
        el.set(qn("w:sz"), str(int(round(width * 8))))  # eighths of a point
        el.set(qn("w:space"), "1")
        el.set(qn("w:color"), color.lstrip("#"))
        box.append(el)
    parent.insert_element_before(box, *_AFTER[tag])


def no_grid_snap(ppr) -> None:
    """Lines of this paragraph keep their own leading instead of snapping to the page's line grid
    (tables, captions, notes: text smaller than the body)."""
    if ppr.find(qn("w:snapToGrid")) is not None:
        return
    el = OxmlElement("w:snapToGrid")
    el.set(qn("w:val"), "0")
    ppr.insert_element_before(el, *_AFTER["w:pBdr"][_AFTER["w:pBdr"].index("w:snapToGrid") + 1:])


def _ppr_child(ppr, tag: str):
    """The pPr child `tag`, added in its schema place if missing."""
    el = ppr.find(qn(tag))
    if el is None:
        el = OxmlElement(tag)
        order = ("w:pBdr",) + _AFTER["w:pBdr"]
        ppr.insert_element_before(el, *order[order.index(tag) + 1:])
    return el


def no_auto_space(ppr) -> None:
    """autoSpaceDE/DN off: Word adds no space between Chinese and Latin letters or digits
    (official documents set none)."""
    for tag in ("w:autoSpaceDE", "w:autoSpaceDN"):
        _ppr_child(ppr, tag).set(qn("w:val"), "0")


def outline_level(ppr, level: int) -> None:
    _ppr_child(ppr, "w:outlineLvl").set(qn("w:val"), str(level))


def table_borders(tbl, edges: dict[str, tuple[float, str]]) -> None:
    border(tbl.tblPr, {k: edges.get(k, (0, "#000000")) for k in
                   ("top", "left", "bottom", "right", "insideH", "insideV")}, "w:tblBorders")


def cell_margins(tbl, top: float, bottom: float, left: float, right: float) -> None:
    """Default cell margins of a table, in pt."""
    mar = OxmlElement("w:tblCellMar")
    for edge, value in (("top", top), ("left", left), ("bottom", bottom), ("right", right)):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:w"), str(round(value * 20)))
        el.set(qn("w:type"), "dxa")
        mar.append(el)
    tbl.tblPr.insert_element_before(mar, "w:tblLook", "w:tblCaption", "w:tblDescription")


def float_to_page_bottom(tbl, top_pt: float, left_pt: float) -> None:
    """Anchor a table at `top_pt` below the top of the type area (for the 版记, so that its last
    rule falls on the type area's bottom edge), its left edge `left_pt` from the page's (the left
    margin; its cells without side margins, so that its rules span the type area exactly).
    Numeric offsets, not tblpYSpec="bottom", which LibreOffice ignores; placed from the page's
    edge, not the margin's: LibreOffice 7 lays a floating table as wide as the type area out
    inline, where it falls, unless it is placed relative to the page."""
    pos = OxmlElement("w:tblpPr")
    for attr, value in (("leftFromText", "0"), ("rightFromText", "0"), ("vertAnchor", "margin"),
                        ("horzAnchor", "page"), ("tblpX", str(round(left_pt * 20))),
                        ("tblpY", str(round(top_pt * 20)))):
        pos.set(qn(f"w:{attr}"), value)
    overlap = OxmlElement("w:tblOverlap")
    overlap.set(qn("w:val"), "never")
    tblpr = tbl.tblPr
    successors = ("w:bidiVisual", "w:tblStyleRowBandSize", "w:tblStyleColBandSize", "w:tblW", "w:jc",
                  "w:tblCellSpacing", "w:tblInd", "w:tblBorders", "w:shd", "w:tblLayout",
                  "w:tblCellMar", "w:tblLook", "w:tblCaption", "w:tblDescription")
    tblpr.insert_element_before(overlap, *successors)
    tblpr.insert_element_before(pos, "w:tblOverlap", *successors)


def repeat_header(row) -> None:
    # on by its presence: Word's rules refuse val="true" here (only on/off, or no value)
    row._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))


def cant_split(row) -> None:
    trpr = row._tr.get_or_add_trPr()
    trpr.append(OxmlElement("w:cantSplit"))


def _shading(color: str):
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), color.lstrip("#"))
    return shd


def shade(cell, color: str) -> None:
    cell._tc.get_or_add_tcPr().insert_element_before(_shading(color), *_AFTER["w:shd"])


def add_field(paragraph, instruction: str, placeholder: str = "1") -> None:
    """A complex field (PAGE, NUMPAGES, TOC ...) Word and WPS update on their own."""
    def run_with(child):
        run = paragraph.add_run()
        run._r.append(child)
        return run

    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    run_with(begin)
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    run_with(instr)
    sep = OxmlElement("w:fldChar")
    sep.set(qn("w:fldCharType"), "separate")
    run_with(sep)
    paragraph.add_run(placeholder)
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run_with(end)


def doc_grid(sectpr, line_pitch_twips: int) -> None:
    """A line grid: Word and WPS lay the body out as N lines a page. The 28 characters a line
    come from the body's condensed character spacing (styles.py), not from a character grid:
    with linesAndChars LibreOffice gives each 16 pt character two cells (measured with
    charSpace -848, and with the body condensed to 15.75 and 15.5 pt), doubling the pages."""
    grid = sectpr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        sectpr.insert_element_before(grid, "w:printerSettings", "w:sectPrChange")
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), str(line_pitch_twips))
    grid.attrib.pop(qn("w:charSpace"), None)


def condense(rpr, twentieths: int) -> None:
    """Character spacing (w:spacing, in twentieths of a point; negative condenses)."""
    el = rpr.find(qn("w:spacing"))
    if el is None:
        el = OxmlElement("w:spacing")
        rpr.insert_element_before(el, "w:w", "w:kern", "w:position", "w:sz", "w:szCs",
                                  "w:highlight", "w:u", "w:effect", "w:bdr", "w:shd", "w:fitText",
                                  "w:vertAlign", "w:rtl", "w:cs", "w:em", "w:lang", "w:eastAsianLayout",
                                  "w:specVanish", "w:oMath")
    el.set(qn("w:val"), str(twentieths))


def alt_text(paragraph, title: str, description: str) -> None:
    """Alt text on every picture of a paragraph (wp:docPr), as Word's "Edit Alt Text" writes it."""
    for doc_pr in paragraph._p.iter(qn("wp:docPr")):
        doc_pr.set("title", title)
        doc_pr.set("descr", description)


SVG_EXTENSION = "{96DAC541-7B7A-43D3-8B79-37D633B846F1}"  # Office 2016's svgBlip extension
SVG_NAMESPACE = "http://schemas.microsoft.com/office/drawing/2016/SVG/main"


def svg_beside_pictures(paragraph, part, svg: bytes) -> None:
    """The SVG of a paragraph's picture, as Word 2016 keeps one: an image part related to the
    document, named in an extension of the picture's blip; the blip's PNG stays what WPS, older
    Word and LibreOffice show."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.opc.part import Part
    from lxml import etree
    package = part.package
    svg_part = Part(package.next_partname("/word/media/image%d.svg"), "image/svg+xml", svg, package)
    rid = part.relate_to(svg_part, RT.IMAGE)
    for blip in paragraph._p.iter(qn("a:blip")):
        extensions = etree.SubElement(blip, qn("a:extLst"))
        extension = etree.SubElement(extensions, qn("a:ext"), uri=SVG_EXTENSION)
        svg_blip = etree.SubElement(extension, f"{{{SVG_NAMESPACE}}}svgBlip", nsmap={"asvg": SVG_NAMESPACE})
        svg_blip.set(qn("r:embed"), rid)


def shade_paragraph(paragraph, color: str) -> None:
    # in w:pPr, w:shd follows w:pBdr: its successors are pBdr's less itself
    paragraph._p.get_or_add_pPr().insert_element_before(_shading(color), *_AFTER["w:pBdr"][1:])


def _field_char(kind: str):
    run = OxmlElement("w:r")
    char = OxmlElement("w:fldChar")
    char.set(qn("w:fldCharType"), kind)
    run.append(char)
    return run


def contents_field(document, entries: list[str], style_id: str, width_pt: float) -> list:
    """A TOC field over the level-1 headings. Its cached result lists the headings already, each
    with a dot-leader tab to the right margin, so the page reads well before anyone updates the
    field: the runs returned take each entry's page number (see the writer)."""
    from docx.enum.text import WD_TAB_ALIGNMENT, WD_TAB_LEADER
    from docx.shared import Pt
    paragraphs, numbers = [], []
    for text in entries or [""]:
        p = document.add_paragraph()
        p._p.get_or_add_pPr().style = style_id
        p.paragraph_format.tab_stops.add_tab_stop(Pt(width_pt), WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS)
        text_run(p, text)
        numbers.append(p.add_run())
        paragraphs.append(p)
    first, last = paragraphs[0]._p, paragraphs[-1]._p
    instr = OxmlElement("w:r")
    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = ' TOC \\o "1-1" \\h \\z \\u '
    instr.append(text)
    at = list(first).index(first.pPr) + 1
    for offset, run in enumerate((_field_char("begin"), instr, _field_char("separate"))):
        first.insert(at + offset, run)
    last.append(_field_char("end"))
    return numbers


def update_fields_on_open(settings) -> None:
    """settings.xml: Word offers to update fields (the contents) when the file is opened."""
    el = OxmlElement("w:updateFields")
    el.set(qn("w:val"), "true")
    settings.insert_element_before(
        el, "w:hdrShapeDefaults", "w:footnotePr", "w:endnotePr", "w:compat", "w:docVars", "w:rsids",
        "m:mathPr", "w:attachedSchema", "w:themeFontLang", "w:clrSchemeMapping",
        "w:doNotIncludeSubdocsInStats", "w:doNotAutoCompressPictures", "w:forceUpgrade", "w:captions",
        "w:readModeInkLockDown", "w:smartTagType", "w:schemaLibrary", "w:shapeDefaults",
        "w:doNotEmbedSmartTags", "w:decimalSymbol", "w:listSeparator")


FIGURE_TAG = "shangli-brief"     # w:tag of a figure's content control: shangli-brief:ID@PERIOD
FIGURE_BOOKMARK = "_sbf"         # hidden bookmark _sbfN_KEY around a figure's text


def mark_figure(run, index: int, figure) -> None:
    """Put a figure's run in a content control (Word and WPS: the control cannot be deleted by
    accident, its text can be edited; nothing shows in print) around a hidden bookmark, which
    LibreOffice keeps too. `verify` finds the figure again by the bookmark's name."""
    r = run._r
    sdt = OxmlElement("w:sdt")
    pr = OxmlElement("w:sdtPr")
    for tag, value in (("w:alias", figure.indicator), ("w:tag", f"{FIGURE_TAG}:{figure.indicator}@{figure.period}"),
                       ("w:lock", "sdtLocked")):
        child = OxmlElement(tag)
        child.set(qn("w:val"), value)
        pr.append(child)
    content = OxmlElement("w:sdtContent")
    start, end = OxmlElement("w:bookmarkStart"), OxmlElement("w:bookmarkEnd")
    bookmark_id = str(10_000 + index)
    start.set(qn("w:id"), bookmark_id)
    start.set(qn("w:name"), f"{FIGURE_BOOKMARK}{index}_{figure.key}")
    end.set(qn("w:id"), bookmark_id)
    r.addprevious(sdt)
    sdt.append(pr)
    sdt.append(content)
    content.append(start)
    content.append(r)
    content.append(end)


def custom_properties(document, values: dict[str, str]) -> None:
    """docProps/custom.xml with text properties, replacing any the package has."""
    from ...xmltext import escape, quoteattr

    from docx.opc.constants import CONTENT_TYPE as CT
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part
    fmtid = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"   # the one format id of user properties
    items = "".join(f'<property fmtid="{fmtid}" pid="{pid}" name={quoteattr(name)}>'
                    f"<vt:lpwstr>{escape(value)}</vt:lpwstr></property>"
                    for pid, (name, value) in enumerate(values.items(), start=2))
    blob = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
            'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
            f"{items}</Properties>").encode("utf-8")
    package = document.part.package
    for rid, rel in list(package.rels.items()):
        if rel.reltype == RT.CUSTOM_PROPERTIES:
            package.rels.pop(rid)
    package.relate_to(Part(PackURI("/docProps/custom.xml"), CT.OFC_CUSTOM_PROPERTIES, blob, package),
                      RT.CUSTOM_PROPERTIES)
