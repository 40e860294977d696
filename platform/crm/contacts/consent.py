"""Whether a customer may get marketing on a channel: they agreed to marketing, and have not
unsubscribed from that channel since. One place for the rule, in Python and in SQL."""

from sqlalchemy import ColumnElement, and_, not_

from atrium.platform.crm.contacts.models import Contact

MARKETING_CHANNELS = ("email", "sms", "telegram")


def may_market(contact: Contact, channel: str) -> bool:
    return bool(contact.marketing_consent) and channel not in (contact.marketing_opt_outs or [])


def marketing_allowed(channel: str) -> ColumnElement[bool]:
    return and_(
        Contact.marketing_consent.is_(True), not_(Contact.marketing_opt_outs.contains([channel]))
    )
