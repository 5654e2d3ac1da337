"""The rules as data: one YAML file per field family (plus ``context.yaml`` and ``series.yaml``),
all read by one loader through one typed schema (:mod:`nlp.patterns.loader`)."""
from nlp.patterns.loader import PatternError, compiled_regexes, load_context, load_patterns, pattern_names

__all__ = ["PatternError", "compiled_regexes", "load_context", "load_patterns", "pattern_names"]
