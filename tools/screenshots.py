"""Regenerates the README's pictures: one PNG per page, on a fresh sample library."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
PAGES = ["papers", "venues", "reviews", "submissions", "experiments", "models", "settings"]


def main() -> int:
    home = Path(tempfile.mkdtemp(prefix="sd-shots-"))
    out_dir = ROOT / "docs" / "img"
    out_dir.mkdir(parents=True, exist_ok=True)
    for page in PAGES:
        out = out_dir / f"{page}.png"
        cmd = [sys.executable, "-m", "scholardesk", "--home", str(home), "gui",
               "--screenshot", str(out), "--page", page, "--size", "1280x800"]
        subprocess.run(cmd, check=True, env=ENV)
        print(out)
    zh = out_dir / "papers-zh_CN.png"
    subprocess.run([sys.executable, "-m", "scholardesk", "--home", str(home), "--lang", "zh_CN", "gui",
                    "--screenshot", str(zh), "--page", "papers", "--size", "1280x800"], check=True, env=ENV)
    print(zh)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
