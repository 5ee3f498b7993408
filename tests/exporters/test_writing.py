import re

from hypothesis import given, settings
from hypothesis import strategies as st

from exporters.templates import compile_template, default_library
from exporters.writing import ARTICLES, Typing, Writer

TABLE = default_library().writing.abbreviations
PHRASE_WORDS = sorted({word for phrase in TABLE for word in phrase.split()})


def abbreviated_by_one_pattern(text: str, chosen: dict[str, str], drop_articles: bool) -> str:
    """The reference: one case-blind regular expression of all the writer's phrases as whole words,
    longest first (how abbreviations were applied before words were matched directly)."""
    if drop_articles:
        text = ARTICLES.sub("", text)
    if not chosen:
        return text
    alternatives = "|".join(re.escape(phrase) for phrase in sorted(chosen, key=len, reverse=True))
    pattern = re.compile(rf"\b(?:{alternatives})\b", re.IGNORECASE)
    return pattern.sub(lambda match: chosen[match.group(0).lower()], text)


# Whole phrases and words of the phrases in any case, look-alikes that only start or end like one,
# articles, digits and non-ASCII words (texts with them take the regular expression).
WORDS = st.one_of(
    st.sampled_from(sorted(TABLE)),
    st.sampled_from(sorted(TABLE)).map(str.upper),
    st.sampled_from(PHRASE_WORDS),
    st.sampled_from(PHRASE_WORDS).map(str.capitalize),
    st.sampled_from(
        ["the", "a", "An", "checks", "rechecked", "testing", "R&R", "2", "x9", "_and", "é", "Café"]
    ),
)
SEPARATORS = st.sampled_from([" ", " ", " ", "  ", ", ", "-", "/", ". ", "'", "\t", "("])


@settings(max_examples=400)
@given(
    words=st.lists(WORDS, min_size=1, max_size=14),
    separators=st.lists(SEPARATORS, min_size=14, max_size=14),
    phrases=st.lists(st.sampled_from(sorted(TABLE)), unique=True, max_size=30),
    spelling=st.integers(0, 3),
    drop_articles=st.booleans(),
)
def test_abbreviations_match_what_one_pattern_of_all_phrases_matches(
    words, separators, phrases, spelling, drop_articles
):
    text = "".join(word + separator for word, separator in zip(words, separators, strict=False)).strip()
    chosen = {phrase: TABLE[phrase][spelling % len(TABLE[phrase])] for phrase in phrases}
    writer = Writer(True, True, chosen, drop_articles, ". ", 0.0)
    assert writer.abbreviate(text) == abbreviated_by_one_pattern(text, chosen, drop_articles)


def test_phrases_that_are_not_whole_words_are_matched_as_before():
    chosen = {"a/c": "AC", "w/": "WITH", "check": "CK"}
    text = "Checked a/c, w/ check. A/C w/o check"
    writer = Writer(False, False, chosen, False, " ", 0.0)
    assert (
        writer.abbreviate(text)
        == abbreviated_by_one_pattern(text, chosen, False)
        == (
            "Checked AC, w/ CK. AC WITHo CK"  # as a regular expression's word boundaries have it
        )
    )


def test_the_longest_phrase_at_a_word_wins_and_matching_goes_on_after_it():
    chosen = {
        "customer": "CUST",
        "customer states": "C/S",
        "states": "STS",
        "road test": "R/T",
        "test": "TST",
    }
    text = "Customer states road test, customer test states"
    writer = Writer(True, True, chosen, False, ". ", 0.0)
    assert (
        writer.abbreviate(text) == abbreviated_by_one_pattern(text, chosen, False) == "C/S R/T, CUST TST STS"
    )


@settings(max_examples=200)
@given(
    words=st.lists(WORDS, min_size=1, max_size=14),
    separators=st.lists(SEPARATORS, min_size=14, max_size=14),
    writers=st.lists(
        st.tuples(
            st.lists(st.sampled_from(sorted(TABLE)), unique=True, max_size=40),
            st.integers(0, 3),
            st.booleans(),
        ),
        min_size=2,
        max_size=4,
    ),
)
def test_writers_sharing_one_typing_each_abbreviate_as_alone(words, separators, writers):
    """Writers of one table share where its phrases occur in a text (``Typing``); each still
    abbreviates as its own phrases alone would, in a text and in a template's literal pieces."""
    text = "".join(word + separator for word, separator in zip(words, separators, strict=False)).strip()
    template = compile_template(text + " {part} " + text, "here", frozenset({"part"}))
    typing = Typing(TABLE)
    for phrases, spelling, drop_articles in writers:
        chosen = {phrase: TABLE[phrase][spelling % len(TABLE[phrase])] for phrase in phrases}
        shared = Writer(True, True, chosen, drop_articles, ". ", 0.0, typing)
        assert shared.abbreviate(text) == abbreviated_by_one_pattern(text, chosen, drop_articles)
        expected = "".join(
            abbreviated_by_one_pattern(literal, chosen, drop_articles).replace("{", "{{").replace("}", "}}")
            + (f"{{{name}}}" if name else "")
            for literal, name in template.pieces
        )
        assert shared.own(template) == expected


def test_writers_sharing_one_typing_key_a_template_by_one_object():
    # A shard's writers keep some 20,000 typed texts: an int key of their own each would be 32
    # bytes apiece, for a key that every writer of the template has.
    template = compile_template("checked the brake fluid {part}", "here", frozenset({"part"}))
    typing = Typing(TABLE)
    writers = [Writer(True, True, {}, drop, ". ", 0.0, typing) for drop in (False, True, False)]
    for writer in writers:
        writer.own(template)
    keys = [next(iter(writer.texts)) for writer in writers]
    assert keys == [id(template)] * 3
    assert keys[0] is keys[1] is keys[2]
