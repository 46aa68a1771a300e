"""`make bench`: runs every benchmarks/bench_*.py and prints one Markdown table.

Each module defines ``run() -> list[dict]`` with keys benchmark, value, unit, target.
Pass module names (e.g. ``foundation papers``) to run only those.
"""

from __future__ import annotations

import importlib.util
import json
import sys
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent


def load(path: Path):  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main(argv: list[str]) -> int:
    wanted = set(argv)
    rows: list[dict[str, object]] = []
    failed = False
    for path in sorted(HERE.glob("bench_*.py")):
        name = path.stem.removeprefix("bench_")
        if wanted and name not in wanted:
            continue
        print(f"running {name}…", file=sys.stderr, flush=True)
        started = time.perf_counter()
        try:
            results = load(path).run()
        except Exception:  # report and go on with the other benchmarks
            traceback.print_exc()
            failed = True
            continue
        for row in results:
            rows.append({"area": name, **row})
        print(f"  {name}: {time.perf_counter() - started:.1f} s", file=sys.stderr)
    print("| area | benchmark | measured | target |")
    print("|---|---|---|---|")
    for row in rows:
        value = row["value"]
        shown = f"{value:,.3g}" if isinstance(value, float) and value < 1000 else f"{value:,.0f}" if isinstance(value, (int, float)) else str(value)
        print(f"| {row['area']} | {row['benchmark']} | {shown} {row['unit']} | {row['target']} |")
    out = HERE.parent / ".bench" / "results.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(rows, indent=2, ensure_ascii=False), encoding="utf-8")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
