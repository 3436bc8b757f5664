"""``python -m bench``: run every benchmark and print one JSON object (also written to bench/results.json).

Every module of this package that defines ``run(quick: bool) -> dict[str, float]`` is a benchmark; each
reports its figures against a baseline measured in the same run.
"""

from __future__ import annotations

import argparse
import importlib
import json
import pkgutil
import platform
from pathlib import Path

import bench

HELPER_MODULES = {"timing"}


def main() -> int:
    """Run the benchmarks and print their figures."""
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--quick", action="store_true", help="fewer repetitions, for a run under two minutes")
    parser.add_argument("only", nargs="*", help="run only these benchmark modules")
    args = parser.parse_args()
    results: dict[str, object] = {"machine": f"{platform.system()} {platform.machine()}, {platform.python_version()}"}
    for info in sorted(pkgutil.iter_modules(bench.__path__), key=lambda m: m.name):
        if info.name in HELPER_MODULES or info.name.startswith("_") or (args.only and info.name not in args.only):
            continue
        module = importlib.import_module(f"bench.{info.name}")
        if callable(getattr(module, "run", None)):
            results.update(module.run(quick=args.quick))
    text = json.dumps(results, indent=2, sort_keys=True)
    print(text)
    Path(bench.__file__).with_name("results.json").write_text(text + "\n", encoding="utf-8")
    return 0


raise SystemExit(main())
