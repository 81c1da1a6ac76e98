"""Stable pseudonyms for respondent ids: pseudonymisation, not anonymisation.

A pseudonym is ``p-`` and 16 hex digits: the 64-bit SipHash-2-4 of the id, keyed with
96 bits derived (by SHA-256) from the trust's ``pseudonym_salt`` and the platform name.
The same id from the same platform under the same salt always gets the same pseudonym,
in every run and every file, so duplicates are still caught; the id itself never leaves
ingest. SipHash is a keyed pseudo-random function made for short inputs; pandas
implements it in C and hashes a million ids in a tenth of a second, where a Python loop
of HMAC-SHA256 takes over a second, longer than reading the file.

Anyone holding the salt and a guess at an id (an email address, say) can recompute its
pseudonym and so learn whether that person answered: keep a trust's salt as private as
the raw exports. The default salt is public, so without one the pseudonyms only keep ids
out of sight. Ids already in pseudonym form are kept, so ingesting owcf's own
normalised files again changes nothing.
"""

from __future__ import annotations

import base64
import hashlib

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

DEFAULT_SALT = "owcf-default-salt"
PATTERN = r"^p-[0-9a-f]{16}$"
#: byte -> its two hex digits, as the uint16 whose memory holds them; and "p-" likewise
_HEX_PAIRS = np.frombuffer(b"".join(f"{b:02x}".encode() for b in range(256)), dtype=np.uint16)
_PREFIX = np.frombuffer(b"p-", dtype=np.uint16)[0]


def _key(salt: str, namespace: str) -> str:
    """16 ASCII characters (96 bits) for pandas' SipHash key."""
    digest = hashlib.sha256(f"owcf-pseudonym/1\0{namespace}\0{salt}".encode()).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii")[:16]


def hashes(ids: np.ndarray, salt: str, namespace: str) -> np.ndarray:
    """The keyed 64-bit hash of each id (an object array of str) as uint64."""
    return pd.util.hash_array(ids, encoding="utf8", hash_key=_key(salt, namespace),
                              categorize=False)


def to_text(hashed: np.ndarray) -> pa.Array:
    """``p-`` and 16 hex digits per hash, as a string array, without a Python loop: each
    byte becomes two hex digits by table, straight into an Arrow buffer."""
    digits = np.empty((len(hashed), 9), dtype=np.uint16)
    digits[:, 0] = _PREFIX
    digits[:, 1:] = _HEX_PAIRS[hashed.astype(">u8").view(np.uint8).reshape(-1, 8)]
    offsets = np.arange(0, 18 * len(hashed) + 1, 18, dtype=np.int32)
    return pa.Array.from_buffers(pa.string(), len(hashed),
                                 [None, pa.py_buffer(offsets), pa.py_buffer(digits)])


def from_text(pseudonyms: np.ndarray) -> np.ndarray:
    """The uint64 behind each ``p-...`` text (the inverse of :func:`to_text`)."""
    digits = np.asarray(pseudonyms, dtype="S18").view(np.uint8).reshape(-1, 18)[:, 2:]
    nibbles = digits.astype(np.uint64) - ord("0")
    nibbles = np.where(nibbles > 9, nibbles - (ord("a") - ord("0") - 10), nibbles)
    shifts = np.arange(60, -4, -4, dtype=np.uint64)
    return np.bitwise_or.reduce(nibbles << shifts, axis=1)


def pseudonymise(ids: pa.ChunkedArray | pa.Array, salt: str, namespace: str
                 ) -> tuple[pa.Array, np.ndarray]:
    """(pseudonym texts, uint64 keys for duplicate checks) for each id."""
    values = np.asarray(ids.to_numpy(zero_copy_only=False), dtype=object)
    hashed = hashes(values, salt, namespace)
    kept = pc.match_substring_regex(ids, PATTERN) if pc.any(pc.starts_with(ids, "p-")).as_py() \
        else None
    if kept is not None and pc.any(kept).as_py():  # already a pseudonym: keep it, and its key
        mask = kept.to_numpy(zero_copy_only=False)
        hashed[mask] = from_text(values[mask])
    return to_text(hashed), hashed
