"""Sentence splitting: line breaks are hard boundaries, NLTK Punkt splits within a line.

Punkt is built with an explicit abbreviation list rather than trained parameters, so nothing is
downloaded (no `punkt_tab`).
"""
from __future__ import annotations

import re
from functools import lru_cache

from nltk.tokenize.punkt import PunktParameters, PunktSentenceTokenizer

# Abbreviations that end in a period but rarely end a sentence in news text. Punkt normally
# learns these from trained data (punkt_tab); we give them explicitly so no download is needed.
ABBREVIATIONS = frozenset(
    """u.s u.k u.n e.u u.s.a d.c a.m p.m e.g i.e etc vs no nos jr sr st mr mrs ms dr prof
    gen brig col lt maj capt cmdr adm sgt cpl pvt gov sen rep rev hon pres supt insp det
    jan feb mar apr jun jul aug sep sept oct nov dec mon tue tues wed thu thur thurs fri sat sun
    inc corp co ltd plc dept est approx fig ft mt ave blvd rd no. al""".split()
)


_HAS_WORD = re.compile(r"[^\W_]")


@lru_cache(maxsize=1)
def _punkt() -> PunktSentenceTokenizer:
    params = PunktParameters()
    params.abbrev_types = set(ABBREVIATIONS)
    return PunktSentenceTokenizer(params)


def split_sentences(text: str) -> list[str]:
    """Split text into sentences: line breaks are hard boundaries, Punkt splits within a line."""
    out: list[str] = []
    tok = _punkt()
    for line in text.replace("\r\n", "\n").split("\n"):
        line = line.strip()
        if not line:
            continue
        spans: list[tuple[int, int]] = []
        for start, end in tok.span_tokenize(line):
            # Punkt cuts "true??" into "true?" and "?": a piece with no letter or digit is no
            # sentence (and no budget word); it stays with the sentence before it.
            if spans and not _HAS_WORD.search(line[start:end]):
                spans[-1] = (spans[-1][0], end)
            else:
                spans.append((start, end))
        if spans and not _HAS_WORD.search(line[spans[0][0]:spans[0][1]]):
            if len(spans) == 1:
                continue  # a line of punctuation only ("***", "--") holds no sentence
            spans[:2] = [(spans[0][0], spans[1][1])]
        out.extend(p for p in (line[a:b].strip() for a, b in spans) if p)
    return out
