"""The `atrium` command: clear messages and exit codes, and the operator's workspace actions."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ATRIUM = str(Path(sys.executable).with_name("atrium"))


def atrium(*args: str, env: dict | None = None, input: str | None = None):
    return subprocess.run(
        [ATRIUM, *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "COLUMNS": "200", **(env or {})},
        input=input,
    )


def test_help_explains_every_command():
    result = atrium("--help")
    assert result.returncode == 0
    commands = (
        "serve",
        "worker",
        "migrate",
        "demo",
        "tenants",
        "users",
        "jobs",
        "billing",
        "bench",
    )
    for command in commands:
        assert command in result.stdout


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        (
            "ATRIUM_MIGRATE_PARALLEL",
            "zero",
            "ATRIUM_MIGRATE_PARALLEL='zero': expected a whole number",
        ),
        ("DATABASE_URL", "mysql://x", "DATABASE_URL='mysql://x': expected postgresql://"),
        ("ATRIUM_ENV", "staging", "expected development, test or production"),
        ("ATRIUM_SECRET_KEY", "short", "must be at least 32 characters"),
    ],
)
def test_a_bad_setting_stops_with_a_message_naming_it(variable, value, message):
    result = atrium("tenants", "list", env={variable: value})
    assert result.returncode == 1
    assert message in " ".join(result.stderr.split())
    assert "Traceback" not in result.stderr


def test_an_unreachable_database_is_a_message_not_a_traceback():
    result = atrium("tenants", "list", env={"DATABASE_URL": "postgresql://postgres@127.0.0.1:1/x"})
    assert result.returncode == 1
    assert "Cannot reach the database" in result.stderr
    assert "Traceback" not in result.stderr


def test_operator_creates_suspends_resumes_and_deletes_a_workspace(migrated):
    created = atrium(
        "tenants",
        "create",
        "--company",
        "CLI Movers",
        "--email",
        "cli-owner@example.com",
        "--password",
        "Velvet-Otter-42-Lantern",
        "--vertical",
        "staffing",
    )
    assert created.returncode == 0, created.stderr
    assert "cli-movers" in created.stderr and "atr_" in created.stderr

    listed = atrium("tenants", "list")
    assert "cli-movers" in listed.stdout and "ready" in listed.stdout

    assert atrium("tenants", "suspend", "cli-movers").returncode == 0
    assert "suspended" in atrium("tenants", "list").stdout
    again = atrium("tenants", "suspend", "cli-movers")
    assert again.returncode == 1 and "is suspended" in again.stderr
    assert atrium("tenants", "resume", "cli-movers").returncode == 0

    users = atrium("users", "list")
    assert "cli-owner@example.com" in users.stdout and "cli-movers (owner)" in users.stdout

    weak = atrium("users", "set-password", "cli-owner@example.com", "--password", "12345")
    assert weak.returncode == 1 and "at least 10 characters" in weak.stderr

    refused = atrium("tenants", "delete", "cli-movers", input="n\n")
    assert refused.returncode == 1
    assert atrium("tenants", "delete", "cli-movers", "--yes").returncode == 0
    assert "cli-movers" not in atrium("tenants", "list").stdout
    missing = atrium("tenants", "delete", "cli-movers", "--yes")
    assert missing.returncode == 1 and "No workspace with the slug 'cli-movers'" in missing.stderr


def test_jobs_failed_lists_and_an_unknown_retry_is_a_clear_error(migrated):
    listed = atrium("jobs", "failed")
    assert listed.returncode == 0
    assert "job" in listed.stdout and "error" in listed.stdout
    missing = atrium("jobs", "retry", "987654321")
    assert missing.returncode == 1
    assert "No failed job 987654321" in missing.stderr
