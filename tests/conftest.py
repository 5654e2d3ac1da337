"""Settings for the whole suite."""
import os

from hypothesis import settings

# Property tests draw the same examples on every machine (CI included), so a failing or slow example
# shows here first and a CI run is never the first to meet it; HYPOTHESIS_PROFILE=explore draws new
# ones (and keeps what fails in .hypothesis/) when looking for trouble on purpose.
settings.register_profile("deterministic", derandomize=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "deterministic"))
