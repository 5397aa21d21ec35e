"""Passwords and API tokens, below the store (which keeps their hashes) and the web layer (which
checks them on every request).

* Passwords: argon2id (``argon2-cffi``): ``hash_password`` / ``verify_password`` / ``needs_rehash``;
  ``password_fingerprint`` is a short digest of a hash kept in the session cookie, so that a password
  change ends the user's other sessions.
* API tokens: ``new_api_token()`` returns the token shown once to the user; only
  ``token_digest(token)`` (sha256) is stored.
"""

from __future__ import annotations

import hashlib
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

TOKEN_PREFIX = "jx_"
# a valid hash of no one's password: verified against when the user does not exist, so that a wrong
# user name takes as long as a wrong password
DUMMY_HASH = "$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA"

_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    """argon2id hash of ``password`` (salted; the parameters are stored in the hash)."""
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """True when ``password`` matches ``password_hash``; never raises for a bad or foreign hash."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """True when the hash was made with weaker parameters than the current ones."""
    try:
        return _hasher.check_needs_rehash(password_hash)
    except InvalidHashError:
        return True


def password_fingerprint(password_hash: str) -> str:
    """A short digest of the password hash kept in the session (changes when the password does)."""
    return hashlib.sha256(password_hash.encode()).hexdigest()[:16]


def new_api_token() -> str:
    """A new random API token (shown to the user once; store only its digest)."""
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    """sha256 hex digest of a token, the form kept in ``api_tokens.token_hash``."""
    return hashlib.sha256(token.encode()).hexdigest()
