"""Near-duplicate signatures: MinHash (datasketch) over word 3-shingles of an article's stemmed words,
and the LSH band keys under which articles whose signatures agree in a whole band meet.

Signatures and band keys are kept in the manifest and follow additions and removals; search looks
up an article's band keys to find its copies (wire copy republished, lightly edited versions).
"""

from __future__ import annotations

import hashlib
import zlib
from array import array

NUM_PERM = 64
SCHEME = "affine32"  # datasketch's permutation scheme, named so that signatures stay comparable
THRESHOLD = 0.5  # estimated Jaccard similarity of shingle sets at which two articles are copies
BANDS, ROWS = 14, 4  # datasketch.lsh._optimal_param(0.5, 64, 0.5, 0.5): balanced false positives/negatives
SHINGLE = 3
SAMPLE = 4  # keep shingles whose hash is 0 mod SAMPLE (unbiased for Jaccard, 4x less hashing)
_PERMUTATIONS = None  # datasketch draws them from the seed: once per process


def _crc32(data: bytes) -> int:
    return zlib.crc32(data)


def signature(words: list[str]) -> list[int]:
    """The MinHash signature of an article's words (stems, in order)."""
    from datasketch import MinHash

    shingles = {" ".join(words[i : i + SHINGLE]).encode() for i in range(max(1, len(words) - SHINGLE + 1))}
    sampled = [s for s in shingles if zlib.crc32(s) % SAMPLE == 0]
    global _PERMUTATIONS
    if _PERMUTATIONS is None:
        _PERMUTATIONS = MinHash(num_perm=NUM_PERM, hashfunc=_crc32, seed=1, scheme=SCHEME).permutations
    minhash = MinHash(num_perm=NUM_PERM, hashfunc=_crc32, seed=1, permutations=_PERMUTATIONS, scheme=SCHEME)
    minhash.update_batch(sampled if len(sampled) >= 8 else list(shingles))
    return [int(v) for v in minhash.hashvalues]


def band_keys(sig: list[int]) -> list[int]:
    keys = []
    for band in range(BANDS):
        chunk = array("Q", sig[band * ROWS : (band + 1) * ROWS]).tobytes() + bytes([band])
        keys.append(int.from_bytes(hashlib.blake2b(chunk, digest_size=8).digest(), "little", signed=True))
    return keys


def similarity(a: list[int], b: list[int]) -> float:
    return sum(x == y for x, y in zip(a, b, strict=True)) / len(a)


def pack(sig: list[int]) -> bytes:
    return array("Q", sig).tobytes()


def unpack(blob: bytes) -> list[int]:
    values = array("Q")
    values.frombytes(blob)
    return values.tolist()
