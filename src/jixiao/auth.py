"""Passwords and API tokens, below the store (which keeps their hashes) and the web layer (which
checks them on every request).

* Passwords: argon2id (``argon2-cffi``): ``hash_password`` / ``verify_password`` / ``needs_rehash``;
* Hashing is bounded: at most ``HASH_SLOTS`` argon2 computations run at once (each takes 64 MiB), so
  many concurrent logins wait for a slot instead of taking memory; a caller that waits longer than
  ``HASH_WAIT`` seconds gets ``HashingBusy``.
* API tokens: ``new_api_token()`` returns the token shown once to the user; only
  ``token_digest(token)`` (sha256) is stored.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import threading

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

TOKEN_PREFIX = "jx_"
# a valid hash of no one's password: verified against when the user does not exist, so that a wrong
# user name takes as long as a wrong password
DUMMY_HASH = "$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA"

_hasher = PasswordHasher()
HASH_SLOTS = max(1, min(4, os.cpu_count() or 1))
HASH_WAIT = 20.0  # seconds
_slots = threading.BoundedSemaphore(HASH_SLOTS)


class HashingBusy(Exception):
    """No hashing slot became free in time (the server is flooded with logins)."""


def _slot() -> threading.BoundedSemaphore:
    if not _slots.acquire(timeout=HASH_WAIT):
        raise HashingBusy()
    return _slots


def hash_password(password: str) -> str:
    """argon2id hash of ``password`` (salted; the parameters are stored in the hash)."""
    slot = _slot()
    try:
        return _hasher.hash(password)
    finally:
        slot.release()


def verify_password(password_hash: str, password: str) -> bool:
    """True when ``password`` matches ``password_hash``; never raises for a bad or foreign hash
    (``HashingBusy`` when no hashing slot is free in time)."""
    slot = _slot()
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
    finally:
        slot.release()


def needs_rehash(password_hash: str) -> bool:
    """True when the hash was made with weaker parameters than the current ones."""
    try:
        return _hasher.check_needs_rehash(password_hash)
    except InvalidHashError:
        return True


def new_api_token() -> str:
    """A new random API token (shown to the user once; store only its digest)."""
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    """sha256 hex digest of a token, the form kept in ``api_tokens.token_hash``."""
    return hashlib.sha256(token.encode()).hexdigest()
