"""Spans from a loaded model: the document's words in overlapping windows, each word's label
probabilities averaged over the windows that see it (on its first sub-token), BIO decoded."""
from __future__ import annotations

from nlp.train.modeldir import LoadedModel
from nlp.train.windows import encode_windows
from nlp.train.words import split_words, tags_to_spans


def predict_word_tags(loaded: LoadedModel, words_list: list[list[str]], batch_size: int = 16):
    """For each document: (tags, scores) per word."""
    import torch
    nonempty = [i for i, w in enumerate(words_list) if w]
    sums = {i: None for i in nonempty}
    if nonempty:
        enc = encode_windows(loaded.tokenizer, [words_list[i] for i in nonempty], loaded.max_length, loaded.stride)
        n_labels = len(loaded.labels)
        for i in nonempty:
            sums[i] = torch.zeros(len(words_list[i]), n_labels)
        for b in range(0, len(enc["input_ids"]), batch_size):
            ids = enc["input_ids"][b:b + batch_size]
            width = max(len(x) for x in ids)
            pad = loaded.tokenizer.pad_token_id or 0
            input_ids = torch.tensor([x + [pad] * (width - len(x)) for x in ids])
            mask = torch.tensor([[1] * len(x) + [0] * (width - len(x)) for x in ids])
            with torch.no_grad():
                probs = loaded.model(input_ids=input_ids, attention_mask=mask).logits.softmax(-1)
            for k in range(len(ids)):
                w = b + k
                doc = nonempty[enc["overflow_to_sample_mapping"][w]]
                word_ids = enc.word_ids(w)
                for t in enc["first_tokens"][w]:
                    sums[doc][word_ids[t]] += probs[k, t]
    out = []
    for i, words in enumerate(words_list):
        if not words:
            out.append(([], []))
            continue
        total = sums[i]
        seen = total.sum(-1) > 0
        best = total.argmax(-1)
        scores = (total.max(-1).values / total.sum(-1).clamp(min=1e-9))
        tags = [loaded.labels[int(best[j])] if seen[j] else "O" for j in range(len(words))]
        out.append((tags, [float(scores[j]) if seen[j] else 0.0 for j in range(len(words))]))
    return out


def predict_spans(loaded: LoadedModel, text: str) -> list[dict]:
    """``[{"start", "end", "label", "score"}]`` in character offsets of ``text``."""
    words, starts, ends = split_words(text)
    (tags, scores), = predict_word_tags(loaded, [words])
    return tags_to_spans(tags, starts, ends, scores)
