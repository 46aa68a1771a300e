"""Publisher-page parsing takes time linear in the page, whatever the page holds.

A review found pages (fetched from the network by ``collect --source pages``) whose shape made
the old regular expressions quadratic: 292 KB took 98 s. Each shape here is measured at 30 KB
and at 300 KB: ten times the input may take at most fifteen times the time (best of a few
runs, so that a busy machine does not decide), and 300 KB must parse well under a second.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from scholardesk.core.errors import InputError
from scholardesk.sources.reviews.publisher_html import html_to_text, parse_html

SMALL = 30_000
RUNS = 5
FLOOR_S = 0.002  # timer and interpreter noise below this are not the parser's growth
MAX_300KB_S = 1.0

_DATES = b"<html><body><p>Received 1 May 2020; Accepted 2 June 2020</p>"


def _fill(unit: bytes, size: int) -> bytes:
    return unit * (size // len(unit))


SHAPES: dict[str, Callable[[int], bytes]] = {
    # an unclosed <title> repeated after the dates (the title is read from <title> when the
    # page has no citation_title)
    "unclosed title": lambda n: _DATES + _fill(b"<title>abc ", n),
    "bare <meta flood": lambda n: b"<html><head>" + _fill(b"<meta ", n),
    "long attribute without a value": lambda n: b"<html><head><meta content " + b"a" * n + b">",
    "repeated IEEE metadata marker": lambda n: b"<html><script>"
    + _fill(b"xplGlobal.document.metadata={", n),
    "IEEE footnote full of '<'": lambda n: b'<html><script>xplGlobal.document.metadata={"f": '
    b'"Received 1 May 2020 ' + b"<" * n + b'"};\n</script>',
    "unclosed <h1 flood": lambda n: b"<html>" + _fill(b"<h1", n),
    "unclosed <script> flood near the dates": lambda n: _DATES + _fill(b"<script>", n),
    "dates repeated everywhere": lambda n: _fill(b"<p>Received 1 May 2020 Accepted 2 May 2020 ", n),
}


def _best_time(data: bytes) -> float:
    best = float("inf")
    for _ in range(RUNS):
        start = time.perf_counter()
        try:
            parse_html(data, "hostile.html")
        except InputError:
            pass
        best = min(best, time.perf_counter() - start)
    return best


@pytest.mark.timeout(120)
@pytest.mark.parametrize("shape", list(SHAPES), ids=list(SHAPES))
def test_parsing_time_grows_linearly(shape: str) -> None:
    make = SHAPES[shape]
    small, large = make(SMALL), make(10 * SMALL)
    t_small = _best_time(small)
    t_large = _best_time(large)
    assert t_large < MAX_300KB_S, f"{shape}: 300 KB took {t_large:.3f} s"
    assert t_large <= 15 * max(t_small, FLOOR_S), (
        f"{shape}: 30 KB {t_small * 1000:.1f} ms, 300 KB {t_large * 1000:.1f} ms"
    )


def test_hostile_shapes_still_give_the_dates_or_a_reason() -> None:
    h = parse_html(SHAPES["unclosed title"](SMALL), "t.html")
    assert (str(h.received), str(h.accepted)) == ("2020-05-01", "2020-06-02")
    assert h.title == ""  # the <title> is never closed: no title rather than the whole page
    with pytest.raises(InputError, match="no received/accepted"):
        parse_html(SHAPES["bare <meta flood"](SMALL), "m.html")


def test_text_of_markup_with_unclosed_blocks() -> None:
    assert html_to_text("a<script>x</script>b<style>y</STYLE >c") == "a b c"
    assert html_to_text("Received <b>1 May</b> 2020<script>never closed") == "Received 1 May 2020"
    assert html_to_text("x < y and <i>z</i>") == "x < y and z"
