"""Documents (as words) to model inputs: overlapping windows of at most ``max_length``
sub-tokens (``stride`` sub-tokens shared between neighbours), labels on the first sub-token
of each word and -100 elsewhere (other sub-tokens, specials, padding)."""
from __future__ import annotations

IGNORE = -100


def encode_windows(tokenizer, words: list[list[str]], max_length: int, stride: int, tags=None):
    """A BatchEncoding of windows with ``overflow_to_sample_mapping`` (window -> document), and
    ``labels`` when ``tags`` (one list of label ids per document) is given."""
    enc = tokenizer(words, is_split_into_words=True, truncation=True, max_length=max_length, stride=stride,
                    return_overflowing_tokens=True, return_offsets_mapping=True)
    first_tokens = []
    labels = []
    for w in range(len(enc["input_ids"])):
        doc = enc["overflow_to_sample_mapping"][w]
        word_ids = enc.word_ids(w)
        firsts = [i for i, (wid, (s, _)) in enumerate(zip(word_ids, enc["offset_mapping"][w]))
                  if wid is not None and s == 0 and (i == 0 or word_ids[i - 1] != wid)]
        first_tokens.append(firsts)
        if tags is not None:
            row = [IGNORE] * len(word_ids)
            for i in firsts:
                row[i] = tags[doc][word_ids[i]]
            labels.append(row)
    enc["first_tokens"] = first_tokens
    if tags is not None:
        enc["labels"] = labels
    return enc
