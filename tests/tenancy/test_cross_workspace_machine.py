"""Nothing crosses between workspaces, whatever members of three workspaces do to each other.

Three workspaces (two salons, one in Russian, and a shop), each with an owner, an admin, a
manager and an employee, who call the API with their own API key or with their session cookie
and X-Workspace. Every route with an ``{..._id}`` in its path (read from the OpenAPI
document) and every id given in a body is tried with another workspace's id, and must answer
exactly as it answers an id nobody has: same status, same problem, never a 2xx or a 5xx. A
stateful machine then mixes it all at random — new records by any member, foreign ids by any
member, lists and searches — and checks that no answer ever shows another workspace's marker
and that a record aimed at from elsewhere is still there, unchanged, in its own workspace.
"""

import copy

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, rule
from litestar.testing import TestClient

from tests.tenancy.crossing_kit import (
    ROLES,
    Api,
    creatable,
    create,
    fill,
    make_workspace,
    marker,
    unknown_id,
)
from tests.tenancy.crossing_routes import (
    KIND_OF_PARAM,
    LINKS,
    LINKS_UNCOVERED,
    REFUSED_WITH_AN_OWN_ID,
    UNCOVERED,
    Route,
    assert_answered_as_unknown,
    foreign_markers,
    ids_in_bodies,
    link_property,
    link_route,
    list_routes,
    routes_with_ids,
)

pytestmark = pytest.mark.filterwarnings(
    "ignore:Do not use the `random` module inside strategies"
    ":hypothesis.errors.HypothesisDeprecationWarning"
)


class World:
    def __init__(self, api: Api, workspaces: list, document: dict) -> None:
        self.api = api
        self.document = document
        self.workspaces = workspaces
        self.routes = routes_with_ids(document)
        self.lists = list_routes(document)
        self.aimed: set[tuple[str, str]] = set()
        # what each workspace holds at the start of every run of the machine
        self.seeds = [
            copy.deepcopy(w.records) for w in workspaces
        ]  # (route, param) tried with a foreign id
        # kind -> the route that shows one record of it, to see it survived
        self.detail = {
            KIND_OF_PARAM[r.params[0]]: r.path
            for r in self.routes
            if r.method == "GET"
            and len(r.params) == 1
            and r.path.endswith(f"{{{r.params[0]}}}")
            and r.params[0] in KIND_OF_PARAM
        }

    def call(self, workspace, method, path, member, by_session, body=None):
        answer = self.api.call(method, path, member.headers(by_session), body)
        assert answer.status_code < 500, f"{method} {path}: {answer.status_code} {answer.text}"
        leaked = foreign_markers(answer.text, workspace.index)
        assert not leaked, f"{method} {path} to workspace {workspace.index} showed {leaked}"
        return answer

    def aim(self, route: Route, param: str, attacker, source, member, by_session: bool):
        """``route`` called in ``attacker`` with ``source``'s id as ``param``, and again
        with an unknown id: the same refusal; and the record is still there, unchanged."""
        kind = KIND_OF_PARAM[param]
        foreign_id, _ = source.records[kind][-1]
        fresh = unknown_id()
        own = marker(attacker.index)

        def path_with(value: str) -> str:
            path = route.path
            for name in route.params:
                if name == param:
                    filled = value
                elif name in KIND_OF_PARAM:
                    filled = attacker.own(KIND_OF_PARAM[name])
                else:
                    filled = unknown_id()
                path = path.replace(f"{{{name}}}", filled)
            return path.lstrip("/")

        body = fill(route.body, attacker, own)
        foreign = self.call(attacker, route.method, path_with(foreign_id), member, by_session, body)
        unknown = self.call(attacker, route.method, path_with(fresh), member, by_session, body)
        assert_answered_as_unknown(
            f"{route} as {member.role} of workspace {attacker.index} "
            f"({'session' if by_session else 'API key'})",
            foreign,
            unknown,
            foreign_id,
            fresh,
        )
        self.aimed.add((str(route), param))
        self.still_there(source, kind, foreign_id)

    def link(self, index: int, attacker, source, member, by_session: bool, control=False):
        """An id of ``source`` given in a body in ``attacker``: the same as an unknown id.
        With ``control``, the body with an own id then: accepted, so the body is sound (last:
        it may use up what it links to, as converting a lead does)."""
        method, template, body, kind = LINKS[index]
        foreign_id, _ = source.records[kind][-1]
        fresh = unknown_id()
        own = marker(attacker.index)
        path = fill(template, attacker, own)
        foreign = self.call(
            attacker, method, path, member, by_session, fill(body, attacker, own, foreign_id)
        )
        unknown = self.call(
            attacker, method, path, member, by_session, fill(body, attacker, own, fresh)
        )
        assert_answered_as_unknown(
            f"{method} {path} with {kind} {body} as {member.role} of workspace {attacker.index}",
            foreign,
            unknown,
            foreign_id,
            fresh,
        )
        self.still_there(source, kind, foreign_id)
        refused = {(method, template), (method, template, link_property(body))}
        if control and not refused & REFUSED_WITH_AN_OWN_ID:
            own_id = attacker.own(kind)
            if kind == "contact":  # a fresh one: merged away, or given a card, it is used up
                own_id = create(self.api, attacker, kind, attacker.members["owner"], False)[0]
                attacker.records[kind].pop()  # and not aimed at from elsewhere
            accepted = self.call(
                attacker, method, path, member, by_session, fill(body, attacker, own, own_id)
            )
            assert accepted.status_code < 300, f"{method} {path} {body}: {accepted.text}"

    def still_there(self, source, kind: str, record_id: str) -> None:
        if kind not in self.detail:
            return
        path = self.detail[kind].replace(f"{{{_param_of(kind)}}}", record_id).lstrip("/")
        seen = self.call(source, "GET", path, source.members["owner"], False)
        # Still there; and a change from elsewhere would show the other workspace's marker,
        # which World.call refuses. (Its own marker may change: its own members rename it.)
        assert seen.status_code == 200, f"{kind} {record_id} of {source.index}: {seen.text}"


def _param_of(kind: str) -> str:
    return next(name for name, value in KIND_OF_PARAM.items() if value == kind)


@pytest.fixture(scope="module")
def world(migrated, localstripe):
    from atrium.web.app import create_app

    with TestClient(
        create_app(), base_url="http://127.0.0.1:8000", raise_server_exceptions=False
    ) as client:
        api = Api(client)
        document = client.get("/api/v1/openapi.json").json()
        workspaces = [make_workspace(api, index) for index in range(3)]
        yield World(api, workspaces, document)


def _sources(world: World, kind: str, attacker, same_trade: bool):
    return [
        w
        for w in world.workspaces
        if w is not attacker
        and kind in w.records
        and (w.vertical == attacker.vertical) == same_trade
    ]


def test_every_route_answers_another_workspaces_id_as_an_unknown_one(world):
    for route in world.routes:
        for param in route.params:
            if param not in KIND_OF_PARAM:
                continue
            kind = KIND_OF_PARAM[param]
            for attacker in world.workspaces:
                others = [
                    KIND_OF_PARAM[p] for p in route.params if p != param and p in KIND_OF_PARAM
                ]
                if not all(k in attacker.records for k in others):
                    continue
                for same_trade in (True, False):
                    for source in _sources(world, kind, attacker, same_trade)[:1]:
                        # Every role, each by key in one workspace and by session in another.
                        for turn, role in enumerate(ROLES):
                            by_session = (attacker.index + turn) % 2 == 1
                            member = attacker.members[role]
                            world.aim(route, param, attacker, source, member, by_session)
    missed = {
        (str(r), p) for r in world.routes for p in r.params if p in KIND_OF_PARAM
    } - world.aimed
    assert not missed, f"never aimed at: {sorted(missed)}"


def test_every_id_in_a_body_answers_another_workspaces_id_as_an_unknown_one(world):
    for index, (_method, path, _, kind) in enumerate(LINKS):
        for attacker in world.workspaces:
            if path.startswith("salon/") and attacker.vertical != "salon":
                continue
            sources = [*_sources(world, kind, attacker, True)[:1]]
            sources += _sources(world, kind, attacker, False)[:1]
            for turn, source in enumerate(sources):
                owner = attacker.members["owner"]
                control = turn == len(sources) - 1
                world.link(index, attacker, source, owner, True, control=control)


def test_every_list_shows_only_its_own_workspace(world):
    # Each list, search and settings page read in every workspace, by a role in turn.
    for turn, path in enumerate(world.lists):
        for workspace in world.workspaces:
            role = ROLES[(turn + workspace.index) % len(ROLES)]
            by_session = (turn + workspace.index) % 2 == 1
            world.call(workspace, "GET", path.lstrip("/"), workspace.members[role], by_session)


def test_every_id_in_a_body_is_tried_or_said_not_to_be(world):
    # A new id in a body needs a line in LINKS, or its route a reason in LINKS_UNCOVERED.
    tried = {(*link_route(m, p), link_property(body)) for m, p, body, _ in LINKS}
    untried = {
        (method, path, name)
        for method, path, name in ids_in_bodies(world.document)
        if (method, path) not in LINKS_UNCOVERED
    } - tried
    assert not untried, f"ids in bodies never tried: {sorted(untried)}"


def test_every_id_in_a_path_is_aimed_at_or_said_not_to_be(world):
    # A new route's id parameter needs a kind (and a seed) here, or a reason in UNCOVERED.
    params = {p for r in world.routes for p in r.params if p.endswith("_id")}
    assert params - set(KIND_OF_PARAM) - set(UNCOVERED) == set()
    assert set(UNCOVERED) <= params and set(KIND_OF_PARAM) <= params
    # And one that takes a body needs one that would be accepted (BODIES), lest every
    # answer be the decoder's.
    paths = world.document["paths"]
    bodiless = [
        str(r)
        for r in world.routes
        if "requestBody" in paths[f"/api/v1{r.path}"][r.method.lower()] and r.body is None
    ]
    assert not bodiless, f"routes without a body in BODIES: {bodiless}"


class CrossWorkspace(RuleBasedStateMachine):
    """Random members of the three workspaces, by key or session, making records and aiming
    at each other's; every answer is checked by World.call and World.aim."""

    world: World

    def __init__(self) -> None:
        super().__init__()
        # Each run starts from the seeds, so a run replays the same draws (records made by
        # earlier runs stay in the database, and in every list read, but are not aimed at).
        for workspace, seed in zip(self.world.workspaces, self.world.seeds, strict=True):
            workspace.records = copy.deepcopy(seed)

    def actor(self, data, workspace=None):
        index = data.draw(st.integers(0, len(self.world.workspaces) - 1), "workspace")
        workspace = workspace or self.world.workspaces[index]
        role = data.draw(st.sampled_from(ROLES), "role")
        return workspace, workspace.members[role], data.draw(st.booleans(), "by session")

    @rule(data=st.data())
    def make_a_record(self, data):
        workspace, member, by_session = self.actor(data)
        kind = data.draw(st.sampled_from(sorted(creatable(workspace))), "kind")
        create(self.world.api, workspace, kind, member, by_session)

    @rule(data=st.data())
    def aim_at_another_workspaces_record(self, data):
        attacker, member, by_session = self.actor(data)
        route = data.draw(st.sampled_from(self.world.routes), "route")
        params = [p for p in route.params if p in KIND_OF_PARAM]
        if not params:
            return
        param = data.draw(st.sampled_from(params), "param")
        others = [KIND_OF_PARAM[p] for p in route.params if p != param and p in KIND_OF_PARAM]
        sources = [
            w
            for w in self.world.workspaces
            if w is not attacker and KIND_OF_PARAM[param] in w.records
        ]
        if sources and all(k in attacker.records for k in others):
            source = data.draw(st.sampled_from(sources), "source")
            self.world.aim(route, param, attacker, source, member, by_session)

    @rule(data=st.data())
    def give_another_workspaces_id_in_a_body(self, data):
        attacker, member, by_session = self.actor(data)
        index = data.draw(st.integers(0, len(LINKS) - 1), "link")
        method, path, _, kind = LINKS[index]
        if path.startswith("salon/") and attacker.vertical != "salon":
            return
        sources = [w for w in self.world.workspaces if w is not attacker and kind in w.records]
        source = data.draw(st.sampled_from(sources), "source")
        self.world.link(index, attacker, source, member, by_session)

    @rule(data=st.data())
    def read_a_list(self, data):
        workspace, member, by_session = self.actor(data)
        path = data.draw(st.sampled_from(self.world.lists), "list")
        self.world.call(workspace, "GET", path.lstrip("/"), member, by_session)

    @rule(data=st.data())
    def search_for_another_workspace(self, data):
        workspace, member, by_session = self.actor(data)
        other = data.draw(st.sampled_from([w for w in self.world.workspaces if w is not workspace]))
        query = data.draw(
            st.sampled_from([f"xw{other.index}m", *[m for _, m in other.records["contact"]]])
        )
        for path in ("search", "contacts", "companies", "deals", "products"):
            found = self.world.api.call("GET", f"{path}?q={query}", member.headers(by_session))
            assert found.status_code < 500, found.text
            # The answer may repeat the query; what it found must not be another's.
            leaked = foreign_markers(found.text.replace(query, ""), workspace.index)
            assert not leaked, f"{path}?q={query} in workspace {workspace.index}: {found.text}"


def test_members_of_three_workspaces_never_reach_each_other(world):
    CrossWorkspace.world = world
    run = settings(
        max_examples=12,
        stateful_step_count=50,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    CrossWorkspace.TestCase.settings = run
    CrossWorkspace.TestCase().runTest()
