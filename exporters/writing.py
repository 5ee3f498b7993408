"""How one person types: full sentences or shop shorthand, upper case or not, and their typos.

Each advisor and technician gets a ``Writer`` drawn once from a digest of their id (so the same
person writes the same way on every RO, in every shard and worker), and a shop's system may print
everything upper case. The rules and abbreviations are data (exporters/narratives/writing.yaml);
this module only applies them. Typos touch only words made of letters, so numbers, part numbers,
DTCs and codes stay as they were; PII mentions are appended after the text is rendered, so no
typo ever lands in a span.
"""

from __future__ import annotations

import hashlib
import math
import random
import re

from exporters.templates import Template, WritingRules, template_from_pieces

# Neighbouring keys on a US QWERTY keyboard, the usual source of substitution typos.
KEYBOARD_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
MIN_TYPO_WORD = 4  # short words are rarely mistyped in a way that survives a glance
ARTICLES = re.compile(r"\b(?:the|a|an) ", re.IGNORECASE)
WORD = re.compile(r"\w+")
WORDS = re.compile(r"(\w+)")  # splits a text into separators and words
WORD_PHRASE = re.compile(r"\w(?:.*\w)?", re.DOTALL)  # begins and ends with a word character
SENTENCE_END = ".!?"


def _neighbours() -> dict[str, str]:
    neighbours: dict[str, str] = {}
    for row_index, row in enumerate(KEYBOARD_ROWS):
        for col, key in enumerate(row):
            near = [row[i] for i in (col - 1, col + 1) if 0 <= i < len(row)]
            for other in (row_index - 1, row_index + 1):
                if 0 <= other < len(KEYBOARD_ROWS):
                    near += [
                        KEYBOARD_ROWS[other][i] for i in (col - 1, col) if 0 <= i < len(KEYBOARD_ROWS[other])
                    ]
            neighbours[key] = "".join(near)
    return neighbours


NEIGHBOURS = _neighbours()


class Writer:
    """One person's habits. Abbreviations and dropped articles are applied to a template's literal
    pieces once per writer (not to every rendered text), so substituted values keep their spelling."""

    __slots__ = (
        "shorthand",
        "upper",
        "drop_articles",
        "separator",
        "typo_rate",
        "log_keep",
        "_chosen",
        "_phrase_words",
        "_first_words",
        "_pattern",
        "_own",
    )

    def __init__(
        self,
        shorthand: bool,
        upper: bool,
        chosen: dict[str, str],
        drop_articles: bool,
        separator: str,
        typo_rate: float,
    ) -> None:
        self.shorthand = shorthand
        self.upper = upper
        self.drop_articles = drop_articles
        self.separator = separator  # between steps, for shorthand writers
        self.typo_rate = typo_rate  # per eligible word
        self.log_keep = math.log1p(-typo_rate) if typo_rate > 0 else 0.0  # of a word's staying clean
        self._chosen = chosen  # lower-case phrase -> the writer's abbreviation
        # Words in the longest phrase, when every phrase is ASCII and begins and ends with a word
        # character: then the words of an ASCII text are enough to find them (see abbreviate).
        word_phrases = all(phrase.isascii() and WORD_PHRASE.fullmatch(phrase) for phrase in chosen)
        self._phrase_words = (
            max((len(WORD.findall(phrase)) for phrase in chosen), default=0) if word_phrases else 0
        )
        self._first_words = frozenset(WORD.findall(phrase)[0] for phrase in chosen) if word_phrases else ()
        self._pattern: re.Pattern[str] | None = None  # compiled when a text needs it
        self._own: dict[int, Template] = {}  # id of a library template -> this writer's version

    def habits(self) -> tuple[object, ...]:
        return self.shorthand, self.upper, self.drop_articles, self.separator, self.typo_rate, self._chosen

    def abbreviate(self, text: str) -> str:
        """The text with articles dropped (if the writer drops them) and each of the writer's phrases,
        as whole words in any case, replaced by their abbreviation, the longest phrase first."""
        if self.drop_articles:
            text = ARTICLES.sub("", text)
        if not self._chosen:
            return text
        if self._phrase_words and text.isascii():
            return self._abbreviate_words(text)
        if self._pattern is None:
            alternatives = "|".join(
                re.escape(phrase) for phrase in sorted(self._chosen, key=len, reverse=True)
            )
            self._pattern = re.compile(rf"\b(?:{alternatives})\b", re.IGNORECASE)
        return self._pattern.sub(lambda match: self._chosen[match.group(0).lower()], text)

    def _abbreviate_words(self, text: str) -> str:
        """``abbreviate``'s replacement where case-blind matching is lower-casing and phrases begin and
        end on words (ASCII): a phrase matches a run of whole words, so trying the runs at each word
        that begins a phrase, longest first, finds what the regular expression of all phrases finds,
        without building one per writer (several times faster over the twenty thousand templates a
        shard's writers own)."""
        parts = WORDS.split(text)  # separators at even indexes, words at odd ones
        lowered = WORDS.split(text.lower())
        chosen, firsts, most = self._chosen, self._first_words, self._phrase_words
        index = 1
        while index < len(parts):
            if lowered[index] in firsts:
                for last in range(min(index + 2 * most - 2, len(parts) - 2), index - 1, -2):
                    spelling = chosen.get("".join(lowered[index : last + 1]))
                    if spelling is not None:
                        parts[index : last + 1] = [spelling] + [""] * (last - index)
                        index = last
                        break
            index += 2
        return "".join(parts)

    def own(self, template: Template) -> Template:
        """The template as this writer types its literal words (the library's templates live as long
        as the process, so their ids are stable keys)."""
        mine = self._own.get(id(template))
        if mine is None:
            if not self._chosen and not self.drop_articles:
                mine = template
            else:
                mine = template_from_pieces(
                    tuple((self.abbreviate(literal), name) for literal, name in template.pieces)
                )
            self._own[id(template)] = mine
        return mine


def _digest_random(*parts: str) -> random.Random:
    digest = hashlib.blake2b("\x1f".join(parts).encode(), digest_size=8).digest()
    return random.Random(int.from_bytes(digest, "big"))


def caps_shop(shop_id: str, rules: WritingRules) -> bool:
    """Whether the shop's system prints upper case (fixed per shop)."""
    return _digest_random("caps-shop", shop_id).random() < rules.caps_shop_share


def draw_writer(
    writer_id: str, shop_id: str, shorthand_share: float, typo_rate: float, rules: WritingRules
) -> Writer:
    """The writing style of one advisor or technician, the same every time it is drawn."""
    rnd = _digest_random("writer", writer_id)
    shorthand = rnd.random() < shorthand_share
    upper = caps_shop(shop_id, rules) or (shorthand and rnd.random() < rules.shorthand_upper_share)
    uses = rules.abbreviation_uses if shorthand else rules.full_abbreviation_uses
    chosen = {
        phrase: spellings[rnd.randrange(len(spellings))]
        for phrase, spellings in rules.abbreviations.items()
        if rnd.random() < uses
    }
    if not (upper or shorthand):
        chosen = {phrase: spelling.lower() for phrase, spelling in chosen.items()}
    drop_articles = shorthand and rnd.random() < rules.drop_articles_share
    separator = rules.separators[rnd.randrange(len(rules.separators))] if shorthand else " "
    # Lognormal with mean 1: most writers type cleanly, a few make most of the typos.
    sigma = rules.typo_sigma
    factor = math.exp(rnd.gauss(0.0, sigma) - sigma * sigma / 2)
    return Writer(shorthand, upper, chosen, drop_articles, separator, min(typo_rate * factor, 0.5))


def _sentence(text: str) -> str:
    text = text.strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text[-1] in SENTENCE_END else text + "."


def render(writer: Writer, steps: list[str], rnd: random.Random) -> str:
    """The steps (clauses or sentences, each already in the writer's words) joined as this writer
    types them: sentences or shorthand separators, upper case, typos."""
    if writer.shorthand:
        text = writer.separator.join([step.rstrip(".") for step in steps if step])
    else:
        text = " ".join([_sentence(step) for step in steps if step])
    if writer.upper:
        text = text.upper()
    return _typed(text, writer.log_keep, rnd) if writer.typo_rate > 0 else text


def add_typos(text: str, rate: float, rnd: random.Random) -> str:
    """Each word of letters mistyped with probability ``rate``: a neighbouring key, a dropped or a
    doubled letter. Positions are drawn by geometric skips, so a clean text costs one draw."""
    return _typed(text, math.log1p(-rate), rnd)


def _typed(text: str, log_keep: float, rnd: random.Random) -> str:
    """``add_typos`` given log(1 - rate), which a writer works out once."""
    index = int(math.log(1.0 - rnd.random()) / log_keep)
    if index > text.count(" "):  # the first typo falls past the last word: most texts end here
        return text
    words = text.split(" ")
    changed = False
    while index < len(words):
        word = words[index]
        core = word.rstrip(".,;:")
        if len(core) >= MIN_TYPO_WORD and core.isalpha() and core.isascii():
            words[index] = _mistype(core, rnd) + word[len(core) :]
            changed = True
        index += 1 + int(math.log(1.0 - rnd.random()) / log_keep)
    return " ".join(words) if changed else text


def _mistype(word: str, rnd: random.Random) -> str:
    position = 1 + rnd.randrange(len(word) - 1)  # the first letter is rarely wrong
    letter = word[position]
    kind = rnd.randrange(3)
    if kind == 0:
        near = NEIGHBOURS[letter.lower()]
        swapped = near[rnd.randrange(len(near))]
        return word[:position] + (swapped.upper() if letter.isupper() else swapped) + word[position + 1 :]
    if kind == 1:
        return word[:position] + word[position + 1 :]
    return word[:position] + letter + word[position:]
