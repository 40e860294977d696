"""atrium bench provisioning | migrate | search | api | jobs | pages | import | reports |
webhooks | all
(in tests/bench/)."""

import runpy
import sys
from pathlib import Path

import click

from atrium.web.cli import CliError

BENCH_DIR = Path(__file__).resolve().parents[2] / "tests" / "bench"
BENCHES = {
    "provisioning": "bench_provisioning.py",
    "migrate": "bench_migrate.py",
    "search": "bench_search.py",
    "api": "bench_api.py",
    "jobs": "bench_jobs.py",
    "pages": "bench_pages.py",
    "import": "bench_import.py",
    "reports": "bench_reports.py",
    "webhooks": "bench_webhooks.py",
    "salon-slots": "bench_salon_slots.py",
}


def _run(name: str, args: tuple[str, ...]) -> None:
    path = BENCH_DIR / BENCHES[name]
    if not path.exists():
        raise CliError(f"{path} not found: benchmarks run from a source checkout.")
    sys.argv = [str(path), *args]
    sys.path.insert(0, str(BENCH_DIR.parent.parent))
    runpy.run_path(str(path), run_name="__main__")


@click.command(context_settings={"ignore_unknown_options": True})
@click.argument("which", type=click.Choice([*BENCHES, "all"]))
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def bench(which: str, args: tuple[str, ...]) -> None:
    """Run a benchmark and print its figures (extra options go to the benchmark; try --help)."""
    for name in BENCHES if which == "all" else [which]:
        _run(name, args)


commands = [bench]
