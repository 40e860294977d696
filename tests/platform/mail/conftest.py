"""The job tests' fixtures: a workspace served by the real worker."""

from tests.platform.jobs.conftest import workspace  # noqa: F401
