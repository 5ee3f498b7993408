"""The written forms of each PII kind (exporters.pii_surface): every variant renders and reads back
to its canonical value, and the span vocabulary is the contract's."""

from hypothesis import given
from hypothesis import strategies as st

from exporters.pii_surface import (
    ENTITY_KINDS,
    SPAN_VARIANTS,
    SUBJECTS,
    VARIANTS,
    address_surface,
    email_surface,
    full_spellings,
    person_surface,
    phone_surface,
    vin_surface,
)
from tests.exporters.pii_reading import email_read_back, phone_digits
from world.identity import EMAIL_DOMAINS, FIRST_NAMES, LAST_NAMES, STREET_SUFFIXES, STREET_TREES

phones = st.builds(lambda area, line: f"+1{area}55501{line:02d}", st.integers(200, 999), st.integers(0, 99))
words = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=2, max_size=10)
emails = st.builds(
    lambda first, last, domain: f"{first}.{last}@{domain}", words, words, st.sampled_from(EMAIL_DOMAINS)
)
names = st.builds(
    lambda first, last: f"{first} {last}", st.sampled_from(FIRST_NAMES), st.sampled_from(LAST_NAMES)
)
vins = st.text(alphabet="ABCDEFGHJKLMNPRSTUVWXYZ0123456789", min_size=17, max_size=17)


@given(phone=phones, extension=st.integers(10, 9999))
def test_every_phone_variant_reads_back_as_its_number(phone, extension):
    for variant in VARIANTS["phone"]:
        surface = phone_surface(phone, variant, str(extension))
        expected = phone[5:] if variant == "local" else phone[2:]
        assert phone_digits(surface.value) == expected, (variant, surface)
        assert surface.before == surface.after == ""


@given(email=emails)
def test_every_email_variant_reads_back_as_its_address(email):
    for variant in VARIANTS["email"]:
        surface = email_surface(email, variant)
        assert email_read_back(surface.value) == email, (variant, surface)
    assert email_surface(email, "angle") == ("<", email, ">")


@given(name=names)
def test_every_person_variant_is_part_of_the_name(name):
    first, last = name.split()[0], name.split()[-1]
    expected = {
        "full": name,
        "first_only": first,
        "word_name": first,
        "title_last": last,
        "initial_last": f"{first[0]}. {last}",
        "lower": name.lower(),
        "upper": name.upper(),
        "possessive": first,
        "nickname": "Bill",
    }
    for variant in VARIANTS["person"]:
        surface = person_surface(name, variant, nickname="Bill", title="Ms.")
        assert surface.value == expected[variant]
    assert person_surface(name, "title_last", title="Ms.").before == "Ms. "
    assert person_surface(name, "possessive").after == "'s"


@given(
    number=st.integers(100, 19999),
    root=st.sampled_from(STREET_TREES),
    suffix=st.sampled_from(STREET_SUFFIXES),
)
def test_every_address_variant_starts_from_its_street(number, root, suffix):
    line1 = f"{number} {root} {suffix}"
    rendered = {
        variant: address_surface(line1, variant, "Springfield, OH 43210", "Apt 4B", "Elm Avenue")
        for variant in VARIANTS["address"]
    }
    assert rendered["street"].value == line1
    assert rendered["full_line"].value == f"{line1}, Springfield, OH 43210"
    assert rendered["unit"].value == f"{line1} Apt 4B"
    assert rendered["corner"] == ("the corner of ", f"{root} {suffix} and Elm Avenue", "")


@given(vin=vins)
def test_every_vin_variant_reads_back_as_its_vin_or_its_end(vin):
    for variant in VARIANTS["vin"]:
        value = vin_surface(vin, variant).value.replace(" ", "").upper()
        assert vin.endswith(value) and len(value) == {"last8": 8, "last6": 6}.get(variant, 17)


def test_the_span_vocabulary_is_the_contracts():
    assert SUBJECTS == ("customer", "contact", "vehicle", "third_party")
    assert {"phone:dotted", "person:first_only", "email:spelled", "vin:last8"} <= SPAN_VARIANTS
    assert all(variant == variant.lower() and variant.count(":") == 1 for variant in SPAN_VARIANTS)
    assert set(ENTITY_KINDS.values()) == set(VARIANTS)


def test_full_spellings_leave_out_partial_forms():
    assert "555-0142" not in full_spellings("PHONE_NUMBER", "+16145550142")
    assert "six one four five five five zero one four two" in full_spellings("PHONE_NUMBER", "+16145550142")
    assert full_spellings("PERSON", "Dana Whitfield") == (
        "Dana Whitfield",
        "dana whitfield",
        "DANA WHITFIELD",
    )
    assert "GNC2X0909" not in full_spellings("VIN", "GNC2X09097XAB1187")
