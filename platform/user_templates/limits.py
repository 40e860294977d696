"""What one render of a workspace's template may spend, and the checks that hold it there.

A render counts its steps (loop iterations and calls), the text it writes (captured parts
included) and watches a wall-clock deadline at every step, so any Python-level work stops.
Work done in one C call cannot be stopped, so operations whose cost or result can outgrow
their inputs (``'x' * n``, ``'x'.ljust(n)``, ``9 ** n``, ``'%999999s'``, a filter's width or
fill) are checked *before* they run, and every value a template builds is weighed after: its
size as text, counting a repeated part each time it repeats, so nested lists of one big string
cannot explode when printed or compared.
"""

import re
import time
from collections.abc import Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from string import Formatter

from jinja2.exceptions import TemplateRuntimeError
from jinja2.utils import Namespace

STEPS = 10_000  # loop iterations and calls, over all loops of one render
SIZE = 200_000  # characters a value built in a template may take as text
BUILT = 20 * SIZE  # characters of all the values one render builds (each weighed once made)
OUTPUT = 500_000  # characters one render may write, parts captured by set/macros included
SECONDS = 1.0  # wall-clock time of one render
BITS = 10_000  # the largest integer a template may compute (about 3,000 digits)
WIDTH = 1_000  # the widest field or precision in a format ("%5d", "{:>10}")


class OverLimit(TemplateRuntimeError):
    """A render went past a limit: ``wording`` (English, with %(name)s) and its ``params``."""

    def __init__(self, message: str, **params) -> None:
        self.wording, self.params = message, params
        super().__init__(message % {**params, "part": "template"})


def too_many_steps() -> OverLimit:
    return OverLimit(
        "The %(part)s repeats too much: a message may take at most %(steps)s loop steps and calls.",
        steps=STEPS,
    )


def too_large() -> OverLimit:
    return OverLimit(
        "The %(part)s builds too large a text or list: at most %(size)s characters.", size=SIZE
    )


def writes_too_much() -> OverLimit:
    return OverLimit("The %(part)s writes too much: at most %(size)s characters.", size=OUTPUT)


def too_slow(seconds: float = SECONDS) -> OverLimit:
    message = "The %(part)s takes too long to write: at most %(seconds)s s."
    return OverLimit(message, seconds=seconds)


def too_wide() -> OverLimit:
    return OverLimit(
        "The %(part)s asks for too wide a field: at most %(width)s characters.", width=WIDTH
    )


@dataclass
class Guard:
    """One render's account; ``deadline`` is on ``time.monotonic``."""

    deadline: float
    steps: int = 0
    written: int = 0
    built: int = 0

    def step(self) -> None:
        self.steps += 1
        if self.steps > STEPS:
            raise too_many_steps()
        self.on_time()

    def on_time(self) -> None:
        if time.monotonic() > self.deadline:
            raise too_slow()

    def wrote(self, text: str) -> str:
        self.written += len(text)
        if self.written > OUTPUT:
            raise writes_too_much()
        self.on_time()
        return text


current: ContextVar[Guard] = ContextVar("user_template_guard")


def guard() -> Guard:
    try:
        return current.get()
    except LookupError:  # rendered outside render(): no budget, so nothing may run
        raise TemplateRuntimeError("A workspace template renders only through render().") from None


def weight(value) -> int:
    """About how many characters ``value`` takes as text; stops counting past SIZE."""
    total, stack, seen = 0, [value], 0
    while stack:
        item = stack.pop()
        seen += 1
        if seen % 4096 == 0:
            guard().on_time()
        if isinstance(item, (str, bytes)):
            total += len(item) + 2
        elif isinstance(item, bool) or item is None:
            total += 5
        elif isinstance(item, int):
            total += item.bit_length() // 3 + 1
        elif isinstance(item, Namespace):  # its values, though it prints as <namespace>
            total += 2
            stack.extend(item._Namespace__attrs.values())  # noqa: SLF001
        elif isinstance(item, Mapping):
            total += 2 + 4 * len(item)
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, (list, tuple, set, frozenset)):
            total += 2 + 2 * len(item)
            stack.extend(item)
        else:
            total += 24  # a number, a range, a macro: printed short
        if total > SIZE:
            raise too_large()
    return total


def sized(value):
    """``value``, once weighed: neither it nor all a render built so far may be too large."""
    account = guard()
    account.built += weight(value)
    if account.built > BUILT:
        raise too_large()
    return value


def check_number(value: int) -> None:
    if value.bit_length() > BITS:
        raise too_large()


def _count(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        return 0
    return value


def check_repeat(operator: str, left, right) -> None:
    """``*`` and ``**`` before they run: a repeated text or list, or a large number."""
    if operator == "**":
        if isinstance(left, int) and isinstance(right, int) and right > 0:
            if abs(left) > 1 and left.bit_length() * right > BITS:
                raise too_large()
        return
    for sequence, times in ((left, right), (right, left)):
        if isinstance(sequence, (str, bytes, list, tuple)) and isinstance(times, int):
            each = len(sequence) if isinstance(sequence, (str, bytes)) else weight(sequence)
            if each * max(_count(times), 0) > SIZE:
                raise too_large()
            return
    if isinstance(left, int) and isinstance(right, int):
        if left.bit_length() + right.bit_length() > BITS:
            raise too_large()


# "%s", "%(name)-5.2f", "%*d": the width and precision of each conversion.
_PERCENT = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d+))?")


def check_percent_format(text) -> None:
    """``'%9999999d' % x`` allocates its width at once: widths and precisions up to WIDTH."""
    if not isinstance(text, (str, bytes)):
        return
    source = text if isinstance(text, str) else text.decode("latin-1")
    for width, precision in _PERCENT.findall(source):
        for number in (width, precision):
            if number == "*" or (number and int(number) > WIDTH):
                raise too_wide()


def check_brace_format(text: str) -> None:
    """``'{:>999999}'.format(x)``: each field's spec, no nested ``{}`` in it."""
    try:
        fields = list(Formatter().parse(text))
    except ValueError:
        return  # format() itself says what is wrong
    for _, _, spec, _ in fields:
        if spec and ("{" in spec or any(int(n) > WIDTH for n in re.findall(r"\d+", spec))):
            raise too_wide()


def check_within(*sizes: int) -> None:
    if sum(sizes) > SIZE:
        raise too_large()


def replaced_size(text, old, new, count=-1) -> int:
    """How long ``text.replace(old, new, count)`` would be."""
    if not isinstance(text, (str, bytes)) or not isinstance(new, (str, bytes)):
        return 0
    if not isinstance(old, (str, bytes)):
        return len(text)
    found = len(text) + 1 if not old else text.count(old)
    if isinstance(count, int) and not isinstance(count, bool) and count >= 0:
        found = min(found, count)
    return len(text) + found * max(len(new) - len(old), 0)


def joined_size(separator, items: list) -> int:
    return sum(weight(item) for item in items) + len(separator) * len(items)
