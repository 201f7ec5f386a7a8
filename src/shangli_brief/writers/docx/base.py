"""The document a brief is written into: python-docx's package, stripped of what its default
template brings (a Mac Word 2010 file with Japanese theme fonts) and set up as a native Chinese
Word document: compatibility mode 15 (no 兼容模式), zh-CN language, only our own styles, a font
table naming every font the styles ask for with Windows' alternates, app.xml naming us."""
from __future__ import annotations

from pathlib import Path
from ...xmltext import quoteattr

import docx
from ...yamlfile import package_yaml
from docx.oxml import parse_xml
from docx.oxml.ns import qn

from ... import __version__

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
# Styles python-docx itself relies on; every other style of its template goes.
KEEP_STYLES = {"Normal", "DefaultParagraphFont", "TableNormal", "NoList", "TableGrid"}
# Parts of python-docx's template a brief has no use for: a blank thumbnail, a second style
# sheet that disagrees with styles.xml (Word then "repairs" the file), a bibliography item.
DROP_RELS = ("/thumbnail", "/stylesWithEffects", "/customXml")

# Windows' own font-table facts for the fonts official documents ask for: panose, family and
# pitch as Word writes them, so that a machine missing a font substitutes a similar one.
# (font_facts.yaml: data about fonts, kept with the other data rather than in the code)
FONT_FACTS = {name: tuple(facts) for name, facts in package_yaml(Path(__file__).with_name("font_facts.yaml")).items()}

SETTINGS = f"""<w:settings xmlns:w="{W}">
<w:zoom w:percent="100"/>
<w:defaultTabStop w:val="420"/>
<w:characterSpacingControl w:val="compressPunctuation"/>
<w:compat>
<w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"/>
<w:compatSetting w:name="overrideTableStyleFontSizeAndJustification" w:uri="http://schemas.microsoft.com/office/word" w:val="1"/>
<w:compatSetting w:name="enableOpenTypeFeatures" w:uri="http://schemas.microsoft.com/office/word" w:val="1"/>
<w:compatSetting w:name="doNotFlipMirrorIndents" w:uri="http://schemas.microsoft.com/office/word" w:val="1"/>
<w:compatSetting w:name="differentiateMultirowTableHeaders" w:uri="http://schemas.microsoft.com/office/word" w:val="1"/>
</w:compat>
<w:themeFontLang w:val="en-US" w:eastAsia="zh-CN"/>
<w:clrSchemeMapping w:bg1="light1" w:t1="dark1" w:bg2="light2" w:t2="dark2" w:accent1="accent1" w:accent2="accent2" w:accent3="accent3" w:accent4="accent4" w:accent5="accent5" w:accent6="accent6" w:hyperlink="hyperlink" w:followedHyperlink="followedHyperlink"/>
<w:decimalSymbol w:val="."/>
<w:listSeparator w:val=","/>
</w:settings>"""

APP = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" \
xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">\
<Application>shangli-brief {version}</Application><DocSecurity>0</DocSecurity>\
<ScaleCrop>false</ScaleCrop><LinksUpToDate>false</LinksUpToDate><SharedDoc>false</SharedDoc>\
<HyperlinksChanged>false</HyperlinksChanged></Properties>"""


def new_document():
    """python-docx's package with its template's leftovers removed."""
    document = docx.Document()
    package = document.part.package
    for rels in (package.rels, document.part.rels):
        for rid, rel in list(rels.items()):
            if rel.reltype.endswith(DROP_RELS):
                del rels[rid]
    package.part_related_by(docx.opc.constants.RELATIONSHIP_TYPE.EXTENDED_PROPERTIES)._blob = \
        APP.format(version=__version__).encode("utf-8")
    settings = document.settings.element  # its contents replaced, the element kept
    for child in list(settings):
        settings.remove(child)
    for child in parse_xml(SETTINGS):
        settings.append(child)
    styles = document.styles.element
    for style in list(styles.findall(qn("w:style"))):
        if style.get(qn("w:styleId")) not in KEEP_STYLES:
            styles.remove(style)
    for link in styles.iter(qn("w:link")):  # the Char twins are gone: so are links to them
        link.getparent().remove(link)
    return document


def chinese_defaults(document, east_asia: str, latin: str, size_pt: float) -> None:
    """docDefaults: the body fonts and size; Latin text in en-US and East Asian text in zh-CN, as
    Chinese Word writes them (Latin text declared Chinese lets LibreOffice break a line inside a
    number: 2|022年; runs whose quotes, dashes and ellipses must take the Chinese font carry
    w:hint="eastAsia"); no punctuation hanging past the margin (overflowPunct off: official
    documents hang none); no spacing between paragraphs, and none between Chinese and Latin
    letters or digits in Word and WPS (LibreOffice's DOCX import drops autoSpaceDE/DN wherever
    they are, and adds its own spacing)."""
    defaults = document.styles.element.find(qn("w:docDefaults"))
    half_points = round(size_pt * 2)
    defaults.getparent().replace(defaults, parse_xml(
        f'<w:docDefaults xmlns:w="{W}"><w:rPrDefault><w:rPr>'
        f'<w:rFonts w:ascii={quoteattr(latin)} w:eastAsia={quoteattr(east_asia)} '
        f'w:hAnsi={quoteattr(latin)} w:cs={quoteattr(latin)}/>'
        f'<w:kern w:val="2"/><w:sz w:val="{half_points}"/><w:szCs w:val="{half_points}"/>'
        f'<w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/></w:rPr></w:rPrDefault>'
        f'<w:pPrDefault><w:pPr><w:overflowPunct w:val="0"/><w:autoSpaceDE w:val="0"/><w:autoSpaceDN w:val="0"/>'
        f'<w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>'
        f'</w:pPrDefault></w:docDefaults>'))


def font_table(document, fonts: dict[str, str]) -> None:
    """fontTable.xml: an entry for every font the styles ask for ({name: alternate name}), with
    the GB2312 charset for Chinese names, so Word and WPS without 仿宋_GB2312 fall back to 仿宋."""
    entries = []
    for name, alternate in sorted(fonts.items()):
        chinese = any(ord(ch) > 0x2E80 for ch in name)
        panose, family, pitch = FONT_FACTS.get(
            name, ("02010600030101010101" if chinese else "02020603050405020304", "auto", "variable"))
        alt = f"<w:altName w:val={quoteattr(alternate)}/>" if alternate and alternate != name else ""
        entries.append(f"<w:font w:name={quoteattr(name)}>{alt}<w:panose1 w:val=\"{panose}\"/>"
                       f"<w:charset w:val=\"{'86' if chinese else '00'}\"/><w:family w:val=\"{family}\"/>"
                       f"<w:pitch w:val=\"{pitch}\"/></w:font>")
    xml = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
           f'<w:fonts xmlns:w="{W}">{"".join(entries)}</w:fonts>')
    document.part.part_related_by(docx.opc.constants.RELATIONSHIP_TYPE.FONT_TABLE)._blob = \
        xml.encode("utf-8")
