"""What the record rules find in an RO fixture, for the tests of exporters.rules."""

from __future__ import annotations

from typing import Any

import orjson
import pytest
from pydantic import ValidationError

from exporters.models import RepairOrder
from exporters.validation.fast_path import clean_ro
from exporters.validation.records import check_line

CUSTOMER_RO = "OH101-000101"  # individual, two customer-pay jobs, parts, both fees, discount
FLEET_RO = "OH101-000102"  # fleet, warranty and customer jobs
WARRANTY_RO = "OH101-000103"  # warranty only


def broken_rules(ro: dict[str, Any]) -> set[str]:
    """The rules the validator finds broken in ``ro``, after checking that its fast path and the
    models agree."""
    line = orjson.dumps(ro)
    _, violations, _ = check_line(line)
    rules = {violation.rule for violation in violations}
    assert (clean_ro(line) is None) == bool(rules)
    if rules:
        with pytest.raises(ValidationError) as raised:
            RepairOrder.model_validate(ro)
        assert {error["type"] for error in raised.value.errors()} == rules
    else:
        RepairOrder.model_validate(ro)
    return rules
