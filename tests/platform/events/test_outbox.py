"""Domain events: recorded with the change, published by the relay once, dispatched once."""

import asyncio
import secrets

import pytest
from sqlalchemy import func, select, text, update

from atrium.platform.db.types import utcnow
from atrium.platform.events.handlers import ANY_EVENT, on_event
from atrium.platform.events.models import OutboxEvent
from atrium.platform.events.relay import MAX_PUBLISHES, OutboxRelay, event_key
from atrium.platform.events.service import record_event
from atrium.platform.jobs import retry_failed_job
from tests.platform.jobs.conftest import eventually, failed_jobs_keyed, fast_retries

# (event name, payload) of every dispatch that reached the handlers.
dispatched: list[tuple[str, dict]] = []


@on_event(ANY_EVENT)
async def remember(session, event: OutboxEvent) -> None:
    dispatched.append((event.name, dict(event.payload)))


def times_dispatched(ref: str) -> int:
    return sum(1 for _, payload in dispatched if payload.get("ref") == ref)


async def record(db, schema, name: str) -> tuple[int, str]:
    ref = secrets.token_hex(6)
    async with db.tenant_transaction(schema) as session:
        event = await record_event(session, name, {"ref": ref})
    return event.id, ref


async def published_at(db, schema, event_id: int):
    async with db.tenant_transaction(schema) as session:
        return await session.scalar(
            select(OutboxEvent.published_at).where(OutboxEvent.id == event_id)
        )


async def test_an_event_of_a_committed_transaction_is_published_and_dispatched_once(
    db, workspace, drained
):
    event_id, ref = await record(db, workspace, "contact.created")

    await eventually(lambda: published_at(db, workspace, event_id))
    await drained()

    assert times_dispatched(ref) == 1
    assert ("contact.created", {"ref": ref}) in dispatched
    async with db.tenant_transaction(workspace) as session:
        marked = await session.scalar(
            select(OutboxEvent.dispatched_at).where(OutboxEvent.id == event_id)
        )
    assert marked is not None  # the once-only mark, committed with the handlers' work


async def test_an_event_of_a_rolled_back_transaction_is_never_published(db, workspace, drained):
    ref = secrets.token_hex(6)
    with pytest.raises(RuntimeError):
        async with db.tenant_transaction(workspace) as session:
            await record_event(session, "contact.deleted", {"ref": ref})
            raise RuntimeError("the request failed after recording the event")
    marker_id, marker = await record(db, workspace, "contact.updated")

    await eventually(lambda: published_at(db, workspace, marker_id))
    await drained()

    assert times_dispatched(marker) == 1
    assert times_dispatched(ref) == 0
    async with db.tenant_transaction(workspace) as session:
        rows = await session.scalar(
            select(func.count()).where(OutboxEvent.payload["ref"].astext == ref)
        )
    assert rows == 0


async def test_an_event_published_again_is_not_dispatched_again(db, workspace, drained):
    event_id, ref = await record(db, workspace, "appointment.booked")
    await eventually(lambda: published_at(db, workspace, event_id))
    await drained()
    assert times_dispatched(ref) == 1

    # As if a relay had sent it and died before committing: unpublished again, and notified.
    async with db.tenant_transaction(workspace) as session:
        await session.execute(
            update(OutboxEvent).where(OutboxEvent.id == event_id).values(published_at=None)
        )
        await session.execute(text("SELECT pg_notify('atrium_outbox', current_user)"))
    await eventually(lambda: published_at(db, workspace, event_id))
    await drained()

    assert times_dispatched(ref) == 1


async def test_two_relays_sweeping_at_once_publish_each_event_once(db, workspace, drained):
    # Written without a notification, as if no relay had been listening.
    refs = [secrets.token_hex(6) for _ in range(3)]
    async with db.tenant_transaction(workspace) as session:
        session.add_all(OutboxEvent(name="invoice.paid", payload={"ref": ref}) for ref in refs)

    first, second = OutboxRelay(db), OutboxRelay(db)
    await asyncio.gather(first.publish_workspace(workspace), second.sweep())
    await drained()

    assert first.published + second.published == 3
    assert [times_dispatched(ref) for ref in refs] == [1, 1, 1]


async def test_event_names_are_dotted(db, workspace):
    with pytest.raises(ValueError, match="dotted"):
        async with db.tenant_transaction(workspace) as session:
            await record_event(session, "ContactCreated", {})


async def test_the_relay_reconnects_and_sweeps_what_it_missed(db, workspace, drained):
    async def terminate_listener() -> int:
        async with db.shared_transaction() as session:
            return len(
                list(
                    await session.scalars(
                        text(
                            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                            "WHERE datname = current_database() AND query LIKE 'LISTEN %'"
                        )
                    )
                )
            )

    assert await eventually(terminate_listener) >= 1
    # Nobody listens now: this notification is lost, and the sweep after reconnecting finds it.
    event_id, ref = await record(db, workspace, "contact.merged")

    await eventually(lambda: published_at(db, workspace, event_id), timeout_s=10)
    await drained()
    assert times_dispatched(ref) == 1


breaking: set[str] = set()  # refs whose handler fails


@on_event("test.handler_breaks")
async def break_while_asked(session, event: OutboxEvent) -> None:
    if event.payload["ref"] in breaking:
        raise RuntimeError("this handler always fails")


async def outbox_row(db, schema, event_id: int) -> OutboxEvent:
    async with db.tenant_transaction(schema) as session:
        return await session.get(OutboxEvent, event_id)


async def test_an_event_whose_handler_always_fails_is_not_republished_until_retried(
    db, workspace, drained
):
    ref = secrets.token_hex(6)
    breaking.add(ref)
    with fast_retries("outbox.dispatch", max_retries=1):
        async with db.tenant_transaction(workspace) as session:
            event_id = (await record_event(session, "test.handler_breaks", {"ref": ref})).id
        key = event_key(workspace, event_id)
        [failed] = await eventually(lambda: failed_jobs_keyed(db, key))
        await eventually(lambda: _failed_at(db, workspace, event_id))
        await drained()

    # A relay republishing everything not dispatched (even at once) leaves it alone now.
    assert await OutboxRelay(db, republish_after_s=0).publish_workspace(workspace) == 0
    await drained()
    assert len(await failed_jobs_keyed(db, key)) == 1
    row = await outbox_row(db, workspace, event_id)
    assert row.publish_attempts == 1 and row.dispatched_at is None
    assert "this handler always fails" in failed.error

    breaking.discard(ref)  # fixed: the operator retries the failed job
    await retry_failed_job(db, failed.id)

    async def dispatched_now():
        return (await outbox_row(db, workspace, event_id)).dispatched_at

    await eventually(dispatched_now)
    await drained()
    assert (await outbox_row(db, workspace, event_id)).failed_at is None
    assert len(await failed_jobs_keyed(db, key)) == 1


async def test_an_event_lost_on_the_way_is_republished_a_limited_number_of_times(db, workspace):
    async with db.tenant_transaction(workspace) as session:
        lost = OutboxEvent(name="test.lost", payload={}, published_at=utcnow())
        session.add(lost)
        await session.flush()
        lost.publish_attempts = MAX_PUBLISHES - 1
    relay = OutboxRelay(db, republish_after_s=0)
    # The worker may dispatch it meanwhile; either way it is sent at most once more.
    await relay.publish_workspace(workspace)
    assert (await outbox_row(db, workspace, lost.id)).publish_attempts == MAX_PUBLISHES
    async with db.tenant_transaction(workspace) as session:
        await session.execute(
            update(OutboxEvent).where(OutboxEvent.id == lost.id).values(dispatched_at=None)
        )
    await relay.publish_workspace(workspace)
    assert (await outbox_row(db, workspace, lost.id)).publish_attempts == MAX_PUBLISHES


async def _failed_at(db, schema, event_id):
    return (await outbox_row(db, schema, event_id)).failed_at


async def test_atrium_jobs_lists_a_real_failed_job_and_retry_runs_it_again(
    db, workspace, drained, jobs_namespace
):
    from tests.web.test_cli import atrium

    ref = secrets.token_hex(6)
    breaking.add(ref)
    with fast_retries("outbox.dispatch", max_retries=0):
        async with db.tenant_transaction(workspace) as session:
            event_id = (await record_event(session, "test.handler_breaks", {"ref": ref})).id
        [failed] = await eventually(lambda: failed_jobs_keyed(db, event_key(workspace, event_id)))
        await drained()

    listed = await asyncio.to_thread(atrium, "jobs", "failed")
    assert listed.returncode == 0 and str(failed.id) in listed.stdout, listed.stdout
    breaking.discard(ref)
    env = {"ATRIUM_JOBS_NAMESPACE": jobs_namespace}
    retried = await asyncio.to_thread(atrium, "jobs", "retry", str(failed.id), env=env)
    assert retried.returncode == 0, retried.stderr

    async def dispatched_now():
        return (await outbox_row(db, workspace, event_id)).dispatched_at

    await eventually(dispatched_now, timeout_s=15)
    again = await asyncio.to_thread(atrium, "jobs", "retry", str(failed.id), env=env)
    assert again.returncode == 1 and "already retried" in again.stderr
