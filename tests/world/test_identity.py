import re
import uuid

import numpy as np
import phonenumbers
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from world.errors import UserError
from world.identity import STATE_POSTCODE_RANGES, IdentityPool

E164 = re.compile(r"^\+1[2-9][0-9]{2}[2-9][0-9]{6}$")
# The contract's reserved domains, written out here rather than read from world.identity.
RESERVED_EMAIL_DOMAINS = {"example.com", "example.net", "example.org"}


def pool(seed: int = 7, state: str = "OH", area_codes=(614, 740), phone_mode: str = "fictional"):
    return IdentityPool(np.random.default_rng(seed), state, area_codes, phone_mode)


def draw_everything(identities: IdentityPool) -> list[object]:
    drawn: list[object] = []
    for _ in range(50):
        name = identities.person_name()
        drawn += [
            name,
            identities.company_name(),
            identities.address(),
            identities.phone(),
            identities.email(name),
            identities.customer_uuid(),
        ]
    return drawn


def test_same_stream_same_identities_and_other_stream_other_identities():
    assert draw_everything(pool(7)) == draw_everything(pool(7))
    assert draw_everything(pool(7)) != draw_everything(pool(8))


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), state=st.sampled_from(sorted(STATE_POSTCODE_RANGES)))
def test_fictional_phones_are_555_01xx_under_the_given_area_codes(seed, state):
    identities = pool(seed, state, (212, 917))
    for _ in range(20):
        phone = identities.phone()
        assert E164.match(phone)
        assert phone[2:5] in {"212", "917"}
        assert phone[5:10] == "55501"


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), state=st.sampled_from(sorted(STATE_POSTCODE_RANGES)))
def test_addresses_are_in_the_state_with_its_postal_codes(seed, state):
    identities = pool(seed, state)
    low, high = STATE_POSTCODE_RANGES[state]
    for _ in range(20):
        address = identities.address()
        assert address.state == state
        assert re.fullmatch(r"[0-9]{5}", address.postal_code)
        assert low <= int(address.postal_code) <= high
        assert re.fullmatch(r"[0-9]{3,5} [A-Za-z' -]+", address.line1)


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_emails_use_only_reserved_domains_and_derive_from_the_name(seed):
    identities = pool(seed)
    for _ in range(20):
        name = identities.person_name()
        email = identities.email(name)
        local, domain = email.split("@")
        assert domain in RESERVED_EMAIL_DOMAINS
        assert re.fullmatch(r"[a-z0-9._]+", local)
        first, last = name.lower().split()[0], name.lower().split()[-1]
        assert first[0] in local and (last in local or last[0] in local)


def test_company_emails_skip_legal_form_words():
    for seed in range(20):
        assert "llc" not in pool(seed).email("Harbor Logistics LLC")


def test_customer_uuids_are_canonical_version_4_and_distinct():
    identities = pool()
    drawn = [identities.customer_uuid() for _ in range(2000)]
    assert len(set(drawn)) == len(drawn)
    for value in drawn[:100]:
        parsed = uuid.UUID(value)
        assert str(parsed) == value and parsed.version == 4


def test_names_and_companies_look_like_names():
    identities = pool()
    for _ in range(200):
        assert re.fullmatch(r"[A-Z][a-z]+ [A-Z][a-z]+", identities.person_name())
        company = identities.company_name()
        assert company.split()[-1] in {"LLC", "Inc.", "Co.", "Group", "Corp."}


def test_realistic_phones_are_valid_numbers_outside_the_fiction_range():
    identities = pool(3, "OH", (614, 740), "realistic")
    for _ in range(30):
        phone = identities.phone()
        assert E164.match(phone)
        assert phone[5:8] != "555"
        assert phonenumbers.is_valid_number(phonenumbers.parse(phone, None))


@pytest.mark.parametrize(
    "state, area_codes, phone_mode, message",
    [
        ("XX", (614,), "fictional", "unknown state"),
        ("OH", (), "fictional", "at least one area code"),
        ("OH", (61,), "fictional", "200..999"),
        ("OH", (614,), "invented", "phone_mode"),
    ],
)
def test_bad_configuration_is_a_user_error(state, area_codes, phone_mode, message):
    with pytest.raises(UserError, match=message):
        IdentityPool(np.random.default_rng(0), state, area_codes, phone_mode)


def test_phones_and_postal_codes_are_shared_strings_not_one_copy_per_customer():
    identities = pool(5, "NY", (212, 917))
    phones = [identities.phone() for _ in range(2000)]
    postal_codes = [identities.address().postal_code for _ in range(2000)]
    for drawn in (phones, postal_codes):
        # equal values are the very same object: memory grows with distinct values, not customers
        assert len({id(value) for value in drawn}) == len(set(drawn)) < len(drawn)
