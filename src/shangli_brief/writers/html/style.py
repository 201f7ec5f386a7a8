"""The HTML edition's stylesheet, from the same theme as the paper editions: its colours, its
font roles (asked for by name, with the faces common systems ship after them), and its sizes
scaled for a screen; a print stylesheet sets the page as A4."""
from __future__ import annotations

# What Windows, macOS/iOS, Android and Linux have, by role, after the theme's own names.
SYSTEM_FACES = {
    "title": ["STZhongsong", "Songti SC", "SimSun", "Noto Serif CJK SC", "Source Han Serif SC", "serif"],
    "body": ["FangSong", "STFangsong", "Noto Serif CJK SC", "Source Han Serif SC", "serif"],
    "hei": ["Microsoft YaHei", "PingFang SC", "Heiti SC", "Noto Sans CJK SC", "Source Han Sans SC",
            "sans-serif"],
    "kai": ["KaiTi", "STKaiti", "Kaiti SC", "LXGW WenKai", "serif"],
    "song": ["SimSun", "Songti SC", "Noto Serif CJK SC", "serif"],
}
GENERIC = {"serif", "sans-serif"}


_CSS_SAFE = frozenset(" -_.+&():")  # written as they are, besides letters and digits


def css_string(text: str) -> str:
    """A CSS string: every character that could end it, the rule or the <style> element is
    written as a CSS escape (theme names are checked when the theme is read; this holds even so)."""
    return '"' + "".join(ch if ch.isalnum() or ch in _CSS_SAFE else f"\\{ord(ch):x} " for ch in text) + '"'


def font_stack(theme, role: str) -> str:
    names: list[str] = []
    font = theme.fonts.get(role)
    if font is not None:
        # the role's own faces and their free stand-ins first (小标宋, then Noto Serif Bold), the
        # Word alternate (宋体) only after them
        names += [font.docx, *font.pdf, *(c.split(":")[0] for c in font.convert), font.docx_alt or ""]
    names += SYSTEM_FACES.get(role, ["serif"])
    seen, out = set(), []
    for name in names:
        if name and name not in seen:
            seen.add(name)
            out.append(name if name in GENERIC else css_string(name))
    return ", ".join(out)


def page_number_css(theme) -> str:
    """The printed page number as GB/T 9704 sets it: — 1 —, 四号 宋体, odd pages right, even pages
    left, one character in (CSS page margin boxes; Chromium prints them)."""
    return (f'content: "— " counter(page) " —"; font-family: {font_stack(theme, "song")}; '
            f"font-size: 14pt; vertical-align: top; padding-top: 7mm;")


def stylesheet(theme) -> str:
    c = theme.color
    body = theme.style("body")
    # Screen sizes relative to the body: the theme's proportions, not its points.
    rel = {name: round(theme.style(name).size / body.size, 3)
           for name in ("title", "subtitle", "caption", "table", "source_note", "figure_value",
                        "figure_label", "masthead")}
    masthead_chars = max(len(theme.masthead.get("name", "")), 1) + 0.5  # one line on any screen
    roles = "".join(f"  --{role}: {font_stack(theme, role)};\n" for role in ("title", "body", "hei", "kai", "song"))
    page_number = page_number_css(theme)
    return f""":root {{
{roles}  --text: {c("text")}; --red: {c("red")}; --rule: {c("rule")}; --muted: {c("muted")};
  --shade: {c("table_header")}; --accent: {c("accent") if "accent" in theme.colors else c("red")};
}}
*, *::before, *::after {{ box-sizing: border-box; }}
html {{ -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }}
body {{ margin: 0; background: #f3f3f1; color: var(--text); font-family: var(--body);
  font-size: 18px; line-height: 1.8; overflow-wrap: break-word; }}
.brief {{ max-width: 46rem; margin: 0 auto; background: #fff; padding: 1.2rem 1rem 2rem; }}
@media (min-width: 48rem) {{ .brief {{ margin: 2rem auto; padding: 3rem 3.5rem; box-shadow: 0 0 0 1px #ddd; }} }}
p {{ margin: 0 0 .5em; text-align: justify; text-indent: 2em; }}
h1, h2, h3, h4, h5 {{ font-weight: normal; line-height: 1.5; margin: 1em 0 .4em; }}
h1 {{ font-family: var(--title); font-size: {rel["title"]}em; text-align: center; margin: .8em 0 .3em; }}
h2 {{ font-family: var(--hei); font-size: 1em; text-indent: 2em; }}
h3 {{ font-family: var(--kai); font-size: 1em; text-indent: 2em; }}
h4 {{ font-family: var(--body); font-size: 1em; text-indent: 2em; font-weight: bold; }}
h5 {{ font-family: var(--body); font-size: 1em; text-indent: 2em; }}
h2.appendix {{ text-indent: 0; }}
strong {{ font-family: var(--hei); font-weight: normal; }}
em {{ font-family: var(--kai); font-style: normal; }}
.subtitle {{ font-family: var(--kai); text-align: center; text-indent: 0; font-size: {rel["subtitle"]}em; }}
ul.list, ol.list {{ list-style: none; margin: 0 0 .5em; padding: 0; }}
.list li {{ text-align: justify; padding-left: calc(2em + var(--hang)); text-indent: calc(-1 * var(--hang)); }}
.masthead {{ text-align: center; margin-bottom: 1.2em; }}
.masthead p {{ text-indent: 0; }}
.masthead-name {{ font-family: var(--title); color: var(--red); line-height: 1.3; text-align: center;
  font-size: min({rel["masthead"]}em, calc((100vw - 2rem) / {masthead_chars})); margin: .4em 0 .2em; }}
.issue {{ text-align: center; margin: 0; }}
.masthead-meta {{ display: flex; flex-wrap: wrap; justify-content: space-between; gap: 0 1em;
  border-bottom: 3px solid var(--red); padding: 0 .5em .4em; margin: .4em 0 0; }}
.cover {{ border-top: .6em solid var(--accent); padding: 2.5em 0 1.5em; text-align: center; }}
.cover h1 {{ margin-top: .5em; }}
.cover-meta p {{ text-align: center; text-indent: 0; margin: 0; }}
.contents {{ border-top: 1px solid var(--rule); border-bottom: 1px solid var(--rule); margin: 1.5em 0;
  padding: .5em 0; }}
.contents h2 {{ text-align: center; text-indent: 0; }}
.contents ol {{ list-style: none; padding: 0; }}
.contents a {{ color: inherit; text-decoration: none; }}
.draft-mark {{ color: var(--red); border: 2px solid var(--red); display: inline-block; padding: 0 .6em;
  text-indent: 0; letter-spacing: .2em; }}
figure {{ margin: 1.2em 0; }}
figure svg {{ display: block; width: 100%; height: auto; }}
figure svg text {{ font-family: var(--hei); }}
figcaption, caption {{ font-family: var(--hei); text-align: center; font-size: {rel["caption"]}em;
  padding: .3em 0; text-indent: 0; }}
table {{ border-collapse: collapse; width: 100%; font-size: {rel["table"]}em; line-height: 1.5; }}
th, td {{ border: 1px solid var(--rule); padding: .25em .4em; vertical-align: middle; text-align: left; }}
thead th {{ background: var(--shade); font-family: var(--hei); font-weight: normal; text-align: center; }}
tbody th {{ font-weight: normal; }}
td.right {{ text-align: right; }}
td.center, th.center {{ text-align: center; }}
.source {{ font-family: var(--kai); font-size: {rel["source_note"]}em; text-indent: 0; color: var(--muted);
  margin: .3em 0 0; text-align: left; }}
.panel {{ display: grid; grid-template-columns: repeat(auto-fit, minmax(8.5em, 1fr)); gap: .4em; }}
.key-figure {{ background: var(--shade); padding: .6em .4em; text-align: center; }}
.key-figure p {{ text-indent: 0; text-align: center; margin: 0; }}
.key-figure .value {{ font-family: var(--hei); font-size: {rel["figure_value"]}em; }}
.key-figure .label, .key-figure .period {{ font-size: {rel["figure_label"]}em; line-height: 1.5; }}
hr.part {{ border: 0; border-top: 1px solid #ccc; margin: 2em 0; }}
.closing {{ margin-top: 2.5em; border-top: 1px solid var(--rule); border-bottom: 1px solid var(--rule);
  font-size: .85em; }}
.closing p {{ display: flex; flex-wrap: wrap; justify-content: space-between; gap: 0 1em;
  text-indent: 0; margin: 0; padding: .25em .8em; }}
.closing p + p {{ border-top: 1px solid var(--rule); }}
.closing .right {{ margin-left: auto; }}
[data-indicator] {{ white-space: nowrap; }}  /* a figure stays whole with its unit */
@media (max-width: 30rem) {{
  body {{ font-size: 17px; }}
  .brief {{ padding: 1rem .8rem 1.5rem; }}
  /* on a phone, tables and charts keep their units, years and labels whole and scroll sideways
     inside their figure; a chart's labels stay at least 11 px */
  figure.table, figure.chart {{ overflow-x: auto; }}
  table {{ font-size: .78em; }}
  th, td {{ padding: .2em .25em; }}
  td {{ white-space: nowrap; }}
  figure.chart svg {{ min-width: 42rem; }}
}}
@media print {{
  @page {{ size: A4; margin: 37mm 26mm 35mm 28mm;
    @bottom-right {{ {page_number} margin-right: 1em; }} }}
  @page :left {{ @bottom-left {{ {page_number} margin-left: 1em; }} @bottom-right {{ content: none; }} }}
  .cover {{ break-after: page; }}
  .closing {{ break-before: avoid; }}
  p {{ orphans: 2; widows: 2; }}
  body {{ background: none; font-size: {body.size}pt; line-height: {round(body.leading / body.size, 3)}; }}
  .brief {{ max-width: none; margin: 0; padding: 0; box-shadow: none; }}
  figure, table, .closing, .key-figure {{ break-inside: avoid; }}
  h2, h3, h4, caption, figcaption {{ break-after: avoid; }}
  .contents {{ break-after: page; }}
  a {{ color: inherit; text-decoration: none; }}
}}
"""
