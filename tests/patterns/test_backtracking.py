"""No shipped pattern backtracks catastrophically: each is searched over long adversarial strings
built from what it is made of (its own words and characters, digits, spaces, commas, lists,
numbers with units, a string it matches repeated and then broken), and every search must end
within a budget. A regex whose pieces can share the same text (``[^()]*(?:,[^()]*)*``) tries
every split of a long line before it fails; one such line stalled a CI run for 90 minutes.

Python's ``re`` cannot be interrupted, so the searches run in a forked child that reports each
search as it starts and ends; a child silent for longer than the budget is killed and the
pattern and string it was on are named."""
from __future__ import annotations

import multiprocessing
import re
import time
from functools import lru_cache

from nlp.patterns import compiled_regexes, load_context, load_patterns, pattern_names
from nlp.patterns.prefilter import GatedPattern

try:  # the regex parser of the standard library (as in nlp.patterns.prefilter)
    from re import _parser as sre_parse
except ImportError:  # Python 3.10
    import sre_parse  # type: ignore[no-redef]

LENGTH = 1500  # characters of each adversarial string: a long report line (or a whole table row)
BUDGET_S = 5.0  # one search: a quadratic pattern takes about 1.5 s at most at this length, a cubic one a minute or more
# A shape cut in its middle is read from the pattern's start, so it is matched there only: the
# work of one start is what grows out of bounds, and searching it would add the quadratic cost
# of a leading "\s*" tried at every start of a long run of spaces (plain "spaces" checks that).
FROM_START = "from the start: "
SAMPLES = 3  # shapes of its matches read off each pattern
PREFIXES = 4  # places in a shape where a long run is put


def _compiled(node) -> re.Pattern:
    return node.compiled if isinstance(node, GatedPattern) else node


def _shipped() -> list[tuple[str, re.Pattern]]:
    """Every regex of every pattern file, as the modules that read it compile it."""
    found = []
    for name in pattern_names():
        loaded = load_patterns(name)
        found += [(key, _compiled(p)) for key, p in compiled_regexes(name)]
        if loaded["gate"] is not None:
            found.append((f"{name}.triggers", _compiled(loaded["gate"])))
        for i, column in enumerate(loaded["columns"]):
            for part in ("match", "unless"):
                if column[part]:
                    found.append((f"{name}.columns[{i}].{part}", re.compile(column[part], re.IGNORECASE)))
    context = load_context()
    rules = [("terminators", context.terminators), ("patient_reference", context.patient_reference)]
    rules += [(f"pseudo_triggers[{i}]", p) for i, p in enumerate(context.pseudo_triggers)]
    rules += [(f"rules[{i}]", r.trigger) for i, r in enumerate(context.rules)]
    rules += [(f"extra_rules[{i}]", r.trigger) for i, r in enumerate(context.extra_rules)]
    found += [(f"context.{key}", re.compile(source, re.IGNORECASE)) for key, source in rules]
    return found


def _pieces(pattern: re.Pattern) -> tuple[list[str], list[str]]:
    """The pattern's own literal characters and words (runs of literals), in order of first use."""
    chars: dict[str, None] = {}
    words: dict[str, None] = {}

    def walk(items):
        run = ""
        for op, arg in items:
            if op is sre_parse.LITERAL:
                run += chr(arg)
                chars[chr(arg)] = None
                continue
            if run.strip():
                words[run.strip()] = None
            run = ""
            if op is sre_parse.IN:
                chars.update((chr(a), None) for o, a in arg if o is sre_parse.LITERAL)
            elif op is sre_parse.SUBPATTERN:
                walk(arg[-1])
            elif op is sre_parse.BRANCH:
                for branch in arg[1]:
                    walk(branch)
            elif op in (sre_parse.MAX_REPEAT, sre_parse.MIN_REPEAT):
                walk(arg[2])
            elif op in (sre_parse.ASSERT, sre_parse.ASSERT_NOT):
                walk(arg[1])
        if run.strip():
            words[run.strip()] = None
    walk(sre_parse.parse(pattern.pattern, pattern.flags))
    return list(chars), list(words)


def _long(piece: str, tail: str = "") -> str:
    return piece * max(1, LENGTH // max(1, len(piece))) + tail


# what any pattern is tried on: runs of characters that many regexes repeat, lists, quantities
GENERIC = {
    "digits": _long("1"), "spaced digits": _long("1 "), "decimals": _long("1.5 "), "spaces": _long(" "),
    "commas": _long(","), "comma list": _long("a, "), "word list": _long("pain, "), "words": _long("a "),
    "hyphens": _long("a-"), "number unit": _long("5 mL "), "duration": _long("3 months "),
    "number list": _long("1, 2 and "), "level list": _long("T12, "), "level range": _long("T12-L1 "),
    "open bracket": "(" + _long("a, b "), "dots": _long(". "),
}
BREAK = "\x00"  # a character no pattern expects: whatever came before must be given up


_CATEGORIES = {"DIGIT": r"\d", "NOT_DIGIT": r"\D", "WORD": r"\w", "NOT_WORD": r"\W", "SPACE": r"\s",
               "NOT_SPACE": r"\S"}
_CANDIDATES = "a1 .,-(/:;xT"


def _in_class(char: str, items) -> bool:
    negated = bool(items) and items[0][0] is sre_parse.NEGATE
    found = False
    for op, arg in items[negated:]:
        if op is sre_parse.LITERAL:
            found |= char == chr(arg)
        elif op is sre_parse.RANGE:
            found |= arg[0] <= ord(char) <= arg[1]
        elif op is sre_parse.CATEGORY:
            found |= bool(re.match(_CATEGORIES[str(arg).removeprefix("CATEGORY_")], char))
    return found != negated


def _shape(items, variant: int) -> str:
    """A string the regex nearly or wholly matches, read off its parse tree without hypothesis
    (which takes over a minute to draw from every shipped pattern): branch and repeat count
    chosen by ``variant``, each class by a plain member."""
    out = []
    for op, arg in items:
        if op is sre_parse.LITERAL:
            out.append(chr(arg))
        elif op is sre_parse.IN:
            out.append(next((c for c in _CANDIDATES if _in_class(c, arg)), "~"))
        elif op is sre_parse.ANY:
            out.append("a")
        elif op is sre_parse.SUBPATTERN:
            out.append(_shape(arg[-1], variant))
        elif op is sre_parse.BRANCH:
            out.append(_shape(arg[1][variant % len(arg[1])], variant))
        elif op in (sre_parse.MAX_REPEAT, sre_parse.MIN_REPEAT):
            low, high, inner = arg
            out.append(_shape(inner, variant) * min(high, max(low, 1 + variant % 3)))
        elif op is sre_parse.ASSERT and arg[0] == 1:  # a look-ahead names what follows
            out.append(_shape(arg[1], variant))
    return "".join(out)


def _samples(pattern: re.Pattern) -> list[str]:
    """A few strings shaped like the pattern's matches, the same on every run."""
    tree = sre_parse.parse(pattern.pattern, pattern.flags)
    return [s for s in dict.fromkeys(_shape(tree, v) for v in range(SAMPLES)) if s.strip()]


def _cuts(samples: list[str]) -> list[tuple[str, str]]:
    """Beginnings of a shape cut where it spaces or lists, spread over it, each with the run to
    follow: spaces everywhere, a comma list after the last."""
    for sample in samples:
        cuts = list(dict.fromkeys(i for i, c in enumerate(sample) if c in " ,"))
        if not cuts:
            return []
        step = max(1, len(cuts) // PREFIXES)
        chosen = cuts[::step][:PREFIXES - 1] + [cuts[-1]]
        return [(sample[:i], " ") for i in dict.fromkeys(chosen)] + [(sample[:cuts[-1]], ", ")]
    return []


def _adversarial(pattern: re.Pattern) -> dict[str, str]:
    """Named strings to search ``pattern`` over, the same on every run."""
    chars, words = _pieces(pattern)
    strings = dict(GENERIC)
    strings.update({f"run of {c!r}": _long(c) for c in chars})
    if chars:
        strings["its characters"] = _long("".join(chars))
        strings["its characters spaced"] = _long(" ".join(chars) + " ")
    if words:
        strings["its words"] = _long(" ".join(words) + " ")
        strings["its words with commas"] = _long(", ".join(words) + ", ")
    for sample in _samples(pattern):
        strings[f"its shape {sample[:40]!r} repeated"] = _long(sample, BREAK)
        strings[f"its shape {sample[:40]!r} spaced"] = _long(sample + " ", BREAK)
    # the engine led into the middle of the pattern, then a long run where it spaces or lists
    for prefix, run in _cuts(_samples(pattern)[:1]):
        strings[f"{FROM_START}its shape {prefix[-40:]!r} then a run of {run!r}"] = prefix + _long(run, BREAK)
    return strings


def _search_all(checks: list[tuple[str, str, re.Pattern, str]], conn) -> None:
    """In the child: search each string, telling the parent each search's number and time."""
    for number, (_, label, pattern, text) in enumerate(checks):
        started = time.perf_counter()
        (pattern.match if label.startswith(FROM_START) else pattern.search)(text)
        conn.send((number, time.perf_counter() - started))
    conn.send(None)


def _slow_searches(checks: list[tuple[str, str, re.Pattern, str]]) -> list[str]:
    """The checks whose search took over the budget; a search still running after it is killed
    (with the rest of its child), and the checks after it go on in a new child."""
    context = multiprocessing.get_context("fork")  # the child has the compiled patterns already
    slow, done = [], 0
    while done < len(checks):
        receive, send = context.Pipe(duplex=False)
        child = context.Process(target=_search_all, args=(checks[done:], send), daemon=True)
        child.start()
        send.close()
        offset = done
        try:
            while True:
                if not receive.poll(BUDGET_S):
                    key, label = checks[done][:2]
                    slow.append(f"{key}: {label}: still searching after {BUDGET_S:.0f} s")
                    done += 1
                    break
                report = receive.recv()
                if report is None:
                    done = len(checks)
                    break
                number, seconds = report
                done = offset + number + 1
                if seconds > BUDGET_S:
                    key, label = checks[done - 1][:2]
                    slow.append(f"{key}: {label}: {seconds:.2f} s")
        except EOFError:  # the child died: its current check is the culprit
            key, label = checks[done][:2]
            slow.append(f"{key}: {label}: the search process died")
            done += 1
        finally:
            child.kill()
            child.join(timeout=5)
            receive.close()
    return slow


@lru_cache(maxsize=1)
def _checks() -> list[tuple[str, str, re.Pattern, str]]:
    return [(key, label, pattern, text) for key, pattern in _shipped()
            for label, text in _adversarial(pattern).items()]


def test_the_adversarial_strings_reach_every_pattern():
    keys = {key for key, *_ in _checks()}
    assert len(keys) > 450
    assert {"cement.volume", "series.list_header", "context.terminators", "cement.triggers"} <= keys


def test_the_harness_names_a_pattern_that_backtracks_catastrophically():
    # nested quantifiers over the same characters: 2**n ways to fail on n a's
    checks = [("fine", "a run", re.compile(r"a+b"), _long("a")),
              ("nested", "a run", re.compile(r"(?:a+)+b"), "a" * 40),
              ("fine again", "a run", re.compile(r"\ba\b"), _long("a "))]
    assert _slow_searches(checks) == [f"nested: a run: still searching after {BUDGET_S:.0f} s"]


def test_no_shipped_pattern_backtracks_catastrophically():
    slow = _slow_searches(_checks())
    assert not slow, "patterns slow on a long line:\n" + "\n".join(slow)
