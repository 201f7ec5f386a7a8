"""The `shangli-brief` command: pyproject's entry point.

A command is a short process. Python's cyclic garbage collector would go through every object
its imports and its brief make, looking for cycles that the end of the process frees anyway:
some 15 ms in each of a build's two processes. It is off from the start. Longer work in one
process (a batch, `check` of several specs, `watch`, `fonts --prepare`) turns it back on."""
import gc

gc.disable()

from .cli import main  # noqa: E402 - imported once the collector is off: imports make most objects

__all__ = ["main"]
