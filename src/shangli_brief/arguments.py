"""The command line's arguments and its help, wrapped for Chinese. Imported once a command has
started (after a single brief's PDF process was forked: see cli._pdf_process_first)."""
from __future__ import annotations

import argparse
import re

from . import __version__
from .i18n import LANGUAGES, N_, _, language

EPILOG = N_("""examples:
  shangli-brief build                      build every briefs/*.yaml into out/
  shangli-brief build briefs/fireworks-bulletin.yaml --format pdf
  shangli-brief check                      validate every spec, template and the data
  shangli-brief indicators --category fireworks
  shangli-brief sections

exit status: 0 done; 1 a build failed; 2 the input (spec, data, template, arguments) is wrong.""")


class HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Help text wrapped by display width: a Chinese character takes two columns, and lines
    may break between Chinese characters but never inside a Latin word or option."""

    def _split_lines(self, text, width):
        import unicodedata
        lines, line, used = [], "", 0
        for token in re.findall(r"[\u2e80-\u9fff\uff00-\uffef\u3000-\u303f]|[^\s\u2e80-\u9fff\uff00-\uffef"
                                r"\u3000-\u303f]+|\s+", " ".join(text.split())):
            size = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in token)
            if token.isspace():
                if line:
                    line, used = line + " ", used + 1
                continue
            if used + size > width and line.strip() and not _opening_forbidden(token):
                lines.append(line.rstrip())
                line, used = "", 0
            line, used = line + token, used + size
        if line.strip():
            lines.append(line.rstrip())
        return lines

    def format_help(self):
        """In Chinese, the section headings' colons full-width (位置参数：), as the rest is."""
        text = super().format_help()
        if language() == "zh":
            text = re.sub(r"(?m)^(\S[^\n]*?):$", r"\1：", text)
        return text


def _opening_forbidden(token: str) -> bool:
    """Chinese punctuation that may not start a line (a simple 禁则 for help text)."""
    return token[0] in "，。、；：？！）》”’"


def _reading_options(parser, set_help: str) -> None:
    """--set, --templates and --allow, as `watch` and `print` take them (as `build` does)."""
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", dest="settings", help=set_help)
    parser.add_argument("--templates", action="append", default=[], metavar="DIR",
                        help=_("a folder of templates searched before the workspace's and the built-in ones"))
    parser.add_argument("--allow", action="append", default=[], metavar="DIR",
                        help=_("also read data, themes and reference files from DIR"))


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="shangli-brief", epilog=_(EPILOG), formatter_class=HelpFormatter,
        description=_("Build Shangli County briefings (DOCX and PDF) from YAML brief specs."))
    p.add_argument("--version", action="version", version=f"shangli-brief {__version__}",
                   help=_("show the version and exit"))
    p.add_argument("--debug", action="store_true", help=_("show a traceback on errors"))
    p.add_argument("--lang", choices=LANGUAGES, help=_("language of the messages: zh (中文) or en; default: "
                                                    "SHANGLI_BRIEF_LANG, else the system's language"))
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    b = sub.add_parser("build", help=_("build specs into DOCX and PDF"),
                       description=_("Build brief specs into out/NAME.docx and out/NAME.pdf "
                                   "(NAME: the spec file's name without .yaml)."))
    b.add_argument("specs", nargs="*", metavar="SPEC", help=_("spec files (default: every briefs/*.yaml)"))
    b.add_argument("--out", metavar="DIR",
                   help=_("output folder (default: the out/ folder of each spec's workspace)"))
    b.add_argument("--format", metavar="FORMATS",
                   help=_("comma-separated formats: docx, pdf, html (default: the spec's formats, else "
                          "docx,pdf)"))
    b.add_argument("--templates", action="append", default=[], metavar="DIR",
                   help=_("a folder of templates searched before the workspace's and the built-in ones"))
    b.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", dest="settings",
                   help=_("this run's value of a top-level key, over the spec's: title, subtitle, "
                        "issue, date, period, compare, issuer, draft (e.g. --set issue=9)"))
    b.add_argument("--allow", action="append", default=[], metavar="DIR",
                   help=_("also read data, themes and reference files from DIR (files a spec names "
                        "outside its workspace are refused otherwise)"))
    b.add_argument("--jobs", "-j", type=int, default=0, metavar="N",
                   help=_("worker processes for several specs (default: one per core)"))
    b.add_argument("--print", action="store_true", dest="duplex",
                   help=_("for duplex printing: blank pages so that each part (contents, body, "
                        "附件) starts on a right-hand page"))
    b.add_argument("--strict", action="store_true",
                   help=_("refuse, rather than warn of, spec names Windows cannot give a file (CON, a:b …)"))
    b.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)

    pr = sub.add_parser("print", help=_("build a brief for printed distribution: numbered copies and a register"),
                        description=_("Build SPEC with a 版记 listing the recipients of the table and their "
                                      "total, and beside it NAME-print.pdf (every copy in the table's order, "
                                      "each first page carrying its 份号 where the layout numbers copies) and "
                                      "NAME-register.xlsx (the 发文登记: which 份号 went to whom, a column to "
                                      "sign). The table: CSV or XLSX with the columns 类别 (报, 送, 发, 抄送), "
                                      "单位, 份数 and, if wanted, 备注."))
    pr.add_argument("spec", metavar="SPEC", help=_("the spec file"))
    pr.add_argument("--recipients", metavar="FILE",
                    help=_("the recipients table (default: the spec's recipients:)"))
    pr.add_argument("--booklet", action="store_true",
                    help=_("the print job as A3 landscape sheets, each copy imposed for saddle stitching "
                           "(print duplex, flip on the short edge, fold and staple)"))
    pr.add_argument("--out", metavar="DIR", help=_("output folder (default: the out/ folder of the spec's workspace)"))
    _reading_options(pr, _("this run's value of a top-level key, as for build (e.g. --set issue=9)"))
    pr.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)

    w = sub.add_parser("watch", help=_("build, then rebuild on every save"),
                       description=_("Build the specs, then rebuild a brief within a moment of a "
                                   "save to its spec, a template, its theme, reference Word file "
                                   "or data files. Ctrl-C stops."))
    w.add_argument("specs", nargs="*", metavar="SPEC", help=_("spec files (default: every briefs/*.yaml)"))
    w.add_argument("--out", metavar="DIR", help=_("output folder (default: each workspace's out/)"))
    w.add_argument("--format", metavar="FORMATS", help=_("comma-separated formats: docx, pdf, html"))
    _reading_options(w, _("this run's value of a top-level key, as for build"))
    w.add_argument("--print", action="store_true", dest="duplex", help=_("as for build"))
    w.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)

    c = sub.add_parser("check", help=_("validate specs, templates, data and theme; write nothing"),
                       description=_("Report every problem in the specs, the section templates and "
                                   "the data, without writing anything."))
    c.add_argument("specs", nargs="*", metavar="SPEC", help=_("spec files (default: every briefs/*.yaml)"))
    c.add_argument("--templates", action="append", default=[], metavar="DIR",
                   help=_("a folder of templates searched before the workspace's and the built-in ones"))
    c.add_argument("--allow", action="append", default=[], metavar="DIR",
                   help=_("also read data, themes and reference files from DIR"))
    c.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)

    i = sub.add_parser("indicators", help=_("list the indicator catalogue"),
                       description=_("List every indicator of the dataset with its values and sources."))
    i.add_argument("--json", action="store_true", help=_("machine-readable JSON array"))
    i.add_argument("--category", metavar="C", help=_("only this category (e.g. fireworks)"))
    i.add_argument("--period", metavar="P", help=_("only values of this period (e.g. 2024, 2021-2025)"))
    i.add_argument("--facts", action="store_true", help=_("list the dated honours and events instead"))
    i.add_argument("--spec", metavar="SPEC", help=_("the values this brief will use: its data files "
                                                  "merged, each value with where it comes from"))
    i.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)

    s = sub.add_parser("sections", help=_("list the narrative sections a spec can name"),
                       description=_("List the narrative sections with title, indicators and template file."))
    s.add_argument("--json", action="store_true", help=_("machine-readable JSON array"))
    s.add_argument("--templates", action="append", default=[], metavar="DIR",
                   help=_("a folder of templates searched before the workspace's and the built-in ones"))
    s.add_argument("--spec", metavar="SPEC", help=_("the sections as this brief sees them: its "
                                                  "workspace's and its own template folders first"))
    s.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)

    n = sub.add_parser("init", help=_("write a small workspace to start from"),
                       description=_("Write a workspace (a spec, a template override, a theme, a data "
                                   "file and a README) that builds at once with `shangli-brief build`."))
    n.add_argument("folder", metavar="DIR", help=_("a new or empty folder"))
    n.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)

    v = sub.add_parser("verify", help=_("check an edited DOCX against the data"),
                       description=_("Read a DOCX built by shangli-brief and since edited in Word, WPS or "
                                     "LibreOffice, and list every figure that no longer matches its "
                                     "source, every figure deleted and every number typed in by hand. Exit "
                                     "status 0: clean; 1: findings; 2: the file or spec is wrong."))
    v.add_argument("docx", metavar="FILE.docx", help=_("the edited document"))
    v.add_argument("--spec", metavar="SPEC", help=_("the spec it was built from (default: the one named "
                                                    "in the document's properties)"))
    v.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", dest="settings",
                   help=_("the --set values it was built with"))
    v.add_argument("--json", action="store_true", help=_("machine-readable JSON array"))
    v.add_argument("--annotate", metavar="OUT.docx",
                   help=_("also write a copy with a Word comment at each finding"))
    v.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)

    f = sub.add_parser("fonts", help=_("show the font chosen for each font role"),
                       description=_("For each font role: the file the PDF embeds and the name the DOCX asks for."))
    f.add_argument("--layout", default="bulletin", metavar="LAYOUT",
                   help=_("the layout whose theme to show (a file in layouts/: bulletin, report)"))
    f.add_argument("--prepare", action="store_true",
                   help=_("convert the free CFF fonts (FandolFang, Noto CJK) for all of GB2312 now; optional: "
                          "each build converts the characters it needs"))
    f.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    for command in sub.choices.values():  # `shangli-brief build --version` works too
        command.formatter_class = HelpFormatter
        command.add_argument("--version", action="version", version=f"shangli-brief {__version__}",
                             help=_("show the version and exit"))
        command.add_argument("--lang", choices=LANGUAGES, default=argparse.SUPPRESS,
                             help=_("language of the messages (zh or en)"))
    return p
