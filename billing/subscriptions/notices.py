"""What owners are told by e-mail when billing changes state, in the workspace's language.

Queued as system mail in the same transaction as the change, so a state change that rolls back
sends nothing. (In the app, every page shows owners the same state in a banner.)
"""

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from atrium.billing.subscriptions.models import Subscription
from atrium.platform.auth.models import Membership, Role, User
from atrium.platform.config import get_settings
from atrium.platform.mail.service import queue_system_mail
from atrium.platform.tenancy.models import Tenant

_TEXTS = {
    "payment_failed": {
        "en": (
            "Payment failed for {name}",
            "We could not collect the payment for {name} on Atrium. We will try again over "
            "the next days. Please check the card on the billing page:\n{link}\n\n"
            "If it is still unpaid on {deadline}, the workspace becomes read-only until it is "
            "paid. Nothing will be deleted.\n",
        ),
        "ru": (
            "Не удалось списать оплату за {name}",
            "Мы не смогли списать оплату за {name} в Atrium и попробуем ещё раз в ближайшие "
            "дни. Проверьте карту на странице оплаты:\n{link}\n\nЕсли счёт не будет оплачен "
            "до {deadline}, пространство перейдёт в режим только для чтения до оплаты. Данные "
            "не удаляются.\n",
        ),
    },
    "payment_recovered": {
        "en": ("{name} is paid again", "Thank you: the payment for {name} went through.\n"),
        "ru": ("{name} снова оплачено", "Спасибо: оплата за {name} прошла.\n"),
    },
    "read_only": {
        "en": (
            "{name} is read-only until paid",
            "The invoice for {name} is still unpaid, so the workspace is read-only: you can see "
            "everything but not change it. Paying restores it at once:\n{link}\n",
        ),
        "ru": (
            "{name}: только чтение до оплаты",
            "Счёт за {name} не оплачен, поэтому пространство открыто только для чтения. "
            "Оплата сразу всё вернёт:\n{link}\n",
        ),
    },
    "trial_ended": {
        "en": (
            "The trial of {name} has ended",
            "The 14-day trial of {name} has ended and the workspace is on the Free plan now. "
            "Your data stays; choose a plan to keep adding:\n{link}\n",
        ),
        "ru": (
            "Пробный период {name} закончился",
            "Пробные 14 дней для {name} закончились, пространство на бесплатном тарифе. "
            "Данные сохранены; выберите тариф, чтобы продолжить:\n{link}\n",
        ),
    },
}


async def _tell_owners(session: AsyncSession, subscription: Subscription, kind: str) -> None:
    tenant = await session.get(Tenant, subscription.tenant_id)
    if tenant is None or tenant.slug is None:
        return
    owners = await session.scalars(
        select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.tenant_id == tenant.id, Membership.role == Role.OWNER)
    )
    link = f"{get_settings().base_url.rstrip('/')}/w/{tenant.slug}/settings/billing"
    deadline = subscription.grace_ends_at.date().isoformat() if subscription.grace_ends_at else ""
    for owner in owners:
        language = owner.locale if owner.locale in ("en", "ru") else tenant.locale
        subject, text = _TEXTS[kind].get(language, _TEXTS[kind]["en"])
        values = {"name": tenant.name, "link": link, "deadline": deadline}
        await queue_system_mail(
            session, to=owner.email, subject=subject.format(**values), text=text.format(**values)
        )


async def payment_failed(session: AsyncSession, subscription: Subscription) -> None:
    await _tell_owners(session, subscription, "payment_failed")


async def payment_recovered(session: AsyncSession, subscription: Subscription) -> None:
    await _tell_owners(session, subscription, "payment_recovered")


async def became_read_only(session: AsyncSession, subscription: Subscription) -> None:
    await _tell_owners(session, subscription, "read_only")


async def trial_ended(session: AsyncSession, subscription: Subscription) -> None:
    await _tell_owners(session, subscription, "trial_ended")
