"""TODO"""


async def scan_due_work(session, settings, now) -> int:
    return 0
