"""Pure normalisers, the ground floor of the house (no spaCy, no I/O): numbers, units,
vertebral levels, durations and pain scores, each in its own module."""
