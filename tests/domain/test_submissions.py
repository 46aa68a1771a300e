"""Stages, status words, pasted histories and timelines on real user histories (seed lines
109, 8225, 8226; excerpts in tests/data/submissions/)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from scholardesk.domain.history_text import ParsedHistory, parse_history
from scholardesk.domain.submissions import (
    DEFAULT_STUCK_DAYS,
    Stage,
    Submission,
    SubmissionEvent,
    chains,
    completed_timeline,
    compute_timeline,
    inquiry_email,
    normalise_status,
    stuck_alert,
)

DATA = Path(__file__).resolve().parents[1] / "data" / "submissions"
D = dt.date


def _events(parsed: ParsedHistory, segment: int | None = None) -> list[SubmissionEvent]:
    return [
        SubmissionEvent(e.date.date, e.raw, e.stage, e.date.time, e.date.precision, line=e.line)
        for e in parsed.events
        if segment is None or e.segment == segment
    ]


@pytest.mark.parametrize(
    ("raw", "stage"),
    [
        ("Submitted to Journal", Stage.SUBMITTED),
        ("Submission Received", Stage.SUBMITTED),
        ("With Editor", Stage.WITH_EDITOR),
        ("Awaiting Reviewer Selection", Stage.WITH_EDITOR),
        ("Under Review", Stage.UNDER_REVIEW),
        ("Awaiting Reviewer Scores", Stage.UNDER_REVIEW),
        ("Required Reviews Complete", Stage.REVIEWS_COMPLETED),
        ("required review completed", Stage.REVIEWS_COMPLETED),
        ("Decision in Process", Stage.DECISION_IN_PROCESS),
        ("Awaiting EIC Decision", Stage.DECISION_IN_PROCESS),
        ("major revise", Stage.MAJOR_REVISION),
        ("Major Revisions（给7天修改时间）", Stage.MAJOR_REVISION),
        ("Minor Revision", Stage.MINOR_REVISION),
        ("revision submitted to journal", Stage.REVISION_SUBMITTED),
        ("Manuscript Resubmitted", Stage.REVISION_SUBMITTED),
        ("Accepted for Publication", Stage.ACCEPTED),
        ("Decision: Accept (poster)", Stage.ACCEPTED),
        ("Reject（返回很多意见）", Stage.REJECTED),
        ("Reject (the topic of your paper is outside the scope of the journal)", Stage.DESK_REJECTED),
        ("Reject &amp; Transfer", Stage.REJECT_TRANSFER),
        ("Transfer（接受转投）", Stage.TRANSFERRED),
        ("Submitted to Journal（转投）", Stage.SUBMITTED),
        ("Withdrawn by author", Stage.WITHDRAWN),
        ("Proofs sent to author", Stage.PROOFS),
        ("Paper has been published", Stage.PUBLISHED),
        ("APC Invoice", Stage.APC_INVOICED),
        ("Payment Confirmation", Stage.APC_PAID),
        ("投稿", Stage.SUBMITTED),
        ("一审", Stage.UNDER_REVIEW),
        ("二审", Stage.UNDER_REVIEW),
        ("送审", Stage.UNDER_REVIEW),
        ("大修", Stage.MAJOR_REVISION),
        ("小修", Stage.MINOR_REVISION),
        ("返修", Stage.MAJOR_REVISION),
        ("录用", Stage.ACCEPTED),
        ("接收", Stage.ACCEPTED),
        ("拒稿", Stage.REJECTED),
        ("编辑拒稿", Stage.DESK_REJECTED),
        ("撤稿", Stage.WITHDRAWN),
        ("见刊", Stage.PUBLISHED),
        ("论文修改1-1", Stage.OTHER),
        ("the reviewers drank coffee", Stage.OTHER),
        ("", Stage.OTHER),
    ],
)
def test_status_words(raw: str, stage: Stage) -> None:
    assert normalise_status(raw) is stage


def test_seed_109_flattened_history() -> None:
    """Seed line 109 lost its line breaks: 'journal2022.06.07 with editor...'."""
    parsed = parse_history((DATA / "seed109_flattened.txt").read_text(encoding="utf-8"))
    assert parsed.errors == () and parsed.warnings == ()
    assert [(e.date.iso(), e.raw, e.stage) for e in parsed.events] == [
        ("2022-06-05", "submitted to journal", Stage.SUBMITTED),
        ("2022-06-07", "with editor", Stage.WITH_EDITOR),
        ("2022-06-09", "under review", Stage.UNDER_REVIEW),
        ("2022-08-13", "required review completed", Stage.REVIEWS_COMPLETED),
        ("2022-08-14", "decision in process", Stage.DECISION_IN_PROCESS),
        ("2022-08-14", "major revise", Stage.MAJOR_REVISION),
        ("2022-09-06", "revision submitted to journal", Stage.REVISION_SUBMITTED),
        ("2022-09-07", "with editor", Stage.WITH_EDITOR),
        ("2022-09-14", "under review", Stage.UNDER_REVIEW),
        ("2022-10-11", "required review completed", Stage.REVIEWS_COMPLETED),
        ("2022-10-13", "accepted", Stage.ACCEPTED),
    ]
    tl = compute_timeline(_events(parsed), today=D(2026, 1, 1))
    assert [(s.stage, s.days) for s in tl.stages] == [
        (Stage.SUBMITTED, 2),
        (Stage.WITH_EDITOR, 2),
        (Stage.UNDER_REVIEW, 65),
        (Stage.REVIEWS_COMPLETED, 1),
        (Stage.DECISION_IN_PROCESS, 0),
        (Stage.MAJOR_REVISION, 23),
        (Stage.REVISION_SUBMITTED, 1),
        (Stage.WITH_EDITOR, 7),
        (Stage.UNDER_REVIEW, 27),
        (Stage.REVIEWS_COMPLETED, 2),
        (Stage.ACCEPTED, 0),
    ]
    assert tl.rounds == 2
    assert tl.outcome is Stage.ACCEPTED
    assert tl.total_days == 130
    assert tl.days_to_first_decision == 70
    assert tl.days_to_acceptance == 130
    assert tl.revision_turnarounds == (23,)
    assert not tl.is_open and tl.days_in_stage is None
    sub = Submission(1, "T", "J", events=tl.events)
    done = completed_timeline(sub, tl)
    assert done is not None
    assert (done.received, done.revised, done.accepted) == (
        D(2022, 6, 5),
        D(2022, 9, 6),
        D(2022, 10, 13),
    )


def test_seed_8225_eight_venues_with_a_year_typo() -> None:
    parsed = parse_history((DATA / "seed8225_chain.txt").read_text(encoding="utf-8"))
    assert parsed.errors == ()
    assert parsed.venues == (
        "Applied Ocean Research",
        "Ocean Engineering",
        "Information Sciences",
        "Robotics and Autonomous Systems",
        "Information Processing Letters",
        "Robotics and Autonomous Systems",
        "Arabian Journal for Science and Engineering",
        "Journal of Marine Science and Engineering",
    )
    assert len(parsed.events) == 35  # 43 lines, 8 of them venue headers
    # the typo (2020 for 2021) is flagged where it is, not re-sorted
    typo = [w for w in parsed.warnings if "dated before" in w.message]
    assert [(w.line, w.text) for w in typo] == [(14, "2020/05/05 With Editor")]
    assert [e.line for e in parsed.events if e.segment == 3] == [13, 14, 15]
    unknown = [(w.line, w.text) for w in parsed.warnings if "unknown" in w.message]
    assert unknown == [(11, "论文修改1-1"), (35, "论文修改1-2-1"), (38, "论文修改1-2-2")]

    today = D(2026, 1, 1)
    aor = compute_timeline(_events(parsed, 1), today)
    assert aor.outcome is Stage.DESK_REJECTED and aor.total_days == 3 and aor.rounds == 0

    oe = compute_timeline(_events(parsed, 2), today)
    assert oe.outcome is Stage.REJECTED
    assert oe.rounds == 1 and oe.total_days == 63
    assert oe.current_stage is Stage.REJECTED  # the note after the decision is not a stage
    assert [s.days for s in oe.stages] == [3, 7, 46, 7, 0]

    ins = compute_timeline(_events(parsed, 3), today)
    assert ins.out_of_order == (1,)
    # the typo gives no negative durations: the totals are unknown, the event is flagged
    assert ins.total_days is None and ins.days_to_first_decision is None
    assert [s.days for s in ins.stages] == [None, 1, 0]
    assert ins.outcome is Stage.DESK_REJECTED

    ras = compute_timeline(_events(parsed, 4), today)
    assert ras.outcome is Stage.REJECT_TRANSFER and ras.total_days == 8

    jmse = compute_timeline(_events(parsed, 8), today)
    assert jmse.outcome is Stage.ACCEPTED
    assert jmse.rounds == 3
    assert jmse.days_to_first_decision == 17
    assert jmse.days_to_acceptance == 27
    assert jmse.revision_turnarounds == (4, 1)
    assert jmse.current_stage is Stage.PUBLISHED


def test_seed_8226_desk_rejections_in_chinese() -> None:
    parsed = parse_history((DATA / "seed8226_excerpt.txt").read_text(encoding="utf-8"))
    assert parsed.errors == ()
    assert [(e.date.iso(), e.stage) for e in parsed.events] == [
        ("2024-01-17", Stage.SUBMITTED),
        ("2024-02-19", Stage.DESK_REJECTED),
        ("2024-02-23", Stage.SUBMITTED),
        ("2024-02-29", Stage.DESK_REJECTED),
        ("2024-03-05", Stage.SUBMITTED),
        ("2024-03-07", Stage.DESK_REJECTED),
    ]
    # HTML entities from the web page are decoded in the stored text
    assert parsed.events[5].raw == '编辑拒稿，理由是 "it is out of the scope of this journal."'


def test_stuck_with_editor_for_two_months_and_the_email() -> None:
    """Seed 8226: 'with editor' for more than two months at RAS, chasing the editor."""
    lines = (DATA / "ras_2024.txt").read_text(encoding="utf-8").splitlines()[:2]
    events = _events(parse_history("\n".join(lines)))
    sub = Submission(7, "A robot paper", "Robotics and Autonomous Systems", "RAS-D-24-00321")
    tl = compute_timeline(events, D(2024, 5, 20))
    assert tl.is_open and tl.current_stage is Stage.WITH_EDITOR and tl.days_in_stage == 68
    alert = stuck_alert(sub, tl, DEFAULT_STUCK_DAYS)
    assert alert is not None and (alert.days, alert.threshold, alert.since) == (68, 30, D(2024, 3, 13))
    assert stuck_alert(sub, tl, {Stage.WITH_EDITOR: 90}) is None
    mail = inquiry_email(sub, tl, D(2024, 5, 20))
    assert "RAS-D-24-00321" in mail.subject
    assert '"With Editor" since 2024-03-13 (68 days)' in mail.body
    assert "Robotics and Autonomous Systems on 2024-03-12" in mail.body
    zh = inquiry_email(sub, tl, D(2024, 5, 20), "zh")
    assert "编辑处理中" in zh.body and "68 天" in zh.body and zh.subject.startswith("稿件状态咨询")


def test_open_submission_under_review_after_revision() -> None:
    events = _events(parse_history((DATA / "ras_2024.txt").read_text(encoding="utf-8")))
    tl = compute_timeline(events, D(2025, 1, 10))
    assert tl.is_open and tl.outcome is None
    assert tl.current_stage is Stage.UNDER_REVIEW and tl.days_in_stage == 172
    assert tl.total_days == (D(2025, 1, 10) - D(2024, 3, 12)).days
    assert tl.rounds == 2 and tl.revision_turnarounds == (20,)
    assert tl.stages[-1].open and tl.stages[-1].end == D(2025, 1, 10)


def test_history_errors_and_warnings_with_line_numbers() -> None:
    parsed = parse_history((DATA / "bad_lines.txt").read_text(encoding="utf-8"))
    assert [(p.line, p.message) for p in parsed.errors] == [
        (2, "no readable date on this line"),
        (4, "a date with no status after it"),
    ]
    assert [e.line for e in parsed.events] == [1, 1, 3, 5, 6]
    assert [(w.line, w.message.split(";")[0]) for w in parsed.warnings] == [
        (5, "unknown status words"),
        (6, "dated before the event above it (2022-08-20)"),
    ]


def test_status_before_date_and_slash_separated() -> None:
    parsed = parse_history("Under Review 2022-06-09\n2022.06.10 一审 / 2022年7月1日 大修")
    assert [(e.date.iso(), e.stage) for e in parsed.events] == [
        ("2022-06-09", Stage.UNDER_REVIEW),
        ("2022-06-10", Stage.UNDER_REVIEW),
        ("2022-07-01", Stage.MAJOR_REVISION),
    ]


def test_chains_follow_previous_links() -> None:
    a = Submission(1, "T", "A")
    b = Submission(2, "T", "B", previous_id=1)
    c = Submission(3, "U", "C")
    d = Submission(4, "T", "D", previous_id=2)
    assert [[s.id for s in ch] for ch in chains([a, b, c, d])] == [[1, 2, 4], [3]]
    # a cycle never loses a submission
    x = Submission(5, "", "X", previous_id=6)
    y = Submission(6, "", "Y", previous_id=5)
    assert sorted(s.id for ch in chains([x, y]) for s in ch) == [5, 6]


def test_empty_timeline() -> None:
    tl = compute_timeline([], D(2025, 1, 1))
    assert tl.stages == () and tl.total_days is None and tl.is_open


def test_no_duration_is_negative_when_dates_are_out_of_order() -> None:
    evs = [
        SubmissionEvent(D(2023, 3, 1), "Submitted", Stage.SUBMITTED),
        SubmissionEvent(D(2023, 4, 1), "Major Revision", Stage.MAJOR_REVISION),
        SubmissionEvent(D(2023, 3, 20), "Revision Submitted", Stage.REVISION_SUBMITTED),  # typo
        SubmissionEvent(D(2022, 5, 1), "Accepted", Stage.ACCEPTED),  # typo
    ]
    tl = compute_timeline(evs, D(2024, 1, 1))
    assert tl.out_of_order == (2, 3)
    assert [s.days for s in tl.stages] == [31, None, None, 0]
    assert tl.total_days is None and tl.days_to_acceptance is None
    assert tl.days_to_first_decision == 31
    assert tl.revision_turnarounds == ()
    assert completed_timeline(Submission(1, "T", "V", events=tuple(evs)), tl) is None
