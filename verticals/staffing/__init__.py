"""Vertical pack: Staffing."""

from atrium.platform.packs import Pack

PACK = Pack(key="staffing", names={"en": "Staffing", "ru": "Грузчики и персонал"})
