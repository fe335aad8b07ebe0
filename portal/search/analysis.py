"""Spanish text analysis for the search index: case and accent folding, stop words, stemming.

One fused analyzer instead of whoosh's chain of filters (tokenizer, lowercase, accent folding, stop
filter, stemmer): each filter in a chain is a Python generator per token, and the index build of a
large catalog spends most of its time there. The result is the same kind of token stream.

Stemming is the Snowball Spanish stemmer from ``whoosh.lang`` with two corrections, so that a word
typed without accents, a plural and the accented singular all meet on one stem:

* accents are folded *before* stemming, and the accented suffixes the Snowball rules know
  (``-ción``, ``-logía``) are put back first, so "informacion" stems like "información";
* plurals in ``-es`` after r, l, n, d or z are reduced to the singular first, so "escolares" meets
  "escolar" (Snowball alone gives "escolar" and "escol").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

from whoosh.analysis import Analyzer, Token
from whoosh.lang import stemmer_for_language, stopwords_for_language

WORD_RE = re.compile(r"[^\W_]+")
_STEM_CACHE_MAX = 200_000


# Combining marks (accents, tildes, diaeresis) left by the canonical decomposition (NFD).
_MARKS_RE = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


def _fold_char(char: str) -> str:
    base = _MARKS_RE.sub("", unicodedata.normalize("NFD", char)).lower()
    return base if len(base) == 1 else char


def fold(text: str) -> str:
    """Lower-case ``text`` and strip its accents, keeping its length: "Añó" -> "ano".

    Keeping the length lets character offsets found in the folded text point into the original
    (highlighting relies on it). The whole-string decomposition is the fast path; the rare text
    where it would change the length (Hangul syllables, stray combining marks) is folded
    character by character with the same rule."""
    lowered = text.lower()
    if len(lowered) != len(text):  # a few letters grow when lower-cased ("İ")
        lowered = "".join(
            c.lower() if len(c.lower()) == 1 else unicodedata.normalize("NFD", c)[0].lower()
            for c in text
        )
    if lowered.isascii():
        return lowered
    decomposed = unicodedata.normalize("NFD", lowered)
    # Latin text: dropping what is not ASCII leaves one letter per original character.
    folded = decomposed.encode("ascii", "ignore").decode("ascii")
    if len(folded) == len(lowered):
        return folded
    folded = _MARKS_RE.sub("", decomposed)
    if len(folded) == len(lowered):
        return folded
    return "".join(_fold_char(c) for c in lowered)


STOP_WORDS: frozenset[str] = frozenset(fold(w) for w in stopwords_for_language("es"))

_snowball = stemmer_for_language("es")
_stem_cache: dict[str, str] = {}


def stem(word: str) -> str:
    """Stem a folded Spanish word (see the module docstring for the two corrections)."""
    cached = _stem_cache.get(word)
    if cached is not None:
        return cached
    base = word
    if len(base) > 4 and base.endswith("es") and base[-3] in "rlndz":
        base = base[:-2]
    if base.endswith("cion"):
        base = base[:-4] + "ción"
    elif base.endswith("logia") or base.endswith("logias"):
        base = base.replace("logia", "logía")
    result = fold(_snowball(base))
    if len(_stem_cache) >= _STEM_CACHE_MAX:
        _stem_cache.clear()
    _stem_cache[word] = result
    return result


def words(text: str) -> list[str]:
    """Folded words of ``text`` without stop words and without stemming (spelling, suggestions)."""
    return [w for w in WORD_RE.findall(fold(text)) if w not in STOP_WORDS]


class SpanishAnalyzer(Analyzer):
    """Whoosh analyzer: folded, stop words removed, optionally stemmed.

    Positions skip nothing for removed stop words (like whoosh's ``StopFilter(renumber=True)``), on
    both sides, so the phrase "ministerio de salud" matches the text "Ministerio de Salud".
    """

    def __init__(self, stemming: bool = True):
        self.stemming = stemming

    def terms(self, value: str) -> list[str]:
        """The indexed terms of ``value`` in order, without Token objects (fast path for
        indexing, see ``whoosh_codec``)."""
        found = [w for w in WORD_RE.findall(fold(value)) if w not in STOP_WORDS]
        if not self.stemming:
            return found
        cache = _stem_cache
        return [cache.get(w) or stem(w) for w in found]

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        mode: str = "",
        tokenize: bool = True,
        **kwargs,
    ) -> Iterator[Token]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        folded = fold(value)
        if not tokenize:
            matches = [(folded, 0, len(folded))]
        elif chars:
            matches = ((m.group(), m.start(), m.end()) for m in WORD_RE.finditer(folded))
        else:
            matches = ((w, 0, 0) for w in WORD_RE.findall(folded))
        position = start_pos
        stemming = self.stemming
        for word, start, end in matches:
            stopped = word in STOP_WORDS
            if stopped and removestops:
                continue
            token.stopped = stopped
            token.boost = 1.0
            if keeporiginal:
                token.original = value[start:end] if chars else word
            token.text = stem(word) if stemming and not stopped else word
            if positions:
                token.pos = position
                position += 1
            if chars:
                token.startchar = start_char + start
                token.endchar = start_char + end
            yield token


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance: the suggestions ("¿Quiso decir…?") of every engine rank by it."""
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1,
                               previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]
