"""MS-OVBA compression and encryption, checked against the spec's examples and oletools."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from oletools.olevba import decompress_stream

from gknb.build import ovba
from gknb.build.vbaproject import ADDIN_DIR, addin_modules, dir_stream, project_modules

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# MS-OVBA 3.2.1 and 3.2.2: inputs and the compressed bytes the spec prints for them.
SPEC_EXAMPLES = [
    (
        b"abcdefghijklmnopqrstuv.",
        "01 19 B0 00 61 62 63 64 65 66 67 68 00 69 6A 6B 6C 6D 6E 6F 70 00 71 72 73 74 75 76 2E",
    ),
    (
        b"#aaabcdefaaaaghijaaaaaklaaamnopqaaaaaaaaaaaarstuvwxyzaaa",
        "01 2F B0 00 23 61 61 61 62 63 64 65 82 66 00 70 61 67 68 69 6A 01 38 08 61 6B 6C 00 20"
        " 6D 6E 6F 70 06 71 02 70 04 00 72 73 74 75 76 10 77 78 79 7A 00 2C",
    ),
]


@pytest.mark.parametrize(("plain", "packed"), SPEC_EXAMPLES)
def test_spec_examples_byte_for_byte(plain: bytes, packed: str) -> None:
    expected = bytes.fromhex(packed)
    assert ovba.compress(plain) == expected
    assert ovba.decompress(expected) == plain


def _roundtrip(data: bytes) -> None:
    packed = ovba.compress(data)
    for unpacked in (ovba.decompress(packed), bytes(decompress_stream(packed))):
        if _last_chunk_raw(packed):
            # a raw chunk always holds 4096 bytes: the spec pads a short last one with zeros
            assert unpacked[: len(data)] == data
            assert unpacked[len(data) :] == bytes(len(unpacked) - len(data))
        else:
            assert unpacked == data


def _last_chunk_raw(packed: bytes) -> bool:
    pos, raw = 1, False
    while pos < len(packed):
        header = int.from_bytes(packed[pos : pos + 2], "little")
        raw = not header & 0x8000
        pos += (header & 0x0FFF) + 3
    return raw


@SETTINGS
@given(st.binary(max_size=13000))
def test_roundtrip_random_bytes(data: bytes) -> None:
    _roundtrip(data)


VBA_ALPHABET = st.sampled_from(
    ["    ", "\r\n", "Dim ", " As String", "If ", " Then", "End If", '"', "&", " = ", "x", "y", "("]
    + [chr(c) for c in range(32, 127)]
)


@SETTINGS
@given(st.lists(VBA_ALPHABET, max_size=4000).map(lambda parts: "".join(parts).encode("ascii")))
def test_roundtrip_code_like_text(data: bytes) -> None:
    _roundtrip(data)


@SETTINGS
@given(st.binary(min_size=1, max_size=40), st.integers(1, 9000), st.binary(max_size=300))
def test_roundtrip_long_repeats(unit: bytes, count: int, tail: bytes) -> None:
    data = (unit * count)[:12000] + tail
    _roundtrip(data)


def _real_inputs() -> list[tuple[str, bytes]]:
    inputs = [(p.name, p.read_bytes()) for p in sorted(ADDIN_DIR.glob("*.bas"))]
    inputs += [(m.name, m.code.encode("cp1252")) for m in addin_modules()]
    inputs.append(("dir", dir_stream(project_modules(["Sheet1", "Sheet2"]))))
    # a large real-world VBA module; found without importing xlwings (its licence check runs
    # at import time, and tests/test_excel.py imports it with a licence key)
    spec = importlib.util.find_spec("xlwings")
    assert spec is not None and spec.origin is not None
    bas = Path(spec.origin).parent / "xlwings.bas"
    inputs.append(("xlwings.bas", bas.read_bytes()))
    return inputs


@pytest.mark.parametrize(
    ("name", "data"), _real_inputs(), ids=lambda v: v if isinstance(v, str) else ""
)
def test_roundtrip_real_inputs(name: str, data: bytes) -> None:
    packed = ovba.compress(data, allow_raw=False)
    assert bytes(decompress_stream(packed)) == data
    assert ovba.decompress(packed) == data
    assert len(packed) < len(data) or len(data) < 64


def test_empty_input() -> None:
    assert ovba.compress(b"") == b"\x01"
    assert ovba.decompress(b"\x01") == b""


def test_incompressible_data_is_refused_when_raw_chunks_are_not_allowed() -> None:
    import random

    noise = random.Random(4).randbytes(5000)
    assert not _last_chunk_raw(ovba.compress(b"a" * 5000))
    with pytest.raises(ValueError, match="raw chunk"):
        ovba.compress(noise, allow_raw=False)
    _roundtrip(noise)


@pytest.mark.parametrize(
    "bad",
    [b"", b"\x02", b"\x01\x00", b"\x01\xff\x3f", b"\x01\x03\xb0\x01\x61\xff\xff", b"\x01\x10\x30"],
)
def test_decompress_rejects_malformed_input(bad: bytes) -> None:
    with pytest.raises(ValueError):
        ovba.decompress(bad)


def test_decrypt_known_vector() -> None:
    # The example of the MS-OVBA-Crypto project: CMG data 00000000 for this project id.
    key, data = ovba.decrypt(bytes.fromhex("41435A5A5E5A5E5A5E5A5E"))
    assert data == bytes(4)
    assert key == ovba.project_key("{9E394C0B-697E-4AEE-9FA6-446F51FB30DC}")


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=40), st.integers(0, 255), st.binary(max_size=3))
def test_encrypt_decrypt(data: bytes, seed: int, ignored: bytes) -> None:
    clsid = "{5A1F6B2E-4C3D-4E8A-9B07-1D2C3E4F6A7B}"
    blob = ovba.encrypt(data, clsid, seed, ignored)
    assert blob == ovba.encrypt(data, clsid, seed, ignored)
    assert ovba.decrypt(blob) == (ovba.project_key(clsid), data)
    assert len(blob) == 3 + (seed & 6) // 2 + 4 + len(data)
