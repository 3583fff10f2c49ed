"""The password login backend, keeping API tokens valid when Django re-hashes an unchanged password."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class PasswordBackend(ModelBackend):
    """Django's ``ModelBackend``; when a successful login re-hashes the password (Django upgraded its hasher
    or its iterations), the user's API tokens follow the new hash. Tokens are tied to the password hash
    (``ApiToken.password_fingerprint``) so that a password change revokes them; a re-hash is not one."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        User = get_user_model()
        if username is None:
            username = kwargs.get(User.USERNAME_FIELD)
        before = (
            User._default_manager.filter(**{User.USERNAME_FIELD: username}).values_list("password", flat=True).first()
            if username is not None
            else None
        )
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is not None and before and before != user.password:
            from .services import api_tokens_keep_after_rehash

            api_tokens_keep_after_rehash(user=user, old_password_hash=before)
        return user
