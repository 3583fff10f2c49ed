"""The deploy check on the identity-number keys: a warning without PROPDESK_ID_KEYS, silent with a good key,
an error for a malformed key; it runs only with ``check --deploy``."""

from cryptography.fernet import Fernet
from django.core import checks
from django.test import override_settings

from propdesk.visitors.checks import check_id_keys


def _ids(messages) -> list[str]:
    return [m.id for m in messages]


@override_settings(PROPDESK_ID_KEYS=[])
def test_warns_without_keys_in_the_deploy_checks():
    assert _ids(check_id_keys(None)) == ["visitors.W001"]
    assert "visitors.W001" in _ids(checks.run_checks(include_deployment_checks=True))
    assert "visitors.W001" not in _ids(checks.run_checks(include_deployment_checks=False))


def test_silent_with_keys_set():
    keys = [Fernet.generate_key().decode(), Fernet.generate_key().decode()]
    with override_settings(PROPDESK_ID_KEYS=keys):
        assert check_id_keys(None) == []
        assert not {"visitors.W001", "visitors.E002"} & set(_ids(checks.run_checks(include_deployment_checks=True)))


@override_settings(PROPDESK_ID_KEYS=["not-a-key"])
def test_a_malformed_key_is_an_error():
    found = check_id_keys(None)
    assert _ids(found) == ["visitors.E002"] and found[0].level == checks.ERROR
