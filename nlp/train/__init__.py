"""Retrainable extractors: span corpora (import, silver, build), training a token classifier,
evaluating it, and turning its spans into candidates for the assembler.

Everything heavy (torch, transformers, datasets) is imported only inside the functions that
need it, so ``import nlp.train`` stays cheap.
"""
