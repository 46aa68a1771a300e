"""TensorBoard event files without TensorFlow.

An event file is a TFRecord stream: each record is ``uint64 length``, ``uint32
masked_crc32c(length)``, ``length`` bytes of data, ``uint32 masked_crc32c(data)`` (little
endian). Each record's data is a protobuf ``Event``; we decode only what scalars need with a
small wire-format reader:

    Event:            1 wall_time (double), 2 step (int64), 5 summary (Summary)
    Summary:          1 value (repeated Value)
    Summary.Value:    1 tag, 2 simple_value (float), 9 metadata (SummaryMetadata), 8 tensor
    SummaryMetadata:  1 plugin_data (PluginData: 1 plugin_name, 2 content)
    TensorProto:      1 dtype, 2 tensor_shape, 4 tensor_content, 5 float_val, 6 double_val,
                      7 int_val, 10 int64_val

PyTorch / tensorboardX write ``simple_value``; TF2's ``tf.summary.scalar`` writes a scalar
tensor whose first event carries plugin "scalars" (later events of the tag omit metadata).
A damaged or truncated record ends the file: the points before it are kept and the damage is
reported with the record number and byte offset.

``EventWriter`` writes valid files (used by tests and the benchmark).
"""

from __future__ import annotations

import logging
import struct
from array import array
from dataclasses import dataclass, field
from pathlib import Path
from typing import Self

from crc32c import crc32c

from scholardesk.domain.experiments import NewRun, ParsedSource, Series
from scholardesk.sources.experiments import file_hash

logger = logging.getLogger(__name__)

_MASK_DELTA = 0xA282EAD8
_HEADER = struct.Struct("<QI")
_U32 = struct.Struct("<I")
_F32 = struct.Struct("<f")
_F64 = struct.Struct("<d")

DT_FLOAT, DT_DOUBLE, DT_INT32, DT_INT64, DT_HALF = 1, 2, 3, 9, 19
_SCALAR_PLUGINS = {"scalars", ""}


def masked_crc(data: bytes) -> int:
    crc = crc32c(data)
    return ((((crc >> 15) | (crc << 17)) & 0xFFFFFFFF) + _MASK_DELTA) & 0xFFFFFFFF


def is_event_file(path: Path) -> bool:
    return path.is_file() and "tfevents" in path.name


class _Damaged(Exception):
    pass


def _varint(buf: bytes, pos: int) -> tuple[int, int]:
    result = 0
    shift = 0
    while True:
        try:
            b = buf[pos]
        except IndexError as exc:
            raise _Damaged("truncated varint") from exc
        pos += 1
        result |= (b & 0x7F) << shift
        if b < 0x80:
            return result, pos
        shift += 7
        if shift > 63:
            raise _Damaged("varint too long")


def _skip(buf: bytes, pos: int, wire: int) -> int:
    if wire == 0:
        return _varint(buf, pos)[1]
    if wire == 1:
        return pos + 8
    if wire == 2:
        n, pos = _varint(buf, pos)
        return pos + n
    if wire == 5:
        return pos + 4
    raise _Damaged(f"unsupported wire type {wire}")


def _fields(buf: bytes):  # type: ignore[no-untyped-def]
    """Yield (field number, wire type, value) where value is an int (varint), the raw bytes
    (length-delimited) or the 4/8 raw bytes of a fixed field."""
    pos, end = 0, len(buf)
    while pos < end:
        key, pos = _varint(buf, pos)
        num, wire = key >> 3, key & 7
        if wire == 0:
            value, pos = _varint(buf, pos)
            yield num, wire, value
        elif wire == 2:
            n, pos = _varint(buf, pos)
            if pos + n > end:
                raise _Damaged("field runs past the end of its message")
            yield num, wire, buf[pos : pos + n]
            pos += n
        elif wire == 1:
            if pos + 8 > end:
                raise _Damaged("truncated fixed64")
            yield num, wire, buf[pos : pos + 8]
            pos += 8
        elif wire == 5:
            if pos + 4 > end:
                raise _Damaged("truncated fixed32")
            yield num, wire, buf[pos : pos + 4]
            pos += 4
        else:
            raise _Damaged(f"unsupported wire type {wire}")


def _plugin_name(metadata: bytes) -> str:
    for num, wire, value in _fields(metadata):
        if num == 1 and wire == 2:
            for n2, w2, v2 in _fields(value):
                if n2 == 1 and w2 == 2:
                    return bytes(v2).decode("utf-8", "replace")
    return ""


def _tensor_scalar(tensor: bytes) -> float | None:
    """The value of a scalar (one-element) numeric TensorProto, else None."""
    dtype = 0
    content = b""
    floats: list[float] = []
    for num, wire, value in _fields(tensor):
        if num == 1 and wire == 0:
            dtype = value
        elif num == 4 and wire == 2:
            content = value
        elif num == 5 and wire in (2, 5):  # float_val: packed (wire 2) or not (wire 5)
            if wire == 2:
                floats.extend(x for (x,) in struct.iter_unpack("<f", value))
            else:
                floats.append(_F32.unpack(value)[0])
        elif num == 6 and wire in (1, 2):  # double_val: packed (wire 2) or not (wire 1)
            if wire == 2:
                floats.extend(x for (x,) in struct.iter_unpack("<d", value))
            else:
                floats.append(_F64.unpack(value)[0])
        elif num in (7, 10) and wire in (0, 2):  # int_val / int64_val
            if wire == 0:
                floats.append(float(value))
            else:
                p = 0
                while p < len(value):
                    v, p = _varint(value, p)
                    floats.append(float(v))
    if floats:
        return floats[0] if len(floats) == 1 else None
    if content:
        if dtype == DT_FLOAT and len(content) == 4:
            return float(_F32.unpack(content)[0])
        if dtype == DT_DOUBLE and len(content) == 8:
            return float(_F64.unpack(content)[0])
        if dtype == DT_INT32 and len(content) == 4:
            return float(struct.unpack("<i", content)[0])
        if dtype == DT_INT64 and len(content) == 8:
            return float(struct.unpack("<q", content)[0])
        if dtype == DT_HALF and len(content) == 2:
            return float(struct.unpack("<e", content)[0])
    return None


@dataclass
class _Curve:
    steps: array[int] = field(default_factory=lambda: array("q"))
    values: array[float] = field(default_factory=lambda: array("d"))
    wall_times: array[float] = field(default_factory=lambda: array("d"))


@dataclass
class EventScalars:
    """All scalar curves of one event file, plus where it was damaged (if it was)."""

    path: Path
    curves: dict[str, _Curve]
    records: int
    error: tuple[str, str] | None = None  # (record, message)

    def series(self) -> list[Series]:
        return [
            Series(tag, c.steps, c.values, c.wall_times) for tag, c in sorted(self.curves.items())
        ]

    @property
    def points(self) -> int:
        return sum(len(c.values) for c in self.curves.values())


def read_scalars(path: Path, verify_crc: bool = True) -> EventScalars:
    """Read every scalar point of an event file. Damage ends the read (reported, not raised)."""
    buf = path.read_bytes()
    curves: dict[str, _Curve] = {}
    plugins: dict[str, str] = {}  # TF2: the first event of a tag names its plugin
    fast: dict[bytes, _Curve] = {}  # tag bytes → curve, for the fast path
    pos, n, record = 0, len(buf), 0
    header = _HEADER.unpack_from
    u32 = _U32.unpack_from
    f32 = _F32.unpack_from
    f64 = _F64.unpack_from
    error: tuple[str, str] | None = None
    crc = crc32c
    mask, delta = 0xFFFFFFFF, _MASK_DELTA
    known_lengths: dict[int, int] = {}
    # The loop below is the hot path (1M records in ~2 s): everything is inlined.
    while pos < n:
        if pos + 12 > n:
            error = (f"record {record + 1} (byte {pos})", "the file ends inside a record header (truncated file)")
            break
        length, len_crc = header(buf, pos)
        if verify_crc and known_lengths.get(length) != len_crc:
            c = crc(buf[pos : pos + 8])
            if ((((c >> 15) | (c << 17)) & mask) + delta) & mask != len_crc:
                error = (f"record {record + 1} (byte {pos})", "record length checksum mismatch (damaged file)")
                break
            known_lengths[length] = len_crc  # lengths repeat: check each distinct one once
        start = pos + 12
        stop = start + length
        if stop + 4 > n:
            error = (f"record {record + 1} (byte {pos})", "the file ends inside a record (truncated file)")
            break
        data = buf[start:stop]
        if verify_crc:
            c = crc(data)
            if ((((c >> 15) | (c << 17)) & mask) + delta) & mask != u32(buf, stop)[0]:
                error = (f"record {record + 1} (byte {pos})", "record data checksum mismatch (damaged file)")
                break
        pos = stop + 4
        record += 1
        # --- fast path: one simple_value per event, fields in order (tensorboardX, PyTorch)
        end = length
        if end > 16 and data[0] == 0x09 and data[9] == 0x10 and data[end - 5] == 0x15:
            step = data[10]
            p = 11
            if step >= 0x80:
                b = data[11]
                if b < 0x80:
                    step = (step & 0x7F) | (b << 7)
                    p = 12
                else:
                    b2 = data[12]
                    if b2 < 0x80:
                        step = (step & 0x7F) | ((b & 0x7F) << 7) | (b2 << 14)
                        p = 13
                    else:
                        step, p = _varint(data, 10)
            if p + 6 < end and data[p] == 0x2A and data[p + 2] == 0x0A and data[p + 4] == 0x0A:
                ln = data[p + 1]
                vlen = data[p + 3]
                if ln == end - p - 2 and vlen == ln - 2 and data[p + 5] == vlen - 7:
                    tag = data[p + 6 : end - 5]
                    curve = fast.get(tag)
                    if curve is None:
                        name = tag.decode("utf-8", "replace")
                        curve = curves.get(name)
                        if curve is None:
                            curve = curves[name] = _Curve()
                        fast[tag] = curve
                    curve.steps.append(step)
                    curve.values.append(f32(data, end - 4)[0])
                    curve.wall_times.append(f64(data, 1)[0])
                    continue
        try:
            _decode_event(data, curves, plugins)
        except (_Damaged, IndexError, struct.error) as exc:
            error = (f"record {record} (byte {start})", f"not a valid Event: {exc}")
            break
    return EventScalars(path, curves, record, error)


def _decode_event(data: bytes, curves: dict[str, _Curve], plugins: dict[str, str]) -> None:
    """The general Event decoder: any field order, several values, tensor summaries."""
    f32 = _F32.unpack_from
    f64 = _F64.unpack_from
    wall = 0.0
    step = 0
    summary = None
    p, end = 0, len(data)
    while p < end:
        key, p = _varint(data, p)
        if key == 0x09:  # 1: wall_time double
            wall = f64(data, p)[0]
            p += 8
        elif key == 0x10:  # 2: step varint
            step, p = _varint(data, p)
        elif key == 0x2A:  # 5: summary
            ln, p = _varint(data, p)
            summary = data[p : p + ln]
            p += ln
        else:
            p = _skip(data, p, key & 7)
    if p != end:
        raise _Damaged("a field runs past the end of the event")
    if summary is None:
        return
    if step >= 1 << 63:
        step -= 1 << 64
    for num, wire, value in _fields(summary):
        if num != 1 or wire != 2:
            continue
        tag = ""
        simple: float | None = None
        tensor = None
        metadata = None
        for vn, vw, vv in _fields(value):
            if vn == 1 and vw == 2:
                tag = bytes(vv).decode("utf-8", "replace")
            elif vn == 2 and vw == 5:
                simple = f32(vv)[0]
            elif vn == 8 and vw == 2:
                tensor = vv
            elif vn == 9 and vw == 2:
                metadata = vv
        if metadata is not None:
            plugins[tag] = _plugin_name(metadata)
        if simple is None and tensor is not None:
            if plugins.get(tag, "") not in _SCALAR_PLUGINS:
                continue
            simple = _tensor_scalar(tensor)
        if simple is None:
            continue
        curve = curves.get(tag)
        if curve is None:
            curve = curves[tag] = _Curve()
        curve.steps.append(step)
        curve.values.append(simple)
        curve.wall_times.append(wall)


def parse_event_file(
    path: Path, experiment: str, run_name: str, model: str = ""
) -> ParsedSource:
    """One event file → one run whose series are its scalar tags (the last value of each
    tag is also stored as a result, so runs can be compared in tables)."""
    scalars = read_scalars(path)
    runs: tuple[NewRun, ...] = ()
    series = scalars.series()
    if series:
        from scholardesk.domain.experiments import guess_higher_is_better

        runs = (
            NewRun(
                experiment=experiment,
                model=model or run_name,
                name=run_name,
                framework="tensorboard",
                reference=str(path),
                results=[
                    (s.metric, s.values[-1], guess_higher_is_better(s.metric)) for s in series
                ],
                series=series,
            ),
        )
    errors = (scalars.error,) if scalars.error else ()
    return ParsedSource(str(path), file_hash(path), "tensorboard", runs, errors)


class EventWriter:
    """Writes a valid TFRecord event file of simple_value scalars (tensorboardX style)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fh = path.open("wb")
        self._write_record(_event(wall_time=0.0, step=0, file_version="brain.Event:2"))

    def _write_record(self, data: bytes) -> None:
        header = struct.pack("<Q", len(data))
        self._fh.write(header + _U32.pack(masked_crc(header)) + data + _U32.pack(masked_crc(data)))

    def add_scalar(self, tag: str, value: float, step: int, wall_time: float = 0.0) -> None:
        value_msg = _ld(1, tag.encode("utf-8")) + b"\x15" + _F32.pack(value)
        self._write_record(_event(wall_time, step, summary=_ld(1, value_msg)))

    def add_tensor_scalar(self, tag: str, value: float, step: int, wall_time: float = 0.0) -> None:
        """TF2 style: a scalar DT_FLOAT tensor; the plugin "scalars" is named on every event."""
        plugin = _ld(1, _ld(1, b"scalars"))
        tensor = b"\x08\x01" + _ld(2, b"") + _ld(4, _F32.pack(value))
        value_msg = _ld(1, tag.encode("utf-8")) + _ld(9, plugin) + _ld(8, tensor)
        self._write_record(_event(wall_time, step, summary=_ld(1, value_msg)))

    def write_raw(self, data: bytes) -> None:
        self._fh.write(data)

    def close(self) -> None:
        self._fh.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _varint_bytes(value: int) -> bytes:
    if value < 0:
        value += 1 << 64
    out = bytearray()
    while value >= 0x80:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def _ld(num: int, payload: bytes) -> bytes:
    return _varint_bytes((num << 3) | 2) + _varint_bytes(len(payload)) + payload


def _event(
    wall_time: float, step: int, summary: bytes | None = None, file_version: str | None = None
) -> bytes:
    out = b"\x09" + _F64.pack(wall_time) + b"\x10" + _varint_bytes(step)
    if file_version is not None:
        out += _ld(3, file_version.encode("utf-8"))
    if summary is not None:
        out += _ld(5, summary)
    return out
