"""The compound file writer, read back with olefile (strict) and checked for MS-CFB invariants."""

from __future__ import annotations

import io

import olefile
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gknb.build import cfb

NAME = st.text(
    alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_0123456789",
    min_size=1,
    max_size=31,
)
SIZES = st.sampled_from([0, 1, 63, 64, 65, 511, 512, 513, 4095, 4096, 4097, 9000])


def _read(data: bytes) -> olefile.OleFileIO:
    assert len(data) % cfb.SECTOR == 0
    return olefile.OleFileIO(io.BytesIO(data), raise_defects=olefile.DEFECT_POTENTIAL)


def _rb_black_height(ole: olefile.OleFileIO, sid: int) -> int:
    """Check red-black rules below `sid` and return its black height."""
    if sid == cfb.NOSTREAM:
        return 1
    entry = ole.direntries[sid]
    left, right = entry.sid_left, entry.sid_right
    for child in (left, right):
        if entry.color == 0 and child != cfb.NOSTREAM:
            assert ole.direntries[child].color == 1, "a red node has a red child"
    hl, hr = _rb_black_height(ole, left), _rb_black_height(ole, right)
    assert hl == hr, "black heights differ"
    return hl + (entry.color == 1)


def _unique(d: dict[str, tuple[int, int]]) -> dict[str, tuple[int, int]]:
    """Compound file names ignore case: keep one of each."""
    out: dict[str, tuple[int, int]] = {}
    for k, v in d.items():
        if k.upper() not in {n.upper() for n in out}:
            out[k] = v
    return out


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.dictionaries(NAME, st.tuples(SIZES, st.integers(0, 255)), min_size=1, max_size=12),
    st.dictionaries(NAME, st.tuples(SIZES, st.integers(0, 255)), max_size=12),
)
def test_streams_read_back(
    top: dict[str, tuple[int, int]], inner: dict[str, tuple[int, int]]
) -> None:
    top = _unique(top)
    inner = _unique(inner)
    streams = {n: bytes([fill]) * size for n, (size, fill) in top.items() if n.upper() != "VBA"}
    streams.update({f"VBA/{name}": bytes([fill]) * size for name, (size, fill) in inner.items()})
    if not streams:
        return
    data = cfb.write(streams)
    assert data == cfb.write(streams)
    ole = _read(data)
    assert not ole.parsing_issues
    for path, content in streams.items():
        assert ole.openstream(path).read() == content
        assert ole.get_size(path) == len(content)
    found = {"/".join(p) for p in ole.listdir(streams=True, storages=False)}
    assert found == set(streams)
    # every storage's children form a valid red-black tree
    storages = (olefile.STGTY_ROOT, olefile.STGTY_STORAGE)
    for entry in ole.direntries:
        if entry is not None and entry.entry_type in storages and entry.sid_child != cfb.NOSTREAM:
            assert ole.direntries[entry.sid_child].color == 1, "the root of a tree is black"
            _rb_black_height(ole, entry.sid_child)


def test_header_fields() -> None:
    data = cfb.write({"PROJECT": b"x" * 10, "VBA/dir": b"y" * 5000})
    assert data[:8] == bytes.fromhex("D0CF11E0A1B11AE1")
    assert data[24:34] == bytes.fromhex("3E000300FEFF09000600")
    ole = _read(data)
    assert ole.openstream("VBA/dir").read() == b"y" * 5000


@pytest.mark.parametrize("name", ["", "a/b:", "x" * 32, "bad!name"])
def test_bad_names(name: str) -> None:
    with pytest.raises(ValueError):
        cfb.write({name: b""})


def test_duplicate_and_conflicting_paths() -> None:
    with pytest.raises(ValueError):
        cfb.write({"A": b"1", "A/B": b"2"})
    with pytest.raises(ValueError, match="ignore case"):
        cfb.write({"Module": b"1", "MODULE": b"2"})
