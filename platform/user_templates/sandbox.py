"""The Jinja environment for workspaces' templates: Jinja's immutable sandbox (no attribute
tricks, no changing lists in place), compiled so that each loop iteration, call and piece of
output goes through the render's guard (``limits``), with every built value weighed."""

import functools
from copy import copy

from jinja2 import StrictUndefined, nodes
from jinja2.compiler import CodeGenerator
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.utils import Namespace

from atrium.platform.user_templates import limits
from atrium.platform.user_templates.limits import guard, sized


class _Guarded(CodeGenerator):
    def visit_For(self, node: nodes.For, frame) -> None:
        counted = copy(node)  # iterates environment.counted(<the iterable>): each item a step
        counted.iter = nodes.Call(
            nodes.EnvironmentAttribute("counted"), [node.iter], [], None, None,
            lineno=node.lineno,
        )  # fmt: skip
        super().visit_For(counted, frame)

    def _output_child_pre(self, node, frame, finalize) -> None:
        self.write("environment.wrote(")
        super()._output_child_pre(node, frame, finalize)

    def _output_child_post(self, node, frame, finalize) -> None:
        super()._output_child_post(node, frame, finalize)
        self.write(")")

    def _output_const_repr(self, group) -> str:
        return f"environment.wrote({super()._output_const_repr(group)})"

    def _sized(self, visit, node, frame) -> None:
        self.write("environment.sized(")
        visit(node, frame)
        self.write(")")

    def visit_List(self, node, frame) -> None:
        self._sized(super().visit_List, node, frame)

    def visit_Dict(self, node, frame) -> None:
        self._sized(super().visit_Dict, node, frame)

    def visit_Concat(self, node, frame) -> None:
        self._sized(super().visit_Concat, node, frame)

    def visit_Tuple(self, node, frame) -> None:
        if node.ctx == "load":
            self._sized(super().visit_Tuple, node, frame)
        else:  # a target: {% for a, b in ... %}
            super().visit_Tuple(node, frame)


def _counted(iterable):
    account = guard()
    for item in iterable:
        account.step()
        yield item


def _range(*args) -> range:
    numbers = range(*args)
    if len(numbers) > limits.STEPS:
        raise limits.too_many_steps()
    return numbers


class _Namespace(Namespace):
    def __repr__(self) -> str:  # its values are weighed where used, not printed at once
        return "<namespace>"


_STR_WIDTH = {"ljust", "rjust", "center", "zfill"}


def _check_method(method, args: tuple) -> tuple:
    """A text's method whose result can outgrow the text; returns the args to call it with."""
    text, name = getattr(method, "__self__", None), getattr(method, "__name__", "")
    if not isinstance(text, (str, bytes)):
        return args
    if name in _STR_WIDTH and args and isinstance(args[0], int):
        limits.check_within(len(text), args[0])
    elif name == "expandtabs":
        size = args[0] if args and isinstance(args[0], int) else 8
        limits.check_within(len(text), text.count("\t" if isinstance(text, str) else b"\t") * size)
    elif name == "replace" and len(args) >= 2:
        limits.check_within(limits.replaced_size(text, *args[:3]))
    elif name == "join" and args:
        items = list(args[0])
        limits.check_within(limits.joined_size(text, items))
        return (items, *args[1:])
    elif name == "translate" and args and isinstance(args[0], dict):
        longest = max((len(v) for v in args[0].values() if isinstance(v, str)), default=1)
        limits.check_within(len(text) * longest)
    return args


# Filters whose result can outgrow their input: checked before they run (after the value
# and the arguments as the template gives them).
def _indent(value, width=4, first=False, blank=False, **_):
    unit = width if isinstance(width, str) else " " * min(width, limits.SIZE + 1)
    limits.check_within(len(str(value)), (str(value).count("\n") + 1) * len(unit))


def _wordwrap(value, width=79, break_long_words=True, wrapstring=None, *_, **__):
    text, width = str(value), max(int(width), 1)
    lines = len(text) // width + text.count("\n") + 1
    limits.check_within(len(text), lines * len(wrapstring or "\n"))
    # textwrap cuts a long word a line at a time, copying the rest each time
    limits.check_within(len(text) * (len(text) // width) // 5000)


def _items(value) -> list:
    return value if isinstance(value, list) else list(value)


_FILTER_CHECKS = {
    "center": lambda value, width=80, *_: limits.check_within(len(str(value)), int(width)),
    "indent": _indent,
    "wordwrap": _wordwrap,
    "format": lambda value, *_, **__: limits.check_percent_format(value),
    "replace": lambda value, old, new, count=None: limits.check_within(
        limits.replaced_size(str(value), old, new, -1 if count is None else count)
    ),
    "batch": lambda value, linecount, *_: limits.check_within(int(linecount)),
    "slice": lambda value, slices, *_: limits.check_within(int(slices)),
    "tojson": lambda value, indent=None: limits.check_within(10 * int(indent or 0)),
    "striptags": lambda value: limits.check_within(str(value).count("<") * len(str(value)) // 5000),
    "urlize": lambda value, *args, **kwargs: limits.check_within(
        len(str(value)), sum(len(str(a)) for a in (*args, *kwargs.values())) * 1000
    ),
}


def _checked_filter(name: str, function):
    check = _FILTER_CHECKS.get(name)
    passed = getattr(function, "jinja_pass_arg", None) is not None  # context, environment...

    @functools.wraps(function)
    def run(*args, **kwargs):
        guard().on_time()
        given = list(args[1:] if passed else args)
        if name in ("join", "sum", "list") and given:  # made once, weighed, then used
            given[0] = sized(_items(given[0]))
            args = (*args[:1], *given) if passed else tuple(given)
        if name == "sum" and given:
            start = kwargs.get("start", given[2] if len(given) > 2 else 0)
            if not isinstance(start, (int, float)):  # adding lists copies each prefix again
                limits.check_within(len(given[0]) * limits.weight(given[0]))
        if name == "join" and given:
            separator = kwargs.get("d", given[1] if len(given) > 1 else "")
            limits.check_within(limits.joined_size(str(separator), given[0]))
        if check is not None and given:
            check(*given, **kwargs)
        return sized(function(*args, **kwargs))

    return run


class UserTemplates(ImmutableSandboxedEnvironment):
    """Renders only inside ``render()``, which sets the guard these hooks report to."""

    code_generator_class = _Guarded
    intercepted_binops = frozenset({"+", "-", "*", "/", "//", "%", "**"})

    def __init__(self, *, autoescape: bool) -> None:
        super().__init__(undefined=StrictUndefined, keep_trailing_newline=True,
                         autoescape=autoescape)  # fmt: skip
        self.globals.pop("lipsum", None)  # paragraphs on request: nothing a message needs
        self.globals.update(range=_range, namespace=_Namespace)
        self.filters = {name: _checked_filter(name, f) for name, f in self.filters.items()}

    def counted(self, iterable):
        return _counted(iterable)

    def wrote(self, text: str) -> str:
        return guard().wrote(text)

    def sized(self, value):
        return sized(value)

    def call_binop(self, context, operator: str, left, right):
        guard().on_time()
        if operator in ("*", "**"):
            limits.check_repeat(operator, left, right)
        elif operator == "%":
            limits.check_percent_format(left)
        result = super().call_binop(context, operator, left, right)
        if isinstance(result, int):
            limits.check_number(result)
        return sized(result)

    def call(__self, __context, __obj, *args, **kwargs):  # noqa: N805 (Jinja's own signature)
        guard().step()
        wrapped = getattr(__obj, "__wrapped__", None)  # str.format, sandboxed by Jinja
        if getattr(wrapped, "__name__", "") in ("format", "format_map"):
            text = getattr(wrapped, "__self__", None)
            if isinstance(text, str):
                limits.check_brace_format(text)
        args = _check_method(__obj, args)
        return sized(super().call(__context, __obj, *args, **kwargs))
