"""What a person calls each field the API names (``first_name`` is "First name"), so that a
message about a field names it by its label in the reader's language, never by its key.

Labels are English here (a pack's in its ``Pack.field_labels``) and translated by the catalogs
like any page string; a field not
listed is named by its key in words (``lost_reason`` -> "Lost reason").
"""

import re
from functools import cache

from atrium.platform.packs import registered_packs

FIELD_LABELS = {
    "first_name": "First name",
    "middle_name": "Middle name",
    "last_name": "Last name",
    "name": "Name",
    "phone": "Phone",
    "phones": "Phone",
    "email": "E-mail",
    "emails": "E-mail",
    "birthday": "Birthday",
    "gender": "Gender",
    "address": "Address",
    "source": "Source",
    "owner_id": "Owner",
    "notes": "Notes",
    "note": "Note",
    "tags": "Tags",
    "company": "Company",
    "companies": "Companies",
    "company_name": "Company",
    "contact": "Contact",
    "contact_id": "Contact",
    "client": "Client",
    "client_id": "Client",
    "title": "Title",
    "stage": "Stage",
    "stage_id": "Stage",
    "pipeline": "Pipeline",
    "pipeline_id": "Pipeline",
    "amount": "Amount",
    "currency": "Currency",
    "price": "Price",
    "unit": "Unit",
    "sku": "SKU",
    "status": "Status",
    "subject": "Subject",
    "comment": "Comment",
    "message": "Message",
    "text": "Text",
    "body": "Message text",
    "html": "HTML version for e-mail",
    "timezone": "Time zone",
    "country": "Country",
    "locale": "Language",
    "language": "Language",
    "role": "Role",
    "password": "Password",
    "code": "Confirmation code",
    "start": "Start",
    "assignee": "Assignee",
    "assignee_id": "Assignee",
    "kind": "Kind",
    "channel": "Channel",
    "position": "Position",
    "description": "Description",
    "category": "Category",
    "quantity": "Quantity",
    "points": "Points",
    "label": "Label",
    "key": "Key",
    "choices": "Choices",
    "segment": "Segment",
    "segment_id": "Segment",
    "website": "Website",
    "date_from": "From",
    "date_to": "To",
    "limit": "Limit",
    "cursor": "Cursor",
    "q": "Search",
    "due": "Due",
    "due_at": "Due",
    "remind_at": "Reminder",
    "expires_at": "Expires at",
    "received_at": "Received",
    "at": "When",
    "starts_on": "First day",
    "ends_on": "Last day",
    "since": "Since",
    "lost_reason": "Reason for loss",
    "file": "File",
    "vertical": "Trade",
    "plan": "Plan",
}
_INDEX = re.compile(r"\[\d+\]")
# Parts of a listed value named by the list: phones[0].number is the phone.
_PARTS = {"number", "address", "kind"}


@cache
def _labels() -> dict[str, str]:
    """The core's labels, then what each pack names its own fields."""
    labels = dict(FIELD_LABELS)
    for pack in registered_packs().values():
        labels.update(pack.field_labels)
    return labels


def field_label(field: str) -> str:
    """The English label of an API field: ``phones[0].number`` is "Phone", ``custom.size`` its
    key in words."""
    labels = _labels()
    path = _INDEX.sub("", field).split(".")
    for key in (path[0], path[-1]) if len(path) > 1 and path[-1] in _PARTS else (path[-1],):
        if key in labels:
            return labels[key]
    words = path[-1].removesuffix("_id").replace("_", " ").strip()
    return words[:1].upper() + words[1:] if words else field
