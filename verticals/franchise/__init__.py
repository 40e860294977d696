"""Vertical pack: Franchise network."""

from atrium.platform.packs import CLOSING_STAGES, Pack

PACK = Pack(
    key="franchise",
    names={"en": "Franchise network", "ru": "Франчайзинговая сеть"},
    plan="network",  # a network of branches, on the plan that pays for them
    pipelines=[
        (
            ("Franchise applications", "Заявки на франшизу"),
            [
                ("Application", "Заявка", "open", 5),
                ("Call", "Звонок", "open", 15),
                ("Meeting", "Встреча", "open", 40),
                ("Contract", "Договор", "open", 80),
                *CLOSING_STAGES,
            ],
        ),
    ],
)
