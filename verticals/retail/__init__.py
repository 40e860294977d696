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
    demo_offer=[
        ("Gift card", "Подарочная карта", "product", 3000),
        ("Scented candle", "Ароматическая свеча", "product", 1200),
        ("Tea set", "Чайный набор", "product", 4800),
        ("Gift wrapping", "Подарочная упаковка", "service", 300),
    ],
)
