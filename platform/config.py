"""Settings read once from the environment; the only module that reads ``os.environ``."""

import os
from dataclasses import dataclass, field, fields
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit


class SettingsError(ValueError):
    """A setting has a value we cannot use; the message says which and why."""


def _text(raw: str) -> str:
    return raw.strip()


def _optional_text(raw: str) -> str | None:
    return raw.strip() or None


def _bool(raw: str) -> bool:
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off", ""}:
        return False
    raise ValueError("expected true or false")


def _int(raw: str) -> int:
    try:
        return int(raw.strip())
    except ValueError:
        raise ValueError("expected a whole number") from None


def _positive_int(raw: str) -> int:
    value = _int(raw)
    if value < 1:
        raise ValueError("must be 1 or more")
    return value


def _positive_float(raw: str) -> float:
    try:
        value = float(raw)
    except ValueError:
        raise ValueError("must be a number of seconds") from None
    if not value > 0:
        raise ValueError("must be more than 0")
    return value


def _database_url(raw: str) -> str | None:
    url = raw.strip()
    if not url:
        return None
    scheme = urlsplit(url).scheme
    if scheme in {"postgres", "postgresql"}:
        return "postgresql+psycopg" + url[len(scheme) :]
    if scheme != "postgresql+psycopg":
        raise ValueError("expected postgresql://user@host:port/database")
    return url


def _redis_url(raw: str) -> str | None:
    url = raw.strip()
    if url and urlsplit(url).scheme not in {"redis", "rediss", "unix"}:
        raise ValueError("expected redis://host:port/db or unix:///path/to/socket")
    return url or None


def _smtp_url(raw: str) -> str | None:
    url = raw.strip()
    if url and urlsplit(url).scheme not in {"smtp", "smtps"}:
        raise ValueError("expected smtp://host:port or smtps://user:password@host:port")
    return url or None


def _environment(raw: str) -> str:
    value = raw.strip().lower()
    if value not in {"development", "test", "production"}:
        raise ValueError("expected development, test or production")
    return value


def _log_level(raw: str) -> str:
    value = raw.strip().upper()
    if value not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
        raise ValueError("expected DEBUG, INFO, WARNING or ERROR")
    return value


def setting(env: str, parse, default, help: str):
    return field(default=default, metadata={"env": env, "parse": parse, "help": help})


@dataclass(frozen=True)
class Settings:
    environment: str = setting(
        "ATRIUM_ENV", _environment, "development", "development, test or production"
    )
    data_dir: Path = setting(
        "ATRIUM_DATA_DIR",
        lambda raw: Path(raw.strip()).expanduser().resolve(),
        Path(".atrium").resolve(),
        "where embedded PostgreSQL and Redis keep their data",
    )
    database_url: str | None = setting(
        "DATABASE_URL", _database_url, None, "PostgreSQL; embedded PostgreSQL when unset"
    )
    redis_url: str | None = setting(
        "REDIS_URL", _redis_url, None, "Redis for jobs and throttling; embedded when unset"
    )
    relay_sweep_s: float = setting(
        "ATRIUM_RELAY_SWEEP_S", _positive_float, 30.0, "seconds between outbox sweeps"
    )
    outbox_republish_s: float = setting(
        "ATRIUM_OUTBOX_REPUBLISH_S",
        _positive_float,
        300.0,
        "publish an event again when not dispatched this long after",
    )
    jobs_namespace: str = setting(
        "ATRIUM_JOBS_NAMESPACE", _text, "atrium", "Redis key prefix of the job queues"
    )
    secret_key: str | None = setting(
        "ATRIUM_SECRET_KEY",
        _optional_text,
        None,
        "signs cookies and encrypts secrets; required in production",
    )
    base_url: str = setting(
        "ATRIUM_BASE_URL", _text, "http://127.0.0.1:8000", "public address used in e-mailed links"
    )
    log_level: str = setting("ATRIUM_LOG_LEVEL", _log_level, "INFO", "log level")
    log_json: bool = setting("ATRIUM_LOG_JSON", _bool, False, "log lines as JSON")
    tenant_roles_can_login: bool = setting(
        "ATRIUM_TENANT_ROLES_LOGIN",
        _bool,
        False,
        "create workspace roles with LOGIN (needed on Citus)",
    )
    db_pool_size: int = setting("ATRIUM_DB_POOL_SIZE", _positive_int, 10, "database pool size")
    request_timeout_s: float = setting(
        "ATRIUM_REQUEST_TIMEOUT_S",
        _positive_float,
        30.0,
        "a request not answering by then (its database or Redis silent) gets a 503",
    )
    connect_timeout_s: float = setting(
        "ATRIUM_CONNECT_TIMEOUT_S",
        _positive_float,
        5.0,
        "seconds to wait for PostgreSQL or Redis to connect, and for Redis to answer",
    )
    migrate_parallel: int = setting(
        "ATRIUM_MIGRATE_PARALLEL", _positive_int, 4, "workspaces migrated at once"
    )
    spare_workspaces: int = setting(
        "ATRIUM_SPARE_WORKSPACES", _int, 3, "ready-made empty workspace schemas kept for signup"
    )
    provisioning_timeout_s: int = setting(
        "ATRIUM_PROVISIONING_TIMEOUT",
        _positive_int,
        300,
        "seconds after which an unfinished signup is cleaned up",
    )
    argon2_memory_kib: int = setting(
        "ATRIUM_ARGON2_MEMORY_KIB", _positive_int, 19456, "argon2id memory cost (OWASP minimum)"
    )
    argon2_time_cost: int = setting(
        "ATRIUM_ARGON2_TIME_COST", _positive_int, 2, "argon2id iterations"
    )
    session_days: int = setting(
        "ATRIUM_SESSION_DAYS", _positive_int, 14, "days a web sign-in lasts"
    )
    login_attempts: int = setting(
        "ATRIUM_LOGIN_ATTEMPTS", _positive_int, 5, "failed sign-ins allowed per 15 minutes"
    )
    smtp_url: str | None = setting("SMTP_URL", _smtp_url, None, "SMTP server; outbox only if unset")
    telegram_api_base: str = setting(
        "TELEGRAM_API_BASE", _text, "https://api.telegram.org", "Telegram Bot API server"
    )
    outbound_allow_loopback: bool | None = setting(
        "ATRIUM_OUTBOUND_ALLOW_LOOPBACK",
        _bool,
        None,
        "addresses workspaces give (their SMS gateway) may be on this machine (127.0.0.1, ::1) "
        "and plain http; by default only in development and test, never in production",
    )
    mail_from: str = setting("ATRIUM_MAIL_FROM", _text, "Atrium <no-reply@atrium.local>", "sender")
    mail_retry_s: float = setting(
        "ATRIUM_MAIL_RETRY_S",
        _positive_float,
        60.0,
        "seconds before mail SMTP did not take is tried again (doubling each time)",
    )
    stripe_api_key: str | None = setting(
        "STRIPE_API_KEY", _optional_text, None, "Stripe secret key; paid plans need it"
    )
    stripe_webhook_secret: str | None = setting(
        "STRIPE_WEBHOOK_SECRET", _optional_text, None, "signs Stripe's webhooks (whsec_...)"
    )
    stripe_api_base: str | None = setting(
        "STRIPE_API_BASE", _optional_text, None, "another Stripe server, e.g. localstripe"
    )
    billing_grace_days: int = setting(
        "ATRIUM_BILLING_GRACE_DAYS",
        _positive_int,
        14,
        "days an unpaid workspace keeps working before it turns read-only",
    )
    embedded_worker: bool = setting(
        "ATRIUM_EMBEDDED_WORKER", _bool, True, "run a job worker inside `atrium serve`"
    )

    @property
    def is_production(self) -> bool:
        return self.environment == "production"

    @property
    def outbound_loopback(self) -> bool:
        """Whether addresses workspaces give may be loopback (fake gateways in development)."""
        if self.outbound_allow_loopback is None:
            return not self.is_production
        return self.outbound_allow_loopback and not self.is_production

    @property
    def cookie_secure(self) -> bool:
        return self.base_url.startswith("https://")


def load_settings(environ: dict[str, str] | None = None) -> Settings:
    """Build settings from ``environ``; raise SettingsError naming every bad variable."""
    environ = os.environ if environ is None else environ
    values, problems = {}, []
    for spec in fields(Settings):
        name = spec.metadata["env"]
        if name not in environ:
            continue
        try:
            values[spec.name] = spec.metadata["parse"](environ[name])
        except ValueError as error:
            problems.append(f"{name}={environ[name]!r}: {error}")
    settings = Settings(**values)
    if settings.is_production and not settings.secret_key:
        problems.append("ATRIUM_SECRET_KEY: required when ATRIUM_ENV=production")
    if settings.is_production and settings.outbound_allow_loopback:
        problems.append("ATRIUM_OUTBOUND_ALLOW_LOOPBACK: cannot be true when ATRIUM_ENV=production")
    if settings.secret_key is not None and len(settings.secret_key) < 32:
        problems.append("ATRIUM_SECRET_KEY: must be at least 32 characters")
    if problems:
        raise SettingsError("Bad settings:\n  " + "\n  ".join(problems))
    return settings


@cache
def get_settings() -> Settings:
    return load_settings()


def describe_settings() -> list[tuple[str, str]]:
    """(variable, help) pairs for `--help` texts."""
    return [(spec.metadata["env"], spec.metadata["help"]) for spec in fields(Settings)]
