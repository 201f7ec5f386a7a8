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


def build_in_memory(spec_path: Path, formats: tuple[str, ...] = ("docx", "pdf", "html")) -> dict[str, bytes]:
    from .briefspec import load_spec
    from .build import Workspace
    from .writers import WriteOptions, writer_for
    workspace = Workspace()
    spec = load_spec(spec_path)
    doc, theme = workspace.document(spec), workspace.theme(spec)
    out = {}
    for fmt in formats:
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


def rehearse(formats: tuple[str, ...]) -> None:
    """A build server's spare processes build the warm-up briefs once more, in memory, while
    they wait for a command. A fork shares the server's memory until it writes to it, and the
    first write to each page copies that page: here about 5 µs each, and a build writes to some
    5,000 of the server's pages (refcounts, allocator pools), 25-30 ms of every command. Once
    rehearsed, those pages are the fork's own and the command finds them ready (about 500
    copies instead). Only built-in briefs: nothing of the user's is read or written.
    Never fails: a problem here only leaves the pages to be copied during the command."""
    import gc
    try:
        for spec_path in warm_up_specs():
            build_in_memory(spec_path, formats)
    except Exception:  # noqa: BLE001 - see above
        pass
    gc.collect()
    gc.freeze()  # what the rehearsal kept (caches) is not walked by the command's collections
