"""Vertical pack: Beauty salon."""

from atrium.platform.packs import Pack

PACK = Pack(key="salon", names={"en": "Beauty salon", "ru": "Салон красоты"})
