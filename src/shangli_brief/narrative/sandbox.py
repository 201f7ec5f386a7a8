"""The template sandbox with budgets.

Templates come from colleagues and other offices. Jinja2's sandbox already stops them from
reaching Python's internals; this one also bounds what they may cost, so that no template can
hang a build or fill the memory: time, loop iterations, calls, macro depth and the size of every
string made, per section and per brief. A template that goes over is reported as
`file:line: the template …`, like any other template error."""
from __future__ import annotations

import contextlib
import contextvars
import functools
import math
import re
import string
import time
from dataclasses import dataclass

from jinja2 import nodes

from ..typography import normalise
from jinja2.runtime import Macro
from jinja2.sandbox import SandboxedEnvironment
from ..i18n import _

# Per section; a brief gets BRIEF_FACTOR times as much in all. A real section takes a few
# milliseconds, loops over a dozen indicators and writes a few thousand characters.
SECTION_SECONDS = 5.0
SECTION_CHARS = 300_000       # a 100,000-character paragraph typed into a spec still fits
SECTION_ITERATIONS = 1_000_000
BRIEF_FACTOR = 4
MAX_DEPTH = 50                # macros calling macros
MAX_WIDTH = 1_000             # widths and counts given to format, center, indent, wordwrap …
MAX_RANGE = 10_000
_CHECK_EVERY = 1024           # loop iterations between two looks at the clock


class BudgetExceeded(Exception):
    """Raised inside template code, so the error names the template line."""


@dataclass
class Budget:
    deadline: float
    chars: int
    iterations: int
    depth: int = 0
    seconds: float = 0.0
    written: int = 0
    whole_brief: bool = False  # limited by what is left of the brief's budget

    def tick(self) -> None:
        if time.monotonic() > self.deadline:
            raise BudgetExceeded(
                _("the template ran longer than {seconds:g} s (a loop that does not end?); simplify it").format(
                    seconds=self.seconds
                )
            )

    def size(self, n: int) -> None:
        if n > self.chars:
            if self.whole_brief:
                raise BudgetExceeded(
                    _(
                        "the brief's sections make more than {section_chars:,} characters in all; split "
                        "it into several briefs"
                    ).format(section_chars=SECTION_CHARS * BRIEF_FACTOR)
                )
            raise BudgetExceeded(
                _(
                    "the template makes a text of {n:,} characters, more than the {section_chars:,} "
                    "a section may have; check its loops and repeats"
                ).format(n=n, section_chars=SECTION_CHARS)
            )


_brief: contextvars.ContextVar[Budget | None] = contextvars.ContextVar("brief_budget", default=None)
_section: contextvars.ContextVar[Budget | None] = contextvars.ContextVar("section_budget", default=None)


@contextlib.contextmanager
def brief_budget():
    """Everything rendered inside shares one brief's budget."""
    budget = Budget(time.monotonic() + SECTION_SECONDS * BRIEF_FACTOR,
                    SECTION_CHARS * BRIEF_FACTOR, SECTION_ITERATIONS * BRIEF_FACTOR,
                    seconds=SECTION_SECONDS * BRIEF_FACTOR)
    token = _brief.set(budget)
    try:
        yield budget
    finally:
        _brief.reset(token)


@contextlib.contextmanager
def section_budget():
    """One section's budget, within what is left of the brief's."""
    brief = _brief.get()
    now = time.monotonic()
    budget = Budget(now + SECTION_SECONDS, SECTION_CHARS, SECTION_ITERATIONS, seconds=SECTION_SECONDS)
    if brief is not None:
        if brief.deadline < budget.deadline:
            budget.deadline, budget.seconds = brief.deadline, brief.seconds
        if brief.chars < budget.chars:
            budget.chars, budget.whole_brief = brief.chars, True
        budget.iterations = min(budget.iterations, brief.iterations)
    start = budget.iterations
    token = _section.set(budget)
    try:
        yield budget
    finally:
        _section.reset(token)
        if brief is not None:  # what the section used comes off the brief's budget
            brief.iterations -= start - budget.iterations
            brief.chars -= budget.written


def _current() -> Budget:
    budget = _section.get()
    if budget is None:  # rendering outside a build (a test, `check`): a section's budget
        budget = Budget(time.monotonic() + SECTION_SECONDS, SECTION_CHARS, SECTION_ITERATIONS,
                        seconds=SECTION_SECONDS)
        _section.set(budget)
    return budget


def _sized(value):
    if isinstance(value, (str, list, tuple, dict, set, bytes)):
        _current().size(len(value))
    return value


def budgeted_iter(iterable):
    """Every `{% for %}` loops through this: the clock is read every so often and the number of
    iterations counted, so nested loops over anything stop within the budget."""
    budget = _current()
    for n, item in enumerate(iterable):
        if n % _CHECK_EVERY == 0:
            budget.tick()
        budget.iterations -= 1
        if budget.iterations < 0:
            raise BudgetExceeded(
                _("the template's loops ran more than {section_iterations:,} times; simplify it").format(
                    section_iterations=SECTION_ITERATIONS
                )
            )
        yield item


def budgeted_range(*args):
    numbers = range(*args)
    if len(numbers) > MAX_RANGE:
        raise BudgetExceeded(
            _("range() of {count:,} numbers; a template may count to {max_range:,}").format(
                count=len(numbers), max_range=MAX_RANGE
            )
        )
    return numbers


_WIDTH = re.compile(r"(\d+)")


def _check_format_spec(spec: str) -> None:
    for number in _WIDTH.findall(spec or ""):
        if int(number) > MAX_WIDTH:
            raise BudgetExceeded(
                _("a width or precision of {number} in a format; at most {max_width}").format(
                    number=number, max_width=MAX_WIDTH
                )
            )


def _check_new_format(text: str) -> None:
    try:
        for __, __, spec, __ in string.Formatter().parse(text):
            _check_format_spec(spec or "")
    except ValueError:
        pass  # a malformed format string fails on its own, with its own message


_PERCENT = re.compile(r"%[-+ #0]*(\*|\d+)?(?:\.(\*|\d+))?")


def _check_percent_format(text: str) -> None:
    for width, precision in _PERCENT.findall(text):
        for number in (width, precision):
            if number == "*" or (number and int(number) > MAX_WIDTH):
                raise BudgetExceeded(
                    _("a width or precision of {number} in a % format; at most {max_width}").format(
                        number=number, max_width=MAX_WIDTH
                    )
                )


def _check_numbers(args, kwargs, name: str) -> None:
    for value in (*args, *kwargs.values()):
        if isinstance(value, (int, float)) and not isinstance(value, bool) and abs(value) > MAX_WIDTH:
            raise BudgetExceeded(
                _("{name}() was given {value}; at most {max_width}").format(name=name, value=value, max_width=MAX_WIDTH)
            )


# String methods whose result grows with an argument: checked before they run.
_GROWING = {"ljust", "rjust", "center", "zfill", "expandtabs", "replace", "join", "format",
            "format_map"}
# Filters whose numeric arguments are widths or counts, and which are slow on long input.
_WIDTH_FILTERS = {"center", "indent", "wordwrap", "truncate", "batch", "slice", "format", "round",
                  "filesizeformat", "replace", "join"}
_LONG_INPUT_FILTERS = {"wordwrap", "truncate", "center", "indent"}
_LONG_INPUT = 20_000


def _check_growth(obj, args, kwargs) -> None:
    text = obj.__self__
    name = obj.__name__
    budget = _current()
    if name in ("ljust", "rjust", "center", "zfill"):
        _check_numbers(args[:1], {}, name)
    elif name == "expandtabs":
        _check_numbers(args[:1], {}, name)
        budget.size(len(text) * (args[0] if args else 8))
    elif name == "replace" and len(args) >= 2 and isinstance(args[0], str) and isinstance(args[1], str):
        count = text.count(args[0]) if args[0] else len(text) + 1
        budget.size(len(text) + count * max(0, len(args[1]) - len(args[0])))
    elif name == "join" and args:
        items = list(args[0]) if not isinstance(args[0], (list, tuple, str)) else args[0]
        budget.size(sum(len(str(x)) for x in items) + len(text) * max(0, len(items) - 1))
        args = (items, *args[1:])
    elif name in ("format", "format_map"):
        _check_new_format(text)
    return args


class BudgetedSandbox(SandboxedEnvironment):
    """Jinja2's sandbox with the budgets above."""

    intercepted_binops = frozenset({"*", "**", "%", "+", "//"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.globals["range"] = budgeted_range
        self.globals.pop("lipsum", None)  # paragraphs of filler on demand: not for briefs
        self.filters = {name: _budgeted_filter(name, f) for name, f in self.filters.items()}
        self.filters["_budgeted_iter"] = budgeted_iter
        self.filters["_budgeted_size"] = _sized

    def _parse(self, source, name, filename):
        """Every for-loop's iterable goes through budgeted_iter (the sandbox has no hook for
        loops: a loop over a string or a list would otherwise run unbounded), and every `~`
        concatenation's result through the size budget (Jinja joins it without a call or a
        binary operator the sandbox sees: doubled in a loop, it reached a gigabyte)."""
        tree = super()._parse(source, name, filename)
        for loop in tree.find_all(nodes.For):
            loop.iter = nodes.Filter(loop.iter, "_budgeted_iter", [], [], None, None,
                                     lineno=loop.iter.lineno)
        for parent in list(tree.find_all(nodes.Node)):
            for field in parent.fields:
                value = getattr(parent, field, None)
                if isinstance(value, nodes.Concat):
                    setattr(parent, field, _sized_node(value))
                elif isinstance(value, list):
                    value[:] = [_sized_node(v) if isinstance(v, nodes.Concat) else v for v in value]
        return tree

    def call(__self, __context, __obj, *args, **kwargs):  # noqa: N805 - Jinja's signature
        budget = _current()
        budget.tick()
        if getattr(__obj, "__name__", None) in _GROWING and isinstance(getattr(__obj, "__self__", None), str):
            args = _check_growth(__obj, args, kwargs)
        if isinstance(__obj, Macro):
            budget.depth += 1
            try:
                if budget.depth > MAX_DEPTH:
                    raise BudgetExceeded(
                        _(
                            "macros call each other more than {max_depth} deep (a macro calling itself without end?)"
                        ).format(max_depth=MAX_DEPTH)
                    )
                return _sized(SandboxedEnvironment.call(__self, __context, __obj, *args, **kwargs))
            finally:
                budget.depth -= 1
        result = _sized(SandboxedEnvironment.call(__self, __context, __obj, *args, **kwargs))
        owner = getattr(__obj, "__self__", None)
        if isinstance(owner, (list, dict, set)):  # append, extend, update …: grown in place
            _sized(owner)
        return result

    def call_binop(self, context, operator, left, right):
        budget = _current()
        budget.tick()
        if operator == "*":
            for seq, n in ((left, right), (right, left)):
                if isinstance(seq, (str, list, tuple)) and isinstance(n, int):
                    budget.size(len(seq) * max(n, 0))
        elif operator == "**" and isinstance(left, int) and isinstance(right, int) \
                and not isinstance(left, bool) and abs(left) > 1 and right > 0:
            if right * math.log2(abs(left)) > 4096:
                raise BudgetExceeded(
                    _("{left} ** {right} is too large a number for a brief").format(left=left, right=right)
                )
        elif operator == "%" and isinstance(left, str):
            _check_percent_format(left)
        elif operator == "+" and isinstance(left, (str, list, tuple)) and hasattr(right, "__len__"):
            budget.size(len(left) + len(right))
        return _sized(super().call_binop(context, operator, left, right))

    def wrap_str_format(self, value):
        wrapped = super().wrap_str_format(value)
        if wrapped is None:
            return None
        _check_new_format(value.__self__)
        return lambda *args, **kwargs: _sized(wrapped(*args, **kwargs))


def _sized_node(concat: nodes.Concat) -> nodes.Filter:
    return nodes.Filter(concat, "_budgeted_size", [], [], None, None, lineno=concat.lineno)


def _budgeted_filter(name: str, function):
    @functools.wraps(function)  # keeps Jinja's pass_context and similar markers
    def run(*args, **kwargs):
        budget = _current()
        budget.tick()
        values = [a for a in args if not _is_jinja_object(a)]
        if name in _WIDTH_FILTERS:
            _check_numbers(values[1:], kwargs, name)
        if name == "format" and values and isinstance(values[0], str):
            _check_percent_format(values[0])
        if name in _LONG_INPUT_FILTERS and values and isinstance(values[0], str) \
                and len(values[0]) > _LONG_INPUT:
            raise BudgetExceeded(
                _("{name} on a text of {count:,} characters; at most {long_input:,}").format(
                    name=name, count=len(values[0]), long_input=_LONG_INPUT
                )
            )
        if name == "replace" and len(values) >= 3 and all(isinstance(v, str) for v in values[:3]):
            text, old, new = values[:3]
            count = text.count(old) if old else len(text) + 1
            budget.size(len(text) + count * max(0, len(new) - len(old)))
        return _sized(function(*args, **kwargs))
    return run


def _is_jinja_object(value) -> bool:
    from jinja2 import Environment
    from jinja2.nodes import EvalContext
    from jinja2.runtime import Context
    return isinstance(value, (Environment, EvalContext, Context))


def consume(chunks, budget: Budget) -> str:
    """Join a template's output as it is produced, within the budget's size."""
    out, size = [], 0
    for chunk in chunks:
        size += len(chunk)
        if size > budget.chars:
            budget.size(size)
        out.append(chunk)
    budget.written = size
    return normalise("".join(out))
