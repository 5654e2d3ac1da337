import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1]))  # tests/: hostile.py, the inputs and command the run tests share
