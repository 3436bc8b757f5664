"""A lived-in made-up clinic for newcomers and benchmarks: patients, baselines, signed sessions, lots, addenda, drafts.

Everything goes through the domain functions and the Repository, so the demo data passes the same rules as real
charting. Dates are relative to ``today``; times are a clinic's wall-clock times in the machine's local time zone
(or the one given), timezone-aware like everything the window records; the same seed and zone give the same clinic.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta, tzinfo

from charting.domain import marking
from charting.domain.clock import aware
from charting.domain.eligibility import Baseline
from charting.domain.people import Clinic, Injector
from charting.domain.protocol import Protocol
from charting.domain.rules import ftp_addition_refusal
from charting.domain.session import SCREENING_QUESTIONS, AdverseEvent, Answer, Outcomes, Patient, Session
from charting.storage.errors import StorageError
from charting.storage.repository import Repository

DEMO_PATIENTS = 40
DEMO_SEED = 2024
DEMO_CLINIC = Clinic(name="Riverside Headache Clinic", address="12 Harbour Road, Springfield", phone="555-0134")
DEMO_INJECTORS = (
    Injector(name="Dr. Amara Okafor", credentials="MD", npi="1234567893"),
    Injector(name="Dr. Jürgen Håkansson", credentials="DO", npi="1245319599"),
    Injector(name="Chloé Dubois", credentials="NP", npi="1548219937"),
    Injector(name="Sam Rivera", credentials="MA", can_sign=False),
)
FAMILY_NAMES = (
    "García", "Müller", "Nguyễn", "O'Brien", "Kowalczyk", "Søndergaard", "Dubois", "Okonkwo", "Rossi", "Papadopoulos",
    "Haddad", "Yılmaz", "Fernández", "Lindqvist", "Novák", "Tanaka", "Ó Súilleabháin", "Schäfer", "Ivanova",
    "Mbeki", "da Silva", "Brontë", "Çelik", "Janssen", "Łukasiewicz", "Al-Farsi", "Kim", "Patel", "Smith", "Johnson",
    "Williams", "Brown", "Zeng", "Núñez", "Åberg", "Hernández", "Moreau", "Cohen", "Wright", "Ferreira",
)  # fmt: skip
GIVEN_NAMES_F = (
    "Zoë", "Siobhán", "Ana", "Mei", "Chloé", "Ingrid", "Fatima", "Priya", "Renée", "Agnieszka", "Aoife", "Yuki",
    "María José", "Łucja", "Noor", "Hélène", "Olga", "Grace", "Ngozi", "Beatriz", "Emily", "Sarah", "Laura",
)  # fmt: skip
GIVEN_NAMES_M = (
    "José", "Björn", "François", "Mateo", "Omar", "Jürgen", "Tomás", "Kwame", "Luca", "Dmitri", "Ravi", "James",
)  # fmt: skip
PREVENTIVES = ("topiramate", "propranolol", "amitriptyline", "candesartan", "venlafaxine", "valproate", "erenumab")
ADDENDA = (
    "Patient called on day 3: mild neck pain, settled with rest and simple analgesia.",
    "Correction: the patient reported {days} headache days in the last month, not as charted.",
    "Brow heaviness reported at two weeks; reassured, resolving. Review at the next visit.",
    "Prior authorisation for the next cycle confirmed with the insurer.",
)
LOT_EXPIRY_STEP_DAYS = 91
LOT_SHELF_DAYS = 540
SESSION_GAP_DAYS = (84, 90)
DRAFTS = 2
ADDENDUM_TIME = time(17, 5)
"""When the demo's addenda are written: at the end of the clinic day."""
GUARANTEED_ADDENDUM_AFTER_DAYS = 3
"""When no session drew an addendum by chance, the latest signed one gets one this many days after it."""


@dataclass(frozen=True)
class DemoResult:
    """What the demo added."""

    patients: int
    signed: int
    drafts: int
    addenda: int


def demo_lots(rng: random.Random, today: date) -> list[tuple[str, date]]:
    """Lot numbers with expiry dates spread quarterly from three years ago to a year and a half ahead."""
    first = today - timedelta(days=3 * 365)
    lots = []
    expiry = first
    while expiry <= today + timedelta(days=LOT_SHELF_DAYS):
        lots.append((f"C{rng.randint(1000, 9999)}C{rng.randint(1, 9)}", expiry))
        expiry += timedelta(days=LOT_EXPIRY_STEP_DAYS)
    return lots


def lot_for(rng: random.Random, lots: list[tuple[str, date]], on: date) -> tuple[str, date]:
    """A lot in date on the day, preferably with a month or more left before its expiry."""
    usable = [lot for lot in lots if on + timedelta(days=30) <= lot[1] <= on + timedelta(days=LOT_SHELF_DAYS)]
    return rng.choice(usable or [lot for lot in lots if lot[1] >= on])


def add_follow_the_pain(session: Session, protocol: Protocol, rng: random.Random) -> Session:
    """One to three follow-the-pain sites inside their muscle's outline, within the caps, each at the free spot
    nearest a random point (``marking.free_spot``: clear of every marker and of the view's edges; a region with no
    room gets none)."""
    for _ in range(rng.randint(1, 3)):
        region = rng.choice(protocol.regions)
        if ftp_addition_refusal(session, protocol, region.muscle) is not None:
            continue
        xs = [x for x, _ in region.polygon]
        ys = [y for _, y in region.polygon]
        spot = marking.free_spot(
            session,
            protocol,
            region,
            rng.uniform(min(xs), max(xs)),
            rng.uniform(min(ys), max(ys)),
            clearance=marking.MARKER_CLEARANCE_UNITS,
        )
        if spot is not None:
            session, _site = marking.add_ftp(
                session, protocol, region.muscle, side=region.side, view=region.view, x=spot[0], y=spot[1]
            )
    return session


def demo_baseline(rng: random.Random) -> Baseline:
    """A made-up chronic migraine baseline that meets the criteria, overuse ruled out."""
    days = rng.randint(16, 27)
    return Baseline(
        headache_days=days,
        headache_hours_per_day=float(rng.choice((4, 6, 8, 12, 16))),
        failed_preventives=tuple(rng.sample(PREVENTIVES, rng.randint(2, 4))),
        specific_acute_days=rng.randint(2, 12),
        simple_analgesic_days=rng.randint(0, 14),
        overuse_managed=True,
        migraine_days=days - rng.randint(2, 6),
        moderate_severe_days=days - rng.randint(4, 9),
        midas=rng.randint(21, 90),
        hit6=rng.randint(60, 72),
    )


def clinic_time(day: date, wall_clock: time, zone: tzinfo | None = None) -> datetime:
    """A wall-clock time on a day, timezone-aware: in ``zone``, else in the local time zone (its offset that day)."""
    naive = datetime.combine(day, wall_clock)
    return aware(naive) if zone is None else naive.replace(tzinfo=zone)


def visit_outcomes(rng: random.Random, baseline_days: int, cycle: int, responder: bool) -> Outcomes:
    """Figures reported at a visit: improving cycle by cycle for a responder."""
    fraction = max(0.35, 1 - cycle * rng.uniform(0.12, 0.2)) if responder else rng.uniform(0.85, 1.0)
    days = max(2, min(30, round(baseline_days * fraction)))
    return Outcomes(
        headache_days=days,
        migraine_days=max(0, days - rng.randint(1, 4)),
        moderate_severe_days=max(0, days - rng.randint(2, 6)),
        acute_medication_days=max(0, min(days, rng.randint(days // 3, days))),
        headache_hours_per_day=float(rng.choice((4, 6, 8, 12, 16))),
        midas=max(0, round(days * rng.uniform(1.5, 3.5))),
        hit6=max(36, min(78, 46 + days + rng.randint(-4, 4))),
    )


def fill_demo(
    repository: Repository,
    *,
    patients: int = DEMO_PATIENTS,
    seed: int = DEMO_SEED,
    today: date | None = None,
    zone: tzinfo | None = None,
) -> DemoResult:
    """Fill an empty database with the demo clinic; refuses a database that already holds patients.

    Reconstitution, signing and addenda happen at clinic hours in ``zone`` (default: the local time zone).
    """
    if repository.search_patients("", limit=1):
        raise StorageError("This database already holds patients; run the demo on a new file (--db demo.db).")
    rng = random.Random(seed)
    today = today or date.today()
    protocol = repository.protocol
    settings = repository.settings
    lots = demo_lots(rng, today)
    product_200 = next(p for p in protocol.products if p.vial_units == 200 and not p.cosmetic)
    product_100 = next(p for p in protocol.products if p.vial_units == 100 and not p.cosmetic)
    signed = drafts = addenda = 0
    latest: tuple[int, date, Injector] | None = None
    """The latest signed session (id, date, signer): it takes the addendum the demo always shows."""
    with repository.batch():
        if repository.clinic() is None:
            repository.save_clinic(DEMO_CLINIC)
        injectors = [repository.save_injector(injector) for injector in DEMO_INJECTORS]
        signers = [injector for injector in injectors if injector.can_sign]
        for number in range(patients):
            female = rng.random() < 0.75
            patient = repository.add_patient(
                Patient(
                    mrn=f"{100000 + number * 37 + rng.randint(0, 36):06d}",
                    family_name=rng.choice(FAMILY_NAMES),
                    given_name=rng.choice(GIVEN_NAMES_F if female else GIVEN_NAMES_M),
                    dob=today - timedelta(days=rng.randint(20 * 365, 72 * 365)),
                    sex="F" if female else "M",
                    allergies=rng.choice(("", "", "", "Penicillin", "Latex", "Sulfonamides")),
                )
            )
            patient_id = int(patient.id or 0)
            baseline = demo_baseline(rng)
            baseline_days = int(baseline.headache_days or 0)
            repository.save_baseline(patient_id, baseline)
            cycles = rng.randint(1, 7)
            days_since_last = rng.randint(20, 130)
            dates = [today - timedelta(days=days_since_last)]
            for _ in range(cycles - 1):
                dates.insert(0, dates[0] - timedelta(days=rng.randint(*SESSION_GAP_DAYS)))
            responder = rng.random() < 0.8
            follow_the_pain = rng.random() < 0.2
            big_vial = rng.random() < 0.7
            signer = rng.choice(signers)
            for cycle, performed_on in enumerate(dates):
                lot_number, lot_expiry = lot_for(rng, lots, performed_on)
                product = product_200 if big_vial or follow_the_pain else product_100
                session = Session(
                    performed_on=performed_on,
                    patient_id=patient_id,
                    injector=signer.display_name,
                    product_id=product.id,
                    vial_units=product.vial_units,
                    vials_opened=1 if product.vial_units >= protocol.label_dose_units else 2,
                    lot_number=lot_number,
                    lot_expiry=lot_expiry,
                    saline_ml=product.vial_units / (protocol.units_per_site / protocol.volume_per_site_ml),
                    reconstituted_at=clinic_time(performed_on, time(9, rng.randint(0, 59)), zone),
                    needle=protocol.needle,
                    diagnosis_code=settings.default_diagnosis,
                    consent=True,
                    time_out=True,
                    outcomes=visit_outcomes(rng, baseline_days, cycle, responder),
                )
                for question in SCREENING_QUESTIONS:
                    session = marking.answer_screening(session, question, Answer.NO)
                session = marking.apply_protocol(session, protocol)
                if follow_the_pain and cycle > 0:
                    session = add_follow_the_pain(session, protocol, rng)
                if rng.random() < 0.06:
                    event = rng.choice(protocol.adverse_events[:6])
                    session = replace(
                        session, adverse_events=(AdverseEvent(event, onset="day 2", severity="mild", action="advice"),)
                    )
                stored = repository.create_session(session)
                at = clinic_time(performed_on, time(10 + rng.randint(0, 6), rng.randint(0, 59)), zone)
                repository.sign_session(int(stored.id or 0), signer, at)
                signed += 1
                if latest is None or performed_on >= latest[1]:
                    latest = (int(stored.id or 0), performed_on, signer)
                written = performed_on + timedelta(days=rng.randint(2, 20))
                if rng.random() < 0.08 and written <= today:
                    text = rng.choice(ADDENDA).format(days=session.outcomes.headache_days)
                    repository.add_addendum(
                        int(stored.id or 0), text, signer.display_name, clinic_time(written, ADDENDUM_TIME, zone)
                    )
                    addenda += 1
            if drafts < DRAFTS and days_since_last >= settings.interval_days:
                draft = repository.copy_last_session(patient_id, today)
                repository.save_session(replace(draft, injector=signer.display_name, consent=True))
                drafts += 1
        if addenda == 0 and latest is not None:  # a newcomer always sees what an addendum looks like
            session_id, performed_on, signer = latest
            written = min(performed_on + timedelta(days=GUARANTEED_ADDENDUM_AFTER_DAYS), today)
            repository.add_addendum(
                session_id, ADDENDA[0], signer.display_name, clinic_time(written, ADDENDUM_TIME, zone)
            )
            addenda += 1
    return DemoResult(patients=patients, signed=signed, drafts=drafts, addenda=addenda)
