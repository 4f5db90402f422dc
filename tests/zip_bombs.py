"""Workbooks that cost little to store and much to read, written without holding them: the zip bombs of the upload
tests (``tests/ingest/test_upload_limits.py``, the Data page's). One sheet of identical rows whose deflated bytes are
one block repeated, as a real zip bomb's are: 6 MB on disk for 1.79 GB of sheet XML."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    b'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    b'<Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType='
    b'"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName='
    b'"/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet'
    b'+xml"/></Types>'
)
RELS = (
    b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
    b'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    b'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/'
    b'main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name='
    b'"Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
    b'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
)
CELL = b'<c t="inlineStr"><is><t>%s</t></is></c>'
HEADER = b"<row>" + CELL % b"school_id" + CELL % b"meeting_date" + b"</row>"
ROW = b"<row>" + CELL % b"S001" + CELL % b"2025-09-02" + b"</row>"


def _deflated(data: bytes, *, final: bool) -> bytes:
    """Raw deflate of ``data``; not ``final``: ended by a full flush, byte-aligned and referring to nothing before it,
    so the same bytes may follow themselves any number of times."""
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    return packer.compress(data) + packer.flush(zlib.Z_FINISH if final else zlib.Z_FULL_FLUSH)


def write_workbook(path: Path, rows: int, *, dimension: bool = True) -> int:
    """An .xlsx whose one sheet holds a header and ``rows`` identical rows, written without holding the sheet: its
    deflated rows are one block repeated (the ratio of a real zip bomb, a few MB for gigabytes). Returns the sheet
    XML's size. ``dimension``: the sheet names its extent, as Excel's own files do."""
    chunk_rows = min(rows, 16_384)
    chunk = ROW * chunk_rows
    repeats, rest = divmod(rows, chunk_rows)
    extent = f'<dimension ref="A1:B{rows + 1}"/>'.encode() if dimension else b""
    head = b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml'
    head += b'/2006/main">' + extent + b"<sheetData>" + HEADER + ROW * rest
    tail = b"</sheetData></worksheet>"
    crc = zlib.crc32(head)
    for _ in range(repeats):
        crc = zlib.crc32(chunk, crc)
    crc = zlib.crc32(tail, crc)
    size = len(head) + repeats * len(chunk) + len(tail)
    packed_head, block, packed_tail = (
        _deflated(head, final=False),
        _deflated(chunk, final=False),
        _deflated(tail, final=True),
    )
    members = [
        ("[Content_Types].xml", CONTENT_TYPES),
        ("_rels/.rels", RELS),
        ("xl/workbook.xml", WORKBOOK),
        ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS),
    ]
    directory = b""
    with path.open("wb") as out:

        def entry(name: str, crc: int, packed_size: int, unpacked_size: int, parts) -> None:
            nonlocal directory
            offset, encoded = out.tell(), name.encode()
            fields = (0, 8, 0, 0x21, crc, packed_size, unpacked_size, len(encoded), 0)
            out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, *fields) + encoded)
            for part in parts:
                out.write(part)
            directory += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, *fields, 0, 0, 0, 0, offset) + encoded

        for name, data in members:
            packed = _deflated(data, final=True)
            entry(name, zlib.crc32(data), len(packed), len(data), [packed])
        sheet_parts = [packed_head, *([block] * repeats), packed_tail]
        entry("xl/worksheets/sheet1.xml", crc, sum(map(len, sheet_parts)), size, sheet_parts)
        start, count = out.tell(), len(members) + 1
        out.write(directory + struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, count, count, len(directory), start, 0))
    return size
