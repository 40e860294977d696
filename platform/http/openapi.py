"""The OpenAPI document says what errors really look like: RFC 9457 problems, by status.

litestar documents only a 400 in its own JSON error shape; every error this API sends is
``application/problem+json`` (platform/http/problems.py). This adds a shared Problem schema
and, per operation, the statuses it can answer.
"""

from litestar.openapi.spec import (
    Components,
    OpenAPI,
    OpenAPIMediaType,
    OpenAPIResponse,
    OpenAPIType,
    Reference,
    Schema,
)

from atrium.platform.http.problems import PROBLEM_JSON

PROBLEM_SCHEMA = Schema(
    type=OpenAPIType.OBJECT,
    required=["type", "title", "status", "detail"],
    properties={
        "type": Schema(type=OpenAPIType.STRING),
        "title": Schema(type=OpenAPIType.STRING),
        "status": Schema(type=OpenAPIType.INTEGER),
        "detail": Schema(type=OpenAPIType.STRING),
        "field": Schema(type=OpenAPIType.STRING, description="The input at fault, if one is"),
        "errors": Schema(type=OpenAPIType.ARRAY, items=Schema()),
    },
    description="An RFC 9457 problem",
)
WHY = {
    "400": "The body is not JSON, has unknown fields or values of the wrong type",
    "401": "No valid API key or session",
    "403": "The caller's role does not allow this",
    "404": "No such record in this workspace",
    "409": "It conflicts with an existing record (a duplicate, a taken name)",
    "413": "The body is too large",
    "422": "A value is not acceptable; `field` names it",
    "429": "Too many attempts; see Retry-After",
    "503": "A service Atrium depends on is not answering",
}
# Operations anyone may call, without a credential.
PUBLIC = ("/signup", "/auth/login", "/auth/logout", "/auth/password-reset", "/invitations/accept")


def _statuses(path: str, method: str) -> list[str]:
    statuses = ["400", "422", "503"]
    if not any(path.endswith(public) or f"{public}/" in path for public in PUBLIC):
        statuses += ["401", "403"]
    if "{" in path:
        statuses.append("404")
    if method in ("post", "put", "patch"):
        statuses += ["409", "413"]
    if path.endswith(("/auth/login", "/auth/password-reset", "/signup")):
        statuses.append("429")
    return sorted(statuses)


def declare_problems(document: OpenAPI, prefix: str = "/api/v1") -> None:
    document.components = document.components or Components()
    document.components.schemas = {**(document.components.schemas or {}), "Problem": PROBLEM_SCHEMA}
    content = {PROBLEM_JSON: OpenAPIMediaType(schema=Reference(ref="#/components/schemas/Problem"))}
    for path, item in (document.paths or {}).items():
        if not path.startswith(prefix):
            continue
        for method in ("get", "post", "put", "patch", "delete"):
            operation = getattr(item, method, None)
            if operation is None:
                continue
            responses = operation.responses or {}
            for status in _statuses(path, method):
                responses[status] = OpenAPIResponse(description=WHY[status], content=content)
            operation.responses = responses
