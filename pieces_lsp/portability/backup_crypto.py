"""The encryption layer of backups: passphrase -> key -> AES-256-GCM over opaque bytes.

It knows nothing about snippets or archives, so tests (and future formats) can seal arbitrary
bytes with a real passphrase. Only vetted primitives from `cryptography` are used; this module
only decides the file layout and which failure is which.

Layout (all integers big-endian), everything before the ciphertext is the header:

    magic            8  b"PLSPBAK\\x00"
    container ver    2  1
    kdf id           1  1 = scrypt
    log2(n)          1  scrypt cost
    r                2  scrypt block size
    p                2  scrypt parallelism
    salt            16  random per file
    nonce           12  random per file
    key check       32  HKDF(master, "key-check"): tells a wrong passphrase from tampering
    ciphertext len   8  bytes that follow (GCM tag included): detects truncation
    header sha256   32  of the fields above: a flipped header byte reads as "tampered"
    ciphertext       *  AES-256-GCM(HKDF(master, "aes-256-gcm"), nonce, data, aad=header)

The checksum is not a security control (anyone can recompute it); authenticity comes from GCM
with the whole header as associated data. It only makes accidental header damage (a flipped
salt byte would otherwise look like a wrong passphrase) report as what it is.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import struct
import unicodedata
from dataclasses import dataclass

from pieces_lsp.errors import (
    BackupError,
    TamperedBackupError,
    TruncatedBackupError,
    ValidationError,
    WrongPassphraseError,
)

MAGIC = b"PLSPBAK\x00"
CONTAINER_VERSION = 1
KDF_SCRYPT = 1

_FIELDS = struct.Struct(">8sHBBHH16s12s32sQ")
_DIGEST_LEN = 32
HEADER_LEN = _FIELDS.size + _DIGEST_LEN

DEFAULT_LOG2_N = 15
DEFAULT_R = 8
DEFAULT_P = 1

_MAX_SCRYPT_MEMORY = 256 * 1024 * 1024
"""A header is read before anything is authenticated, so its KDF cost is attacker-controlled:
refuse parameters that would make opening a file eat more memory than this."""

MAX_PLAINTEXT = 2**31 - 1 - 16
"""AES-GCM in `cryptography` takes at most 2**31-1 bytes per call."""


@dataclass(frozen=True, slots=True)
class KdfParams:
    log2_n: int = DEFAULT_LOG2_N
    r: int = DEFAULT_R
    p: int = DEFAULT_P


def check_passphrase(passphrase: object) -> bytes:
    """NFC-normalise so the same passphrase typed on macOS and Linux opens the same file."""
    if not isinstance(passphrase, str) or passphrase == "":
        raise ValidationError("passphrase", "is empty")
    return unicodedata.normalize("NFC", passphrase).encode("utf-8")


def _check_params(params: KdfParams) -> None:
    if not (10 <= params.log2_n <= 24 and 1 <= params.r <= 64 and 1 <= params.p <= 16):
        raise TamperedBackupError("backup header has invalid key-derivation parameters")
    if 128 * (1 << params.log2_n) * params.r > _MAX_SCRYPT_MEMORY:
        raise TamperedBackupError("backup header asks for an unreasonably expensive key derivation")


def _derive(secret: bytes, salt: bytes, params: KdfParams) -> tuple[bytes, bytes]:
    """Scrypt makes guessing slow; two HKDF outputs keep the published key-check value
    independent of the encryption key."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF
    from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

    master = Scrypt(salt=salt, length=32, n=1 << params.log2_n, r=params.r, p=params.p).derive(
        secret
    )

    def expand(info: bytes) -> bytes:
        return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(master)

    return expand(b"pieces-lsp-backup v1 aes-256-gcm"), expand(b"pieces-lsp-backup v1 key-check")


def encrypt_bytes(data: bytes, passphrase: str, *, params: KdfParams | None = None) -> bytes:
    """Seal `data` into a complete backup file image (header + ciphertext)."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    secret = check_passphrase(passphrase)
    params = params or KdfParams()
    _check_params(params)
    if len(data) > MAX_PLAINTEXT:
        raise BackupError("the library is too large for a single backup file (2 GiB limit)")
    salt, nonce = os.urandom(16), os.urandom(12)
    key, check = _derive(secret, salt, params)
    fields = _FIELDS.pack(
        MAGIC,
        CONTAINER_VERSION,
        KDF_SCRYPT,
        params.log2_n,
        params.r,
        params.p,
        salt,
        nonce,
        check,
        len(data) + 16,
    )
    header = fields + hashlib.sha256(fields).digest()
    return header + AESGCM(key).encrypt(nonce, data, header)


def decrypt_bytes(blob: bytes, passphrase: str, *, name: str = "the file") -> bytes:
    """Open a backup file image, or raise the one BackupError that says what is wrong.
    Checks run cheapest and most specific first, so a truncated or damaged file is reported
    as such instead of as a wrong passphrase."""
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    secret = check_passphrase(passphrase)
    if not blob.startswith(MAGIC):
        if len(blob) < len(MAGIC) and MAGIC.startswith(blob) and blob:
            raise TruncatedBackupError(f"{name} is truncated (it ends inside the header)")
        raise BackupError(f"{name} is not a pieces-lsp backup")
    if len(blob) >= len(MAGIC) + 2:
        (version,) = struct.unpack_from(">H", blob, len(MAGIC))
        if version != CONTAINER_VERSION:
            raise BackupError(
                f"{name} uses backup container version {version}; this pieces-lsp reads "
                f"version {CONTAINER_VERSION} (upgrade pieces-lsp)"
            )
    if len(blob) < HEADER_LEN:
        raise TruncatedBackupError(f"{name} is truncated (it ends inside the header)")
    fields, digest = blob[: _FIELDS.size], blob[_FIELDS.size : HEADER_LEN]
    if not hmac.compare_digest(hashlib.sha256(fields).digest(), digest):
        raise TamperedBackupError(f"{name} has a damaged header (modified or corrupted)")
    _, _, kdf, log2_n, r, p, salt, nonce, check, ct_len = _FIELDS.unpack(fields)
    if kdf != KDF_SCRYPT:
        raise TamperedBackupError(f"{name} names an unknown key-derivation function")
    params = KdfParams(log2_n, r, p)
    _check_params(params)
    available = len(blob) - HEADER_LEN
    if available < ct_len:
        raise TruncatedBackupError(
            f"{name} is truncated ({available} of {ct_len} encrypted bytes present)"
        )
    if available > ct_len:
        raise TamperedBackupError(f"{name} has unexpected data after the encrypted payload")
    if ct_len < 16:
        raise TamperedBackupError(f"{name} has an impossible payload length")
    key, expected = _derive(secret, salt, params)
    if not hmac.compare_digest(check, expected):
        raise WrongPassphraseError(f"wrong passphrase for {name}")
    try:
        return AESGCM(key).decrypt(nonce, blob[HEADER_LEN:], blob[:HEADER_LEN])
    except InvalidTag:
        raise TamperedBackupError(
            f"{name} failed authentication: it was modified or corrupted"
        ) from None
