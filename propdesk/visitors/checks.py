"""Deploy checks of the visitor register (``manage.py check --deploy``).

``visitors.W001``: ``PROPDESK_ID_KEYS`` is not set, so identity numbers would be encrypted with a key derived from
``SECRET_KEY`` — rotating the secret key would then make every stored number unreadable.
``visitors.E002``: a key in ``PROPDESK_ID_KEYS`` is not a Fernet key (the first encryption would fail).
"""

from cryptography.fernet import Fernet
from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

KEY_HINT = (
    "Set PROPDESK_ID_KEYS to one or more comma-separated Fernet keys, each made with "
    '`python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"` '
    "(44 URL-safe base64 characters); the first encrypts, all decrypt."
)


@register(Tags.security, "visitors", deploy=True)
def check_id_keys(app_configs, **kwargs):
    keys = list(getattr(settings, "PROPDESK_ID_KEYS", None) or ())
    if not keys:
        return [
            Warning(
                "PROPDESK_ID_KEYS is not set: visitors' identity numbers would be encrypted with a key derived "
                "from SECRET_KEY, and changing SECRET_KEY would make every stored number unreadable.",
                hint=KEY_HINT,
                id="visitors.W001",
            )
        ]
    errors = []
    for position, key in enumerate(keys, start=1):
        try:
            Fernet(key.encode())
        except (ValueError, TypeError):
            errors.append(
                Error(f"PROPDESK_ID_KEYS: key {position} is not a valid Fernet key.", hint=KEY_HINT, id="visitors.E002")
            )
    return errors
