"""exporters.pii_phrasing: a broken pii.yaml is refused with the key that is wrong."""

from __future__ import annotations

import re

import pytest
import yaml

from exporters.pii_phrasing import PII_FILE, load_phrasing
from world.errors import UserError


@pytest.mark.parametrize(
    ("edit", "where"),
    [
        (lambda pii: pii.pop("third_party"), "pii.third_party"),
        (lambda pii: pii["customer"]["notes"].append("Call {fax}."), "pii.customer.notes[15]"),
        (lambda pii: pii["vehicle"]["cause"].append("Per {role}, {vin}."), "pii.vehicle.cause[5]"),
        (lambda pii: pii["decoys"].append("Call {phone}."), "pii.decoys[15]"),
        (lambda pii: pii.update(word_name_share=2), "pii.word_name_share"),
        (lambda pii: pii["roles"].pop("fleet"), "pii.roles.fleet"),
    ],
)
def test_a_broken_phrasing_file_names_its_key(tmp_path, edit, where):
    data = yaml.safe_load(PII_FILE.read_text(encoding="utf-8"))
    edit(data["pii"])
    path = tmp_path / "pii.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(UserError, match=re.escape(f"{path}: {where}")):
        load_phrasing(path)
