"""CSL JSON (Zotero / Better BibTeX "CSL JSON" export) → paper records."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from scholardesk.sources.csl_json import (
    CslJsonReader,
    issued_date,
    item_to_record,
    looks_like_csl_json,
    person_name,
    read_csl_json,
)

# As Better BibTeX writes them (id = citation key), and as Zotero's own CSL JSON does
# (id = the item URI, the BBT key in "note" from Extra).
BBT_ITEMS = [
    {
        "id": "vaswani_attention_2017", "citation-key": "vaswani_attention_2017",
        "type": "paper-conference", "title": "Attention is All you Need",
        "container-title": "Advances in Neural Information Processing Systems",
        "volume": "30", "page": "5998–6008", "publisher": "Curran Associates, Inc.",
        "author": [{"family": "Vaswani", "given": "Ashish"},
                   {"family": "Shazeer", "given": "Noam"}],
        "issued": {"date-parts": [["2017"]]},
        "URL": "https://proceedings.neurips.cc/paper/2017/hash/3f5ee243547dee91fbd053c1c4a845aa-Abstract.html",
    },
    {
        "id": "http://zotero.org/users/local/AbCdEf12/items/MS2YEZYT",
        "type": "article-journal", "title": "轮腿式平衡机器人控制",
        "container-title": "信息与控制", "issue": "3", "volume": "52",
        "author": [{"family": "陈", "given": "阳"}, {"literal": "王洪玺"}],
        "issued": {"date-parts": [[2023, 6, 15]]},
        "DOI": "10.13976/J.CNKI.XK.2023.2245",
        "note": "Citation Key: chen_lunTui_2023\nCNKICite: 3",
        "keyword": "平衡机器人, LQR",
    },
    {
        "id": "beltagy_longformer_2020", "citation-key": "beltagy_longformer_2020",
        "type": "article", "title": "Longformer: The Long-Document Transformer",
        "number": "arXiv:2004.05150", "publisher": "arXiv",
        "DOI": "10.48550/arXiv.2004.05150",
        "author": [{"family": "Beltagy", "given": "Iz"},
                   {"family": "Peters", "given": "Matthew E."},
                   {"family": "Beethoven", "given": "Ludwig", "non-dropping-particle": "van"}],
        "issued": {"date-parts": [[2020, 4, 10]]},
    },
    {
        "id": "li_thesis_2019", "citation-key": "li_thesis_2019", "type": "thesis",
        "genre": "硕士学位论文", "title": "基于预测控制的无人船运动控制研究",
        "publisher": "武汉理工大学", "author": [{"family": "柳", "given": "晨光"}],
        "issued": {"raw": "2019"},
    },
]


def write(path: Path, items: object) -> Path:
    path.write_text(json.dumps(items, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def test_bbt_items_map_to_our_fields_and_keep_their_citation_keys(tmp_path: Path) -> None:
    path = write(tmp_path / "library.json", BBT_ITEMS)
    records, errors = read_csl_json(path)
    assert errors == []
    by_key = {r.bibtex_key: r for _, r in records}
    assert list(by_key) == ["vaswani_attention_2017", "chen_lunTui_2023",
                            "beltagy_longformer_2020", "li_thesis_2019"]
    nips = by_key["vaswani_attention_2017"]
    assert (nips.entry_type, nips.year, nips.venue) == (
        "inproceedings", 2017, "Advances in Neural Information Processing Systems")
    assert nips.authors == ("Ashish Vaswani", "Noam Shazeer")
    assert nips.extra["pages"] == "5998–6008" and nips.extra["volume"] == "30"
    assert nips.links["url"].startswith("https://proceedings.neurips.cc/")
    assert (nips.source_kind, nips.record_ref) == ("csl", "vaswani_attention_2017")
    cn = by_key["chen_lunTui_2023"]
    assert cn.authors == ("陈阳", "王洪玺")  # family first, no space; literal kept
    assert (cn.doi, cn.published, cn.entry_type) == (
        "10.13976/j.cnki.xk.2023.2245", "2023-06-15", "article")
    assert cn.extra["csl_id"] == "http://zotero.org/users/local/AbCdEf12/items/MS2YEZYT"
    assert cn.tags == ("平衡机器人", "lqr")
    arxiv = by_key["beltagy_longformer_2020"]
    assert (arxiv.arxiv_id, arxiv.doi, arxiv.entry_type) == ("2004.05150", None, "misc")
    assert arxiv.authors[2] == "Ludwig van Beethoven"
    thesis = by_key["li_thesis_2019"]
    assert (thesis.entry_type, thesis.venue, thesis.year) == ("mastersthesis", "武汉理工大学", 2019)


def test_bad_items_are_named_by_index_and_the_rest_comes_in(tmp_path: Path) -> None:
    items = [BBT_ITEMS[0], {"id": "untitled_2020", "type": "book"}, "not an item", BBT_ITEMS[2]]
    records, errors = read_csl_json(write(tmp_path / "x.json", items))
    assert [r.bibtex_key for _, r in records] == ["vaswani_attention_2017",
                                                  "beltagy_longformer_2020"]
    assert [(e.record, e.message) for e in errors] == [
        ("item 2 (untitled_2020)", "the item has no title"),
        ("item 3", "expected a CSL item (a JSON object)"),
    ]


def test_truncated_file_keeps_the_items_before_the_break(tmp_path: Path) -> None:
    text = json.dumps(BBT_ITEMS, ensure_ascii=False)
    path = tmp_path / "cut.json"
    path.write_text(text[: text.index('"beltagy_longformer_2020"') + 10], encoding="utf-8")
    reader = CslJsonReader(path)
    assert len(list(reader)) == 2
    (err,) = reader.stats.errors.report()
    assert err.record == "file" and "after item 2" in err.message


def test_told_apart_from_our_own_json_export_by_shape(tmp_path: Path) -> None:
    assert looks_like_csl_json(write(tmp_path / "csl.json", BBT_ITEMS))
    ours = [{"id": 3, "title": "T", "authors": ["A B"], "year": 2020, "entry_type": "article",
             "bibtex_key": "b2020"}]
    assert not looks_like_csl_json(write(tmp_path / "ours.json", ours))
    assert not looks_like_csl_json(write(tmp_path / "wrapped.json", {"papers": BBT_ITEMS}))
    assert not looks_like_csl_json(write(tmp_path / "numbers.json", [1, 2, 3]))
    (tmp_path / "broken.json").write_text("[{", encoding="utf-8")
    assert not looks_like_csl_json(tmp_path / "broken.json")
    gz = tmp_path / "csl.json.gz"
    gz.write_bytes(gzip.compress(json.dumps(BBT_ITEMS).encode()))
    assert looks_like_csl_json(gz)


def test_names_and_dates() -> None:
    assert person_name({"family": "Doe", "given": "Jane", "suffix": "Jr."}) == "Jane Doe, Jr."
    assert person_name({"family": "Plato"}) == "Plato"
    assert person_name("nobody") == ""
    assert issued_date({"date-parts": [[2020, 5]]}) == (2020, "")
    assert issued_date({"date-parts": [[2020, 2, 30]]}) == (2020, "")
    assert issued_date({"literal": "Spring 2011"}) == (2011, "")
    assert issued_date(None) == (None, "")
    record = item_to_record({"title": "Edited", "editor": [{"family": "Ed", "given": "A"}]},
                            "x.json", 7)
    assert record.authors == ("A Ed",) and record.record_ref == "item 7"
