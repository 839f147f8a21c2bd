"""Shared test settings.

Hypothesis explores fresh examples on a developer's machine; under CI
(``CI`` set) it runs derandomized, so a CI run is repeatable and never flaky.
"""

import os

from hypothesis import HealthCheck, settings

settings.register_profile("dev", deadline=None)
settings.register_profile(
    "ci",
    deadline=None,
    derandomize=True,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile("ci" if os.environ.get("CI") else "dev")
