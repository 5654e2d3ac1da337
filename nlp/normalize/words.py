"""Whole words and short forms as one regular expression."""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable


def whole_words(words: Iterable[str], *, literal: bool = True, before_hyphen: bool = False,
                flags: int = 0) -> re.Pattern:
    """One pattern matching any of ``words`` standing alone (not inside a longer word or a
    hyphenated compound), the longest first so that "PVP" is not read as "PV". ``literal``:
    the words are text ("T.A.E."), not regular expressions; ``before_hyphen``: a word may open
    a compound ("PVA-particles")."""
    return _compiled(tuple(words), literal, before_hyphen, flags)


@lru_cache(maxsize=512)
def _compiled(words: tuple[str, ...], literal: bool, before_hyphen: bool, flags: int) -> re.Pattern:
    alternatives = sorted({re.escape(w) if literal else w for w in words}, key=len, reverse=True)
    after = r"(?![\w])" if before_hyphen else r"(?![\w-])"
    return re.compile(r"(?<![\w-])(?:" + "|".join(alternatives) + ")" + after, flags)
