"""Where a pattern cannot match, found without running it.

Every pattern of the pattern files is read once for the literal strings its matches must contain
(``required_literals``: "one of {tumor, tumour}" for ``\\btumou?rs?\\b``). A text holding none of
them is not searched: the pattern is known to find nothing there. All the literals of all patterns
go into one Aho-Corasick automaton (pyahocorasick), so a sentence is scanned once for all of them
and each pattern's gate is a set intersection. The literals are derived from the regex itself, so
a new or edited pattern can never be gated by a stale word list; a pattern whose matches need no
literal (``\\d+``) is left ungated.

Text and literals are compared casefolded, which keeps the gate a necessary condition for
case-insensitive patterns too (``re.IGNORECASE`` folds single characters; casefolding maps each
character to the same form as its case variants).
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Optional

import ahocorasick

try:  # the regex parser of the standard library: public in no version, stable since 3.6
    from re import _parser as sre_parse
except ImportError:  # Python 3.10
    import sre_parse  # type: ignore[no-redef]

OP = sre_parse  # opcodes are re-exported by the parser module

MAX_STRINGS = 64  # strings in a product of alternatives before it is given up
MAX_REQUIRED = 512  # strings in a set of alternatives one of which is required
MAX_CLASS = 8  # characters of a class ("[sz]") expanded into alternatives


@dataclass(frozen=True)
class _Info:
    exact: Optional[frozenset[str]]  # every string the node can match, when they are few
    required: Optional[frozenset[str]]  # one of these is in every match (None: nothing known)


_ANY = _Info(None, None)
_EMPTY = _Info(frozenset({""}), None)


def _minimal(strings: frozenset[str]) -> frozenset[str]:
    """Without the strings that hold another of the set: "follow" is in every "followed"."""
    ordered = sorted(strings, key=len)
    kept: list[str] = []
    for string in ordered:
        if not any(shorter in string for shorter in kept):
            kept.append(string)
    return frozenset(kept)


def _best(*sets: Optional[frozenset[str]]) -> Optional[frozenset[str]]:
    """The most selective of the sets: the longest shortest string, then the fewest strings."""
    usable = [s for s in sets if s and "" not in s and len(s) <= MAX_REQUIRED]
    if not usable:
        return None
    return max(usable, key=lambda s: (min(len(x) for x in s), -len(s)))


def _product(left: frozenset[str], right: frozenset[str]) -> Optional[frozenset[str]]:
    if len(left) * len(right) > MAX_STRINGS:
        return None
    return frozenset(a + b for a in left for b in right)


def _class(items) -> _Info:
    chars = set()
    for op, arg in items:
        if op is OP.LITERAL:
            chars.add(chr(arg).casefold())
        elif op is OP.RANGE and arg[1] - arg[0] < MAX_CLASS:
            chars.update(chr(c).casefold() for c in range(arg[0], arg[1] + 1))
        else:  # a negation, a category (\d, \w), a wide range
            return _ANY
    return _Info(frozenset(chars), None) if len(chars) <= MAX_CLASS else _ANY


def _repeat(low: int, high: int, inner: _Info) -> _Info:
    if low == 0:
        if high == 1 and inner.exact is not None:
            return _Info(inner.exact | {""}, None)
        return _EMPTY if high == 0 else _ANY
    required = _best(inner.exact, inner.required)
    exact = None
    if inner.exact is not None and low == high:
        exact = frozenset({""})
        for _ in range(low):
            exact = _product(exact, inner.exact) if exact is not None else None
    return _Info(exact, required)


def _branch(branches: list[_Info]) -> _Info:
    exact = None
    if all(b.exact is not None for b in branches):
        union = frozenset().union(*(b.exact for b in branches))
        exact = union if len(union) <= MAX_STRINGS else None
    required = None
    each = [_best(b.exact, b.required) for b in branches]
    if all(each):
        union = _minimal(frozenset().union(*each))
        required = union if len(union) <= MAX_REQUIRED else None
    return _Info(exact, required)


def _node(op, arg) -> _Info:
    if op is OP.LITERAL:
        return _Info(frozenset({chr(arg).casefold()}), None)
    if op is OP.IN:
        return _class(arg)
    if op in (OP.AT, OP.ASSERT, OP.ASSERT_NOT):  # zero-width: nothing of the match
        return _EMPTY
    if op is OP.SUBPATTERN:
        return _sequence(arg[-1])
    if op is getattr(OP, "ATOMIC_GROUP", None):
        return _sequence(arg)
    if op in (OP.MAX_REPEAT, OP.MIN_REPEAT, getattr(OP, "POSSESSIVE_REPEAT", None)):
        low, high, inner = arg
        return _repeat(low, high, _sequence(inner))
    if op is OP.BRANCH:
        return _branch([_sequence(b) for b in arg[1]])
    return _ANY  # any character, a back reference, a conditional group


def _sequence(items) -> _Info:
    """A concatenation: runs of known strings multiply out; the best run or part is required."""
    found: list[Optional[frozenset[str]]] = []
    run: Optional[frozenset[str]] = frozenset({""})
    whole = True
    for op, arg in items:
        info = _node(op, arg)
        joined = _product(run, info.exact) if run is not None and info.exact is not None else None
        if joined is not None:
            run = joined
            continue
        whole = False
        found += [run, info.required]
        run = info.exact if info.exact is not None else frozenset({""})
    found.append(run)
    return _Info(run if whole else None, _best(*found))


def required_literals(pattern: re.Pattern) -> Optional[frozenset[str]]:
    """Casefolded strings one of which every match of ``pattern`` contains, or None."""
    info = _sequence(sre_parse.parse(pattern.pattern, pattern.flags))
    best = _best(info.exact, info.required)
    return _minimal(best) if best else None


class _Literals:
    """Every literal of every gated pattern, in one automaton, and which of them a text holds."""

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}
        self.automaton: Optional[ahocorasick.Automaton] = None
        # a finder asks about one sentence many times over: the last answer is kept at hand
        self.last_text: Optional[str] = None
        self.last_found: frozenset[int] = frozenset()

    def register(self, literals: frozenset[str]) -> frozenset[int]:
        for literal in literals:
            if literal not in self.ids:
                self.ids[literal] = len(self.ids)
                self.automaton = None
        return frozenset(self.ids[literal] for literal in literals)

    def present(self, text: str) -> frozenset[int]:
        if text is self.last_text:
            return self.last_found
        if self.automaton is None:
            self.automaton = ahocorasick.Automaton()
            for literal, number in self.ids.items():
                self.automaton.add_word(literal, number)
            self.automaton.make_automaton()
            _present.cache_clear()
        found = _present(text)
        self.last_text, self.last_found = text, found
        return found


LITERALS = _Literals()


@lru_cache(maxsize=1024)
def _present(text: str) -> frozenset[int]:
    """The literal ids in ``text`` (and in equal texts made afresh: a clause, a joined paragraph)."""
    return frozenset(number for _, number in LITERALS.automaton.iter(text.casefold()))


def _gated_call(method: str, nothing):
    """``re.Pattern.<method>``, answered with ``nothing`` for a text without the pattern's literals.
    One frame per call: the finders make millions of them, most answered by the gate."""
    call = getattr(re.Pattern, method)

    def gated_call(self, text: str, *bounds):
        literals = LITERALS
        found = literals.last_found if text is literals.last_text else literals.present(text)
        if self.literal_ids.isdisjoint(found):
            return nothing
        return call(self.compiled, text, *bounds)
    gated_call.__name__ = method
    return gated_call


class GatedPattern:
    """A compiled pattern that answers "no match" at once for a text without its literals; in
    everything else, the pattern itself."""

    __slots__ = ("compiled", "literal_ids")

    def __init__(self, compiled: re.Pattern, literal_ids: frozenset[int]):
        self.compiled = compiled
        self.literal_ids = literal_ids

    search = _gated_call("search", None)
    match = _gated_call("match", None)
    fullmatch = _gated_call("fullmatch", None)
    finditer = _gated_call("finditer", iter(()))  # exhausted: the one empty iterator serves every caller

    def findall(self, text: str, *bounds) -> list:
        return self.compiled.findall(text, *bounds) if not self.literal_ids.isdisjoint(LITERALS.present(text)) else []

    def __getattr__(self, name: str):  # sub, split, pattern, flags, groupindex...
        return getattr(self.compiled, name)

    def __repr__(self) -> str:
        return f"GatedPattern({self.compiled!r})"


def cache_dir() -> Path:
    """Where caseminer keeps what it can derive again: ``CASEMINER_CACHE_DIR``, else the user's cache."""
    if os.environ.get("CASEMINER_CACHE_DIR"):
        return Path(os.environ["CASEMINER_CACHE_DIR"])
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "caseminer"


class _LiteralCache:
    """The literal sets of patterns read before, kept on disk: reading a parse tree costs more than
    compiling the pattern, at every start. Keyed by each pattern's source and flags, in a file named
    for this module's own source and the Python version (a change to either starts a new file);
    a cache that cannot be read or written is simply not used."""

    def __init__(self) -> None:
        code = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16]
        self.path = cache_dir() / f"literals-py{sys.version_info[0]}{sys.version_info[1]}-{code}.json"
        try:
            self.entries: dict[str, Optional[list[str]]] = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self.entries = {}
        self.dirty = False

    def literals(self, pattern: re.Pattern) -> Optional[frozenset[str]]:
        key = hashlib.sha256(f"{pattern.flags}:{pattern.pattern}".encode()).hexdigest()
        if key not in self.entries:
            found = required_literals(pattern)
            self.entries[key] = sorted(found) if found else None
            self.dirty = True
        found = self.entries[key]
        return frozenset(found) if found else None

    def save(self) -> None:
        if not self.dirty:
            return
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp.write_text(json.dumps(self.entries), encoding="utf-8")
            tmp.replace(self.path)
            self.dirty = False
        except OSError:
            try:
                tmp.unlink(missing_ok=True)
            except OSError:  # the folder itself cannot be made: nothing was left there
                pass


LITERAL_CACHE = _LiteralCache()


def gated(compiled: re.Pattern):
    """``compiled`` behind its literal gate, or as it is when its matches need no literal."""
    literals = LITERAL_CACHE.literals(compiled)
    return GatedPattern(compiled, LITERALS.register(literals)) if literals else compiled
