"""Independent readings of written PII, for the tests: what a reader would take a written value to be."""

import re

from exporters.pii_surface import DIGIT_WORDS


def phone_digits(text: str) -> str:
    """An independent reading of a written phone: its digits, words spelled back, extension dropped."""
    text = re.sub(r" x\d+$", "", text)
    for digit, word in enumerate(DIGIT_WORDS):
        text = re.sub(rf"\b{word}\b", str(digit), text)
    digits = re.sub(r"\D", "", text)
    return digits[1:] if len(digits) == 11 and digits[0] == "1" else digits


def email_read_back(text: str) -> str:
    text = text.lower().replace("[at]", "@")
    if "@" not in text:  # spelled out: "dana dot whitfield at example dot com"
        local, _, domain = text.rpartition(" at ")
        text = f"{local.replace(' dot ', '.')}@{domain.replace(' dot ', '.')}"
    return text
