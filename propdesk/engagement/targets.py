"""The interview coverage targets of 001 §4.4.3 as pure functions (no database).

A. ≤ 1,000 households: every household interviewed in the year. B. > 1,000: 80 % of them (rounded up).
C. A project with few households ("small project": flagged, or under 300 households): at least 25 households a
month. D. The center manager: at least two in-depth interviews a month.
"""

import math
from dataclasses import dataclass

FULL_COVERAGE_LIMIT = 1000
LARGE_SHARE_PERCENT = 80
SMALL_PROJECT_BELOW = 300
SMALL_PROJECT_MONTHLY = 25
MANAGER_IN_DEPTH_MONTHLY = 2


@dataclass(frozen=True)
class Target:
    households: int  # distinct households to cover in the year
    monthly_minimum: int  # interviews a month at least (small projects), else 0

    def month_quota(self, months_left: int, remaining: int) -> int:
        """How many interviews to plan in each of the ``months_left`` months for ``remaining`` households."""
        if months_left <= 0:
            return 0
        return max(math.ceil(remaining / months_left), self.monthly_minimum)


def is_small_project(household_count: int, flagged: bool = False) -> bool:
    return flagged or household_count < SMALL_PROJECT_BELOW


def yearly_target(household_count: int, *, small_project: bool = False) -> Target:
    """The year's target of a community with ``household_count`` households."""
    if household_count < 0:
        raise ValueError("household_count")
    if household_count <= FULL_COVERAGE_LIMIT:
        households = household_count
    else:
        households = math.ceil(household_count * LARGE_SHARE_PERCENT / 100)
    monthly = SMALL_PROJECT_MONTHLY if is_small_project(household_count, small_project) else 0
    return Target(households=households, monthly_minimum=monthly)
