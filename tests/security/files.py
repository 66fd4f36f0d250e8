"""Hostile uploads made in memory: disguised types, image bombs, PDFs that run code or carry files."""

import io
import struct
import zlib

from PIL import Image
from pypdf import PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

EXE = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff"
    + b"\x00" * 200
    + b"This program cannot be run in DOS mode"
)
HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"


def _chunk(kind, data):
    return (
        struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    )


def png_declaring(width, height, rows=b""):
    """A PNG whose header declares `width` x `height` pixels (8-bit grey), with `rows` compressed after."""
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(rows, 9))
        + _chunk(b"IEND", b"")
    )


def decompression_bomb(side=7000):
    """A PNG of side x side black pixels: a few dozen kilobytes that decode to side² bytes."""
    return png_declaring(side, side, (b"\x00" * (side + 1)) * side)


def png(size=(40, 30), exif=None):
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, format="PNG", **({"exif": exif} if exif else {}))
    return out.getvalue()


def _pdf(extra):
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    extra(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def pdf_with_open_action_javascript():
    def add(writer):
        action = {
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject("app.alert(1)"),
        }
        writer.root_object[NameObject("/OpenAction")] = writer._add_object(DictionaryObject(action))

    return _pdf(add)


def pdf_with_javascript_name_tree():
    """Document-level JavaScript, with its names written in #-escapes (/J#53 is /JS)."""

    def add(writer):
        action = {
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject("app.alert(2)"),
        }
        tree = {
            NameObject("/Names"): ArrayObject(
                [TextStringObject("x"), writer._add_object(DictionaryObject(action))]
            )
        }
        names = {NameObject("/JavaScript"): DictionaryObject(tree)}
        writer.root_object[NameObject("/Names")] = DictionaryObject(names)

    return _pdf(add).replace(b"/JavaScript", b"/J#61vaScript").replace(b"/JS ", b"/J#53 ")


def pdf_with_embedded_file():
    return _pdf(lambda writer: writer.add_attachment("payload.exe", EXE))


def plain_pdf():
    return _pdf(lambda writer: None)
