"""A frozen dataclass as a store document, and back (DESIGN.md §5: the store keeps plain JSON).

The records the rules keep (a note, a cluster, a timer, a timeline period, a deck's
state ...) are frozen dataclasses; the store holds plain JSON. Writing the two
directions by hand for each record was the same code many times over, and a field
added to the class but forgotten in one direction was silently lost. Here the
fields and their types say it once:

- ``to_record``: every field in declaration order; tuples become lists, records
  nested in records become dicts. The store's files stay byte for byte as before.
- ``from_record``: every field read by its type (``int``, ``float``, ``str``,
  ``bool``, ``Optional[...]``, tuples); a missing field takes its default, so an
  older document reads. A field whose stored value needs a rule of its own names a
  reader in its metadata: ``field(default=..., metadata=reader(fn))``.

The store's own id (``doc_id``) is not a field of the document: ``id_field`` names
the record's field that holds it, and ``keep_id`` whether the written dict carries
it (the store's ``insert``/``update`` ignore it; a record read back needs it).
"""

from __future__ import annotations

import dataclasses
import types
import typing
from functools import lru_cache
from typing import Any, Callable, ClassVar, Mapping, Optional, TypeVar

R = TypeVar("R")

READER = "record.reader"
OMIT = "record.omit"
DOC_ID = "doc_id"


def reader(fn: Callable[[Any], Any]) -> dict:
    """Field metadata: read this field's stored value with ``fn`` instead of by its type."""
    return {READER: fn}


def once(fn: Optional[Callable[[Any], Any]] = None) -> dict:
    """Field metadata for a facet added later and set only when a record is made (a
    note's author and table group, a step's table-group flag): left out of the stored
    document while it has its default, so what older versions wrote stays byte for byte
    the same. Not for a facet that can change back to its default: ``store.update``
    merges, so an absent key would keep the old value."""
    return {OMIT: True, **(reader(fn) if fn else {})}


def as_is(value: Any) -> Any:
    """A stored value taken as it is (it is checked where it is used)."""
    return value


def text_or_none(value: Any) -> Optional[str]:
    """A text, or None for anything that is not one."""
    return value if isinstance(value, str) else None


def _identity(value: Any) -> Any:
    return value


def _writer(tp: Any) -> Optional[Callable[[Any], Any]]:
    """How a value of type ``tp`` becomes plain JSON (None: it already is)."""
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin in (typing.Union, types.UnionType):
        inner = _writer(next(a for a in args if a is not type(None)))
        return None if inner is None else (lambda v: None if v is None else inner(v))
    if origin is tuple:
        parts = [_writer(a) for a in args if a is not Ellipsis]
        if all(w is None for w in parts):
            return list
        w = parts[0] if len(args) == 2 and args[1] is Ellipsis else None
        if w is not None:
            return lambda v: [w(i) for i in v]
        return lambda v: [(pw or _identity)(i) for pw, i in zip(parts, v)]
    if origin is dict or tp is dict:
        return dict
    if isinstance(tp, type) and issubclass(tp, Record):
        return lambda v: v.to_dict()
    return None


def _reader(tp: Any) -> Callable[[Any], Any]:
    """How a stored value becomes a value of type ``tp``; what cannot be converted
    raises (TypeError, ValueError), as a hand-written ``int(...)`` would."""
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin in (typing.Union, types.UnionType):
        inner = _reader(next(a for a in args if a is not type(None)))
        return lambda v: None if v is None else inner(v)
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            each = _reader(args[0])
            return lambda v: tuple(each(i) for i in v)
        parts = [_reader(a) for a in args]

        def fixed(v: Any) -> tuple:
            items = tuple(v)
            if len(items) != len(parts):
                raise ValueError(f"expected {len(parts)} values, got {len(items)}")
            return tuple(r(i) for r, i in zip(parts, items))
        return fixed
    if origin is dict or tp is dict:
        return dict
    if isinstance(tp, type) and issubclass(tp, Record):
        return tp.from_dict
    if tp in (int, float, str, bool):
        return tp
    return _identity


@lru_cache(maxsize=None)
def _plan(cls: type, id_field: Optional[str]) -> tuple:
    """Per field, worked out once per class: (name, writer, reader, required, omit), where
    ``omit`` is the default a ``once`` field is left out at (``_KEEP``: always written)."""
    hints = typing.get_type_hints(cls)
    out = []
    for f in dataclasses.fields(cls):
        if f.name == id_field:
            continue
        required = f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
        read = f.metadata.get(READER) or _reader(hints[f.name])
        omit = _KEEP
        if f.metadata.get(OMIT):
            omit = f.default if f.default is not dataclasses.MISSING else f.default_factory()
        out.append((f.name, _writer(hints[f.name]), read, required, omit))
    return tuple(out)


_KEEP = object()


def to_record(obj: Any, *, id_field: Optional[str] = None, keep_id: bool = True) -> dict:
    """The stored document of a record: ``doc_id`` first (when kept), then its fields
    in declaration order."""
    out: dict[str, Any] = {}
    if id_field is not None and keep_id:
        out[DOC_ID] = getattr(obj, id_field)
    for name, write, _, _, omit in _plan(type(obj), id_field):
        value = getattr(obj, name)
        if omit is not _KEEP and value == omit:
            continue
        out[name] = value if write is None else write(value)
    return out


def from_record(cls: type[R], d: Mapping, *, id_field: Optional[str] = None) -> R:
    """A record from its stored document; a missing field takes the class's default
    (KeyError when it has none), a field with a ``reader`` is read by it."""
    kwargs: dict[str, Any] = {}
    if id_field is not None:
        kwargs[id_field] = int(d[DOC_ID])
    for name, _, read, required, _ in _plan(cls, id_field):
        if name in d:
            kwargs[name] = read(d[name])
        elif required:
            raise KeyError(name)
    return cls(**kwargs)


class Record:
    """A frozen dataclass that the store keeps: ``to_dict`` / ``from_dict`` by its fields.

    ``ID_FIELD``: the field holding the store's document id (None: it has none);
    ``KEEP_ID``: whether the written dict carries it as ``doc_id``.
    """

    ID_FIELD: ClassVar[Optional[str]] = None
    KEEP_ID: ClassVar[bool] = True

    def to_dict(self) -> dict:
        return to_record(self, id_field=self.ID_FIELD, keep_id=self.KEEP_ID)

    @classmethod
    def from_dict(cls: type[R], d: Mapping) -> R:
        return from_record(cls, d, id_field=cls.ID_FIELD)
