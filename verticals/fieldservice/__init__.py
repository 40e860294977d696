"""Vertical pack: Field service."""

from atrium.platform.packs import Pack

PACK = Pack(key="fieldservice", names={"en": "Field service", "ru": "Выездное обслуживание"})
