"""Vertical pack: Retail."""

from atrium.platform.packs import Pack

PACK = Pack(key="retail", names={"en": "Retail", "ru": "Розница"})
