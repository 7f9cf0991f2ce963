import pytest

from access.domain.cards import UidError, card_hash, normalize_uid, uid_from_bytes
from access.domain.money import Money, MoneyError


@pytest.mark.parametrize(
    ("text", "cents"),
    [("2,50", 250), ("2.5", 250), ("12", 1200), ("0", 0), ("-3.05", -305), ("7 €", 700)],
)
def test_money_parses_what_people_type(text, cents):
    assert Money.parse(text) == Money(cents)


@pytest.mark.parametrize("text", ["", "abc", "2.505", "1e3", "2,5,0"])
def test_money_refuses_what_is_not_an_amount(text):
    with pytest.raises(MoneyError, match="is not an amount"):
        Money.parse(text)


def test_money_arithmetic_keeps_currency_and_refuses_floats():
    assert Money(250) + Money(50) == Money(300)
    assert (Money(250) - Money(300)).plain() == "-0.50"
    assert Money(100) * 3 == Money(300)
    with pytest.raises(ValueError, match="cannot mix"):
        Money(1, "EUR") + Money(1, "CHF")
    with pytest.raises(TypeError):
        Money(2.5)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "text", ["04a1b2c3", "04:A1:B2:C3", "04 a1 b2 c3", "0x04A1B2C3", "04-a1-b2-c3"]
)
def test_uid_spellings_normalize_to_one_form(text):
    assert normalize_uid(text) == "04A1B2C3"


@pytest.mark.parametrize(
    ("text", "message"),
    [("", "not a card UID"), ("04A1B2CZ", "not a card UID"), ("04A1B2", "6 hex digits"),
     ("04A1B2C3D", "9 hex digits")],
)
def test_malformed_uids_are_refused(text, message):
    with pytest.raises(UidError, match=message):
        normalize_uid(text)


def test_seven_byte_uids_and_bytes_from_a_reader():
    assert normalize_uid("04112233445566") == "04112233445566"
    assert uid_from_bytes([0x04, 0xA1, 0xB2, 0xC3]) == "04A1B2C3"


def test_card_hash_is_keyed_and_spelling_independent():
    secret = b"s" * 32
    assert card_hash("04:a1:b2:c3", secret) == card_hash("04A1B2C3", secret)
    assert card_hash("04A1B2C3", secret) != card_hash("04A1B2C3", b"t" * 32)
    assert "04A1B2C3" not in card_hash("04A1B2C3", secret).upper()
    assert len(card_hash("04A1B2C3", secret)) == 64
