"""What a form asks for, declared once by the page that shows it: each field's label (the words
the user reads, never the internal name), whether it must be filled in, and its longest length
taken from the model's column or the service's limit (one number, never typed twice).

Pages render the limits as ``maxlength``, check a submit for every missing or too long field at
once (``FormFields.problems``), and name a service's refusal by the field's label."""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import InstrumentedAttribute

from atrium.platform.errors import DomainError, Invalid


def gettext(message: str) -> str:
    """Marks a label for the translation catalogs; the page translates it when it shows it."""
    return message


def column_limit(column: InstrumentedAttribute) -> int:
    """The length of a ``String(n)`` column: the real limit of what can be stored."""
    return column.type.length


@dataclass(frozen=True)
class Field:
    label: str  # an English message id, translated by the page
    max_length: int | None = None
    required: bool = False


class Problems(Invalid):
    """Every problem of one submit, raised at once (``FormFields.check``); reads as the first."""

    def __init__(self, problems: list[DomainError]) -> None:
        first = problems[0]
        super().__init__(first.message, field=first.field, **first.params)
        self.problems = problems


class FormFields(dict[str, Field]):
    """A form's fields by their input names."""

    def limits(self) -> dict[str, int]:
        return {name: f.max_length for name, f in self.items() if f.max_length is not None}

    def problems(self, values: Mapping[str, Any]) -> list[Invalid]:
        """Every field of the submit left empty that must be filled in, and every text over its
        limit. Fields the submit does not carry belong to another form on the page."""
        found = []
        for name, spec in self.items():
            if name not in values:
                continue
            value = values.get(name)
            text = value.strip() if isinstance(value, str) else ""
            if spec.required and not text:
                found.append(Invalid("Fill in “%(label)s”.", field=name, label=spec.label))
            elif spec.max_length is not None and len(text) > spec.max_length:
                found.append(
                    Invalid(
                        "“%(label)s” holds at most %(max)d characters; this has %(length)d.",
                        field=name,
                        label=spec.label,
                        max=spec.max_length,
                        length=len(text),
                    )
                )
        return found

    def check(self, values: Mapping[str, Any]) -> None:
        """Raise ``Problems`` naming every problem of the submit, if it has any."""
        if found := self.problems(values):
            raise Problems(found)

    def labelled(self, error: DomainError) -> dict[str, Any]:
        """The error's parameters with the field's internal name (``first_name``) replaced by
        its label (still an English message id, for the page to translate)."""
        spec = self.get(error.field or "")
        if spec is None:
            return dict(error.params)
        return {
            key: spec.label if value == error.field or value == spec.label else value
            for key, value in error.params.items()
        }
