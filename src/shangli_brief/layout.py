"""Layouts as data: layouts/NAME.yaml says which theme a layout uses, which front and back
matter it has and in which language its words are (layouts/words/LANG.yaml). The resolver turns
them into model blocks carrying their own text; the writers never ask which layout they draw."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from . import PACKAGE

FRONT = ("masthead", "title", "cover", "contents")
BACK = ("closing",)


@dataclass(frozen=True)
class Layout:
    name: str
    theme: str
    front: tuple[str, ...]
    back: tuple[str, ...]
    running_header: bool
    words: dict = field(hash=False, compare=False)
    copy_number: dict | None = field(default=None, hash=False, compare=False)  # 份号: digits, font, size

    def word(self, key: str, **values) -> str:
        text = self.words[key]
        return text.format(**values) if values else text

    def date(self, date) -> str:
        return self.word("date", year=date.year, month=date.month, day=date.day)


def names() -> tuple[str, ...]:
    """The layouts there are: one file each in layouts/."""
    folder = PACKAGE / "layouts"
    return tuple(sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".yaml")))


@lru_cache(maxsize=1)
def aliases() -> dict[str, str]:
    """Other names a spec may give a layout (简报 for bulletin), from each layout's `aliases`."""
    from .yamlfile import package_yaml
    folder = PACKAGE / "layouts"
    out = {}
    for name in names():
        for alias in package_yaml(folder / f"{name}.yaml").get("aliases") or ():
            out[str(alias)] = name
    return out


@lru_cache(maxsize=None)
def load_layout(name: str) -> Layout:
    from .yamlfile import package_yaml
    folder = PACKAGE / "layouts"
    data = package_yaml(folder / f"{name}.yaml")
    words = package_yaml(folder / "words" / f"{data['language']}.yaml")
    front, back = tuple(data.get("front") or ()), tuple(data.get("back") or ())
    unknown = [part for part in front if part not in FRONT] + [part for part in back if part not in BACK]
    if unknown:  # a packaging mistake, not a user's: the layouts ship with the tool
        raise ValueError(f"layouts/{name}.yaml: unknown part {unknown[0]!r}")
    return Layout(name, data.get("theme", name), front, back, bool(data.get("running_header")), words,
                  data.get("copy_number"))
