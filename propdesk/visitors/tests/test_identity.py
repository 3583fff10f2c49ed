"""Identity documents: the resident identity number's check character and birth date, the 15-digit rule, the
other documents' formats, masking, and encryption at rest with its keyed digest."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from propdesk.visitors import crypto
from propdesk.visitors.choices import DocumentType
from propdesk.visitors.identity import birth_date, check_character, check_document, legacy_to_18, mask, normalize

TODAY = dt.date(2026, 11, 18)


def code_of(exc: ValidationError, field: str = "id_number") -> str:
    return exc.error_dict[field][0].code


def with_check(first17: str) -> str:
    return first17 + check_character(first17)


# --------------------------------------------------------------------------- resident identity card


@pytest.mark.parametrize(
    "number",
    [
        "11010519491231002X",  # the GB 11643 example, check character X
        "440308199901011234",
        with_check("44030819880229123"),  # 29 February of a leap year
        with_check("81000019900101123"),  # a Hong Kong resident's residence permit
    ],
)
def test_a_valid_resident_id_is_accepted(number):
    assert check_document(DocumentType.ID_CARD, number, today=TODAY) == number


def test_check_character_follows_iso_7064_mod_11_2():
    assert check_character("11010519491231002") == "X"
    assert check_character("44030819990101123") == "4"


def test_lower_case_x_full_width_digits_and_spaces_are_normalized():
    assert check_document(DocumentType.ID_CARD, " 110105 19491231 002x ", today=TODAY) == "11010519491231002X"
    assert normalize("１１０１０５１９４９１２３１００２Ｘ") == "11010519491231002X"


def test_a_wrong_check_character_is_refused():
    with pytest.raises(ValidationError) as caught:
        check_document(DocumentType.ID_CARD, "440308199901011238", today=TODAY)
    assert code_of(caught.value) == "id_checksum"
    assert "校验位" in caught.value.message_dict["id_number"][0]


@pytest.mark.parametrize(
    "first17",
    [
        "44030819990231123",  # 31 February
        "44030819991301123",  # month 13
        "44030818991231123",  # before 1900
        "44030820261119123",  # born tomorrow
        "44030819890229123",  # 29 February of a common year
    ],
)
def test_a_birth_date_that_is_no_real_date_is_refused_even_with_a_right_check_character(first17):
    with pytest.raises(ValidationError) as caught:
        check_document(DocumentType.ID_CARD, with_check(first17), today=TODAY)
    assert code_of(caught.value) == "id_birth_date"


def test_an_unknown_province_is_refused():
    with pytest.raises(ValidationError) as caught:
        check_document(DocumentType.ID_CARD, with_check("99030819990101123"), today=TODAY)
    assert code_of(caught.value) == "id_region"


@pytest.mark.parametrize(
    "number", ["4403081999010112", "4403081999010112345", "44030819990101123Y", "ABCDEFGHIJKLMNOPQR"]
)
def test_a_number_of_the_wrong_shape_is_refused(number):
    with pytest.raises(ValidationError) as caught:
        check_document(DocumentType.ID_CARD, number, today=TODAY)
    assert code_of(caught.value) == "id_format"


def test_the_15_digit_first_generation_number_is_refused_with_the_reason():
    """Rule: first-generation cards stopped being valid on 2013-01-01, so a gate does not accept them."""
    with pytest.raises(ValidationError) as caught:
        check_document(DocumentType.ID_CARD, "440308990101123", today=TODAY)
    assert code_of(caught.value) == "legacy_id"
    assert "2013" in caught.value.message_dict["id_number"][0]


def test_a_15_digit_number_converts_to_its_18_digit_form():
    converted = legacy_to_18("440308990101123")
    assert converted == with_check("44030819990101123")
    assert check_document(DocumentType.ID_CARD, converted, today=TODAY) == converted
    assert birth_date(converted) == dt.date(1999, 1, 1)


def test_an_empty_number_and_an_unknown_type_are_refused():
    with pytest.raises(ValidationError) as caught:
        check_document(DocumentType.ID_CARD, "  ", today=TODAY)
    assert code_of(caught.value) == "required"
    with pytest.raises(ValidationError) as caught:
        check_document("driving_licence", "12345678", today=TODAY)
    assert code_of(caught.value, "document_type") == "invalid_choice"


# --------------------------------------------------------------------------- other documents


@pytest.mark.parametrize(
    ("document_type", "number", "expected"),
    [
        (DocumentType.PASSPORT, "E12345678", "E12345678"),
        (DocumentType.PASSPORT, "ea1234567", "EA1234567"),
        (DocumentType.PASSPORT, "C01X00T47", "C01X00T47"),
        (DocumentType.HK_MACAU, "H12345678", "H12345678"),
        (DocumentType.HK_MACAU, "m1234567890", "M1234567890"),
        (DocumentType.TAIWAN, "12345678", "12345678"),
        (DocumentType.TAIWAN, "1234567890", "1234567890"),
        (DocumentType.OTHER, "JG-2023-001", "JG-2023-001"),
    ],
)
def test_each_other_document_type_is_accepted_in_its_format(document_type, number, expected):
    assert check_document(document_type, number, today=TODAY) == expected


@pytest.mark.parametrize(
    ("document_type", "number"),
    [
        (DocumentType.PASSPORT, "ABCDEFGH"),  # no digit
        (DocumentType.PASSPORT, "E12"),  # too short
        (DocumentType.PASSPORT, "E1234567890123456789"),  # too long
        (DocumentType.HK_MACAU, "A12345678"),  # neither H nor M
        (DocumentType.HK_MACAU, "H1234567"),  # 7 digits
        (DocumentType.TAIWAN, "1234567"),
        (DocumentType.TAIWAN, "T1234567"),
        (DocumentType.OTHER, "AB"),
        (DocumentType.OTHER, "证件123456"),
    ],
)
def test_each_other_document_type_refuses_a_wrong_format(document_type, number):
    with pytest.raises(ValidationError) as caught:
        check_document(document_type, number, today=TODAY)
    assert code_of(caught.value) == "document_format"


# --------------------------------------------------------------------------- masking, encryption


def test_masking_keeps_four_and_four_of_an_identity_number():
    assert mask("440308199901011234") == "4403**********1234"
    assert mask("E12345678") == "E1*****78"
    assert mask("1234") == "****"
    assert mask("") == ""


def test_numbers_are_encrypted_and_read_back():
    token = crypto.encrypt("440308199901011234")
    assert "440308199901011234" not in token
    assert token != crypto.encrypt("440308199901011234")  # a fresh IV each time
    assert crypto.decrypt(token) == "440308199901011234"
    assert crypto.encrypt("") == "" and crypto.decrypt("") == ""


def test_the_digest_finds_the_same_number_and_hides_it():
    assert crypto.digest("440308199901011234") == crypto.digest("440308199901011234")
    assert crypto.digest("440308199901011234") != crypto.digest("440308199901011247")
    assert "1234" not in crypto.digest("440308199901011234")
    assert len(crypto.digest("E12345678")) == 64


def test_a_configured_key_list_rotates_old_keys_and_refuses_foreign_tokens(settings):
    from cryptography.fernet import Fernet

    old, new, foreign = Fernet.generate_key().decode(), Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.PROPDESK_ID_KEYS = [old]
    token = crypto.encrypt("H12345678")
    settings.PROPDESK_ID_KEYS = [new, old]
    assert crypto.decrypt(token) == "H12345678"
    settings.PROPDESK_ID_KEYS = [foreign]
    with pytest.raises(crypto.InvalidToken):
        crypto.decrypt(token)
