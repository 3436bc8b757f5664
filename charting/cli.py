"""The headless commands: each prints a clear error and exits non-zero on failure."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from charting import __version__
from charting.documents import (
    DocumentError,
    continuation_summary_pdf,
    due_list_csv,
    file_stem,
    procedure_note_pdf,
    write_private_file,
)
from charting.domain.clock import local_now
from charting.domain.interval import due_status
from charting.domain.protocol import Protocol, ProtocolError, load_protocol
from charting.resources import protocol_path
from charting.storage import Repository, StorageError, open_database
from charting.storage.backup import backup_database, daily_backup, daily_backup_made
from charting.storage.check import check_database, problems_sentence
from charting.storage.demo import DEMO_PATIENTS, DEMO_SEED, fill_demo
from charting.storage.repository import SessionSummary
from charting.storage.restore import restore_database

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2


class CommandError(Exception):
    """A failure the user can act on; the message is printed as it is, without a traceback."""


USER_FACING_ERRORS = (CommandError, StorageError, DocumentError)
"""Failures whose message is one sentence for the user: printed on stderr, never as a traceback."""


@dataclass
class Context:
    """What every command receives: its arguments, the database path and where to print."""

    args: argparse.Namespace
    db_path: Path
    out: TextIO
    err: TextIO

    def protocol(self) -> Protocol:
        """The protocol named by ``--protocol`` (a file), else the shipped PREEMPT protocol."""
        path = Path(self.args.protocol) if getattr(self.args, "protocol", None) else protocol_path()
        try:
            return load_protocol(path)
        except ProtocolError as error:
            raise CommandError(str(error)) from error


Handler = Callable[[Context], int]

CLI_ACTOR = "charting command line"
"""The actor written to the audit log for changes made by commands."""


def open_repository(ctx: Context, *, create: bool = False) -> Repository:
    """The repository on ``ctx.db_path`` (the file is made only when ``create``)."""
    return Repository(open_database(ctx.db_path, create=create), actor=CLI_ACTOR, protocol=ctx.protocol())


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``charting`` and its commands."""
    parser = argparse.ArgumentParser(
        prog="charting",
        description="Chairside charting of onabotulinumtoxinA (BOTOX) for chronic migraine. "
        "With no command, opens the charting window.",
    )
    parser.add_argument("--version", action="version", version=f"charting {__version__}")
    parser.add_argument(
        "--db",
        metavar="FILE",
        help="the clinic's database file (default: $CHARTING_DB, else charting.db in your user data folder)",
    )
    parser.add_argument("--protocol", metavar="FILE", help="a protocol JSON file to use instead of PREEMPT")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    protocol = commands.add_parser("protocol", help="print the loaded protocol's sites and caps")
    protocol.add_argument("--json", action="store_true", help="print the protocol as JSON")
    protocol.set_defaults(handler=cmd_protocol)
    add_records_commands(commands)
    add_export_pdf_command(commands)
    add_course_commands(commands)
    return parser


def add_records_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The commands on the clinic's records: sessions, recall, backup, check, demo."""
    sessions = commands.add_parser("sessions", help="list sessions: id, MRN, name, date, status, units, sites")
    sessions.add_argument("--patient", metavar="MRN", help="only this patient's sessions (by record number)")
    sessions.add_argument("--json", action="store_true", help="print the sessions as JSON")
    sessions.set_defaults(handler=cmd_sessions)

    recall = commands.add_parser("recall", help="every patient and session that received a lot")
    recall.add_argument("--lot", metavar="LOT", required=True, help="the lot number (case does not matter)")
    recall.add_argument("--json", action="store_true", help="print the sessions as JSON")
    recall.set_defaults(handler=cmd_recall)

    backup = commands.add_parser("backup", help="write a consistent copy of the database, even while it is in use")
    backup.add_argument("-o", "--output", metavar="FILE", required=True, help="the new backup file (must not exist)")
    backup.set_defaults(handler=cmd_backup)

    check = commands.add_parser(
        "check",
        help="check integrity, foreign keys, schema version, every signed session's hash, the audit chain and triggers",
    )
    check.set_defaults(handler=cmd_check)

    maintain = commands.add_parser(
        "maintain", help="once a day: check the records, then make today's backup; the window runs it after it opens"
    )
    maintain.set_defaults(handler=cmd_maintain)

    restore = commands.add_parser(
        "restore", help="replace the database with a backup, checked first; the database it replaces is kept"
    )
    restore.add_argument("backup", metavar="FILE", help="the backup to restore (close the window first)")
    restore.set_defaults(handler=cmd_restore)

    demo = commands.add_parser("demo", help="fill an empty database with made-up patients and sessions")
    demo.add_argument(
        "--patients", metavar="N", type=int, default=DEMO_PATIENTS, help=f"how many patients (default {DEMO_PATIENTS})"
    )
    demo.add_argument("--seed", type=int, default=DEMO_SEED, help=f"random seed (default {DEMO_SEED})")
    demo.set_defaults(handler=cmd_demo)


def cmd_protocol(ctx: Context) -> int:
    """Print the protocol: every site with its muscle, side, units and view, then the caps."""
    p = ctx.protocol()
    if ctx.args.json:
        data = {
            "id": p.id,
            "name": p.name,
            "version": p.version,
            "label_dose_units": p.label_dose_units,
            "max_units": p.max_units,
            "max_sites": p.max_sites,
            "units_per_site": p.units_per_site,
            "volume_per_site_ml": p.volume_per_site_ml,
            "sites": [
                {
                    "id": s.id,
                    "muscle": s.muscle,
                    "side": s.side,
                    "units": s.units,
                    "view": s.view,
                    "x": s.x,
                    "y": s.y,
                }
                for s in p.sites
            ],
            "follow_the_pain": {
                c.muscle: {"extra_sites": c.extra_sites, "max_units": c.max_units} for c in p.follow_the_pain
            },
        }
        json.dump(data, ctx.out, indent=2)
        ctx.out.write("\n")
        return EXIT_OK
    w = ctx.out.write
    w(f"{p.name} (version {p.version})\n")
    w(
        f"Label dose {p.label_dose_units:g} U in {len(p.sites)} sites; with follow-the-pain at most "
        f"{p.max_units:g} U in {p.max_sites} sites; {p.units_per_site:g} U in {p.volume_per_site_ml:g} mL per site.\n\n"
    )
    w(f"{'Site':<10} {'Muscle':<20} {'Side':<8} {'Units':>5}  View\n")
    for s in p.sites:
        w(f"{s.id:<10} {p.muscle(s.muscle).label:<20} {s.side:<8} {s.units:>5g}  {s.view}\n")
    w(f"\n{'Muscle':<20} {'Sites':>5} {'Units':>6} {'Max sites':>10} {'Max units':>10}\n")
    for m in p.muscles:
        w(f"{m.label:<20} {m.sites:>5} {m.units:>6g} {p.muscle_cap_sites(m.id):>10} {p.muscle_cap_units(m.id):>10g}\n")
    w(f"{'Total':<20} {len(p.sites):>5} {p.label_dose_units:>6g} {p.max_sites:>10} {p.max_units:>10g}\n")
    return EXIT_OK


def _summary_row(summary: SessionSummary) -> dict[str, object]:
    return {
        "id": summary.id,
        "mrn": summary.patient.mrn,
        "name": summary.patient.display_name,
        "dob": summary.patient.dob.isoformat(),
        "date": summary.performed_on.isoformat(),
        "status": summary.status.value,
        "units_administered": summary.units_administered,
        "units_wasted": summary.units_wasted,
        "sites": summary.sites,
        "lot": summary.lot_number,
    }


def _print_summaries(ctx: Context, summaries: Sequence[SessionSummary], empty: str) -> None:
    if ctx.args.json:
        json.dump([_summary_row(summary) for summary in summaries], ctx.out, indent=2, ensure_ascii=False)
        ctx.out.write("\n")
        return
    if not summaries:
        ctx.out.write(f"{empty}\n")
        return
    w = ctx.out.write
    w(
        f"{'ID':>6}  {'MRN':<12} {'Patient':<30} {'Date':<10}  {'Status':<6} {'Units':>6} {'Wasted':>6} {'Sites':>5}  Lot\n"
    )
    for s in summaries:
        w(
            f"{s.id:>6}  {s.patient.mrn:<12} {s.patient.display_name:<30} {s.performed_on.isoformat():<10}  "
            f"{s.status.value:<6} {s.units_administered:>6g} {s.units_wasted:>6g} {s.sites:>5}  {s.lot_number}\n"
        )


def cmd_sessions(ctx: Context) -> int:
    """List sessions, all or one patient's, oldest first."""
    repository = open_repository(ctx)
    patient_id = None
    if ctx.args.patient is not None:
        patient = repository.patient_by_mrn(ctx.args.patient)
        if patient is None:
            raise CommandError(f"No patient has record number {ctx.args.patient}; check the number.")
        patient_id = patient.id
    _print_summaries(ctx, repository.session_summaries(patient_id), "No sessions recorded.")
    return EXIT_OK


def cmd_recall(ctx: Context) -> int:
    """List every session, with its patient, that used a lot."""
    lot = ctx.args.lot.strip()
    if not lot:
        raise CommandError("Give the lot number to recall, for example: charting recall --lot C1234C3.")
    repository = open_repository(ctx)
    _print_summaries(ctx, repository.session_summaries(lot_number=lot), f"No session used lot {lot}.")
    return EXIT_OK


def cmd_backup(ctx: Context) -> int:
    """Write a consistent copy of the database to a new file."""
    target = backup_database(ctx.db_path, Path(ctx.args.output))
    ctx.out.write(f"Backed up {ctx.db_path} to {target}.\n")
    return EXIT_OK


def cmd_maintain(ctx: Context) -> int:
    """Once a day: every check, then (when the records are sound) today's backup beside the database; one line each,
    non-zero when either failed. Later starts the same day find today's backup and do nothing."""
    w = ctx.out.write
    if daily_backup_made(ctx.db_path):
        w("Backup: made today already; the records were checked then.\n")
        return EXIT_OK
    if hasattr(os, "nice"):
        os.nice(MAINTAIN_NICENESS)  # a background chore: the window (and the injector) come first
    repository = open_repository(ctx)
    report = check_database(repository)
    repository.db.close()  # the backup reads the file afresh: no handle of this process may be left open on it
    if not report.ok:  # a damaged or altered database must not push the good backups out of the rotation
        w("Backup skipped: the earlier good backups are kept.\n")
        w(f"Check: {problems_sentence(report)}\n")
        return EXIT_FAILURE
    try:
        made = daily_backup(ctx.db_path)
    except StorageError as error:
        w(f"Backup failed: {error}\n")
        w("Check: sound\n")
        return EXIT_FAILURE
    w(f"Backup: {made}\n" if made is not None else "Backup: no database yet\n")
    w("Check: sound\n")
    return EXIT_OK


def cmd_restore(ctx: Context) -> int:
    """Put a checked backup in the database's place; the database it replaces is kept beside it."""
    result = restore_database(Path(ctx.args.backup), ctx.db_path)
    w = ctx.out.write
    w(f"Restored {ctx.args.backup} to {result.database} ({result.signed_sessions} signed sessions, checked).\n")
    if result.kept is not None:
        w(f"The database it replaced is kept as {result.kept}.\n")
    return EXIT_OK


def cmd_check(ctx: Context) -> int:
    """Report integrity, foreign keys, schema version and signed-session hashes; non-zero when anything is wrong."""
    report = check_database(open_repository(ctx))
    w = ctx.out.write
    w(f"Integrity: {'ok' if not report.integrity else 'FAILED'}\n")
    for line in report.integrity:
        w(f"  {line}\n")
    w(f"Foreign keys: {'ok' if not report.foreign_key_problems else 'FAILED'}\n")
    for line in report.foreign_key_problems:
        w(f"  {line}\n")
    schema_ok = report.schema_version == report.expected_schema_version
    w(
        f"Schema version: {report.schema_version} ({'ok' if schema_ok else f'expected {report.expected_schema_version}'})\n"
    )
    w(f"Signed sessions: {report.signed_sessions}, hash mismatches: {len(report.hash_mismatches)}\n")
    for session_id in report.hash_mismatches:
        w(f"  session {session_id}: its content no longer matches the hash stored when it was signed\n")
    protocol_problems = len(report.protocols_missing) + len(report.protocols_altered)
    w(f"Protocols signed under: {'ok' if not protocol_problems else f'{protocol_problems} session(s) affected'}\n")
    for session_id in report.protocols_missing:
        w(f"  session {session_id}: the protocol it was signed under is missing\n")
    for session_id in report.protocols_altered:
        w(f"  session {session_id}: the protocol it was signed under no longer matches its hash\n")
    broken = report.audit_chain_broken_at
    w(f"Audit log chain: {'ok' if broken is None else f'BROKEN at entry {broken} (edited, removed or inserted)'}\n")
    for session_id in report.signatures_off_chain:
        w(f"  session {session_id}: the audit entry of its signing is no longer in the log\n")
    w(f"Guarding triggers: {'ok' if not report.triggers_missing else 'MISSING or changed'}\n")
    for name in report.triggers_missing:
        w(f"  {name}\n")
    if report.ok:
        w("The database is sound.\n")
        return EXIT_OK
    ctx.err.write("charting: the check found problems (listed above); restore from a backup or contact support.\n")
    return EXIT_FAILURE


def cmd_demo(ctx: Context) -> int:
    """Fill an empty database with a lived-in made-up clinic."""
    if ctx.args.patients < 1:
        raise CommandError("--patients must be at least 1.")
    repository = open_repository(ctx, create=True)
    result = fill_demo(repository, patients=ctx.args.patients, seed=ctx.args.seed)
    ctx.out.write(
        f"Filled {ctx.db_path} with {result.patients} made-up patients, {result.signed} signed sessions, "
        f"{result.drafts} drafts and {result.addenda} addenda.\n"
    )
    return EXIT_OK


def add_export_pdf_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """``export-pdf``: one session's procedure note, or every signed note of a patient."""
    export = commands.add_parser(
        "export-pdf",
        help="write procedure notes as PDF: one session (-o FILE) or a patient's signed sessions (--out-dir DIR)",
    )
    target = export.add_mutually_exclusive_group(required=True)
    target.add_argument("--session", metavar="ID", type=int, help="the session to export (a draft prints as DRAFT)")
    target.add_argument("--patient", metavar="MRN", help="export every signed session of this patient")
    export.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="the PDF file to write (with --session; must not exist unless --overwrite)",
    )
    export.add_argument(
        "--out-dir",
        metavar="DIR",
        help="the folder to write the PDFs into (with --patient; its notes must not exist unless --overwrite)",
    )
    export.add_argument("--paper", choices=("letter", "a4"), help="paper size (default: the clinic's setting)")
    export.add_argument("--overwrite", action="store_true", help="replace a PDF file that already exists")
    export.set_defaults(handler=cmd_export_pdf)


def cmd_export_pdf(ctx: Context) -> int:
    """Write one session's note to ``-o FILE``, or each signed note of a patient into ``--out-dir DIR``."""
    args = ctx.args
    if args.session is not None and not args.output:
        raise CommandError("Say where to write the note: charting export-pdf --session ID -o FILE.")
    if args.patient is not None and not args.out_dir:
        raise CommandError("Say which folder to write the notes into: charting export-pdf --patient MRN --out-dir DIR.")
    repository = open_repository(ctx)
    paper = args.paper or repository.settings.paper_size
    if args.session is not None:
        session = repository.load_session(args.session)
        output = Path(args.output)
        if not args.overwrite:
            refuse_existing([output], "choose another file name, or add --overwrite to replace it")
        write_private_file(output, procedure_note_pdf(repository, session, paper=paper), replace=args.overwrite)
        draft = "" if session.signed else " (a draft, marked DRAFT - not signed)"
        ctx.out.write(f"Wrote the note of session {session.id}{draft} to {output}.\n")
        return EXIT_OK
    patient = repository.patient_by_mrn(args.patient)
    if patient is None or patient.id is None:
        raise CommandError(f"No patient has record number {args.patient}; check the number.")
    signed = [s for s in repository.sessions_for_patient(patient.id) if s.signed]
    if not signed:
        raise CommandError(f"Patient {args.patient} has no signed session to export; sign a session first.")
    folder = Path(args.out_dir)
    stem = file_stem(patient.mrn)
    paths = [folder / f"{stem}_{session.performed_on.isoformat()}_session{session.id}.pdf" for session in signed]
    if not args.overwrite:
        refuse_existing(paths, "choose another folder, or add --overwrite to replace the notes in it")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise CommandError(
            f"Could not make the folder {folder} ({error.strerror or error}); choose another folder."
        ) from error
    for session, path in zip(signed, paths, strict=True):
        write_private_file(path, procedure_note_pdf(repository, session, paper=paper), replace=args.overwrite)
        ctx.out.write(f"{path}\n")
    ctx.out.write(f"Wrote {len(signed)} signed note(s) of patient {args.patient} to {folder}.\n")
    return EXIT_OK


MAINTAIN_NICENESS = 10
"""How far ``charting maintain`` steps back from the window for the processor."""
DUE_DAYS = 14
"""The due list looks this many days ahead unless ``--days`` says otherwise."""


def add_course_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The commands on the course of treatment: the continuation-of-therapy summary and the due list."""
    summary = commands.add_parser(
        "summary", help="write a patient's continuation-of-therapy summary (for the insurer) as PDF"
    )
    summary.add_argument("--patient", metavar="MRN", required=True, help="the patient's record number")
    summary.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        required=True,
        help="the PDF file to write (must not exist unless --overwrite)",
    )
    summary.add_argument("--overwrite", action="store_true", help="replace a PDF file that already exists")
    summary.set_defaults(handler=cmd_summary)

    due = commands.add_parser("due", help="patients whose next session falls due in the coming days, or is overdue")
    due.add_argument(
        "--days", metavar="N", type=int, default=DUE_DAYS, help=f"how many days ahead to look (default {DUE_DAYS})"
    )
    due.add_argument("--csv", metavar="FILE", help="also write the list to a CSV file (replaced if it exists)")
    due.set_defaults(handler=cmd_due)


def cmd_summary(ctx: Context) -> int:
    """Write a patient's continuation-of-therapy summary to ``-o FILE``."""
    args = ctx.args
    repository = open_repository(ctx)
    patient = repository.patient_by_mrn(args.patient)
    if patient is None or patient.id is None:
        raise CommandError(f"No patient has record number {args.patient}; check the number.")
    output = Path(args.output)
    if not args.overwrite:
        refuse_existing([output], "choose another file name, or add --overwrite to replace it")
    pdf = continuation_summary_pdf(repository, patient.id, now=local_now())
    write_private_file(output, pdf, replace=args.overwrite)
    ctx.out.write(f"Wrote the continuation-of-therapy summary of patient {patient.mrn} to {output}.\n")
    return EXIT_OK


def cmd_due(ctx: Context) -> int:
    """Print the patients due within ``--days`` days or overdue, soonest first; ``--csv`` writes the same rows."""
    days = ctx.args.days
    if days < 0:
        raise CommandError("--days must be 0 or more.")
    repository = open_repository(ctx)
    today = local_now().date()
    entries = repository.due_list(today, days)
    if ctx.args.csv:
        write_private_file(Path(ctx.args.csv), due_list_csv(entries, today, repository.settings).encode("utf-8"))
    w = ctx.out.write
    if not entries:
        w(f"No patient is due in the next {days} days or overdue.\n")
    else:
        width = max(30, *(len(entry.patient.display_name) for entry in entries))
        w(f"{'Patient':<{width}} {'MRN':<12} {'Last':<10}  {'Next due':<10}  {'Due by':<10}  Status\n")
        for entry in entries:
            w(
                f"{entry.patient.display_name:<{width}} {entry.patient.mrn:<12} {entry.last_session.isoformat():<10}  "
                f"{entry.next_due.isoformat():<10}  {entry.due_until.isoformat():<10}  "
                f"{due_status(entry.last_session, today, repository.settings).short}\n"
            )
    if ctx.args.csv:
        w(f"Wrote {len(entries)} patient(s) to {ctx.args.csv}.\n")
    return EXIT_OK


def refuse_existing(paths: Sequence[Path], what_to_do: str) -> None:
    """CommandError naming the first of the files that already exist (a note is never replaced by a slip)."""
    existing = [path for path in paths if path.exists() or path.is_symlink()]
    if not existing:
        return
    others = len(existing) - 1
    also = f" (and {others} other note{'s' if others > 1 else ''})" if others else ""
    raise CommandError(f"{existing[0]} already exists{also}; {what_to_do}.")


def run_command(args: argparse.Namespace, db_path: Path, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Run the parsed command; a user-facing failure becomes one line on stderr and a non-zero exit."""
    ctx = Context(args=args, db_path=db_path, out=out or sys.stdout, err=err or sys.stderr)
    handler: Handler = args.handler
    try:
        return handler(ctx)
    except USER_FACING_ERRORS as error:
        ctx.err.write(f"charting: {error}\n")
        return EXIT_FAILURE


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    """Parse the command line (argparse exits with status 2 on a usage error)."""
    return build_parser().parse_args(argv)
