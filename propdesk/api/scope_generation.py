"""The shared scope generation of ``core.scoping``, stored in the ``api_scopegeneration`` row (one statement
to read, one to replace). Registered by ``ApiConfig.ready``."""

import secrets

from propdesk.core.scoping import ScopeGeneration

from .models import ScopeGeneration as Row

ROW_ID = 1


class DatabaseScopeGeneration(ScopeGeneration):
    def read(self):
        return Row.objects.filter(pk=ROW_ID).values_list("token", flat=True).first()

    def bump(self) -> None:
        # Random, not counted: a rolled-back change cannot hand an old token to a later one.
        token = secrets.randbits(62)
        if not Row.objects.filter(pk=ROW_ID).update(token=token):
            Row.objects.update_or_create(pk=ROW_ID, defaults={"token": token})
