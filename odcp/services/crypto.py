"""AES-GCM encryption at rest for medical data, messages, files and MFA secrets.

Why a version byte and associated data: the version lets the key rotate later, and binding
each ciphertext to its context (e.g. "user:42:mfa") stops a value copied into another row
from decrypting there.
"""

from __future__ import annotations

import base64
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from odcp.settings import get_settings

_VERSION = b"\x01"


class DecryptionError(Exception):
    """The ciphertext was altered, belongs elsewhere, or the key is wrong."""


def encrypt_bytes(data: bytes, *, context: str) -> bytes:
    nonce = os.urandom(12)
    sealed = AESGCM(get_settings().encryption_key).encrypt(nonce, data, context.encode())
    return _VERSION + nonce + sealed


def decrypt_bytes(blob: bytes, *, context: str) -> bytes:
    if not blob or blob[:1] != _VERSION:
        raise DecryptionError("unknown ciphertext format")
    try:
        return AESGCM(get_settings().encryption_key).decrypt(blob[1:13], blob[13:],
                                                             context.encode())
    except InvalidTag as exc:
        raise DecryptionError("ciphertext does not verify") from exc


def encrypt_text(text: str, *, context: str) -> str:
    return base64.b64encode(encrypt_bytes(text.encode(), context=context)).decode()


def decrypt_text(blob: str, *, context: str) -> str:
    return decrypt_bytes(base64.b64decode(blob), context=context).decode()
