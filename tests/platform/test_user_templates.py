"""The renderer of workspaces' templates: ordinary templates render as Jinja's sandbox always
rendered them; loops, built values, written text and time are bounded, each refusal quick."""

import time

import pytest
from jinja2 import StrictUndefined, TemplateError
from jinja2.sandbox import SandboxedEnvironment

from atrium.platform.notify.templates import KINDS, LANGUAGES, built_in
from atrium.platform.user_templates import OverLimit, render, render_now

QUICK = 2.0  # seconds: a refusal comes within the one-second time limit and then some

BOMBS = {
    "the issue's nested loop": (
        "{% for a in range(6000) %}{% for b in range(6000) %}{% endfor %}{% endfor %}",
        "repeats too much",
    ),
    "a triple loop": (
        "{% for a in range(6000) %}{% for b in range(6000) %}{% for c in range(6000) %}"
        "{% endfor %}{% endfor %}{% endfor %}",
        "repeats too much",
    ),
    "loops over lists built in the template": (
        "{% set l = [1,2,3,4,5,6,7,8,9,10] %}{% for a in l %}{% for b in l %}{% for c in l %}"
        "{% for d in l %}{% for e in l %}{% endfor %}{% endfor %}{% endfor %}{% endfor %}"
        "{% endfor %}",
        "repeats too much",
    ),
    "a range too long to list": ("{{ range(10**9)|list|length }}", "repeats too much"),
    "a macro calling itself twice": (
        "{% macro f(n) %}{% if n %}{{ f(n-1) }}{{ f(n-1) }}{% endif %}{% endmacro %}{{ f(40) }}",
        "repeats too much",
    ),
    "string multiplication": ("{{ 'x' * 10**9 }}", "too large"),
    "multiplication the other way round": ("{{ 10**9 * 'ab' }}", "too large"),
    "list multiplication": ("{{ [1] * 10**9 }}", "too large"),
    "a huge power": ("{{ 9 ** (9 ** 9) }}", "too large"),
    "padding a text": ("{{ 'x'.ljust(1000000000) }}", "too large"),
    "a centred text": ("{{ 'x'|center(1000000000) }}", "too large"),
    "replacing the empty text": ("{{ ('x' * 100000)|replace('', 'y' * 100000) }}", "too large"),
    "joining with a long separator": ("{{ range(10000)|join('y' * 100000) }}", "too large"),
    "tabs expanded": ("{{ ('\t' * 100000).expandtabs(100000) }}", "too large"),
    "a batch filled up": ("{{ [1]|batch(1000000000, 'x')|list }}", "too large"),
    "nested lists of one big text": (
        "{% set a = 'x' * 100000 %}{% set b = [a, a, a, a, a, a, a, a, a, a] %}"
        "{% set c = [b, b, b, b, b, b, b, b, b, b] %}{{ c }}",
        "too large",
    ),
    "doubling by joining": (
        "{% set a = 'x' * 100000 %}{% set b = a ~ a %}{% set c = b ~ b %}{{ c ~ c }}",
        "too large",
    ),
    "a long word wrapped at every character": ("{{ ('a' * 100000)|wordwrap(1) }}", "too large"),
    "many large values kept at once": (
        "".join(f"{{% set a{i} = 'x' * 190000 %}}" for i in range(40)),
        "too large",
    ),
    "a wide format": ("{{ '{:>1000000000}'.format('x') }}", "too wide"),
    "a wide percent format": ("{{ '%1000000000s' % 'x' }}", "too wide"),
    "output past the limit": (
        "{% for i in range(10000) %}{{ 'x' * 1000 }}{% endfor %}",
        "writes too much",
    ),
    "output captured by set": (
        "{% set s %}{% for i in range(9000) %}{{ 'y' * 1000 }}{% endfor %}{% endset %}",
        "writes too much",
    ),
    "few steps of heavy work": (
        "{% set s = 'x' * 150000 %}{% for i in range(9999) %}"
        "{% if s|wordcount %}{% endif %}{% endfor %}",
        "takes too long",
    ),
}


@pytest.mark.parametrize("source, why", BOMBS.values(), ids=BOMBS.keys())
def test_a_template_past_a_limit_is_refused_quickly(source, why):
    started = time.monotonic()
    with pytest.raises(OverLimit) as refused:
        render_now(source, {"name": "Anna"})
    assert why in str(refused.value)
    assert time.monotonic() - started < QUICK


@pytest.mark.parametrize(
    "source",
    [
        "{{ ''.__class__.__mro__ }}",
        "{% set l = [1] %}{{ l.append(2) }}",
        "{{ 1 / 0 }}",
        "{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}",
        "{{ lipsum(1000000) }}",
        "{% include 'x.html' %}",
        "{{ " + "(" * 5000 + "1" + ")" * 5000 + " }}",
    ],
    ids=["attributes", "changing a list", "division by zero", "endless recursion", "lipsum",
         "include", "nesting"],
)  # fmt: skip
def test_what_the_sandbox_refuses_or_cannot_do_is_a_template_error_not_a_crash(source):
    with pytest.raises(TemplateError):
        render_now(source, {})


ORDINARY = [
    "Hi {{ name }}!",
    "{% for word in ['a', 'b', 'c'] %}{{ loop.index }}{{ word|upper }}"
    "{% if not loop.last %}, {% endif %}{% endfor %}",
    "{% set ns = namespace(n=0) %}{% for i in range(5) %}{% set ns.n = ns.n + i %}{% endfor %}"
    "{{ ns.n }}",
    "{{ '%s-%05d'|format(name, 7) }} {{ '{:>8}'.format(name) }} {{ name.replace('A', 'a') }}",
    "{% macro hello(who) %}<b>Hello {{ who }}</b>{% endmacro %}{{ hello(name) }} {{ '<i>' }}",
    "{{ name|default('friend')|title }} {{ [3, 1, 2]|sort|join(' ') }} {{ name ~ '!' * 3 }}",
    "{% filter upper %}{{ name }}, {{ 12345|filesizeformat }}{% endfilter %}",
]


@pytest.mark.parametrize("html", [False, True], ids=["text", "html"])
def test_ordinary_templates_render_as_the_plain_sandbox_renders_them(html):
    plain = SandboxedEnvironment(undefined=StrictUndefined, keep_trailing_newline=True,
                                 autoescape=html)  # fmt: skip
    values = {"name": "<Anna> & Co", "title": "Call back"}
    for source in ORDINARY:
        assert render_now(source, values, html=html) == plain.from_string(source).render(values)
    for kind in KINDS:
        sample = KINDS[kind]["sample"]
        for language in LANGUAGES:
            subject, text, page = built_in(kind, language)
            for source, as_html in ((subject, False), (text, False), (page, True)):
                expected = (
                    SandboxedEnvironment(
                        undefined=StrictUndefined, keep_trailing_newline=True, autoescape=as_html
                    )
                    .from_string(source)
                    .render(sample)
                )
                assert render_now(source, sample, html=as_html) == expected


async def test_render_runs_off_the_event_loop_with_the_same_answer():
    assert await render("{{ name }}!", {"name": "<Anna>"}, html=True) == "&lt;Anna&gt;!"
    with pytest.raises(OverLimit):
        await render(BOMBS["a triple loop"][0], {})
