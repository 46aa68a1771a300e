"""``scholardesk gui [--screenshot FILE.png --page NAME --size WxH]``."""

from __future__ import annotations

import argparse
from pathlib import Path

from scholardesk.app import run_gui, take_screenshot
from scholardesk.cli.common import EXIT_OK, CliContext

PAGE_NAMES = ["papers", "feed", "venues", "reviews", "submissions", "experiments", "models", "settings"]


def _size(text: str) -> tuple[int, int]:
    try:
        w, h = text.lower().split("x")
        return int(w), int(h)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"size must look like 1280x800, not {text!r}") from exc


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    gui = sub.add_parser("gui", help="open the window, or render a page to a PNG")
    gui.add_argument("--screenshot", type=Path, metavar="FILE.png", help="render offscreen and save")
    gui.add_argument("--page", choices=PAGE_NAMES, default="papers")
    gui.add_argument("--size", type=_size, default=(1280, 800), metavar="WxH")
    gui.set_defaults(handler=_gui)


def _gui(ctx: CliContext, args: argparse.Namespace) -> int:
    if args.screenshot is None:
        return run_gui(ctx.options)
    out = take_screenshot(ctx.options, args.screenshot, args.page, args.size)
    print(out)
    return EXIT_OK
