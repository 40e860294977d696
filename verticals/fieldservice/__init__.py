"""Vertical pack: Field service."""

from atrium.platform.packs import CLOSING_STAGES, Pack

PACK = Pack(
    key="fieldservice",
    names={"en": "Field service", "ru": "Выездное обслуживание"},
    pipelines=[
        (
            ("Windows", "Окна"),
            [
                ("Clarify the need", "Уточнение потребности", "open", 10),
                ("Measurement", "Замер", "open", 25),
                ("Price calculation", "Расчёт стоимости", "open", 40),
                ("Contract signed", "Договор подписан", "open", 70),
                ("Production", "Производство", "open", 80),
                ("Installation", "Монтаж", "open", 90),
                *CLOSING_STAGES,
            ],
        ),
    ],
    demo_offer=[
        ("Air conditioner service", "Обслуживание кондиционера", "service", 4500),
        ("Boiler repair", "Ремонт котла", "service", 7000),
        ("Call-out", "Выезд мастера", "service", 1500),
        ("Filter", "Фильтр", "product", 900),
    ],
)
