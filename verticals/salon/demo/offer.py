"""What the demo salon offers, in English and Russian: two salons, services by category with
their lengths, prices (in roubles; scaled to the workspace's currency), repeat intervals and
consumables, stock, and masters with their weekly hours."""

from datetime import time
from decimal import Decimal

# key: (name en, name ru, address en, address ru, phone, slug)
LOCATIONS = {
    "centre": ("Liza on Arbat", "Лиза на Арбате", "12 Arbat Street", "ул. Арбат, 12",
               "+7 495 555-01-23", "arbat"),
    "sokol": ("Liza at Sokol", "Лиза на Соколе", "77 Leningradsky Avenue",
              "Ленинградский пр-т, 77", "+7 495 555-04-56", "sokol"),
}  # fmt: skip

CATEGORIES = {"hair": ("Hair", "Волосы"), "nails": ("Nails", "Ногти"), "care": ("Care", "Уход")}

# key: (name en, name ru, category, minutes, price in roubles, repeat after days)
SERVICES = {
    "cut": ("Women's haircut", "Женская стрижка", "hair", 60, 2500, 42),
    "men": ("Men's haircut", "Мужская стрижка", "hair", 45, 1500, 28),
    "colour": ("Colouring", "Окрашивание", "hair", 120, 6000, 56),
    "styling": ("Blow-dry and styling", "Укладка", "hair", 45, 1800, None),
    "keratin": ("Keratin treatment", "Кератиновое выпрямление", "hair", 150, 9000, 120),
    "manicure": ("Manicure with gel polish", "Маникюр с гель-лаком", "nails", 90, 2200, 21),
    "pedicure": ("Pedicure", "Педикюр", "nails", 75, 2800, 35),
    "facial": ("Facial cleansing", "Чистка лица", "care", 60, 3500, 30),
    "brows": ("Brow shaping and tint", "Коррекция и окрашивание бровей", "care", 30, 1200, 28),
}

# key: (name en, name ru, kind, unit, retail price in roubles or None)
STOCK = {
    "dye": ("Hair dye, tube", "Краска для волос, туба", "consumable", "pcs", None),
    "oxidant": ("Oxidant 6%", "Оксидант 6%", "consumable", "ml", None),
    "gel": ("Gel polish", "Гель-лак", "consumable", "pcs", None),
    "keratin": ("Keratin composition", "Кератиновый состав", "consumable", "ml", None),
    "towels": ("Disposable towels", "Одноразовые полотенца", "consumable", "pcs", None),
    "mask": ("Repair hair mask", "Восстанавливающая маска для волос", "retail", "pcs", 1400),
    "shampoo": ("Colour care shampoo", "Шампунь для окрашенных волос", "retail", "pcs", 1200),
}
# A stock item's unit is a word people type: the demo writes it in its language.
UNITS = {"pcs": ("pcs", "шт"), "ml": ("ml", "мл")}
# service -> what one use of it takes
CONSUMABLES = {
    "colour": {"dye": Decimal(2), "oxidant": Decimal(60), "towels": Decimal(2)},
    "keratin": {"keratin": Decimal(50), "towels": Decimal(2)},
    "cut": {"towels": Decimal(1)},
    "men": {"towels": Decimal(1)},
    "manicure": {"gel": Decimal("0.1")},
    "pedicure": {"towels": Decimal(1)},
    "facial": {"towels": Decimal(2)},
}
# (item, salon) -> (quantity, reorder level, reorder quantity); gel and keratin are low in the
# centre and the shampoo is at its level: the reorder list has something to show.
LEVELS = {
    ("dye", "centre"): (14, 10, 20),
    ("oxidant", "centre"): (3000, 1000, 2000),
    ("gel", "centre"): (2, 3, 10),
    ("keratin", "centre"): (250, 300, 1000),
    ("towels", "centre"): (180, 100, 300),
    ("mask", "centre"): (8, 3, 6),
    ("shampoo", "centre"): (5, 5, 10),
    ("dye", "sokol"): (6, 4, 10),
    ("gel", "sokol"): (5, 2, 6),
    ("towels", "sokol"): (90, 50, 200),
    ("mask", "sokol"): (3, 2, 4),
}

WEEKDAYS, TUE_SAT, WED_SUN = range(5), range(1, 6), range(2, 7)


def _same(days, *intervals) -> dict[int, list[tuple[time, time]]]:
    return {day: list(intervals) for day in days}


# key: (name en, name ru, position en, position ru, salon, services, {weekday: intervals},
#       breaks [(weekday or None, starts, ends)], colour, commission %, {service: (price, minutes)})
MASTERS = {
    "anna": (
        "Sophie Turner", "Анна Петрова", "Top stylist", "Топ-стилист", "centre",
        ["cut", "colour", "styling", "keratin"],
        _same(WEEKDAYS, (time(10), time(19))),
        [(None, time(14), time(15))], "#c2185b", 45, {"colour": (7000, 150)},
    ),
    "olga": (
        "Kate Miller", "Ольга Ким", "Nail artist", "Мастер ногтевого сервиса", "centre",
        ["manicure", "pedicure"],
        _same(TUE_SAT, (time(9), time(18))),
        [(None, time(13), time(13, 30))], "#7b1fa2", 40, {},
    ),
    "dmitry": (
        "Daniel Reed", "Дмитрий Орлов", "Barber", "Барбер", "centre",
        ["men", "cut", "styling"],
        _same(WED_SUN, (time(11), time(20))),
        [(None, time(15), time(15, 30))], "#1565c0", 40, {"cut": (2200, 60)},
    ),
    "elena": (
        "Helen Ross", "Елена Соколова", "Cosmetologist", "Косметолог", "centre",
        ["facial", "brows"],
        {0: [(time(10), time(20))], 2: [(time(10), time(20))], 4: [(time(10), time(20))],
         3: [(time(9), time(13)), (time(16), time(20))], 5: [(time(10), time(16))]},
        [(0, time(14), time(15)), (2, time(14), time(15)), (4, time(14), time(15))],
        "#2e7d32", 35, {},
    ),
    "maria": (
        "Mary Cole", "Мария Белова", "Stylist", "Парикмахер-универсал", "sokol",
        ["cut", "styling", "manicure", "colour"],
        _same(range(6), (time(10), time(18))),
        [(None, time(13), time(14))], "#ef6c00", 40, {},
    ),
}  # fmt: skip

# Rough roubles per unit of other currencies, for plausible prices (rounded to a nice figure).
ROUBLES_PER = {"RUB": 1, "BYN": 28, "KZT": Decimal("0.19"), "UAH": Decimal("2.2")}
ROUBLES_PER_OTHER = 60  # USD, EUR, GBP and the like


def price_in(roubles: int, currency: str) -> Decimal:
    rate = Decimal(ROUBLES_PER.get(currency, ROUBLES_PER_OTHER))
    amount = Decimal(roubles) / rate
    step = Decimal(50) if amount >= 1000 else Decimal(5) if amount >= 50 else Decimal(1)
    return max((amount / step).quantize(Decimal(1)) * step, Decimal(1))
