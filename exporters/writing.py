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
from collections.abc import Callable, Iterable

from exporters.templates import Template, WritingRules, format_text

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
        "_pattern",
        "texts",
        "_typing",
    )

    def __init__(
        self,
        shorthand: bool,
        upper: bool,
        chosen: dict[str, str],
        drop_articles: bool,
        separator: str,
        typo_rate: float,
        typing: Typing | None = None,
    ) -> None:
        self.shorthand = shorthand
        self.upper = upper
        self.drop_articles = drop_articles
        self.separator = separator  # between steps, for shorthand writers
        self.typo_rate = typo_rate  # per eligible word
        self.log_keep = math.log1p(-typo_rate) if typo_rate > 0 else 0.0  # of a word's staying clean
        self._chosen = chosen  # lower-case phrase -> the writer's abbreviation
        self._pattern: re.Pattern[str] | None = None  # compiled when a text needs it
        # id of a library template -> its format text as this writer types it (``own``)
        self.texts: dict[int, str] = {}
        self._typing = typing or Typing(chosen)  # shared by writers of one table of abbreviations

    def habits(self) -> tuple[object, ...]:
        return self.shorthand, self.upper, self.drop_articles, self.separator, self.typo_rate, self._chosen

    def abbreviate(self, text: str) -> str:
        """The text with articles dropped (if the writer drops them) and each of the writer's phrases,
        as whole words in any case, replaced by their abbreviation, the longest phrase first."""
        return self._typing.typed(text, self._chosen, self.drop_articles, self._matched)

    def _matched(self, text: str) -> str:
        """``abbreviate`` by one case-blind regular expression of all the writer's phrases, for texts
        whose words are not enough to find them (``Typing``); ``text`` has its articles dropped."""
        if not self._chosen:
            return text
        if self._pattern is None:
            alternatives = "|".join(
                re.escape(phrase) for phrase in sorted(self._chosen, key=len, reverse=True)
            )
            self._pattern = re.compile(rf"\b(?:{alternatives})\b", re.IGNORECASE)
        return self._pattern.sub(lambda match: self._chosen[match.group(0).lower()], text)

    def own(self, template: Template) -> str:
        """The template's format text as this writer types its literal words (the library's
        templates live as long as the process, so their ids are stable keys)."""
        text = self.texts.get(id(template))
        if text is None:
            text = template.format_text
            if self._chosen or self.drop_articles:
                text = self._typing.format_text(template, self._chosen, self.drop_articles, self._matched)
            self.texts[self._typing.template_key(template)] = text
        return text


class Typing:
    """Where the phrases of one table of abbreviations occur in each literal text, worked out once
    for all the writers who abbreviate from it (a shard's seventy-odd writers type some thirty
    thousand literals, a few thousand of them distinct): a writer then only looks up its spelling
    of the phrases found there."""

    def __init__(self, phrases: Iterable[str]) -> None:
        self._phrases = frozenset(phrases)
        # When every phrase is ASCII and begins and ends with a word character, a phrase matches a
        # run of whole words of an ASCII text, and case-blind matching is lower-casing: the words of
        # the text are then enough to find them.
        word_phrases = all(phrase.isascii() and WORD_PHRASE.fullmatch(phrase) for phrase in self._phrases)
        self._most = max((len(WORD.findall(phrase)) for phrase in self._phrases), default=0)
        self._words_find = word_phrases and self._most > 0
        self._first_words = (
            frozenset(WORD.findall(phrase)[0] for phrase in self._phrases) if word_phrases else ()
        )
        # (text, drop articles) -> where the phrases match in it (``Literal``)
        self._layouts: dict[tuple[str, bool], Literal] = {}
        # (id of a template, drop articles) -> the template (kept alive, so its id is never
        # another's), its format text and pieces without dropped articles, and the layouts of the
        # pieces where a phrase may match
        self._templates: dict[
            tuple[int, bool], tuple[Template, str, Pieces, tuple[tuple[int, Literal], ...]]
        ] = {}
        # id of a template -> that very int: every writer's ``texts`` keys a template by one object
        # rather than each by an int of its own (a shard's writers hold some 20,000 texts).
        self._template_keys: dict[int, int] = {}

    def template_key(self, template: Template) -> int:
        """``id(template)``, the same int object for every writer."""
        key = id(template)
        return self._template_keys.setdefault(key, key)

    def typed(
        self, text: str, chosen: dict[str, str], drop_articles: bool, matched: Callable[[str], str]
    ) -> str:
        """``text`` as typed by a writer who spells the phrases as ``chosen`` does: ``matched`` for a
        text whose words are not enough."""
        return _applied(self._layout_of(text, drop_articles), chosen, matched)

    def format_text(
        self, template: Template, chosen: dict[str, str], drop_articles: bool, matched: Callable[[str], str]
    ) -> str:
        """``typed`` for each literal piece of the template, as its format text: the pieces where a
        phrase matches are found once per template."""
        key = (id(template), drop_articles)
        entry = self._templates.get(key)
        if entry is None:
            layouts = [self._layout_of(literal, drop_articles) for literal, _ in template.pieces]
            base = tuple(
                [(layout[0], name) for layout, (_, name) in zip(layouts, template.pieces, strict=True)]
            )
            sited = tuple([(index, layout) for index, layout in enumerate(layouts) if layout[1] != ()])
            text = template.format_text if base == template.pieces else format_text(base)
            entry = self._templates[key] = (template, text, base, sited)
        _, text, base, sited = entry
        pieces = None
        for index, layout in sited:
            typed = _applied(layout, chosen, matched)
            if typed is not layout[0]:
                if pieces is None:
                    pieces = list(base)
                pieces[index] = (typed, base[index][1])
        return text if pieces is None else format_text(tuple(pieces))

    def _layout_of(self, text: str, drop_articles: bool) -> Literal:
        layout = self._layouts.get((text, drop_articles))
        if layout is None:
            layout = self._layouts[text, drop_articles] = self._layout(text, drop_articles)
        return layout

    def _layout(self, text: str, drop_articles: bool) -> Literal:
        """The text without its dropped articles and, where words are enough, each (first word, last
        word, phrase) of the table that matches a run of its words, in order and longest first at a
        word (indexes into its split into separators and words: words at odd ones), and that split."""
        if drop_articles:
            text = ARTICLES.sub("", text)
        if not (self._words_find and text.isascii()):
            return text, None, ()
        lowered = WORDS.split(text.lower())
        sites = []
        for index in range(1, len(lowered), 2):
            if lowered[index] not in self._first_words:
                continue
            for last in range(min(index + 2 * self._most - 2, len(lowered) - 2), index - 1, -2):
                run = "".join(lowered[index : last + 1])
                if run in self._phrases:
                    sites.append((index, last, run))
        return text, tuple(sites), tuple(WORDS.split(text)) if sites else ()


# Per matching run of words: the index of its first and last word, and the phrase.
Layout = tuple[tuple[int, int, str], ...]
# A literal text without its dropped articles; None (words are not enough) or where the phrases match;
# and, when some phrase matches, the text split into separators and words.
Literal = tuple[str, Layout | None, tuple[str, ...]]
Pieces = tuple[tuple[str, str | None], ...]


def _applied(layout: Literal, chosen: dict[str, str], matched: Callable[[str], str]) -> str:
    """A literal's layout typed with the spellings ``chosen``: the text itself (the same object) when
    no phrase of ``chosen`` matches; ``matched`` where its words are not enough."""
    base, sites, words = layout
    if sites is None:
        return matched(base)
    parts = None
    resume = 0
    for index, last, phrase in sites:
        if index < resume:
            continue
        spelling = chosen.get(phrase)
        if spelling is not None:
            if parts is None:
                parts = list(words)
            parts[index : last + 1] = [spelling] + [""] * (last - index)
            resume = last + 1
    return base if parts is None else "".join(parts)


def _digest_random(*parts: str) -> random.Random:
    digest = hashlib.blake2b("\x1f".join(parts).encode(), digest_size=8).digest()
    return random.Random(int.from_bytes(digest, "big"))


def caps_shop(shop_id: str, rules: WritingRules) -> bool:
    """Whether the shop's system prints upper case (fixed per shop)."""
    return _digest_random("caps-shop", shop_id).random() < rules.caps_shop_share


def draw_writer(
    writer_id: str,
    shop_id: str,
    shorthand_share: float,
    typo_rate: float,
    rules: WritingRules,
    typing: Typing | None = None,
) -> Writer:
    """The writing style of one advisor or technician, the same every time it is drawn; ``typing``
    (of ``rules.abbreviations``) is shared with the other writers drawn from the same rules."""
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
    return Writer(shorthand, upper, chosen, drop_articles, separator, min(typo_rate * factor, 0.5), typing)


def render(writer: Writer, steps: list[str], rnd: random.Random) -> str:
    """The steps (clauses or sentences, each already in the writer's words) joined as this writer
    types them: sentences or shorthand separators, upper case, typos."""
    if writer.shorthand:
        text = writer.separator.join([step.rstrip(".") for step in steps if step])
    else:
        sentences = []
        for step in steps:
            if step:
                # a sentence: stripped, its first letter upper case, ending in punctuation
                step = step.strip()
                if step:
                    step = step[0].upper() + step[1:]
                    if step[-1] not in SENTENCE_END:
                        step += "."
                sentences.append(step)
        text = " ".join(sentences)
    if writer.upper:
        text = text.upper()
    if writer.typo_rate <= 0:
        return text
    # _typed's first draw inline: most texts end with it (a Python frame less at eight per RO)
    index = int(math.log(1.0 - rnd.random()) / writer.log_keep)
    return text if index > text.count(" ") else _mistyped(text, index, writer.log_keep, rnd)


def add_typos(text: str, rate: float, rnd: random.Random) -> str:
    """Each word of letters mistyped with probability ``rate``: a neighbouring key, a dropped or a
    doubled letter. Positions are drawn by geometric skips, so a clean text costs one draw."""
    return _typed(text, math.log1p(-rate), rnd)


def _typed(text: str, log_keep: float, rnd: random.Random) -> str:
    """``add_typos`` given log(1 - rate), which a writer works out once."""
    index = int(math.log(1.0 - rnd.random()) / log_keep)
    if index > text.count(" "):  # the first typo falls past the last word: most texts end here
        return text
    return _mistyped(text, index, log_keep, rnd)


def _mistyped(text: str, index: int, log_keep: float, rnd: random.Random) -> str:
    """``_typed`` from its first typo's word ``index`` on."""
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
