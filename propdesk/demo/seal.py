"""A drawn business seal for the demo centers: a red ring, an inner ring and a five-pointed star (PNG)."""

import io
import math

from django.core.files.base import ContentFile
from PIL import Image, ImageDraw

RED = (200, 16, 46, 235)


def seal_png(size: int = 360) -> bytes:
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    margin = size // 24
    draw.ellipse((margin, margin, size - margin, size - margin), outline=RED, width=size // 20)
    inner = size // 7
    draw.ellipse((inner, inner, size - inner, size - inner), outline=RED, width=max(2, size // 120))
    centre, outer_r, inner_r = size / 2, size * 0.2, size * 0.08
    points = []
    for i in range(10):
        radius = outer_r if i % 2 == 0 else inner_r
        angle = -math.pi / 2 + i * math.pi / 5
        points.append((centre + radius * math.cos(angle), centre + radius * math.sin(angle)))
    draw.polygon(points, fill=RED)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def give_seal(center) -> None:
    center.seal.save(f"seal-{center.code.lower()}.png", ContentFile(seal_png()), save=True)
