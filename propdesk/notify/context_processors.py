from .selectors import unread_count


def inbox_badge(request):
    """The unread count shown on every page (lazy: only counted when a template uses it)."""
    return {"unread_notifications": lambda: unread_count(user=request.user)}
