"""The SLA configuration kept by each process between uses, under a shared *configuration generation*.

What a deadline is computed from — the active policies with their business calendars (``ladder.policies_for``)
and the working-day rules (``rules.day_rules``: statutory holidays and the local ``CalendarDay`` overrides) —
changes rarely and is read on every ticket create. Each process keeps what it computed under the token of the
``sla_configgeneration`` row (id 1), as ``core.scoping`` keeps users' scopes:

* using a kept value costs one primary-key read of the token, once per transaction (the token read is held on
  the connection until the transaction commits or rolls back), and nothing when the token is unchanged;
* saving or deleting a policy, a business calendar or a calendar day replaces the token with a new random value
  in the writing transaction (model signals, connected by ``SlaConfig.ready``), so the change and the new token
  commit together and every process recomputes on its next use;
* the token is random, not counted: a rolled-back change cannot hand its token to a later one, and a value
  computed inside the rolled-back transaction stays under a token nobody reads again;
* the token is read before computing, so a change committed meanwhile leaves the value under the old token;
* a ``migrate`` (data migrations write through historical models, which send no signals to these receivers)
  and a test database flush replace the token afterwards (``post_migrate``).

Writes that bypass the model signals (``QuerySet.update``, ``bulk_create``, raw SQL) must call
``config_changed()``. ``PROPDESK_KEEP_SLA_CONFIG = False`` computes on every use; unset, it follows
``PROPDESK_KEEP_SCOPES`` (the test settings switch both off; production keeps both).
"""

import secrets

from django.conf import settings
from django.db import transaction

ROW_ID = 1
# Models the kept values are computed from ("app_label.Model"), connected lazily.
CONFIG_INPUTS = ("sla.SlaPolicy", "sla.BusinessCalendar", "sla.CalendarDay")
# What this process keeps: name → ((token, key), value).
_kept: dict[str, tuple[tuple, object]] = {}
# The token read in the current transaction, on the connection: (token, marker hook still pending on commit).
_HELD_ATTR = "_propdesk_sla_config_generation"


def keeping() -> bool:
    return getattr(settings, "PROPDESK_KEEP_SLA_CONFIG", getattr(settings, "PROPDESK_KEEP_SCOPES", True))


def kept(name: str, key, compute):
    """``compute()`` kept under the current generation and ``key`` (e.g. the year), recomputed when either
    changed; computed on every call when the process keeps nothing or the generation row is missing."""
    token = generation()
    if token is None:
        return compute()
    full_key = (token, key)
    hit = _kept.get(name)
    if hit is not None and hit[0] == full_key:
        return hit[1]
    value = compute()
    _kept[name] = (full_key, value)
    return value


def generation() -> int | None:
    """The current token (None: keep nothing). One statement, held for the rest of the transaction."""
    if not keeping():
        return None
    connection = transaction.get_connection()
    held = getattr(connection, _HELD_ATTR, None)
    if held is not None and connection.in_atomic_block and _pending(connection, held[1]):
        return held[0]
    from .models import ConfigGeneration

    token = ConfigGeneration.objects.filter(pk=ROW_ID).values_list("token", flat=True).first()
    if token is not None and connection.in_atomic_block:
        marker = _TransactionMarker()
        # Dropped with the transaction (commit or rollback) or the savepoint it was read in (rollback).
        transaction.on_commit(marker, robust=True)
        setattr(connection, _HELD_ATTR, (token, marker))
    else:
        setattr(connection, _HELD_ATTR, None)
    return token


class _TransactionMarker:
    """A no-op commit hook: while it is pending, the transaction that read the token is still open."""

    def __call__(self) -> None:
        pass


def _pending(connection, marker) -> bool:
    return any(hook[1] is marker for hook in connection.run_on_commit)


def config_changed(**_signal_kwargs) -> None:
    """Something the kept configuration is computed from changed: every process recomputes on its next use.

    Inside a transaction the new token becomes visible with the change itself (same commit)."""
    from .models import ConfigGeneration

    forget()
    _replace_token(ConfigGeneration)


def forget() -> None:
    """Drop what this process keeps and the token held by this thread's transaction."""
    _kept.clear()
    forget_transaction()


def forget_transaction() -> None:
    """Drop the token held by this thread's transaction: the next use reads it again (a test, which runs in one
    transaction, calls this where a request's own transaction would begin)."""
    setattr(transaction.get_connection(), _HELD_ATTR, None)


def _replace_token(model, using: str | None = None) -> None:
    # Random, not counted: a rolled-back change cannot hand an old token to a later one.
    token = secrets.randbits(62)
    rows = model.objects.using(using) if using else model.objects
    if not rows.filter(pk=ROW_ID).update(token=token):
        rows.update_or_create(pk=ROW_ID, defaults={"token": token})


def config_migrated(*, apps=None, using=None, **_signal_kwargs) -> None:
    """After ``migrate`` (or a flush): data migrations may have written policies or calendar days."""
    try:
        model = apps.get_model("sla", "ConfigGeneration")
    except (AttributeError, LookupError):  # no migration state, or the table is not migrated yet
        return
    forget()
    _replace_token(model, using)


def connect() -> None:
    """Listen to the models the kept configuration is computed from (``SlaConfig.ready``)."""
    from django.apps import apps
    from django.db.models.signals import post_delete, post_migrate, post_save

    for label in CONFIG_INPUTS:
        post_save.connect(config_changed, sender=label, dispatch_uid=f"sla_config_changed_save_{label}")
        post_delete.connect(config_changed, sender=label, dispatch_uid=f"sla_config_changed_delete_{label}")
    post_migrate.connect(config_migrated, sender=apps.get_app_config("sla"), dispatch_uid="sla_config_migrated")
