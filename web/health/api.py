"""/healthz (the process answers) and /readyz (its database and Redis answer)."""

from litestar import Request, Response, get

from atrium.platform.http.problems import problem


@get("/healthz", include_in_schema=False)
async def healthz() -> dict:
    return {"status": "ok"}


@get("/readyz", include_in_schema=False)
async def readyz(request: Request) -> Response | dict:
    state = request.app.state
    failures = {}
    try:
        await state.db.ping()
    except Exception as error:  # any failure means "not ready", with its reason
        failures["database"] = type(error).__name__
    try:
        await state.redis.ping()
    except Exception as error:
        failures["redis"] = type(error).__name__
    if failures:
        names = ", ".join(failures)
        return problem(
            request,
            503,
            "Not ready: %(names)s unreachable.",
            extra={"checks": failures},
            values={"names": names},
        )
    return {"status": "ready", "checks": {"database": "ok", "redis": "ok"}}


routes = [healthz, readyz]
