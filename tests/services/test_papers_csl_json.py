"""``papers import FILE.json``: a Zotero / Better BibTeX CSL JSON export through the same
import path as BibTeX, told apart from ScholarDesk's own JSON export."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from scholardesk.domain.papers import PaperFilter
from scholardesk.services.context import Services

CSL = [
    {"id": "vaswani_attention_2017", "citation-key": "vaswani_attention_2017",
     "type": "paper-conference", "title": "Attention is All you Need",
     "container-title": "Advances in Neural Information Processing Systems",
     "author": [{"family": "Vaswani", "given": "Ashish"}], "issued": {"date-parts": [[2017]]}},
    {"id": "broken_2020", "type": "article-journal"},
    {"id": "beltagy_longformer_2020", "citation-key": "beltagy_longformer_2020",
     "type": "article", "title": "Longformer: The Long-Document Transformer",
     "DOI": "10.48550/arXiv.2004.05150", "author": [{"family": "Beltagy", "given": "Iz"}],
     "issued": {"date-parts": [[2020, 4, 10]]}},
]


def test_csl_json_imports_with_keys_and_names_the_bad_item(
    services: Services, tmp_path: Path
) -> None:
    path = tmp_path / "My Library.json"
    path.write_text(json.dumps(CSL), encoding="utf-8")
    report = services.papers.import_files([path])
    assert (report.imported, report.updated) == (2, 0)
    assert [(e.record, e.message) for e in report.errors] == [
        ("item 2 (broken_2020)", "the item has no title")]
    papers = [services.papers.get(i) for i in services.papers.list_ids()]
    keys = {p.bibtex_key: p for p in papers}
    assert set(keys) == {"vaswani_attention_2017", "beltagy_longformer_2020"}
    longformer = keys["beltagy_longformer_2020"]
    assert longformer.arxiv_id == "2004.05150"
    assert [(s.source_kind, s.record_ref) for s in longformer.provenance] == [
        ("csl", "beltagy_longformer_2020")]
    again = services.papers.import_files([path])  # BBT auto-export re-imported: no duplicates
    assert again.imported == 0 and services.papers.count() == 2


def test_our_own_json_export_still_reads_as_ours(services: Services, tmp_path: Path) -> None:
    path = tmp_path / "csl.json"
    path.write_text(json.dumps(CSL[:1]), encoding="utf-8")
    services.papers.import_files([path])
    pid = services.papers.list_ids()[0]
    services.papers.update([pid], status="read", rating=5)
    export = tmp_path / "export.json"
    services.papers.export("json", export, PaperFilter())
    services.papers.delete([pid])
    report = services.papers.import_files([export])
    assert report.imported == 1
    paper = services.papers.get(services.papers.list_ids()[0])
    assert (paper.status, paper.rating) == ("read", 5)  # our fields: read by our reader
    assert paper.provenance[0].source_kind == "json"


def test_better_bibtex_bib_keeps_its_citation_keys(
    services: Services, real_fixture: Callable[[str], Path]
) -> None:
    bib = real_fixture("bibtex/tensorboard-reducer_paper_references.bib")
    keys = [line.split("{", 1)[1].rstrip(",\n") for line in
            bib.read_text(encoding="utf-8").splitlines() if line.startswith("@")]
    services.papers.import_files([bib])
    stored = {services.papers.get(i).bibtex_key for i in services.papers.list_ids()}
    assert set(keys) <= stored, set(keys) - stored
    assert "abadi_tensorflow_2015" in stored and "paszke_pytorch_2019" in stored
