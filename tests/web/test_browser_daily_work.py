"""A new salon's first day in a real browser (headless Chromium), on a desk and on a 375 px
phone: sign up, add a client, create a deal, drag it to the next stage, complete a task,
switch to English, sign out. No page breaks the Content-Security-Policy or overflows the
phone's width; screenshots of the main pages land in tests/artifacts/."""

import re
import secrets

import pytest
from playwright.async_api import expect

from tests.helpers import STRONG_PASSWORD
from tests.web.conftest import screenshot_path

SCREENS = {"desk": {"width": 1280, "height": 800}, "phone": {"width": 375, "height": 812}}


async def fits_width(page, width: int) -> None:
    overflow = await page.evaluate("document.documentElement.scrollWidth")
    assert overflow <= width, f"{page.url} is {overflow}px wide on a {width}px screen"


@pytest.mark.parametrize("screen", SCREENS)
async def test_a_salon_signs_up_and_does_a_days_work(browser, live_server, screen):
    viewport = SCREENS[screen]
    context = await browser.new_context(viewport=viewport)
    page = await context.new_page()
    refused: list[str] = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text)
            if "Content Security Policy" in message.text or message.type == "error"
            else None
        ),
    )
    shot = lambda name: screenshot_path(f"{screen}-{name}")  # noqa: E731
    suffix = secrets.token_hex(3)

    # Sign up in Russian as a salon, without demo data.
    await page.goto(f"{live_server}/signup?lang=ru")
    await page.get_by_label("Название компании").fill(f"Салон Мира {suffix}")
    await page.get_by_label("Ваше имя").fill("Мира")
    await page.get_by_label("Эл. почта").fill(f"mira-{suffix}@browser.example")
    await page.get_by_label("Пароль").fill(STRONG_PASSWORD)
    await page.get_by_label("Ваш бизнес").select_option("salon")
    await page.get_by_label(re.compile("демо")).uncheck()
    await page.get_by_role("button", name="Создать").click()
    await expect(page).to_have_url(re.compile(r"/w/[a-z0-9-]+/$"))
    base = page.url.rstrip("/")
    await expect(page.get_by_role("heading", name="С чего начать")).to_be_visible()
    await fits_width(page, viewport["width"])
    await page.screenshot(path=shot("home"), full_page=True)

    # A client, with a phone typed as people type it.
    await page.get_by_role("navigation", name="Разделы").get_by_role("link", name="Клиенты").click()
    await expect(page.get_by_text("Клиентов пока нет")).to_be_visible()
    await page.get_by_role("link", name="Добавить клиента").first.click()
    await page.get_by_label("Имя", exact=True).fill("Ольга")
    await page.get_by_label("Фамилия").fill("Смирнова")
    await page.get_by_label("Телефон", exact=True).fill("8 916 123-45-67")
    await page.get_by_role("button", name="Сохранить").click()
    await expect(page.get_by_role("heading", name="Смирнова Ольга")).to_be_visible()
    await expect(page.get_by_role("link", name="+7 916 123-45-67")).to_be_visible()
    await fits_width(page, viewport["width"])
    await page.screenshot(path=shot("contact-card"), full_page=True)

    # A deal for her, then dragged to the next stage on the board.
    await page.goto(f"{base}/deals/new")
    await page.get_by_label("Название").fill("Свадебная причёска")
    await page.get_by_label("Сумма").fill("7 500")
    # the client is picked by typing, by keyboard: her phone tells her apart
    client_field = page.get_by_label("Клиент", exact=True)
    await client_field.press_sequentially("смирн")
    option = page.get_by_role("option", name=re.compile("Смирнова Ольга"))
    await expect(option).to_contain_text("+7 916 123-45-67")
    await client_field.press("ArrowDown")
    await client_field.press("Enter")
    await expect(client_field).to_have_value("Смирнова Ольга")
    await expect(option).to_be_hidden()
    await page.get_by_role("button", name="Создать сделку").click()
    await expect(page.get_by_role("heading", name="Свадебная причёска")).to_be_visible()
    await expect(page.get_by_role("link", name="Смирнова Ольга")).to_be_visible()
    await expect(page.get_by_text("7 500,00 ₽").first).to_be_visible()
    await page.goto(f"{base}/deals")
    columns = page.locator(".cards")
    card = columns.nth(0).locator(".deal-card", has_text="Свадебная причёска")
    await expect(card).to_be_visible()
    await expect(page.locator("#board[data-ready='1']")).to_have_count(1)  # drag is ready
    if screen == "desk":
        await card.drag_to(columns.nth(1))
    else:  # a phone shows the next column off screen: each card has a stage picker instead
        await card.get_by_label("Перенести в").select_option(index=1)
        await card.get_by_role("button", name="Перенести").click()
    await expect(page.get_by_role("status")).to_contain_text("перенесена")
    await expect(columns.nth(1).get_by_text("Свадебная причёска")).to_be_visible()
    await expect(columns.nth(0).get_by_text("Свадебная причёска")).to_have_count(0)
    await page.screenshot(path=shot("deals-board"), full_page=True)

    # A task for today, completed.
    await page.get_by_role("navigation", name="Разделы").get_by_role("link", name="Задачи").click()
    await page.get_by_label("Новая задача").fill("Перезвонить Ольге")
    await page.get_by_role("button", name="Добавить задачу").click()
    await expect(page.get_by_role("status")).to_have_text("Задача добавлена.")
    await page.get_by_role("button", name="Отметить выполненной: Перезвонить Ольге").click()
    await expect(
        page.get_by_role("button", name="Вернуть в работу: Перезвонить Ольге")
    ).to_be_visible()
    await fits_width(page, viewport["width"])
    await page.screenshot(path=shot("tasks"), full_page=True)

    # English from the user menu; money and dates follow.
    await page.locator("details.user summary").click()
    await page.get_by_role("link", name="English").click()
    await expect(page.get_by_role("heading", name="Tasks")).to_be_visible()
    await page.goto(f"{base}/deals?view=table")
    await expect(page.get_by_text("₽7,500.00")).to_be_visible()
    await page.goto(f"{base}/contacts")
    await expect(page.get_by_role("link", name="Смирнова Ольга")).to_be_visible()
    await expect(page.get_by_role("heading", name="Contacts")).to_be_visible()
    await fits_width(page, viewport["width"])
    await page.screenshot(path=shot("contacts"), full_page=True)

    await page.locator("details.user summary").click()
    await page.get_by_role("button", name="Sign out").click()
    await expect(page).to_have_url(re.compile(r"/login$"))
    assert not refused, refused
    await context.close()
