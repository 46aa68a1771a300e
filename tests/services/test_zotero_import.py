"""Importing a Zotero library, and importing it again after it changed."""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

from scholardesk.domain.papers import PaperFilter, PaperRecord
from scholardesk.services.context import Services
from scholardesk.services.zotero_import import merged_notes

Z7 = "zotero/yuanluochen_zotero7.sqlite"
Z5 = "zotero/chen-zhihui_zotero5_2018.sqlite"


def data_folder(src: Path, tmp_path: Path, name: str = "Zotero") -> Path:
    folder = tmp_path / name
    folder.mkdir()
    shutil.copyfile(src, folder / "zotero.sqlite")
    return folder


def paper_for(services: Services, key: str) -> int:
    for pid in services.papers.list_ids():
        p = services.papers.get(pid)
        if p.extra.get("zotero_key") == key:
            return pid
    raise AssertionError(f"no paper for Zotero item {key}")


def edit_title(db: Path, item_id: int, title: str) -> None:
    with sqlite3.connect(db) as conn:
        conn.execute(
            "UPDATE itemDataValues SET value = ? WHERE valueID = (SELECT d.valueID FROM itemData d"
            " JOIN fields f USING(fieldID) WHERE d.itemID = ? AND f.fieldName = 'title')",
            (title, item_id),
        )
        conn.execute(
            "UPDATE items SET version = version + 1, dateModified = '2025-10-05 10:00:00',"
            " clientDateModified = '2025-10-05 10:00:00' WHERE itemID = ?", (item_id,),
        )


def test_both_real_libraries_import_with_counts(
    services: Services, real_fixture: Callable[[str], Path]
) -> None:
    original = real_fixture(Z7)
    before = hashlib.sha256(original.read_bytes()).hexdigest()
    r7 = services.papers.import_zotero(original)
    assert hashlib.sha256(original.read_bytes()).hexdigest() == before
    assert (r7.imported, r7.updated, r7.unchanged) == (12, 0, 0)
    assert r7.items == {"journalArticle": 8, "thesis": 2, "book": 2}
    assert r7.attachments == 12 and r7.attachments_missing == 12  # no storage/ beside it
    r5 = services.papers.import_zotero(real_fixture(Z5))
    assert (r5.imported, r5.in_trash, r5.notes) == (12, 4, 1)
    assert services.papers.count() == 24
    data = r5.to_json()
    assert {"imported", "updated", "skipped", "removed_in_zotero", "attachments",
            "errors"} <= set(data)

    pid = paper_for(services, "MS2YEZYT")
    paper = services.papers.get(pid)
    assert paper.title == "轮腿式平衡机器人控制"
    assert paper.authors == ("陈阳", "王洪玺", "张兰勇")
    assert "collection:控制理论/控制算法/最优控制理论" in paper.tags
    assert paper.links["zotero"] == "zotero://select/library/items/MS2YEZYT"
    assert [s.source_kind for s in paper.provenance] == ["zotero"]
    assert paper.provenance[0].record_ref == "MS2YEZYT"
    keras = services.papers.get(paper_for(services, "SVJN3U6L"))
    assert keras.notes == "model for sphere in keras"
    tagged = services.papers.list_ids(PaperFilter(tag="collection:github/face"))
    assert len(tagged) == 10


def test_reimport_unchanged_then_changed_item_keeps_the_users_work(
    services: Services, real_fixture: Callable[[str], Path], tmp_path: Path
) -> None:
    folder = data_folder(real_fixture(Z7), tmp_path)
    services.papers.import_zotero(folder)
    again = services.papers.import_zotero(folder)
    assert (again.imported, again.updated, again.unchanged) == (0, 0, 12)
    assert not again.changes

    pid = paper_for(services, "UUHQ4RF7")
    services.papers.update([pid], status="read", rating=4, notes="my notes", add_tags=["to-cite"])
    edit_title(folder / "zotero.sqlite", 246, "基于运动学建模的自动瞄准系统（修订）")
    report = services.papers.import_zotero(folder)
    assert (report.imported, report.updated, report.unchanged) == (0, 1, 11)
    paper = services.papers.get(pid)
    assert paper.title == "基于运动学建模的自动瞄准系统（修订）"
    assert (paper.status, paper.rating, paper.notes) == ("read", 4, "my notes")
    assert "to-cite" in paper.tags and "自动瞄准" in paper.tags
    assert services.papers.count() == 12


def test_removed_in_zotero_reported_and_kept(
    services: Services, real_fixture: Callable[[str], Path], tmp_path: Path
) -> None:
    folder = data_folder(real_fixture(Z5), tmp_path)
    services.papers.import_zotero(folder)
    pid = paper_for(services, "AQSZ7C5D")
    with sqlite3.connect(folder / "zotero.sqlite") as conn:
        conn.execute("INSERT INTO deletedItems (itemID) VALUES (11)")  # moved to the trash
    report = services.papers.import_zotero(folder)
    assert report.removed_in_zotero == [{"key": "AQSZ7C5D", "paper_id": pid,
                                         "title": services.papers.get(pid).title}]
    assert services.papers.count() == 12  # the paper stays
    assert services.papers.import_zotero(folder).removed_in_zotero == []  # said once


def test_zotero_item_merges_with_the_same_paper_from_elsewhere(
    services: Services, real_fixture: Callable[[str], Path]
) -> None:
    services.papers.import_records([PaperRecord(
        title="Kalman filtering with state constraints: a survey of linear and nonlinear "
              "algorithms", source_kind="bibtex", source_ref="refs.bib", record_ref="simon2010",
        doi="10.1049/IET-CTA.2009.0032", authors=("Dan Simon",), year=2010,
    )])
    report = services.papers.import_zotero(real_fixture(Z7))
    assert (report.imported, report.updated) == (11, 1)
    pid = paper_for(services, "CQ6HJJHW")
    paper = services.papers.get(pid)
    assert {s.source_kind for s in paper.provenance} == {"bibtex", "zotero"}
    assert paper.links["zotero"].endswith("/CQ6HJJHW")
    assert services.papers.import_zotero(real_fixture(Z7)).unchanged == 12


def test_changed_zotero_notes_replace_only_their_part(
    services: Services, real_fixture: Callable[[str], Path], tmp_path: Path
) -> None:
    folder = data_folder(real_fixture(Z5), tmp_path)
    services.papers.import_zotero(folder)
    pid = paper_for(services, "SVJN3U6L")
    services.papers.update([pid], notes="mine first\n\nmodel for sphere in keras")
    with sqlite3.connect(folder / "zotero.sqlite") as conn:
        conn.execute("UPDATE itemNotes SET note = '<p>model for sphere, in Keras 2</p>'"
                     " WHERE itemID = 20")
        conn.execute("UPDATE items SET clientDateModified = '2025-01-01 00:00:00'"
                     " WHERE itemID = 20")
    report = services.papers.import_zotero(folder)
    assert report.updated == 1
    assert services.papers.get(pid).notes == "mine first\n\nmodel for sphere, in Keras 2"


def test_zotero_link_survives_saving_the_links_in_the_editor(
    services: Services, real_fixture: Callable[[str], Path]
) -> None:
    services.papers.import_zotero(real_fixture(Z5))
    pid = paper_for(services, "AQSZ7C5D")
    services.papers.set_links(pid, {"url": "https://github.com/wy1iu/sphereface", "pdf": ""})
    links = services.papers.get(pid).links
    assert links["zotero"] == "zotero://select/library/items/AQSZ7C5D"
    assert links["url"] == "https://github.com/wy1iu/sphereface"


def test_merged_notes_rules() -> None:
    assert merged_notes("", "", "z") == "z"
    assert merged_notes("z", "z", "z2") == "z2"
    assert merged_notes("mine\n\nz", "z", "z2") == "mine\n\nz2"
    assert merged_notes("mine", "z", "z2") == "mine\n\nz2"
    assert merged_notes("mine\n\nz2", "z", "z2") == "mine\n\nz2"


KALMAN_PDF = ("Simon - 2010 - Kalman filtering with state constraints a survey of linear and "
              "nonlinear algorithms.pdf")


def with_stored_pdf(folder: Path, pdf: Path) -> Path:
    """The Kalman paper's PDF (attachment FME3YJWP) put where Zotero keeps it."""
    storage = folder / "storage" / "FME3YJWP"
    storage.mkdir(parents=True)
    target = storage / KALMAN_PDF
    shutil.copyfile(pdf, target)
    return target


def test_attached_pdf_and_zotero_link_of_an_imported_paper(
    services: Services, real_fixture: Callable[[str], Path], tmp_path: Path
) -> None:
    from scholardesk.services.zotero_import import attached_pdf, zotero_link

    folder = data_folder(real_fixture(Z7), tmp_path)
    target = with_stored_pdf(folder, real_fixture("pdf/cermine_test2_hindawi_rrp_2010.pdf"))
    services.papers.import_zotero(folder)
    kalman = services.papers.get(paper_for(services, "CQ6HJJHW"))
    assert attached_pdf(kalman) == target.resolve()
    assert zotero_link(kalman) == "zotero://select/library/items/CQ6HJJHW"
    missing = services.papers.get(paper_for(services, "QBXTLG7R"))
    path = attached_pdf(missing)  # recorded, not downloaded
    assert path is not None and path.suffix == ".pdf" and not path.exists()
    assert "FME3YJWP" not in str(path)


def test_zotero_link_made_from_the_key_when_no_link_is_stored() -> None:
    from scholardesk.domain.papers import Paper
    from scholardesk.services.zotero_import import attached_pdf, zotero_link

    paper = Paper(1, "T", extra={"zotero_key": "ABCD1234"})
    assert zotero_link(paper) == "zotero://select/library/items/ABCD1234"
    group = Paper(2, "T", links={"zotero": "zotero://select/groups/42/items/ABCD1234"},
                  extra={"zotero_key": "ABCD1234"})
    assert zotero_link(group) == "zotero://select/groups/42/items/ABCD1234"
    assert zotero_link(Paper(3, "T")) == "" and attached_pdf(Paper(3, "T")) is None
    web = Paper(4, "T", links={"pdf": "https://arxiv.org/pdf/2101.00001"})
    assert attached_pdf(web) is None  # not a file on this computer


def test_review_dates_read_from_the_attached_pdf_and_stored(
    services: Services, real_fixture: Callable[[str], Path], tmp_path: Path
) -> None:
    from scholardesk.services.zotero_import import read_review_dates

    folder = data_folder(real_fixture(Z7), tmp_path)
    target = with_stored_pdf(folder, real_fixture("pdf/cermine_test2_hindawi_rrp_2010.pdf"))
    services.papers.import_zotero(folder)
    pid = paper_for(services, "CQ6HJJHW")
    result = read_review_dates(services.papers, services.reviews, pid)
    assert result.found and result.file == str(target.resolve())
    assert result.dates["received"] == "2010-11-09"
    assert result.dates["accepted"] == "2010-12-25"
    assert result.stored == "imported" and result.changes
    rows = services.reviews.articles()
    assert [(r.history.received, r.history.accepted) for r in rows] == [
        (dt.date(2010, 11, 9), dt.date(2010, 12, 25))]
    again = read_review_dates(services.papers, services.reviews, pid)
    assert again.stored == "unchanged" and not again.changes


def test_review_dates_none_found_or_no_pdf_here(
    services: Services, real_fixture: Callable[[str], Path], tmp_path: Path
) -> None:
    import pytest

    from scholardesk.core.errors import InputError
    from scholardesk.services.zotero_import import read_review_dates

    folder = data_folder(real_fixture(Z7), tmp_path)
    # a PDF with text and no review history (the CCF list)
    with_stored_pdf(folder, real_fixture("ccfddl/.readme_assets/ccf_recommended_2022.pdf"))
    services.papers.import_zotero(folder)
    result = read_review_dates(services.papers, services.reviews,
                               paper_for(services, "CQ6HJJHW"))
    assert not result.found and result.dates == {} and result.stored == ""
    assert not result.changes and services.reviews.articles() == []
    assert "no received/accepted dates found" in result.errors[0].message

    pid = paper_for(services, "QBXTLG7R")  # its PDF was never downloaded
    with pytest.raises(InputError, match="not on this computer"):
        read_review_dates(services.papers, services.reviews, pid)
    plain = services.papers.import_records([PaperRecord(
        title="No attachment", source_kind="bibtex", source_ref="x.bib", record_ref="k")])
    assert plain.imported == 1
    other = next(i for i in services.papers.list_ids()
                 if services.papers.get(i).title == "No attachment")
    with pytest.raises(InputError, match="has no PDF attachment"):
        read_review_dates(services.papers, services.reviews, other)


def untag(db: Path, item_id: int, tag: str) -> None:
    with sqlite3.connect(db) as conn:
        conn.execute("DELETE FROM itemTags WHERE itemID = ? AND tagID = "
                     "(SELECT tagID FROM tags WHERE name = ?)", (item_id, tag))
        conn.execute("UPDATE items SET version = version + 1, clientDateModified = "
                     "'2025-10-06 09:00:00' WHERE itemID = ?", (item_id,))


def test_tag_removed_in_zotero_is_removed_here_and_the_users_tags_stay(
    services: Services, real_fixture: Callable[[str], Path], tmp_path: Path
) -> None:
    folder = data_folder(real_fixture(Z7), tmp_path)
    services.papers.import_zotero(folder)
    pid = paper_for(services, "UUHQ4RF7")
    assert "自动瞄准" in services.papers.get(pid).tags
    services.papers.update([pid], add_tags=["to-cite"])
    untag(folder / "zotero.sqlite", 246, "自动瞄准")
    report = services.papers.import_zotero(folder)
    assert (report.updated, report.unchanged) == (1, 11)
    tags = services.papers.get(pid).tags
    assert "自动瞄准" not in tags and "to-cite" in tags
    assert any(t.startswith("collection:") for t in tags)  # Zotero's other tags stay
    assert services.papers.import_zotero(folder).unchanged == 12


def test_a_paper_deleted_here_stays_deleted_until_it_changes_in_zotero(
    services: Services, real_fixture: Callable[[str], Path], tmp_path: Path
) -> None:
    folder = data_folder(real_fixture(Z5), tmp_path)
    services.papers.import_zotero(folder)
    pid = paper_for(services, "AQSZ7C5D")
    title = services.papers.get(pid).title
    services.papers.delete([pid])
    report = services.papers.import_zotero(folder)
    assert (report.imported, report.unchanged) == (0, 11)
    assert report.deleted_here == [{"key": "AQSZ7C5D", "title": title}]
    assert report.to_json()["skipped_deleted_here"] == [{"key": "AQSZ7C5D", "title": title}]
    assert services.papers.count() == 11 and not report.changes

    edit_title(folder / "zotero.sqlite", 11, "sphereface (changed in Zotero)")
    back = services.papers.import_zotero(folder)
    assert (back.imported, back.deleted_here) == (1, [])
    assert services.papers.get(paper_for(services, "AQSZ7C5D")).title == (
        "sphereface (changed in Zotero)")
    assert services.papers.import_zotero(folder).unchanged == 12


def test_deleted_here_then_removed_in_zotero_says_nothing(
    services: Services, real_fixture: Callable[[str], Path], tmp_path: Path
) -> None:
    folder = data_folder(real_fixture(Z5), tmp_path)
    services.papers.import_zotero(folder)
    services.papers.delete([paper_for(services, "AQSZ7C5D")])
    with sqlite3.connect(folder / "zotero.sqlite") as conn:
        conn.execute("INSERT INTO deletedItems (itemID) VALUES (11)")
    report = services.papers.import_zotero(folder)
    assert report.removed_in_zotero == [] and report.deleted_here == []
