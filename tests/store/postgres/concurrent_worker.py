"""One of the writers of test_pg_concurrency.py (run as a script: URL WORKER OPS POOL).

Operation i of worker w: i % 3 == 0 imports shared paper k(w, i) (every worker imports the same
pool of papers, in the same order at the same time), 1 tags and rates a shared paper (each
worker is its own member of the lab, "member-<w>": its tag and rating are its own), 2 searches.
Prints one JSON line: the papers it imported, the (doi, tag) pairs it tagged, searches run."""

from __future__ import annotations

import json
import sys

from scholardesk.domain.papers import PaperRecord
from scholardesk.services.papers import PapersService
from scholardesk.store.db import Database


def shared_key(worker: int, i: int, pool: int) -> int:
    # every worker in the same order: ten imports of one paper at the same moment (the race a
    # check-then-insert loses); the worker only shifts which of its steps tag and search
    return ((i + worker) // 3 * 7) % pool


def record(k: int) -> PaperRecord:
    return PaperRecord(
        title=f"Shared lab paper number {k} on 语音识别", source_kind="test", source_ref="pool",
        record_ref=f"p{k}", authors=("Lab, Member",), year=2024, doi=f"10.5555/lab.{k}",
    )


def main() -> None:
    url, worker, ops, pool = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    db = Database(url, person=f"member-{worker}")
    svc = PapersService(db)
    imported: list[int] = []
    tagged: list[tuple[str, str]] = []
    searches = 0
    for i in range(ops):
        k = shared_key(worker, i, pool)
        if (i + worker) % 3 == 0:
            svc.import_records([record(k)])
            imported.append(k)
        elif (i + worker) % 3 == 1:
            found = svc.search(f'"number {k} on"', 50)
            match = [r for r in found if r.title == record(k).title]
            if match:
                svc.update([match[0].id], rating=worker % 5 + 1, add_tags=[f"worker-{worker}"])
                tagged.append((f"10.5555/lab.{k}", f"worker-{worker}"))
        else:
            svc.search("识别 shared lab", 20)
            searches += 1
    db.dispose()
    print(json.dumps({"imported": imported, "tagged": tagged, "searches": searches}))


if __name__ == "__main__":
    main()
