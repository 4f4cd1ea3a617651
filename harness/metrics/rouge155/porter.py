"""The Porter (1980) suffix stripper, written from the published description ("An algorithm for
suffix stripping", Program 14(3)), with the departures ROUGE-1.5.5's stemmer shows on all 256,186
Porter rows of `stems.tsv` (no other Porter implementation reproduces ROUGE; NLTK differs on
hundreds of them):

- step 2 has `bli -> ble` (not `abli -> able`) and `logi -> log`, as in Porter's later versions;
- step 4 strips at most one suffix of its main list (longest match, m > 1), and then, on what is
  left, `ement` and `ment` (each when m > 1), and then either `ion` after s or t, or else `ent`.
  So `agreement -> agreem` (`ement` is refused at m = 1, `ent` is taken) and
  `accidental -> accident -> accid`."""
from __future__ import annotations

_VOWELS = frozenset("aeiou")


def _is_consonant(word: str, i: int) -> bool:
    ch = word[i]
    if ch in _VOWELS:
        return False
    if ch == "y":
        return i == 0 or not _is_consonant(word, i - 1)
    return True


def measure(stem: str) -> int:
    """m in [C](VC)^m[V]: the number of vowel-consonant sequences."""
    m = 0
    prev_vowel = False
    for i in range(len(stem)):
        cons = _is_consonant(stem, i)
        if cons and prev_vowel:
            m += 1
        prev_vowel = not cons
    return m


def _has_vowel(stem: str) -> bool:
    return any(not _is_consonant(stem, i) for i in range(len(stem)))


def _double_consonant(stem: str) -> bool:
    return len(stem) >= 2 and stem[-1] == stem[-2] and _is_consonant(stem, len(stem) - 1)


def _cvc(stem: str) -> bool:
    """*o: the stem ends consonant-vowel-consonant and the last is not w, x or y."""
    n = len(stem)
    return (n >= 3 and _is_consonant(stem, n - 3) and not _is_consonant(stem, n - 2)
            and _is_consonant(stem, n - 1) and stem[-1] not in "wxy")


_STEP2 = (("ational", "ate"), ("tional", "tion"), ("enci", "ence"), ("anci", "ance"), ("izer", "ize"),
          ("bli", "ble"), ("alli", "al"), ("entli", "ent"), ("eli", "e"), ("ousli", "ous"),
          ("ization", "ize"), ("ation", "ate"), ("ator", "ate"), ("alism", "al"), ("iveness", "ive"),
          ("fulness", "ful"), ("ousness", "ous"), ("aliti", "al"), ("iviti", "ive"), ("biliti", "ble"), ("logi", "log"))
_STEP3 = (("icate", "ic"), ("ative", ""), ("alize", "al"), ("iciti", "ic"), ("ical", "ic"), ("ful", ""),
          ("ness", ""))
_STEP4 = ("al", "ance", "ence", "er", "ic", "able", "ible", "ant", "ou",
          "ism", "ate", "iti", "ous", "ive", "ize")


def _longest(word: str, suffixes: tuple[str, ...]) -> str | None:
    best = None
    for s in suffixes:
        if word.endswith(s) and (best is None or len(s) > len(best)):
            best = s
    return best


def _step1(w: str) -> str:
    if w.endswith("sses"):
        w = w[:-2]
    elif w.endswith("ies"):
        w = w[:-2]
    elif w.endswith("s") and not w.endswith("ss"):
        w = w[:-1]
    if w.endswith("eed"):
        if measure(w[:-3]) > 0:
            w = w[:-1]
    else:
        for suf in ("ed", "ing"):
            if w.endswith(suf) and _has_vowel(w[: -len(suf)]):
                w = w[: -len(suf)]
                if w.endswith(("at", "bl", "iz")):
                    w += "e"
                elif _double_consonant(w) and w[-1] not in "lsz":
                    w = w[:-1]
                elif measure(w) == 1 and _cvc(w):
                    w += "e"
                break
    if w.endswith("y") and _has_vowel(w[:-1]):
        w = w[:-1] + "i"
    return w


def _replace(w: str, table: tuple[tuple[str, str], ...]) -> str:
    suf = _longest(w, tuple(s for s, _ in table))
    if suf is not None and measure(w[: -len(suf)]) > 0:
        w = w[: -len(suf)] + dict(table)[suf]
    return w


def _step4(w: str) -> str:
    """ROUGE's step 4 (see the module docstring): one main suffix, then ement/ment, then ion or ent."""
    suf = _longest(w, _STEP4)
    if suf is not None and measure(w[: -len(suf)]) > 1:
        w = w[: -len(suf)]
    for suf in ("ement", "ment"):
        if w.endswith(suf) and measure(w[: -len(suf)]) > 1:
            w = w[: -len(suf)]
    if w.endswith(("sion", "tion")):
        if measure(w[:-3]) > 1:
            w = w[:-3]
    elif w.endswith("ent") and measure(w[:-3]) > 1:
        w = w[:-3]
    return w


def _step5(w: str) -> str:
    if w.endswith("e"):
        stem = w[:-1]
        m = measure(stem)
        if m > 1 or (m == 1 and not _cvc(stem)):
            w = stem
    if measure(w) > 1 and _double_consonant(w) and w.endswith("l"):
        w = w[:-1]
    return w


def stem(word: str) -> str:
    """Stem a lower-case token."""
    if len(word) <= 2:
        return word
    w = _step1(word)
    w = _replace(w, _STEP2)
    w = _replace(w, _STEP3)
    w = _step4(w)
    return _step5(w)
