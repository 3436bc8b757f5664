"""Times and an edited protocol shared by the records tests (their sessions come from ``tests.sessions``)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from charting.domain.people import Injector
from charting.domain.protocol import Protocol, parse_protocol
from charting.domain.session import Patient
from charting.resources import protocol_path
from charting.storage import Repository
from tests.sessions import ready_session

SIGNED_AT = datetime(2026, 11, 25, 10, 30, tzinfo=UTC)
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
SAME_DAY_REASON = "A second session on the same day, for the test."
"""The interval reason that lets a test sign more than one session of a patient on the same day."""


def sign_one(repo: Repository, protocol: Protocol, patient: Patient, signer: Injector) -> int:
    """Sign a ready session of the patient on the service date (another may exist that day); returns its id."""
    assert patient.id is not None
    draft = repo.create_session(ready_session(protocol, patient.id, interval_reason=SAME_DAY_REASON))
    return int(repo.sign_session(int(draft.id or 0), signer, SIGNED_AT).id or 0)


EDITED_INSTRUCTION = "Edited instruction: ice the sites."
EDITED_NDC = "99999-9999-99"
EDITED_DRUG_CODE = "J9999"


def edited_protocol_data() -> dict[str, Any]:
    """The shipped protocol file with other instructions, NDCs and drug code: a clinic's later edit."""
    data: dict[str, Any] = json.loads(protocol_path().read_text(encoding="utf-8"))
    data["post_procedure_instructions"] = [EDITED_INSTRUCTION]
    for product in data["products"]:
        product["ndc"] = EDITED_NDC
    data["billing"]["drug"]["code"] = EDITED_DRUG_CODE
    return data


def edited_protocol() -> Protocol:
    """The edited protocol, validated as loading its file would."""
    return parse_protocol(edited_protocol_data(), "edited.json")
