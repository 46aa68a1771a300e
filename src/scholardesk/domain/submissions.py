"""The user's manuscripts: stages, status-word normalisation, timelines and stuck rules.

Pure rules over frozen dataclasses; the store keeps them and the service wires them together.

- :func:`normalise_status` turns what a submission system showed ("Required Reviews Complete",
  "Awaiting Reviewer Scores", "Major Revisions", "大修", "送审" ...) into a :class:`Stage`;
  unknown words give ``Stage.OTHER`` and the raw text is always kept.
- :func:`compute_timeline` derives time in each stage, time to first decision / acceptance,
  revision turnaround, review rounds and the outcome. Events are taken in the order the user
  gave them: a date earlier than the one before is *flagged* (``out_of_order``), never re-sorted.
- :func:`stuck_alert` / :func:`inquiry_email` give the "chase the editor" help.
"""

from __future__ import annotations

import datetime as dt
import html
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum


class Stage(StrEnum):
    SUBMITTED = "Submitted"
    WITH_EDITOR = "With Editor"
    UNDER_REVIEW = "Under Review"
    REVIEWS_COMPLETED = "Required Reviews Completed"
    DECISION_IN_PROCESS = "Decision in Process"
    MAJOR_REVISION = "Major Revision"
    MINOR_REVISION = "Minor Revision"
    REVISION_SUBMITTED = "Revision Submitted"
    ACCEPTED = "Accepted"
    REJECTED = "Rejected"
    DESK_REJECTED = "Desk Rejected"
    REJECT_TRANSFER = "Reject & Transfer"
    TRANSFERRED = "Transferred"
    WITHDRAWN = "Withdrawn"
    PROOFS = "Proofs"
    PUBLISHED = "Published"
    APC_INVOICED = "APC Invoiced"
    APC_PAID = "APC Paid"
    OTHER = "Other"


STAGE_ORDER: tuple[Stage, ...] = tuple(Stage)

#: A decision that ends the review of this manuscript at this venue.
FINAL_DECISIONS = frozenset(
    {Stage.ACCEPTED, Stage.REJECTED, Stage.DESK_REJECTED, Stage.REJECT_TRANSFER, Stage.WITHDRAWN}
)
#: Any editorial decision (the first of these is "first decision").
DECISIONS = frozenset(
    {
        Stage.MAJOR_REVISION,
        Stage.MINOR_REVISION,
        Stage.ACCEPTED,
        Stage.REJECTED,
        Stage.DESK_REJECTED,
        Stage.REJECT_TRANSFER,
    }
)
REVISION_DECISIONS = frozenset({Stage.MAJOR_REVISION, Stage.MINOR_REVISION})
REVIEW_EVIDENCE = frozenset(
    {
        Stage.UNDER_REVIEW,
        Stage.REVIEWS_COMPLETED,
        Stage.MAJOR_REVISION,
        Stage.MINOR_REVISION,
        Stage.REVISION_SUBMITTED,
    }
)
#: After one of these the manuscript's life at this venue is over (no "days in stage" clock).
CLOSED_STAGES = frozenset(
    {
        Stage.REJECTED,
        Stage.DESK_REJECTED,
        Stage.REJECT_TRANSFER,
        Stage.TRANSFERRED,
        Stage.WITHDRAWN,
        Stage.PUBLISHED,
        Stage.APC_PAID,
    }
)

SYSTEMS = ("Editorial Manager", "ScholarOne", "MDPI SuSy", "IEEE", "OpenReview", "Other")
ROLES = ("first author", "corresponding author", "co-author")

DEFAULT_STUCK_DAYS: dict[Stage, int] = {Stage.WITH_EDITOR: 30, Stage.UNDER_REVIEW: 90}


# --- status words -------------------------------------------------------------------------

# Ordered: the first rule whose pattern is found wins, so specific wording comes first
# ("revision submitted to journal" before "submitted", "accepted for publication" before
# "published", "reject & transfer" before "reject").
_RULES: list[tuple[Stage, str]] = [
    (Stage.REJECT_TRANSFER, (r"reject\w*\s*(?:&|and|\+|/)\s*transfer|transfer (?:offer|option)"
     r"|拒稿转投|拒稿并转投|拒绝并转投")),
    (Stage.DESK_REJECTED, (r"desk[\s-]*reject|immediate(?:ly)? reject|reject\w* without review"
     r"|reject\w*.*(?:out(?:side)? (?:of )?(?:the )?scope|not suitable)|编辑拒稿|直接拒稿|直拒|秒拒"
     r"|初审(?:未通过|被拒)")),
    (Stage.WITHDRAWN, r"withdr[ae]w|撤稿|撤回"),
    (Stage.APC_PAID, r"payment (?:confirm|received|complete)|apc paid|\bpaid\b|已缴费|已付款|已支付"),
    (Stage.APC_INVOICED, r"invoice|payment (?:request|due)|\bapc\b|缴费通知|版面费"),
    (Stage.REVISION_SUBMITTED, (r"revision submitted|revised manuscript (?:submitted|received)"
     r"|(?:manuscript|paper|revision) resubmitted|\bresubmitted\b|revision received"
     r"|submitted (?:a |the )?revision|返修提交|提交修改稿|修改稿已提交|重新提交|已返修|返修已提交")),
    (Stage.REVIEWS_COMPLETED, (r"required reviews? complete|reviews? complete|reviews? received"
     r"|reviews? released|all reviews|审稿完成|审回|审稿意见返回")),
    (Stage.DECISION_IN_PROCESS, (r"decision in process|decision pending|pending decision"
     r"|awaiting (?:ae |eic |editor'?s? |final |associate editor )?(?:decision|recommendation)"
     r"|ready for decision|decision started|make decision|等待决定|决定中|待定")),
    (Stage.MAJOR_REVISION, r"major\s*revis|major\s*revise|revise and resubmit|\br&r\b|大修"),
    (Stage.MINOR_REVISION, r"minor\s*revis|minor\s*revise|小修"),
    (Stage.TRANSFERRED, r"transfer|接受转投|同意转投|转入"),
    (Stage.PROOFS, r"proof|galley|校样|清样"),
    (Stage.ACCEPTED, r"accept|\b(?:decision: )?(?:oral|poster|spotlight)\b|录用|接收|已接受|接受"),
    (Stage.REJECTED, r"reject|declin|not accepted|拒稿|被拒|拒绝|拒"),
    (Stage.PUBLISHED, r"publish|in press|online first|available online|见刊|上线|在线发表|出版|已发表|检索"),
    (Stage.MAJOR_REVISION, r"\brevise\b|revision (?:required|requested)|返修|修改后再审"),
    (Stage.UNDER_REVIEW, (r"under review|awaiting reviewer (?:scores|reports?)|reviewers? assigned"
     r"|review(?:ers?)? in progress|out for review|with reviewers?|under peer review|in review"
     r"|送审|审稿中|外审|一审|二审|三审|终审|同行评审")),
    (Stage.WITH_EDITOR, (r"with editor|editor (?:assigned|invited)|awaiting (?:admin|editor|ae|eic)"
     r"|awaiting reviewer (?:selection|assignment|invitation)|technical check|editorial"
     r"|with the editor|编辑处理|编辑审核|初审|形式审查|分配编辑|待分配")),
    (Stage.SUBMITTED, r"submit|received|new submission|投稿|提交|收稿|转投|改投"),
]
_COMPILED: list[tuple[Stage, re.Pattern[str]]] = [(s, re.compile(p)) for s, p in _RULES]
_DESK = next(p for s, p in _COMPILED if s is Stage.DESK_REJECTED)
_PAREN = re.compile(r"\([^()]*\)|（[^（）]*）|\[[^\[\]]*\]|【[^【】]*】")


def clean_status(raw: str) -> str:
    """The status text as shown, with HTML entities decoded and spaces tidied (for display)."""
    text = html.unescape(html.unescape(raw))
    return re.sub(r"\s+", " ", text).strip(" \t-–—:：/|;；,，")


def _key(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", clean_status(text)).casefold())


def normalise_status(raw: str) -> Stage:
    """The stage a status text means; ``Stage.OTHER`` when no rule knows the words.

    Remarks in brackets ("Reject (out of scope)", "Transfer（接受转投）") are looked at only when
    the words outside them say nothing, except that a desk-rejection reason counts.
    """
    key = _key(raw)
    if not key:
        return Stage.OTHER
    outside = _PAREN.sub(" ", key).strip()
    texts = [outside, key] if outside and outside != key else [key]
    for index, text in enumerate(texts):
        for stage, pattern in _COMPILED:
            if pattern.search(text):
                if stage is Stage.REJECTED and index == 0 and _DESK.search(key):
                    # "Reject (the topic is outside the scope ...)" is a desk rejection
                    return Stage.DESK_REJECTED
                return stage
    return Stage.OTHER


def guess_system(statuses: Sequence[str]) -> str:
    """Which submission system's wording the statuses use ("" when unclear)."""
    joined = " | ".join(s.casefold() for s in statuses)
    if "required reviews complete" in joined or "with editor" in joined:
        return "Editorial Manager"
    if "awaiting reviewer" in joined or "awaiting ae" in joined or "awaiting eic" in joined:
        return "ScholarOne"
    if "submission received" in joined or "apc invoice" in joined:
        return "MDPI SuSy"
    return ""


# --- records ------------------------------------------------------------------------------


@dataclass(frozen=True)
class SubmissionEvent:
    date: dt.date
    raw: str
    stage: Stage
    time: dt.time | None = None
    precision: str = "day"  # day | month (a partial date counts from the 1st)
    id: int | None = None
    line: int | None = None  # where it came from in a pasted history

    def to_json(self) -> dict[str, object]:
        return {"date": self.date.isoformat(), "raw": self.raw, "stage": str(self.stage)}


@dataclass(frozen=True)
class Submission:
    id: int
    title: str
    venue: str
    manuscript_id: str = ""
    system: str = ""
    role: str = ""
    paper_id: int | None = None
    previous_id: int | None = None  # the venue this manuscript came from (a chain)
    notes: str = ""
    is_sample: bool = False
    events: tuple[SubmissionEvent, ...] = ()

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "title": self.title,
            "venue": self.venue,
            "manuscript_id": self.manuscript_id,
            "system": self.system,
            "role": self.role,
            "paper_id": self.paper_id,
            "previous_id": self.previous_id,
            "notes": self.notes,
            "events": [e.to_json() for e in self.events],
        }


@dataclass(frozen=True)
class StageSpan:
    stage: Stage
    start: dt.date
    end: dt.date
    raw: str
    open: bool = False  # runs to "today": the manuscript is still in this stage

    @property
    def days(self) -> int | None:
        """Days in this stage; None when the next event is dated before this one (a date out
        of order, flagged on the timeline): a negative duration is never a number to show."""
        return _days_between(self.start, self.end)

    def to_json(self) -> dict[str, object]:
        return {
            "stage": str(self.stage),
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "days": self.days,
        }


@dataclass(frozen=True)
class Timeline:
    events: tuple[SubmissionEvent, ...]
    stages: tuple[StageSpan, ...]
    rounds: int
    outcome: Stage | None  # a final decision, or None while open
    total_days: int | None
    current_stage: Stage | None
    days_in_stage: int | None
    days_to_first_decision: int | None
    days_to_acceptance: int | None
    revision_turnarounds: tuple[int, ...]  # decision → revision submitted, per revision
    out_of_order: tuple[int, ...]  # indexes of events dated before the event above them
    unknown: tuple[int, ...]  # indexes of events whose status words are not known
    is_open: bool

    @property
    def submitted(self) -> dt.date | None:
        return self.events[0].date if self.events else None

    def first_date_of(self, stage: Stage) -> dt.date | None:
        for e in self.events:
            if e.stage is stage:
                return e.date
        return None

    def to_json(self, venue: str) -> dict[str, object]:
        return {
            "venue": venue,
            "events": [e.to_json() for e in self.events],
            "stages": [s.to_json() for s in self.stages],
            "rounds": self.rounds,
            "outcome": str(self.outcome) if self.outcome else None,
            "total_days": self.total_days,
            "current_stage": str(self.current_stage) if self.current_stage else None,
            "days_in_stage": self.days_in_stage,
            "days_to_first_decision": self.days_to_first_decision,
            "days_to_acceptance": self.days_to_acceptance,
            "revision_turnarounds": list(self.revision_turnarounds),
            "out_of_order": [self.events[i].to_json() for i in self.out_of_order],
        }


def _days_between(start: dt.date, end: dt.date) -> int | None:
    """``end - start`` in days, or None when ``end`` comes first (dates out of order)."""
    days = (end - start).days
    return days if days >= 0 else None


def compute_timeline(events: Sequence[SubmissionEvent], today: dt.date) -> Timeline:
    """Everything the page and the CLI show about one manuscript at one venue.

    Stage spans: each event starts its stage, consecutive events of the same stage merge, and a
    span ends where the next event starts. The last span is open (ends today) unless the
    manuscript is closed; a final decision's span has zero length. ``total_days`` runs from the
    first event to the first final decision, or to ``today`` while open. A duration whose end is
    dated before its start (a typo in the history, flagged in ``out_of_order``) is None, never
    negative.
    """
    evs = tuple(events)
    if not evs:
        return Timeline((), (), 0, None, None, None, None, None, None, (), (), (), True)
    out_of_order = tuple(i for i in range(1, len(evs)) if evs[i].date < evs[i - 1].date)
    unknown = tuple(i for i, e in enumerate(evs) if e.stage is Stage.OTHER)

    # outcome: the first final decision (a rejection with no sign of review is a desk rejection)
    outcome: Stage | None = None
    outcome_date: dt.date | None = None
    reviewed = False
    for e in evs:
        if e.stage in REVIEW_EVIDENCE:
            reviewed = True
        if e.stage in FINAL_DECISIONS:
            outcome = e.stage
            outcome_date = e.date
            if outcome is Stage.REJECTED and not reviewed:
                outcome = Stage.DESK_REJECTED
            break
    last_stage = _last_known_stage(evs)
    closed = outcome is not None or last_stage in CLOSED_STAGES

    # notes with unknown words after the decision ("论文修改1-1") are not a stage of this venue
    outcome_index = next((i for i, e in enumerate(evs) if e.stage in FINAL_DECISIONS), None)
    staged = [
        e
        for i, e in enumerate(evs)
        if not (e.stage is Stage.OTHER and outcome_index is not None and i > outcome_index)
    ]
    spans: list[StageSpan] = []
    for i, e in enumerate(staged):
        if spans and spans[-1].stage is e.stage:
            continue
        nxt = next((f for f in staged[i + 1 :] if f.stage is not e.stage), None)
        if nxt is not None:
            spans.append(StageSpan(e.stage, e.date, nxt.date, e.raw))
        elif e.stage in FINAL_DECISIONS or e.stage in CLOSED_STAGES or closed:
            spans.append(StageSpan(e.stage, e.date, e.date, e.raw))
        else:
            spans.append(StageSpan(e.stage, e.date, max(today, e.date), e.raw, open=True))

    start = evs[0].date
    if outcome_date is not None:
        total_days = _days_between(start, outcome_date)
    elif closed:
        total_days = _days_between(start, evs[-1].date)
    else:
        total_days = _days_between(start, today)

    first_decision = next((e.date for e in evs if e.stage in DECISIONS), None)
    accepted = next((e.date for e in evs if e.stage is Stage.ACCEPTED), None)

    turnarounds: list[int] = []
    for i, e in enumerate(evs):
        if e.stage in REVISION_DECISIONS and (i + 1 >= len(evs) or evs[i + 1].stage is not e.stage):
            resub = next((f for f in evs[i + 1 :] if f.stage is Stage.REVISION_SUBMITTED), None)
            took = _days_between(e.date, resub.date) if resub is not None else None
            if took is not None:
                turnarounds.append(took)

    current = spans[-1] if spans else None
    return Timeline(
        events=evs,
        stages=tuple(spans),
        rounds=count_rounds(evs),
        outcome=outcome,
        total_days=total_days,
        current_stage=current.stage if current else None,
        days_in_stage=current.days if current and current.open else None,
        days_to_first_decision=_days_between(start, first_decision) if first_decision else None,
        days_to_acceptance=_days_between(start, accepted) if accepted else None,
        revision_turnarounds=tuple(turnarounds),
        out_of_order=out_of_order,
        unknown=unknown,
        is_open=not closed,
    )


def _last_known_stage(evs: Sequence[SubmissionEvent]) -> Stage | None:
    for e in reversed(evs):
        if e.stage is not Stage.OTHER:
            return e.stage
    return None


def count_rounds(evs: Sequence[SubmissionEvent]) -> int:
    """Review rounds: each spell Under Review, or a review decision that implies one
    (MDPI shows no "under review" but a Major Revision means reviewers read it)."""
    rounds = 0
    open_round = False
    for e in evs:
        if e.stage in (Stage.UNDER_REVIEW, Stage.REVIEWS_COMPLETED, Stage.DECISION_IN_PROCESS):
            if e.stage is not Stage.DECISION_IN_PROCESS and not open_round:
                rounds += 1
                open_round = True
        elif e.stage in DECISIONS:
            implied = e.stage in (Stage.MAJOR_REVISION, Stage.MINOR_REVISION, Stage.ACCEPTED) or (
                e.stage in (Stage.REJECTED, Stage.REJECT_TRANSFER) and rounds > 0
            )
            if not open_round and implied:
                rounds += 1
            open_round = False
        elif e.stage is Stage.REVISION_SUBMITTED:
            open_round = False
    return rounds


# --- chains -------------------------------------------------------------------------------


def chains(submissions: Sequence[Submission]) -> list[list[Submission]]:
    """Group submissions into journeys across venues by ``previous_id`` links, oldest first."""
    by_id = {s.id: s for s in submissions}
    children: dict[int, list[Submission]] = {}
    roots: list[Submission] = []
    for s in submissions:
        if s.previous_id is not None and s.previous_id in by_id and s.previous_id != s.id:
            children.setdefault(s.previous_id, []).append(s)
        else:
            roots.append(s)
    result: list[list[Submission]] = []
    seen: set[int] = set()
    for root in roots:
        chain: list[Submission] = []
        stack = [root]
        while stack:
            node = stack.pop(0)
            if node.id in seen:
                continue
            seen.add(node.id)
            chain.append(node)
            stack[:0] = sorted(children.get(node.id, []), key=lambda c: c.id)
        result.append(chain)
    # a cycle leaves nodes unseen: show them on their own rather than lose them
    result.extend([s] for s in submissions if s.id not in seen)
    return result


def chain_root_id(submission: Submission, by_id: Mapping[int, Submission]) -> int:
    seen = {submission.id}
    node = submission
    while node.previous_id is not None and node.previous_id in by_id:
        if node.previous_id in seen:
            break
        node = by_id[node.previous_id]
        seen.add(node.id)
    return node.id


# --- stuck alerts and the inquiry e-mail ----------------------------------------------------


@dataclass(frozen=True)
class StuckAlert:
    submission_id: int
    venue: str
    title: str
    stage: Stage
    since: dt.date
    days: int
    threshold: int

    def to_json(self) -> dict[str, object]:
        return {
            "submission_id": self.submission_id,
            "venue": self.venue,
            "title": self.title,
            "stage": str(self.stage),
            "since": self.since.isoformat(),
            "days": self.days,
            "threshold": self.threshold,
        }


def stuck_alert(
    submission: Submission, timeline: Timeline, thresholds: Mapping[Stage, int]
) -> StuckAlert | None:
    """An alert when the open manuscript has sat in a watched stage longer than allowed."""
    if not timeline.is_open or not timeline.stages:
        return None
    span = timeline.stages[-1]
    limit = thresholds.get(span.stage)
    days = span.days
    if limit is None or not span.open or days is None or days <= limit:
        return None
    return StuckAlert(
        submission.id, submission.venue, submission.title, span.stage, span.start, days, limit
    )


@dataclass(frozen=True)
class EmailDraft:
    subject: str
    body: str

    def text(self) -> str:
        return f"Subject: {self.subject}\n\n{self.body}"


_STAGE_ZH = {
    Stage.SUBMITTED: "已投稿", Stage.WITH_EDITOR: "编辑处理中", Stage.UNDER_REVIEW: "审稿中",
    Stage.REVIEWS_COMPLETED: "审稿完成", Stage.DECISION_IN_PROCESS: "等待决定",
    Stage.REVISION_SUBMITTED: "修改稿已提交",
}  # fmt: skip


def inquiry_email(
    submission: Submission, timeline: Timeline, today: dt.date, language: str = "en"
) -> EmailDraft:
    """A polite status inquiry to the editorial office, ready to copy.

    ``language`` "en" (what international journals expect) or "zh" (for Chinese journals).
    """
    title = submission.title or "[manuscript title]"
    ms = submission.manuscript_id or "[manuscript ID]"
    submitted = timeline.submitted.isoformat() if timeline.submitted else "[date]"
    span = timeline.stages[-1] if timeline.stages else None
    stage = span.stage if span else Stage.SUBMITTED
    since = span.start.isoformat() if span else submitted
    days = (today - span.start).days if span else 0
    if language.startswith("zh"):
        return EmailDraft(
            subject=f"稿件状态咨询：{ms}",
            body=(
                "尊敬的编辑：\n\n您好！\n\n"
                f"我于 {submitted} 向《{submission.venue}》投稿了论文《{title}》（稿件编号：{ms}）。"
                f"目前系统显示的状态为“{_STAGE_ZH.get(stage, str(stage))}”，自 {since} 起已经 {days} 天。"
                "\n\n冒昧来信，想了解稿件目前的处理进度，以及是否需要我补充任何材料。"
                "感谢您和审稿专家在百忙之中的辛勤付出！\n\n"
                "此致\n敬礼！\n\n[姓名]\n[单位]\n[邮箱]"
            ),
        )
    return EmailDraft(
        subject=f"Status inquiry: manuscript {ms}",
        body=(
            "Dear Editor,\n\n"
            f'I hope this message finds you well. I am writing to kindly ask about the status of '
            f'our manuscript "{title}" (manuscript ID {ms}), submitted to {submission.venue} on '
            f'{submitted}.\n\n'
            f'The submission system has shown the status "{stage}" since {since} ({days} days). '
            "I fully understand that the review process takes time and that finding reviewers can "
            "be difficult; I would be grateful for any update on the expected timeline, and please "
            "let me know if anything further is needed from our side.\n\n"
            "Thank you very much for your time and for handling our manuscript.\n\n"
            "Kind regards,\n[Your name]\n[Affiliation]\n[E-mail]"
        ),
    )


# --- "my submissions" as a review-time source -----------------------------------------------


@dataclass(frozen=True)
class CompletedTimeline:
    """One of the user's own accepted manuscripts in the shape review-time statistics use."""

    submission_id: int
    venue: str
    title: str
    received: dt.date
    revised: dt.date | None
    accepted: dt.date
    published: dt.date | None = None
    source: str = "my submissions"

    def to_json(self) -> dict[str, object]:
        return {
            "submission_id": self.submission_id,
            "venue": self.venue,
            "title": self.title,
            "received": self.received.isoformat(),
            "revised": self.revised.isoformat() if self.revised else None,
            "accepted": self.accepted.isoformat(),
            "published": self.published.isoformat() if self.published else None,
            "source": self.source,
        }


def completed_timeline(submission: Submission, timeline: Timeline) -> CompletedTimeline | None:
    """Received = first event, revised = last revision submitted, accepted = acceptance date;
    None unless the manuscript was accepted (and the dates are in order)."""
    accepted = timeline.first_date_of(Stage.ACCEPTED)
    received = timeline.submitted
    if accepted is None or received is None or accepted < received:
        return None
    revised = None
    for e in timeline.events:
        if e.stage is Stage.REVISION_SUBMITTED and received <= e.date <= accepted:
            revised = e.date
    return CompletedTimeline(
        submission.id,
        submission.venue,
        submission.title,
        received,
        revised,
        accepted,
        timeline.first_date_of(Stage.PUBLISHED),
    )


@dataclass(frozen=True)
class SubmissionSummary:
    """One row of the submissions table."""

    submission: Submission
    timeline: Timeline
    chain_root: int
    chain_position: int  # 1 = first venue of this manuscript's journey
    stuck: StuckAlert | None = None
    warnings: tuple[str, ...] = field(default=())

    def to_json(self) -> dict[str, object]:
        s, t = self.submission, self.timeline
        return {
            "id": s.id,
            "title": s.title,
            "venue": s.venue,
            "manuscript_id": s.manuscript_id,
            "system": s.system,
            "current_stage": str(t.current_stage) if t.current_stage else None,
            "since": t.stages[-1].start.isoformat() if t.stages else None,
            "days_in_stage": t.days_in_stage,
            "outcome": str(t.outcome) if t.outcome else None,
            "total_days": t.total_days,
            "rounds": t.rounds,
            "events": len(t.events),
            "chain": self.chain_root,
            "chain_position": self.chain_position,
            "previous_id": s.previous_id,
            "stuck": self.stuck is not None,
        }
