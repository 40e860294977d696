"""Vertical pack: Franchise network."""

from atrium.platform.packs import Pack

PACK = Pack(key="franchise", names={"en": "Franchise network", "ru": "Франчайзинговая сеть"})
