"""TODO"""


async def fill_demo(session, principal, locale) -> int:
    return 0


async def clear_demo(session) -> int:
    return 0
