"""Vertical pack: Staffing."""

from atrium.platform.packs import Pack

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
                ("Won", "Успешно", "won", 100),
                ("Lost", "Не реализовано", "lost", 0),
            ],
        ),
    ],
)
