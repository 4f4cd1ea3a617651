"""Text: cleaning, sentence splitting, words, stemming and normalisation for matching.

The names below are the text layer's public face, re-exported so backends import one place.
"""
from evalsum.text.cleaning import DATE_HEADER, clean_lines, is_boilerplate, parse_date_header
from evalsum.text.prepare import iter_sentence_texts, prepare, prepare_document
from evalsum.text.sentences import split_sentences
from evalsum.text.words import FUNCTION_WORDS, count_words, is_word, words

__all__ = ["DATE_HEADER", "FUNCTION_WORDS", "clean_lines", "count_words", "is_boilerplate", "is_word",
           "iter_sentence_texts", "parse_date_header", "prepare", "prepare_document", "split_sentences", "words"]
