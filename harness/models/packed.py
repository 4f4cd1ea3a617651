"""Compact, read-only sequences of a prepared document's sentences and dropped lines.

A large source splits into hundreds of thousands of sentences. As a list of pydantic models each
one cost about 400 bytes on top of its text (the instance, its dict, its index as an int object),
and text with one curly quote is held by Python at 2 bytes a character: a 100 MB source took over
7x its size. Here a document's texts live in one UTF-8 buffer with an array of end offsets, so a
sentence costs its UTF-8 bytes plus 8, and a `Sentence` model is built only when a backend reads
one (`doc.sentences[i]`, iteration, slicing). The models built are equal, field for field, to the
validated ones, and the sequences dump to the same JSON as the lists they replace, so the cache's
input digest did not change.

The sequences are what `PreparedDocument` holds; it validates a plain list of models into one
(tests and plugins build prepared clusters that way). They are built once, by a `Builder`, and
never change after.
"""
from __future__ import annotations

import datetime as dt
from array import array
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence
from itertools import accumulate
from typing import Any, TypeVar, overload

from pydantic import GetCoreSchemaHandler
from pydantic_core import core_schema

from evalsum.models.text_items import DroppedLine, Sentence

T = TypeVar("T")
# Strings are stored as UTF-8 with lone surrogates passed through, so any str round-trips exactly.
_ERRORS = "surrogatepass"


class _Texts:
    """Strings in one growing UTF-8 buffer, with the end offset of each."""

    __slots__ = ("_data", "_ends")

    def __init__(self) -> None:
        self._data = bytearray()
        self._ends = array("Q")

    def append(self, text: str) -> None:
        self._data += text.encode("utf-8", _ERRORS)
        self._ends.append(len(self._data))

    def __len__(self) -> int:
        return len(self._ends)

    def get(self, i: int) -> str:
        start = self._ends[i - 1] if i else 0
        return str(memoryview(self._data)[start:self._ends[i]], "utf-8", _ERRORS)

    def __iter__(self) -> Iterator[str]:
        view, start = memoryview(self._data), 0
        try:
            for end in self._ends:
                yield str(view[start:end], "utf-8", _ERRORS)
                start = end
        finally:
            view.release()  # an exported buffer cannot be resized, and iteration may stop early

    def same(self, other: _Texts) -> bool:
        return self._ends == other._ends and self._data == other._data


class _Packed(Sequence[T]):
    """What both sequences share: indexing, slicing (a list, as slicing the old list gave),
    equality with another packed sequence or with a list of the same models, and the pydantic
    schema that validates a list of models into one and dumps one as that list."""

    __slots__ = ()
    _item: type[Any]

    def __len__(self) -> int:
        raise NotImplementedError

    def _at(self, i: int) -> T:
        raise NotImplementedError

    @overload
    def __getitem__(self, i: int) -> T: ...
    @overload
    def __getitem__(self, i: slice) -> list[T]: ...

    def __getitem__(self, i: int | slice) -> T | list[T]:
        if isinstance(i, slice):
            return [self._at(k) for k in range(*i.indices(len(self)))]
        n = len(self)
        if not -n <= i < n:
            raise IndexError(f"index {i} out of range for {n} items")
        return self._at(i % n)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, _Packed):  # two empty ones are equal whatever document they came from
            return len(self) == len(other) and (not self or self._same(other))
        if isinstance(other, list | tuple):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # unhashable, like the lists it replaces

    def _same(self, other: _Packed[Any]) -> bool:
        return list(self) == list(other)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({len(self)} items)"

    @classmethod
    def of(cls, items: Sequence[Any]) -> Any:
        raise NotImplementedError

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        items = handler.generate_schema(list[cls._item])  # type: ignore[name-defined]
        return core_schema.json_or_python_schema(
            json_schema=core_schema.no_info_after_validator_function(cls.of, items),
            python_schema=core_schema.union_schema([
                core_schema.is_instance_schema(cls),
                core_schema.no_info_after_validator_function(cls.of, items)]),
            serialization=core_schema.plain_serializer_function_ser_schema(list, return_schema=items))


class SentenceList(_Packed[Sentence]):
    """A document's kept sentences: texts in one buffer; `doc_id`, `index` and `doc_date` are the
    document's, so they are stored once."""

    __slots__ = ("_date", "_doc_id", "_texts")
    _item = Sentence
    _FIELDS = frozenset(Sentence.model_fields)

    def __init__(self, doc_id: str, date: dt.date | None, texts: Iterable[str] = ()) -> None:
        self._doc_id, self._date, self._texts = doc_id, date, _Texts()
        for t in texts:
            self._texts.append(t)

    @property
    def doc_id(self) -> str:
        return self._doc_id

    @property
    def date(self) -> dt.date | None:
        return self._date

    def __len__(self) -> int:
        return len(self._texts)

    def _at(self, i: int) -> Sentence:
        return self._make(self._texts.get(i), i)

    def _make(self, text: str, i: int) -> Sentence:
        # Valid by construction (a str, the document's id and date, an int); the fields-set is
        # shared, which is safe since models are frozen and a copy gets its own.
        return Sentence.model_construct(set(self._FIELDS), text=text, doc_id=self._doc_id, index=i,
                                        doc_date=self._date)

    def __iter__(self) -> Iterator[Sentence]:
        return (self._make(t, i) for i, t in enumerate(self._texts))

    def texts(self) -> Iterator[str]:
        """The sentences' texts alone, with no model built: for a reader that needs only those."""
        return iter(self._texts)

    def _same(self, other: _Packed[Any]) -> bool:
        if isinstance(other, SentenceList):
            return (self._doc_id, self._date) == (other._doc_id, other._date) and self._texts.same(other._texts)
        return super()._same(other)

    @classmethod
    def of(cls, items: Sequence[Sentence]) -> SentenceList:
        """A list of models as a packed list: they must be one document's, in order."""
        if not items:
            return cls("", None)
        first = items[0]
        for i, s in enumerate(items):
            if (s.doc_id, s.doc_date, s.index) != (first.doc_id, first.doc_date, i):
                raise ValueError(f"sentence {i} must have doc_id {first.doc_id!r}, doc_date {first.doc_date} and "
                                 f"index {i}, as every sentence of one document (has {s.doc_id!r}, "
                                 f"{s.doc_date}, {s.index})")
        return cls(first.doc_id, first.doc_date, (s.text for s in items))


class DroppedLines(_Packed[DroppedLine]):
    """A document's dropped lines: line numbers in an array, texts in one buffer, and each distinct
    reason stored once."""

    __slots__ = ("_doc_id", "_lines", "_reason_of", "_reasons", "_texts", "_which")
    _item = DroppedLine

    def __init__(self, doc_id: str) -> None:
        self._doc_id, self._lines, self._texts = doc_id, array("Q"), _Texts()
        self._reasons: list[str] = []
        self._reason_of: dict[str, int] = {}
        self._which = array("L")

    def append(self, line: DroppedLine) -> None:
        """Add one line (while the document is being cleaned; never after)."""
        if line.doc_id != self._doc_id:
            raise ValueError(f"dropped line of {line.doc_id!r} in document {self._doc_id!r}")
        self._lines.append(line.line)
        self._texts.append(line.text)
        k = self._reason_of.setdefault(line.reason, len(self._reasons))
        if k == len(self._reasons):
            self._reasons.append(line.reason)
        self._which.append(k)

    @property
    def doc_id(self) -> str:
        return self._doc_id

    def __len__(self) -> int:
        return len(self._lines)

    def _at(self, i: int) -> DroppedLine:
        return DroppedLine.model_construct(doc_id=self._doc_id, line=self._lines[i], text=self._texts.get(i),
                                           reason=self._reasons[self._which[i]])

    def __iter__(self) -> Iterator[DroppedLine]:
        for i, text in enumerate(self._texts):
            yield DroppedLine.model_construct(doc_id=self._doc_id, line=self._lines[i], text=text,
                                              reason=self._reasons[self._which[i]])

    @classmethod
    def of(cls, items: Sequence[DroppedLine]) -> DroppedLines:
        out = cls(items[0].doc_id if items else "")
        for line in items:
            out.append(line)
        return out


class FlatSentences(_Packed[Sentence]):
    """Several documents' sentences as one sequence (`Prepared.sentences`), without a copy."""

    __slots__ = ("_parts", "_starts")
    _item = Sentence

    def __init__(self, parts: Sequence[SentenceList]) -> None:
        self._parts = list(parts)
        self._starts = list(accumulate((len(p) for p in self._parts), initial=0))

    def __len__(self) -> int:
        return self._starts[-1]

    def _at(self, i: int) -> Sentence:
        part = bisect_right(self._starts, i) - 1
        return self._parts[part][i - self._starts[part]]

    def __iter__(self) -> Iterator[Sentence]:
        for p in self._parts:
            yield from p

    def texts(self) -> Iterator[str]:
        for p in self._parts:
            yield from p.texts()
