"""Vertical pack: Retail."""

from atrium.platform.packs import CLOSING_STAGES, Pack

PACK = Pack(
    key="retail",
    names={"en": "Retail", "ru": "Розница"},
    pipelines=[
        (
            ("Orders", "Заказы"),
            [
                ("New order", "Новый заказ", "open", 30),
                ("Paid", "Оплачен", "open", 80),
                ("Shipped", "Отгружен", "open", 95),
                *CLOSING_STAGES,
            ],
        ),
    ],
)
