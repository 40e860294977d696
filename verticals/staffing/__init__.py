"""Vertical pack: Staffing."""

from atrium.platform.packs import CLOSING_STAGES, Pack

PACK = Pack(
    key="staffing",
    names={"en": "Staffing", "ru": "Грузчики и персонал"},
    pipelines=[
        (
            ("Orders", "Заказы"),
            [
                ("New order", "Новый заказ", "open", 20),
                ("Workers invited", "Рабочие приглашены", "open", 50),
                ("Crew confirmed", "Бригада подтверждена", "open", 80),
                *CLOSING_STAGES,
            ],
        ),
    ],
    demo_offer=[
        ("Two movers, 4 hours", "Два грузчика, 4 часа", "service", 6400),
        ("Truck with driver, hour", "Грузовик с водителем, час", "service", 2000),
        ("Packing materials", "Упаковочные материалы", "product", 1500),
    ],
)
