"""What a file really is, from its first bytes: so that a refusal says what was found.

A ``.xlsx`` that is really a CSV, a web page saved by a site's "export to Excel" button, a
PDF or an Excel 97–2003 file; a ``.csv`` that is really a workbook or binary data. The
signatures are the files' published magic numbers (ZIP: APPNOTE 4.3.7 ``PK\\x03\\x04``; OLE2
compound file: MS-CFB 2.2 ``D0 CF 11 E0 A1 B1 1A E1``; PDF ``%PDF-``; PNG, JPEG, GIF,
gzip, RAR, 7-Zip). Written here, not with *python-magic* (libmagic): a dozen
signatures are all we need, and libmagic is a system library the Windows users of this
application would have to install.

Kinds (names that :mod:`..messages` words in Chinese and English): ``zip``, ``ole``,
``pdf``, ``image``, ``archive``, ``html``, ``xml``, ``xml_spreadsheet``, ``binary``,
``text``, ``empty``; a ZIP is told apart further by :func:`zip_kind`: ``xlsx``, ``docx``,
``pptx``, ``ods``, ``zip``.
"""

from __future__ import annotations

import codecs
import zipfile
import zlib

HEAD_BYTES = 8192

_SIGNATURES = (
    (b"PK\x03\x04", "zip"), (b"PK\x05\x06", "zip"), (b"PK\x07\x08", "zip"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "ole"),
    (b"%PDF-", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "image"), (b"\xff\xd8\xff", "image"), (b"GIF87a", "image"),
    (b"GIF89a", "image"),
    (b"\x1f\x8b", "archive"), (b"Rar!\x1a\x07", "archive"), (b"7z\xbc\xaf\x27\x1c", "archive"),
)
_BOMS = (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def sniff(head: bytes) -> str:
    """The kind of a file from its first bytes (``HEAD_BYTES`` of them suffice)."""
    if not head.strip():
        return "empty"
    for magic, kind in _SIGNATURES:
        if head.startswith(magic):
            return kind
    if head.startswith(_BOMS[1:]):
        return "text"                    # UTF-16 with its byte-order mark: decode_text reads it
    if b"\x00" in head:
        return "binary"
    return _text_kind(head)


def _text_kind(head: bytes) -> str:
    start = head.removeprefix(codecs.BOM_UTF8).lstrip().lower()
    if start.startswith((b"<!doctype html", b"<html", b"<table", b"<meta")) or b"<html" in start[:1024]:
        return "html"
    if start.startswith(b"<?xml"):
        return "xml_spreadsheet" if b"urn:schemas-microsoft-com:office:spreadsheet" in start else "xml"
    return "text"


def zip_kind(archive: zipfile.ZipFile) -> str:
    """What an Office/OpenDocument ZIP holds, from its part names."""
    names = set(archive.namelist())
    if "xl/workbook.xml" in names:
        return "xlsx"
    if any(n.startswith("word/") for n in names):
        return "docx"
    if any(n.startswith("ppt/") for n in names):
        return "pptx"
    if any(n.startswith("xl/") for n in names):
        return "xlsx"                    # a workbook part under another name: openpyxl decides
    if "mimetype" in names and archive.getinfo("mimetype").file_size <= 100:
        try:
            mimetype = archive.read("mimetype")
        except (zipfile.BadZipFile, OSError, NotImplementedError, EOFError, RuntimeError, zlib.error):
            mimetype = b""               # damaged: only means "not an .ods we can name"
        if b"opendocument.spreadsheet" in mimetype:
            return "ods"
    return "zip"
