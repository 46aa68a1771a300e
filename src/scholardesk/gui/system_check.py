"""Checks, before Qt is imported, that the system libraries Qt needs are present.

A missing library otherwise ends in Qt's "could not load the Qt platform plugin" abort; here it
becomes a message naming the Debian packages to install.
"""

from __future__ import annotations

import ctypes
import os

# soname -> Debian package. The base set is needed by every platform plugin.
BASE_LIBRARIES = {
    "libEGL.so.1": "libegl1",
    "libGL.so.1": "libgl1",
    "libfontconfig.so.1": "libfontconfig1",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libdbus-1.so.3": "libdbus-1-3",
    "libglib-2.0.so.0": "libglib2.0-0",
}
XCB_LIBRARIES = {
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libX11-xcb.so.1": "libx11-xcb1",
}


def _loadable(soname: str) -> bool:
    try:
        ctypes.CDLL(soname)
    except OSError:
        return False
    return True


def missing_packages(platform: str | None = None) -> list[str]:
    """Debian packages whose libraries Qt will fail to load on this platform."""
    if os.name != "posix" or not os.path.exists("/etc/debian_version"):
        return []
    platform = platform if platform is not None else os.environ.get("QT_QPA_PLATFORM", "")
    needed = dict(BASE_LIBRARIES)
    if platform in ("", "xcb") and not os.environ.get("WAYLAND_DISPLAY"):
        needed.update(XCB_LIBRARIES)
    return sorted({pkg for so, pkg in needed.items() if not _loadable(so)})


def missing_qt_libraries_message(platform: str | None = None) -> str:
    platform = platform if platform is not None else os.environ.get("QT_QPA_PLATFORM", "")
    packages = missing_packages(platform)
    if packages:
        return (
            "ScholarDesk's window needs system libraries that are not installed.\n"
            f"Install them with:\n\n    sudo apt-get install {' '.join(packages)}\n"
        )
    if (
        os.name == "posix"
        and platform in ("", "xcb", "wayland")
        and not os.environ.get("DISPLAY")
        and not os.environ.get("WAYLAND_DISPLAY")
    ):
        return (
            "There is no display to open the window on (neither DISPLAY nor WAYLAND_DISPLAY is set).\n"
            "Run ScholarDesk from a desktop session, under Xvfb (xvfb-run scholardesk), or render\n"
            "pages offscreen with: scholardesk gui --screenshot FILE.png --page papers"
        )
    return ""
