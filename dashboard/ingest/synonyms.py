"""The vocabulary ``dashboard.ingest.suggest`` matches with: header synonyms per canonical column (the names state
assessment downloads, survey vendors, meeting logs and form exports use), words that rule a header out, a file
name's words per source, subject and student-group labels with their canonical names, and suppression markers.
The words live in ``dashboard/config/header_synonyms.toml``; headers and labels are compared after ``normal``."""

from __future__ import annotations

import difflib
import functools
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

VOCABULARY = Path(__file__).resolve().parent.parent / "config" / "header_synonyms.toml"
_WORDS = {"pct": "percent", "perc": "percent", "percentage": "percent", "num": "number", "nbr": "number"}


def normal(text: str) -> str:
    """A header or label for comparison: 'Number Proficient (Level 3 or 4)' -> 'number proficient level 3 or 4';
    '%' reads 'percent', '#' 'number', punctuation is a space, a plural 's' of a longer word is dropped."""
    text = str(text).lower().replace("%", " percent ").replace("#", " number ").replace("&", " and ")
    words = []
    for word in re.sub(r"[^0-9a-z]+", " ", text).split():
        word = _WORDS.get(word, word)
        words.append(word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word)
    return " ".join(words)


@dataclass(frozen=True)
class Vocabulary:
    headers: dict[str, tuple[str, ...]]  # canonical column -> normal phrases
    avoid: dict[str, tuple[str, ...]]
    file_words: dict[str, tuple[str, ...]]
    subjects: dict[str, str]  # normal label -> canonical
    student_groups: dict[str, str]
    markers: frozenset[str]
    respondents: dict[str, str]


@functools.cache
def vocabulary() -> Vocabulary:
    doc = tomllib.loads(VOCABULARY.read_text(encoding="utf-8"))

    def phrases(table: dict) -> dict[str, tuple[str, ...]]:
        return {k: tuple(dict.fromkeys(normal(p) for p in v)) for k, v in table.items()}

    return Vocabulary(
        headers=phrases(doc["headers"]),
        avoid=phrases(doc["avoid"]),
        file_words={k: tuple(w.lower() for w in v) for k, v in doc["file_words"].items()},
        subjects={normal(k): v for k, v in doc["subjects"].items()},
        student_groups={normal(k): v for k, v in doc["student_groups"].items()},
        markers=frozenset(re.sub(r"\s+", "", m).lower() for m in doc["markers"]["words"]),
        respondents=dict(doc["respondents"]),
    )


@functools.lru_cache(maxsize=65536)
def header_score(header: str, canonical: str) -> tuple[float, str]:
    """How well a header names a canonical column, 0 to 1, and how it was told (exact, synonym, words, fuzzy)."""
    words = vocabulary()
    h = normal(header)
    if not h:
        return 0.0, ""
    tokens = h.split()
    own = normal(canonical.replace("_", " "))
    phrases = (own, *words.headers.get(canonical, ()))
    if h in (own, canonical):
        score, how = 1.0, "exact"
    elif h in phrases:
        score, how = 0.96, "synonym"
    else:
        score, how = 0.0, ""
        for phrase in phrases:
            p = phrase.split()
            if not p:
                continue
            extra = len(tokens) - len(p)
            if _contains(tokens, p):
                candidate = max(0.5, 0.88 - 0.04 * extra) if len(p) > 1 or len(tokens) <= 3 else 0.5
            elif len(p) > 1 and set(p) <= set(tokens):
                candidate = max(0.5, 0.8 - 0.04 * extra)  # the words in another order
            else:
                continue
            if candidate > score:
                score, how = candidate, f"words of '{phrase}'"
        for phrase in phrases:
            matcher = difflib.SequenceMatcher(None, h, phrase)
            if matcher.real_quick_ratio() < 0.8 or matcher.quick_ratio() < 0.8:
                continue
            ratio = matcher.ratio()
            if ratio >= 0.8 and 0.8 * ratio > score:
                score, how = 0.8 * ratio, f"close to '{phrase}'"
    if score and any(_contains(tokens, a.split()) for a in words.avoid.get(canonical, ())):
        score, how = score - 0.45, how + ", but names something else"
    return max(score, 0.0), how


def _contains(tokens: list[str], phrase: list[str]) -> bool:
    """The phrase's words appear in the header, in order and next to each other."""
    n = len(phrase)
    return any(tokens[i : i + n] == phrase for i in range(len(tokens) - n + 1))


def translate(label: str, table: dict[str, str], canonical: set[str]) -> str | None:
    """The canonical name of a subject or student-group label, or None when it is canonical already or unknown:
    the label itself, its words without a parenthesis ('Total Population (All Students)'), then a close spelling."""
    if label in canonical:
        return None
    key = normal(label)
    candidates = [key, normal(re.sub(r"\(.*?\)", " ", label)), *[normal(p) for p in re.findall(r"\((.*?)\)", label)]]
    for candidate in candidates:
        if candidate in table:
            return table[candidate] if table[candidate] != label else None
    by_normal = {normal(c): c for c in canonical}
    close = difflib.get_close_matches(key, [*table, *by_normal], n=1, cutoff=0.88)
    if close:
        found = table.get(close[0]) or by_normal[close[0]]
        return found if found != label else None
    return None
