"""Random secrets handed out once, and the hashes we keep of them."""

import hashlib
import hmac
import secrets


def new_token(nbytes: int = 32) -> str:
    return secrets.token_urlsafe(nbytes)


def token_hash(token: str) -> bytes:
    # Tokens are long random strings, so a fast hash is enough; unlike passwords
    # they cannot be guessed from a dictionary.
    return hashlib.sha256(token.encode()).digest()


def same_hash(a: bytes, b: bytes) -> bool:
    return hmac.compare_digest(a, b)
