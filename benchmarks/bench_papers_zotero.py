"""Zotero import (issue #19): the two real libraries, and a generated library of
BENCH_ZOTERO_N items (default 20,000) made by cloning the Zotero 7 fixture's schema: each item
a journal article with title, date, DOI, venue, abstract, 3 creators, 2 tags and a PDF
attachment. First import, re-import with nothing changed, re-import with 100 items changed.
Targets (issue): 20,000 items < 20 s, re-import with 100 changed < 2 s.
Skipped when the shared fixtures are absent.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

N = int(os.environ.get("BENCH_ZOTERO_N", "20000"))


def generate(src: Path, out: Path, n: int) -> None:
    shutil.copyfile(src, out)
    with sqlite3.connect(out) as c:
        fid = {name: i for i, name in c.execute("SELECT fieldID, fieldName FROM fields")}
        tid = {name: i for i, name in c.execute("SELECT itemTypeID, typeName FROM itemTypes")}
        author = c.execute("SELECT creatorTypeID FROM creatorTypes WHERE creatorType='author'"
                           ).fetchone()[0]
        next_item = c.execute("SELECT max(itemID) FROM items").fetchone()[0] + 1
        next_value = c.execute("SELECT max(valueID) FROM itemDataValues").fetchone()[0] + 1
        next_creator = c.execute("SELECT max(creatorID) FROM creators").fetchone()[0] + 1
        next_tag = c.execute("SELECT max(tagID) FROM tags").fetchone()[0] + 1
        tags = [(next_tag + t, f"bench-tag-{t}") for t in range(200)]
        c.executemany("INSERT INTO tags (tagID, name) VALUES (?, ?)", tags)
        items, data, values, creators, links, item_tags, atts = [], [], [], [], [], [], []
        seen: dict[str, int] = {}
        for k in range(n):
            iid = next_item + 2 * k
            key = f"B{k:07d}"
            items.append((iid, tid["journalArticle"], "2025-01-01 00:00:00", "2025-01-01 00:00:00",
                          "2025-01-01 00:00:00", 1, key, 0))
            items.append((iid + 1, tid["attachment"], "2025-01-01 00:00:00",
                          "2025-01-01 00:00:00", "2025-01-01 00:00:00", 1, f"P{k:07d}", 0))
            atts.append((iid + 1, iid, 0, "application/pdf", f"storage:paper {k}.pdf"))
            for name, value in (("title", f"基于深度学习的语音增强方法研究 {k}"),
                                ("date", f"{2000 + k % 25}-05-00 {2000 + k % 25}"),
                                ("DOI", f"10.9999/bench.{k}"),
                                ("publicationTitle", f"Journal {k % 300}"),
                                ("abstractNote", f"A generated abstract {k} " + "words " * 20)):
                vid = seen.get(value)
                if vid is None:
                    vid = seen[value] = next_value
                    values.append((next_value, value))
                    next_value += 1
                data.append((iid, fid[name], vid))
            for order in range(3):
                creators.append((next_creator, "", f"作者{k}-{order}", 1))
                links.append((iid, next_creator, author, order))
                next_creator += 1
            item_tags += [(iid, tags[k % 200][0], 1), (iid, tags[(k + 7) % 200][0], 0)]
        c.executemany("INSERT INTO items (itemID, itemTypeID, dateAdded, dateModified, "
                      "clientDateModified, libraryID, key, version) VALUES (?,?,?,?,?,?,?,?)", items)
        c.executemany("INSERT INTO itemDataValues (valueID, value) VALUES (?, ?)", values)
        c.executemany("INSERT INTO itemData (itemID, fieldID, valueID) VALUES (?, ?, ?)", data)
        c.executemany("INSERT INTO creators (creatorID, firstName, lastName, fieldMode) "
                      "VALUES (?, ?, ?, ?)", creators)
        c.executemany("INSERT INTO itemCreators (itemID, creatorID, creatorTypeID, orderIndex) "
                      "VALUES (?, ?, ?, ?)", links)
        c.executemany("INSERT INTO itemTags (itemID, tagID, type) VALUES (?, ?, ?)", item_tags)
        c.executemany("INSERT INTO itemAttachments (itemID, parentItemID, linkMode, contentType,"
                      " path) VALUES (?, ?, ?, ?, ?)", atts)


def change(db: Path, n: int) -> None:
    """``n`` items get a new title, as an edit in Zotero does (new version and date)."""
    where = f"key LIKE 'B%' AND CAST(substr(key, 2) AS INTEGER) < {n}"
    with sqlite3.connect(db) as c:
        c.execute("UPDATE itemDataValues SET value = value || '（修订）' WHERE valueID IN ("
                  "SELECT d.valueID FROM itemData d JOIN fields f USING(fieldID) JOIN items i "
                  f"USING(itemID) WHERE f.fieldName = 'title' AND i.{where})")
        c.execute("UPDATE items SET version = version + 1, dateModified = '2025-06-01 00:00:00'"
                  f" WHERE {where}")


def run() -> list[dict[str, object]]:
    root = Path(os.environ.get("SCHOLARDESK_FIXTURES",
                               Path(__file__).resolve().parents[1].parent / "shared" / "fixtures"))
    z7 = root / "zotero" / "yuanluochen_zotero7.sqlite"
    z5 = root / "zotero" / "chen-zhihui_zotero5_2018.sqlite"
    if not z7.is_file():
        return []
    from scholardesk.core.config import Paths, Settings
    from scholardesk.services.context import Services
    from scholardesk.store import migrate
    from scholardesk.store.db import Database

    rows: list[dict[str, object]] = []
    with tempfile.TemporaryDirectory() as tmp:
        def services(name: str) -> Services:
            db = Database(f"sqlite:///{tmp}/{name}.sqlite")
            migrate.upgrade(db)
            paths = Paths.resolve(Path(tmp) / name)
            paths.ensure()
            return Services(db=db, paths=paths, settings=Settings())

        svc = services("real")
        for label, path in (("Zotero 7 library (12 items)", z7), ("Zotero 5 library (12 items)", z5)):
            t = time.perf_counter()
            svc.papers.import_zotero(path)
            rows.append({"benchmark": f"import {label}", "value": time.perf_counter() - t,
                         "unit": "s", "target": "< 1 s"})
        folder = Path(tmp) / "Zotero"
        folder.mkdir()
        generate(z7, folder / "zotero.sqlite", N)
        svc = services("big")
        t = time.perf_counter()
        report = svc.papers.import_zotero(folder)
        first = time.perf_counter() - t
        assert report.imported == N + 12, (report.imported, report.errors[:3])
        rows.append({"benchmark": f"import a generated {N:,}-item Zotero library",
                     "value": first, "unit": "s", "target": "< 20 s (20,000)"})
        t = time.perf_counter()
        report = svc.papers.import_zotero(folder)
        rows.append({"benchmark": "re-import, nothing changed", "value": time.perf_counter() - t,
                     "unit": "s", "target": "< 2 s"})
        assert report.unchanged == N + 12
        change(folder / "zotero.sqlite", 100)
        t = time.perf_counter()
        report = svc.papers.import_zotero(folder)
        rows.append({"benchmark": "re-import, 100 items changed", "value": time.perf_counter() - t,
                     "unit": "s", "target": "< 2 s"})
        assert (report.updated, report.unchanged) == (100, N + 12 - 100), (report.updated, report.unchanged)
    return rows
