"""The headless commands: each prints a clear error and exits non-zero on failure."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from charting import __version__
from charting.domain.protocol import Protocol, ProtocolError, load_protocol
from charting.resources import protocol_path

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2


class CommandError(Exception):
    """A failure the user can act on; the message is printed as it is, without a traceback."""


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
    return parser


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


def run_command(args: argparse.Namespace, db_path: Path, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Run the parsed command; a CommandError becomes one line on stderr and a non-zero exit."""
    ctx = Context(args=args, db_path=db_path, out=out or sys.stdout, err=err or sys.stderr)
    handler: Handler = args.handler
    try:
        return handler(ctx)
    except CommandError as error:
        ctx.err.write(f"charting: {error}\n")
        return EXIT_FAILURE


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    """Parse the command line (argparse exits with status 2 on a usage error)."""
    return build_parser().parse_args(argv)
