"""A pack to start from: one table, one page, one job, and nothing outside its folder.

The test (tests/verticals/test_template_pack.py) copies this folder as the package ``tinypack``,
adds its entry point line (``tinypack = tinypack:PACK`` in the ``atrium.packs`` group) and
installs, migrates and serves it. For a new pack, copy it to ``verticals/<key>/``, rename the
key, the table, the job, the page and the revision after the trade, add the entry point line to
pyproject.toml, and grow it: every field of ``atrium.platform.packs.Pack`` says what it adds.
Its modules import each other relatively, so the copy works under any package name.
"""

from pathlib import Path

from atrium.platform.packs import Pack, PackSection

from . import pages, tasks  # noqa: F401 (tasks: its job and event handler)

PACK = Pack(
    key="tinypack",
    names={"en": "Tiny notes", "ru": "Заметки"},
    folder=Path(__file__).parent,  # its templates/ and migrations/ are found here
    plan="start",  # the smallest plan that includes it
    sections=(PackSection("tinypack_notes", "Notes", "tinypack/notes"),),
    page_routes=pages.routes,
    demo_offer=[("Consultation", "Консультация", "service", 1000)],
)
