"""caseminer: structured, evidence-backed case records from spinal-tumour case reports."""
__version__ = "0.1.0"
