"""Writes the PWA icons (web/public/icons/*.png): a ring and a bubble ("O2") on the brand colour.
Plain zlib + struct, no imaging library; the shapes sit inside the central 80 % so the same
picture works as a maskable icon. Run: python3 web/scripts/make_icons.py"""
from __future__ import annotations

import struct
import zlib
from pathlib import Path

BRAND = (0x0F, 0x5F, 0x73)
WHITE = (0xFF, 0xFF, 0xFF)
SS = 4  # supersamples per axis: smooth edges


def coverage(x: float, y: float) -> bool:
    """Is the point (in 0..1 units) white: the ring "O" or the bubble "2"?"""
    dx, dy = x - 0.46, y - 0.47
    d2 = dx * dx + dy * dy
    if 0.17 ** 2 <= d2 <= 0.245 ** 2:
        return True
    bx, by = x - 0.70, y - 0.70
    return bx * bx + by * by <= 0.075 ** 2


def png(size: int) -> bytes:
    rows = bytearray()
    for py in range(size):
        rows.append(0)  # filter: none
        for px in range(size):
            hits = sum(
                coverage((px + (i + 0.5) / SS) / size, (py + (j + 0.5) / SS) / size)
                for i in range(SS) for j in range(SS)
            )
            a = hits / (SS * SS)
            rows.extend(round(b + (w - b) * a) for b, w in zip(BRAND, WHITE))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)  # 8-bit RGB
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(bytes(rows), 9)) + chunk(b"IEND", b"")


if __name__ == "__main__":
    out = Path(__file__).resolve().parent.parent / "public" / "icons"
    out.mkdir(parents=True, exist_ok=True)
    for size in (192, 512):
        (out / f"icon-{size}.png").write_bytes(png(size))
    (out / "apple-touch-icon.png").write_bytes(png(180))
