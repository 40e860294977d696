"""What a new salon workspace starts with besides its pack: the bookings pipeline, the
subjects clients turn to a salon about, and the products its demo data sells, in English and
Russian."""

from atrium.platform.packs import CLOSING_STAGES, DefaultName, DefaultPipeline, DemoOffer

PIPELINES: list[DefaultPipeline] = [
    (
        ("Bookings", "Записи"),
        [
            ("Request", "Заявка", "open", 20),
            ("Booked", "Записан", "open", 60),
            ("Visited", "Пришёл", "open", 90),
            *CLOSING_STAGES,
        ],
    ),
]

APPEAL_SUBJECTS: list[DefaultName] = [
    ("Booking a service", "Запись на услугу"),
    ("Moving or cancelling a visit", "Перенос или отмена визита"),
    ("Prices and services", "Цены и услуги"),
    ("Choosing a master", "Выбор мастера"),
    ("Quality of a service", "Качество услуги"),
    ("Complaint about a master", "Жалоба на мастера"),
    ("Reaction or allergy after a treatment", "Реакция или аллергия после процедуры"),
    ("Waiting or lateness at the salon", "Ожидание или опоздание в салоне"),
    ("Gift certificate", "Подарочный сертификат"),
    ("Loyalty card and points", "Карта лояльности и баллы"),
    ("Buying cosmetics", "Покупка косметики"),
    ("Working at the salon", "Работа в салоне"),
]

DEMO_OFFER: list[DemoOffer] = [
    ("Women's haircut", "Женская стрижка", "service", 2500),
    ("Colouring", "Окрашивание", "service", 6000),
    ("Manicure with gel polish", "Маникюр с гель-лаком", "service", 2200),
    ("Keratin treatment", "Кератиновое выпрямление", "service", 9000),
    ("Hair mask", "Маска для волос", "product", 1400),
]
