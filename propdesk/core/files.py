"""Uploaded files: their type is recognised by their first bytes, not by the name the browser sent."""

# Allowed attachment types, recognised by their first bytes (not by the name the browser sent).
_SIGNATURES = (
    (b"\xff\xd8\xff", "image/jpeg", (".jpg", ".jpeg")),
    (b"\x89PNG\r\n\x1a\n", "image/png", (".png",)),
    (b"GIF87a", "image/gif", (".gif",)),
    (b"GIF89a", "image/gif", (".gif",)),
    (b"%PDF-", "application/pdf", (".pdf",)),
)


# Every type an upload may be recognised as, so every type a download may be served as.
CONTENT_TYPES = (*dict.fromkeys(content_type for _magic, content_type, _ext in _SIGNATURES), "image/webp", "image/heic")


def sniff_type(head: bytes, name: str) -> str | None:
    """The content type of an allowed upload, or None when the bytes and the name do not agree."""
    lower = name.lower()
    for magic, content_type, extensions in _SIGNATURES:
        if head.startswith(magic) and lower.endswith(extensions):
            return content_type
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP" and lower.endswith(".webp"):
        return "image/webp"
    if head[4:12] in (b"ftypheic", b"ftypheix", b"ftypmif1") and lower.endswith((".heic", ".heif")):
        return "image/heic"
    return None
