"""Background jobs on dramatiq + Redis; the only package that imports dramatiq.

Declare actors with ``tenant_actor`` / ``system_actor``, send them with ``Job.send``; a worker
(``worker.run_worker`` or ``worker.EmbeddedWorker``) runs them. Failed jobs are kept in
``atrium.failed_jobs`` (``list_failed_jobs``, ``retry_failed_job``).
"""

from atrium.platform.jobs.actors import (
    Job,
    MissingTenant,
    SystemJob,
    TenantJob,
    configure_broker,
    declared_jobs,
    system_actor,
    tenant_actor,
    use_broker,
)
from atrium.platform.jobs.broker import build_broker, enqueue
from atrium.platform.jobs.dead_letters import list_failed_jobs, retry_failed_job

__all__ = [
    "Job",
    "MissingTenant",
    "SystemJob",
    "TenantJob",
    "build_broker",
    "configure_broker",
    "declared_jobs",
    "enqueue",
    "list_failed_jobs",
    "retry_failed_job",
    "system_actor",
    "tenant_actor",
    "use_broker",
]
