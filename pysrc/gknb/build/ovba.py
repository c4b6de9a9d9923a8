"""MS-OVBA 2.4.1 compression and decompression, and 2.4.3 data encryption.

Written against the specification, not ported from another implementation. Compression follows
the spec's algorithm exactly (same token choices: the longest match, the nearest candidate on a
tie), only found faster through an index of 3-byte prefixes, so the output is the one any
conforming compressor produces and it is deterministic.
"""

from __future__ import annotations

import struct

CHUNK_SIZE = 4096
_SIGNATURE = 0x01
_CHUNK_SIGNATURE = 0b011 << 12
_MIN_MATCH = 3


def _copytoken_help(difference: int) -> tuple[int, int, int]:
    """(bit_count, length_mask, maximum_length) for a token at `difference` bytes into a chunk.

    MS-OVBA 2.4.1.3.19.1: BitCount = max(ceil(log2(difference)), 4),
    LengthMask = 0xFFFF >> BitCount, MaximumLength = (0xFFFF >> BitCount) + 3.
    """
    bit_count = max((difference - 1).bit_length(), 4)
    length_mask = 0xFFFF >> bit_count
    return bit_count, length_mask, length_mask + _MIN_MATCH


def _match_length(data: bytes, cand: int, cur: int, end: int) -> int:
    """Number of equal bytes at `cand` and `cur`, not reading at or past `end` from `cur`."""
    limit = end - cur
    n = 0
    step = 16
    while n < limit:
        k = min(step, limit - n)
        if data[cand + n : cand + n + k] == data[cur + n : cur + n + k]:
            n += k
            step *= 2
            continue
        while n < limit and data[cand + n] == data[cur + n]:
            n += 1
        return n
    return n


def _compress_chunk(data: bytes, start: int, end: int, allow_raw: bool) -> bytes:
    """One CompressedChunk (header + data) for data[start:end] (MS-OVBA 2.4.1.3.7)."""
    out = bytearray()
    index: dict[bytes, list[int]] = {}
    indexed = start  # positions < indexed are in `index`
    cur = start
    while cur < end:
        flag_pos = len(out)
        out.append(0)
        flags = 0
        for bit in range(8):
            if cur >= end:
                break
            while indexed < cur:
                if indexed + _MIN_MATCH <= end:
                    index.setdefault(data[indexed : indexed + _MIN_MATCH], []).append(indexed)
                indexed += 1
            best_len = 0
            best_cand = -1
            if cur + _MIN_MATCH <= end:
                longest_possible = end - cur
                for cand in reversed(index.get(data[cur : cur + _MIN_MATCH], ())):
                    n = _match_length(data, cand, cur, end)
                    if n > best_len:
                        best_len, best_cand = n, cand
                        if n == longest_possible:
                            break
            if best_len >= _MIN_MATCH:
                bit_count, _, max_len = _copytoken_help(cur - start)
                length = min(best_len, max_len)
                offset = cur - best_cand
                token = ((offset - 1) << (16 - bit_count)) | (length - _MIN_MATCH)
                out += struct.pack("<H", token)
                flags |= 1 << bit
                cur += length
            else:
                out.append(data[cur])
                cur += 1
        out[flag_pos] = flags
    if len(out) <= CHUNK_SIZE:
        header = 0x8000 | _CHUNK_SIGNATURE | (len(out) + 2 - 3)
        return struct.pack("<H", header) + bytes(out)
    # Incompressible: a raw chunk always holds 4096 bytes; the spec pads a short last chunk with
    # zeros (MS-OVBA 2.4.1.3.10), so such a chunk decompresses to its data plus padding.
    # Excel is reported to drop a module stored with a raw chunk, hence `allow_raw`.
    if not allow_raw:
        raise ValueError(f"bytes {start}-{end} do not compress; a raw chunk would be needed")
    raw = data[start:end] + bytes(CHUNK_SIZE - (end - start))
    return struct.pack("<H", _CHUNK_SIGNATURE | (CHUNK_SIZE + 2 - 3)) + raw


def compress(data: bytes, *, allow_raw: bool = True) -> bytes:
    """Compress `data` into a CompressedContainer (MS-OVBA 2.4.1.3.6).

    With allow_raw=False, data that would need an uncompressed (raw) chunk raises ValueError.
    """
    data = bytes(data)
    out = bytearray([_SIGNATURE])
    for start in range(0, len(data), CHUNK_SIZE):
        out += _compress_chunk(data, start, min(start + CHUNK_SIZE, len(data)), allow_raw)
    return bytes(out)


def decompress(container: bytes) -> bytes:
    """Decompress a CompressedContainer (MS-OVBA 2.4.1.3.1); ValueError if it is malformed."""
    if not container or container[0] != _SIGNATURE:
        raise ValueError("not an MS-OVBA compressed container (signature byte)")
    out = bytearray()
    pos = 1
    while pos < len(container):
        if pos + 2 > len(container):
            raise ValueError(f"truncated chunk header at {pos}")
        (header,) = struct.unpack_from("<H", container, pos)
        if header & 0x7000 != _CHUNK_SIGNATURE:
            raise ValueError(f"bad chunk signature at {pos}")
        size = (header & 0x0FFF) + 3
        chunk_end = pos + size
        if chunk_end > len(container):
            raise ValueError(f"chunk at {pos} runs past the end of the container")
        pos += 2
        if not header & 0x8000:
            if size != CHUNK_SIZE + 2:
                raise ValueError(f"raw chunk at {pos - 2} is not 4098 bytes")
            out += container[pos:chunk_end]
            pos = chunk_end
            continue
        chunk_start = len(out)
        while pos < chunk_end:
            flags = container[pos]
            pos += 1
            for bit in range(8):
                if pos >= chunk_end:
                    break
                if not flags >> bit & 1:
                    out.append(container[pos])
                    pos += 1
                    continue
                if pos + 2 > chunk_end:
                    raise ValueError(f"truncated copy token at {pos}")
                (token,) = struct.unpack_from("<H", container, pos)
                pos += 2
                bit_count, length_mask, _ = _copytoken_help(len(out) - chunk_start)
                length = (token & length_mask) + _MIN_MATCH
                offset = (token >> (16 - bit_count)) + 1
                src = len(out) - offset
                if src < chunk_start:
                    raise ValueError(f"copy token before the chunk start at {pos - 2}")
                for i in range(length):  # byte by byte: source and target may overlap
                    out.append(out[src + i])
        if len(out) - chunk_start > CHUNK_SIZE:
            raise ValueError("a chunk decompresses to more than 4096 bytes")
    return bytes(out)


def project_key(project_clsid: str) -> int:
    """ProjKey of MS-OVBA 2.4.3.2: the byte sum of the ProjectId text, e.g. "{...}"."""
    return sum(project_clsid.encode("ascii")) & 0xFF


def encrypt(data: bytes, project_clsid: str, seed: int, ignored: bytes = b"") -> bytes:
    """Data Encryption (MS-OVBA 2.4.3.2) with a caller-chosen seed, hence deterministic.

    `ignored` supplies the (Seed & 6) / 2 arbitrary bytes; missing ones are zero.
    """
    if not 0 <= seed <= 0xFF:
        raise ValueError("seed must be a byte")
    version = 2
    key = project_key(project_clsid)
    version_enc = seed ^ version
    key_enc = seed ^ key
    out = bytearray([seed, version_enc, key_enc])
    unenc1, enc1, enc2 = key, key_enc, version_enc
    ignored_length = (seed & 6) // 2
    plain = ignored[:ignored_length].ljust(ignored_length, b"\0")
    plain += struct.pack("<I", len(data)) + bytes(data)
    for byte in plain:
        byte_enc = byte ^ ((enc2 + unenc1) & 0xFF)
        out.append(byte_enc)
        enc2, enc1, unenc1 = enc1, byte_enc, byte
    return bytes(out)


def decrypt(blob: bytes) -> tuple[int, bytes]:
    """Data Decryption (MS-OVBA 2.4.3.3): returns (ProjKey, Data); ValueError if malformed."""
    if len(blob) < 7:
        raise ValueError("encrypted data too short")
    seed, version_enc, key_enc = blob[0], blob[1], blob[2]
    if seed ^ version_enc != 2:
        raise ValueError("encryption version is not 2")
    key = seed ^ key_enc
    unenc1, enc1, enc2 = key, key_enc, version_enc
    plain = bytearray()
    for byte_enc in blob[3:]:
        byte = byte_enc ^ ((enc2 + unenc1) & 0xFF)
        plain.append(byte)
        enc2, enc1, unenc1 = enc1, byte_enc, byte
    skip = (seed & 6) // 2
    if len(plain) < skip + 4:
        raise ValueError("encrypted data too short")
    (length,) = struct.unpack_from("<I", plain, skip)
    data = bytes(plain[skip + 4 :])
    if len(data) != length:
        raise ValueError(f"data length {len(data)} does not match the stored {length}")
    return key, data
