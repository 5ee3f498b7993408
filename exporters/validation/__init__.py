"""The streaming validator behind ``python -m sim validate``: records, dataset rules, PII spans, manifest."""
