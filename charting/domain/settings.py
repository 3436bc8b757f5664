"""Clinical thresholds on which sources disagree: settings, each defaulting to the clinical reference's value."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any


@dataclass(frozen=True)
class ClinicalSettings:
    """The clinic's thresholds; defaults are those of the clinical reference (sections 3-5)."""

    interval_days: int = 84
    """Earliest next session: last session + this many days (12 weeks; payers refuse sooner)."""
    due_window_days: int = 7
    """The due window is the interval plus or minus this many days."""
    reconstitution_hours: int = 24
    """Use reconstituted toxin within this many hours (older labels said 4)."""
    min_age_years: int = 18
    chronic_headache_days: int = 15
    """Headache days a month for chronic migraine; 14 or fewer is episodic."""
    min_headache_hours: float = 4.0
    prior_preventives_required: int = 2
    """Failed preventives payers ask for (NICE 3, EHF 2-3, many US payers 2)."""
    overuse_days_specific: int = 10
    """Acute medication days a month (triptans, ergots, opioids, combinations) that mean overuse."""
    overuse_days_simple: int = 15
    """Acute medication days a month (simple analgesics) that mean overuse."""
    responder_threshold_pct: float = 30.0
    """Reduction in headache days against baseline that counts as a response (NICE, EHF 30; AHS 50)."""
    nonresponse_cycles_to_stop: int = 2
    """Consecutive non-responding cycles after which stopping is considered."""
    episodic_days: int = 15
    """Below this many headache days a month for ``episodic_months`` months: reconsider treatment (NICE 15)."""
    episodic_months: int = 3
    default_diagnosis: str = "G43.709"
    paper_size: str = "letter"

    def to_dict(self) -> dict[str, Any]:
        """The settings as a plain mapping, for storage."""
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> ClinicalSettings:
        """Settings from a stored mapping; unknown keys are ignored and missing ones keep their defaults."""
        known = {f.name: f for f in fields(cls)}
        defaults = cls()
        changes: dict[str, Any] = {}
        for key, value in values.items():
            if key in known:
                changes[key] = type(getattr(defaults, key))(value)
        return replace(defaults, **changes)
