"""Secrets kept at rest (gateway tokens, bot tokens) sealed with a key derived from
ATRIUM_SECRET_KEY: Fernet (AES-128-CBC + HMAC-SHA256). Rotating the secret key makes old
seals unreadable, so such settings must be entered again."""

import base64

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF


def _fernet(secret_key: str) -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"atrium-sealed-settings")
    return Fernet(base64.urlsafe_b64encode(key.derive(secret_key.encode())))


def seal(plaintext: str, secret_key: str) -> str:
    return _fernet(secret_key).encrypt(plaintext.encode()).decode()


def unseal(sealed: str, secret_key: str) -> str | None:
    """The plaintext, or None when the seal is not one this secret key made."""
    try:
        return _fernet(secret_key).decrypt(sealed.encode()).decode()
    except InvalidToken:
        return None
