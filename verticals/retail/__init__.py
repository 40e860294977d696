"""Vertical pack: Retail."""

from atrium.platform.packs import Pack

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
                ("Won", "Успешно", "won", 100),
                ("Lost", "Не реализовано", "lost", 0),
            ],
        ),
    ],
)
