"""What a build server does before its first command, beyond imports: a whole build of each
layout, in memory, so that every path a build takes for the first time in a process (fonts
read, styles made, regular expressions compiled, templates parsed, Word's template opened) is
taken once, in the server, instead of in every command's fork. Nothing is written."""
from __future__ import annotations

import io
from importlib import resources
from pathlib import Path


def warm_up_specs() -> list[Path]:
    folder = Path(str(resources.files(__package__).joinpath("warmup", "briefs")))
    return sorted(folder.glob("*.yaml"))


def build_in_memory(spec_path: Path) -> dict[str, bytes]:
    from .briefspec import load_spec
    from .build import Workspace
    from .writers import WriteOptions, writer_for
    workspace = Workspace()
    spec = load_spec(spec_path)
    doc, theme = workspace.document(spec), workspace.theme(spec)
    out = {}
    for fmt in ("docx", "pdf", "html"):
        buffer = io.BytesIO()
        writer_for(fmt)(doc, theme, buffer, WriteOptions())
        out[fmt] = buffer.getvalue()
    return out


def load_builtins() -> None:
    from . import cli
    cli.prepare_parsers()
    for spec in warm_up_specs():
        build_in_memory(spec)
    # every built-in section compiled, not only the ones the warm-up briefs use
    from .narrative.templates import make_environment
    env = make_environment(None)
    for name in env.list_templates():  # by both names: sections/x.md.j2 and builtin/sections/…
        env.get_template(name)
