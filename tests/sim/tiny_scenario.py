"""The smallest valid scenario document, shared by the scenario and target tests."""

TINY_SCENARIO = {
    "name": "tiny",
    "start": "2022-01-01",
    "end": "2023-01-01",
    "world": {
        "regions": [
            {
                "id": "r1",
                "state": "OH",
                "timezone": "America/New_York",
                "area_codes": [614],
                "tax_rate": 0.0725,
                "shops": {"independents": 2},
            }
        ]
    },
}
