"""A person signs up, signs out and in again in a real browser (headless Chromium)."""

import re

from playwright.async_api import expect

from tests.helpers import STRONG_PASSWORD
from tests.web.conftest import screenshot_path


async def test_sign_up_lands_in_the_new_workspace_and_sign_in_works_again(page, live_server):
    await page.goto(f"{live_server}/signup?lang=en")
    await page.get_by_label("Company name").fill("Browser Windows Ltd")
    await page.get_by_label("Your name").fill("Olga")
    await page.get_by_label("E-mail").fill("olga@browser.example")
    await page.get_by_label("Password").fill(STRONG_PASSWORD)
    await page.get_by_label("Your business").select_option("fieldservice")
    await page.get_by_role("button", name="Create workspace").click()

    await expect(page).to_have_url(re.compile(r"/w/browser-windows-ltd/?$"))
    await expect(page.get_by_role("heading", name="Welcome, Olga")).to_be_visible()
    await expect(page.get_by_role("heading", name="Getting started")).to_be_visible()
    await page.screenshot(path=screenshot_path("workspace-home"), full_page=True)

    await page.locator("details.user summary").click()
    await page.get_by_role("button", name="Sign out").click()
    await expect(page).to_have_url(re.compile(r"/login$"))
    await page.goto(f"{live_server}/w/browser-windows-ltd/")
    await expect(page).to_have_url(re.compile(r"/login\?next="))

    await page.get_by_label("E-mail").fill("olga@browser.example")
    await page.get_by_label("Password").fill("not the password at all")
    await page.get_by_role("button", name="Sign in").click()
    await expect(page.get_by_role("alert")).to_have_text("Wrong e-mail or password.")
    await expect(page.get_by_label("E-mail")).to_have_value("olga@browser.example")

    await page.get_by_label("Password").fill(STRONG_PASSWORD)
    await page.get_by_role("button", name="Sign in").click()
    await expect(page).to_have_url(re.compile(r"/w/browser-windows-ltd/?$"))


async def test_signup_errors_show_next_to_the_field_in_russian(phone, live_server):
    await phone.goto(f"{live_server}/signup?lang=ru")
    await phone.get_by_label("Название компании").fill("Салон Мира")
    await phone.get_by_label("Эл. почта").fill("mira@browser.example")
    await phone.get_by_label("Пароль").fill("short")
    await phone.get_by_role("button", name="Создать").click()
    error = phone.locator("#password-error")
    await expect(error).to_have_text("Пароль должен быть не короче 10 символов.")
    await expect(phone.get_by_label("Название компании")).to_have_value("Салон Мира")
    await phone.screenshot(path=screenshot_path("signup-error-phone-ru"), full_page=True)


async def test_another_workspace_page_is_not_found_for_a_signed_in_user(
    page, live_server, make_workspace
):
    other = await make_workspace(company="Someone Else's Salon")
    await page.goto(f"{live_server}/signup?lang=en")
    await page.get_by_label("Company name").fill("Curious Cat Ltd")
    await page.get_by_label("E-mail").fill("cat@browser.example")
    await page.get_by_label("Password").fill(STRONG_PASSWORD)
    await page.get_by_role("button", name="Create workspace").click()
    await expect(page).to_have_url(re.compile(r"/w/curious-cat-ltd/?$"))

    response = await page.goto(f"{live_server}/w/{other['tenant']['slug']}/")
    assert response.status == 404
    await expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
