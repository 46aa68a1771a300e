"""SubmissionsService on a migrated SQLite library: pasted histories, chains, alerts, sharing."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from scholardesk.core.errors import InputError, NotFoundError
from scholardesk.domain.submissions import Stage
from scholardesk.services.context import Services
from scholardesk.services.submissions import SubmissionsService

DATA = Path(__file__).resolve().parents[1] / "data" / "submissions"


@pytest.fixture
def svc(services: Services) -> SubmissionsService:
    s = services.submissions
    s.today = lambda: dt.date(2025, 1, 10)
    return s


def _text(name: str) -> str:
    return (DATA / name).read_text(encoding="utf-8")


def test_import_text_twice_changes_nothing(svc: SubmissionsService) -> None:
    first = svc.import_text(_text("seed109_flattened.txt"), "Neurocomputing", "My paper")
    assert first.submission_id is not None and len(first.events) == 11
    assert first.changes
    again = svc.import_text(_text("seed109_flattened.txt"), "neurocomputing", "My paper")
    assert again.submission_id == first.submission_id
    assert again.events == () and again.skipped == 11
    assert len(svc.all()) == 1
    sub, tl = svc.timeline(first.submission_id)
    assert sub.system == "Editorial Manager"
    assert [e.raw for e in sub.events][:2] == ["submitted to journal", "with editor"]
    assert tl.total_days == 130 and tl.rounds == 2


def test_bad_lines_are_reported_and_strict_imports_nothing(svc: SubmissionsService) -> None:
    strict = svc.import_text(_text("bad_lines.txt"), "J", strict=True)
    assert strict.strict_refused and strict.submission_id is None
    assert [p.line for p in strict.errors] == [2, 4]
    assert svc.all() == []
    lenient = svc.import_text(_text("bad_lines.txt"), "J")
    assert [e.line for e in lenient.events] == [1, 1, 3, 5, 6]
    assert [e.stage for e in lenient.events][3] is Stage.OTHER
    assert lenient.to_json()["errors"] == [
        {"line": 2, "text": "sometime in June: under review", "message": "no readable date on this line"},
        {"line": 4, "text": "2022.08.14", "message": "a date with no status after it"},
    ]
    # the order written is kept: the out-of-order event stays last
    sub = svc.get(lenient.submission_id or 0)
    assert [e.date.isoformat() for e in sub.events][-2:] == ["2022-08-20", "2022-08-10"]


def test_a_venue_is_required(svc: SubmissionsService) -> None:
    with pytest.raises(InputError, match="Which venue"):
        svc.import_text("2022.06.05 submitted", "")


def test_seed_8225_becomes_one_chain_of_eight(svc: SubmissionsService) -> None:
    result = svc.import_text(_text("seed8225_chain.txt"), title="Ocean robot")
    assert len(result.submission_ids) == 8
    assert len(set(result.submission_ids)) == 8  # RAS twice = two submissions
    rows = svc.summaries()
    assert [r.submission.venue for r in rows][:2] == ["Applied Ocean Research", "Ocean Engineering"]
    assert {r.chain_root for r in rows} == {result.submission_ids[0]}
    assert [r.chain_position for r in rows] == list(range(1, 9))
    last = rows[-1]
    assert last.submission.venue == "Journal of Marine Science and Engineering"
    assert last.timeline.outcome is Stage.ACCEPTED and last.submission.system == "MDPI SuSy"
    ins = next(r for r in rows if r.submission.venue == "Information Sciences")
    assert "dates out of order" in ins.warnings
    # importing again finds the same chain
    again = svc.import_text(_text("seed8225_chain.txt"), title="Ocean robot")
    assert again.submission_ids == result.submission_ids and again.events == ()
    # "my submissions": only the accepted one, with its received/revised/accepted dates
    done = svc.completed_timelines()
    assert [(d.venue, d.received, d.revised, d.accepted) for d in done] == [
        (
            "Journal of Marine Science and Engineering",
            dt.date(2021, 7, 22),
            dt.date(2021, 8, 15),
            dt.date(2021, 8, 18),
        )
    ]


def test_add_event_and_stuck_alert(svc: SubmissionsService) -> None:
    sub = svc.add("Robot paper", "Robotics and Autonomous Systems", manuscript_id="RAS-1").submission
    svc.add_event(sub.id, "2024.03.12", "Submitted to Journal")
    ev = svc.add_event(sub.id, "2024年3月13日", "With Editor")
    assert ev.event.stage is Stage.WITH_EDITOR and ev.warnings == ()
    alerts = svc.stuck(dt.date(2024, 5, 20))
    assert [(a.submission_id, a.days) for a in alerts] == [(sub.id, 68)]
    svc.set_thresholds({Stage.WITH_EDITOR: 100, Stage.UNDER_REVIEW: 90})
    assert svc.thresholds()[Stage.WITH_EDITOR] == 100
    assert svc.stuck(dt.date(2024, 5, 20)) == []
    late = svc.add_event(sub.id, "2024-03-01", "something odd")
    assert late.event.stage is Stage.OTHER
    assert len(late.warnings) == 2
    forced = svc.add_event(sub.id, "2024-05-22", "送审了", Stage.UNDER_REVIEW)
    assert forced.event.stage is Stage.UNDER_REVIEW
    mail = svc.inquiry_email(sub.id, today=dt.date(2024, 5, 20))
    assert "RAS-1" in mail.subject
    with pytest.raises(InputError, match="Cannot read the date"):
        svc.add_event(sub.id, "next week", "Under Review")
    with pytest.raises(NotFoundError):
        svc.add_event(999, "2024-01-01", "Under Review")
    with pytest.raises(InputError):
        svc.set_thresholds({Stage.WITH_EDITOR: 0})


def test_chain_by_hand_and_delete(svc: SubmissionsService) -> None:
    a = svc.add("X", "Journal A").submission
    b = svc.add("X", "Journal B", previous_id=a.id).submission
    assert [s.id for s in svc.chain_of(b.id)] == [a.id, b.id]
    svc.delete([a.id])
    assert svc.get(b.id).previous_id is None
    with pytest.raises(NotFoundError):
        svc.add("X", "C", previous_id=12345)
    with pytest.raises(NotFoundError, match="no submission 999 of yours"):
        svc.delete([b.id, 999])  # said "Deleted 2", deleted one: now refused, nothing deleted
    assert svc.get(b.id).venue == "Journal B"


@pytest.mark.parametrize("suffix", [".json", ".csv"])
def test_export_and_import_round_trip(svc: SubmissionsService, services: Services, tmp_path: Path, suffix: str) -> None:
    svc.import_text(_text("seed8225_chain.txt"), title="Ocean robot")
    path = tmp_path / f"timelines{suffix}"
    assert svc.export_file(path) == 8
    # a fresh library receives the same chain
    before = [(s.venue, [(e.date, e.raw, e.stage) for e in s.events]) for s in svc.all()]
    svc.delete([s.id for s in svc.all()])
    report = svc.import_file(path)
    assert (report.imported, report.updated, report.skipped, report.errors) == (8, 0, 0, [])
    after = svc.all()
    assert [(s.venue, [(e.date, e.raw, e.stage) for e in s.events]) for s in after] == before
    assert [s.previous_id for s in after][1:] == [s.id for s in after][:-1]
    again = svc.import_file(path)
    assert (again.imported, again.updated, again.skipped) == (0, 0, 8)


def test_import_file_reports_bad_records(svc: SubmissionsService, tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    path.write_text(
        json.dumps(
            {
                "format": "scholardesk-submissions",
                "version": 1,
                "submissions": [
                    {"id": 1, "venue": "Good", "events": [{"date": "2022-01-02", "raw": "Submitted"}]},
                    {"id": 2, "venue": "", "events": []},
                    {"id": 3, "venue": "Bad date", "events": [{"date": "soon", "raw": "x"}]},
                ],
            }
        ),
        encoding="utf-8",
    )
    report = svc.import_file(path)
    assert report.imported == 1
    assert [(e.record, e.message) for e in report.errors] == [
        ("submission 2", "no venue"),
        ("submission 3", "event 1: cannot read the date 'soon'"),
    ]
    assert all(e.source == str(path) for e in report.errors)
    (tmp_path / "y.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(InputError, match="not valid JSON"):
        svc.import_file(tmp_path / "y.json")
    (tmp_path / "z.json").write_text("{}", encoding="utf-8")
    with pytest.raises(InputError, match="not a ScholarDesk submissions export"):
        svc.import_file(tmp_path / "z.json")


def test_sample_loads_and_deletes_without_touching_user_data(
    services: Services, svc: SubmissionsService
) -> None:
    mine = svc.add("Mine", "My Journal").submission
    assert svc in services.sample_providers()
    svc.load_sample()
    rows = svc.summaries()
    assert len(rows) == 14  # 13 sample submissions (seed lines 109, 8225, 8226) + mine
    assert [r for r in rows if r.stuck] == []  # every sample history is closed: no false alert
    assert svc.completed_timelines() == []  # samples never feed review-time statistics
    assert svc.delete_sample() == 13
    assert [s.id for s in svc.all()] == [mine.id]
