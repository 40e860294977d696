"""CRM tests reuse the sign-in and joining fixtures of the platform tests."""

from tests.platform.conftest import join, mails_to, new_browser, sign_in  # noqa: F401
