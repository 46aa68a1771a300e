"""Ranking the arXiv feed by the user's library (issue #15): a tiny real corpus whose right order
is obvious, feedback that changes it, the keyword fallback, the rules, empty inputs."""

from __future__ import annotations

from scholardesk.analysis.papers_feed_ranking import LabelledDoc, rank
from scholardesk.domain.papers_feed import FeedDoc, FeedRules

# Real titles, abstracts shortened from the papers' own (arXiv).
SPEECH = [
    ("1303.5778", "Speech Recognition with Deep Recurrent Neural Networks",
     "Recurrent neural networks trained end-to-end with connectionist temporal classification "
     "(CTC) make it possible to train speech recognition without aligned transcriptions; deep "
     "LSTM acoustic models reach a phoneme error rate on TIMIT."),
    ("1508.01211", "Listen, Attend and Spell",
     "We present Listen, Attend and Spell, a neural network that learns to transcribe speech "
     "utterances to characters; an acoustic encoder and an attention decoder, unlike CTC "
     "speech recognition models, without independence assumptions."),
    ("1512.02595", "Deep Speech 2: End-to-End Speech Recognition in English and Mandarin",
     "An end-to-end deep learning approach to speech recognition of English and Mandarin "
     "speech; CTC training of recurrent acoustic models replaces hand-engineered pipelines."),
    ("2005.08100", "Conformer: Convolution-augmented Transformer for Speech Recognition",
     "Conformer combines convolution and transformer self-attention in the acoustic encoder; "
     "state-of-the-art word error rate for speech recognition on LibriSpeech."),
    ("2006.11477", "wav2vec 2.0: A Framework for Self-Supervised Learning of Speech "
     "Representations",
     "Self-supervised learning of speech representations from raw audio; fine-tuned with CTC "
     "on labelled speech it lowers the word error rate of speech recognition."),
    ("1811.06621", "Streaming End-to-end Speech Recognition For Mobile Devices",
     "A streaming recurrent neural network transducer for speech recognition on mobile "
     "devices; acoustic encoder latency and word error rate compared with CTC models."),
]
GRAPHS = [
    ("1905.07953", "Graph Databases: Query Languages and Storage",
     "Graph databases store nodes and edges; query languages such as Cypher and SPARQL and the "
     "storage of property graphs in a graph database engine."),
    ("2004.14424", "Indexing Property Graphs for Fast Query Processing",
     "Query processing over property graphs needs indexes on graph paths; we index a graph "
     "database and evaluate query languages on large graphs."),
    ("1910.09017", "Transactions in Distributed Graph Databases",
     "Distributed graph databases partition nodes and edges; transactions and query "
     "processing in a distributed graph database storage engine."),
]
NEW_CTC = FeedDoc("2401.00001", "Streaming Conformer-CTC Speech Recognition",
                  "A streaming conformer acoustic encoder trained with CTC for speech "
                  "recognition; lower word error rate and latency.")
NEW_GRAPH = FeedDoc("2401.00002", "A Graph Database for Query Processing over Property Graphs",
                    "We build a graph database engine: storage of nodes and edges and query "
                    "languages for property graphs.")
NEW_ENHANCE = FeedDoc("2401.00009", "Speech Enhancement with Recurrent Neural Networks",
                      "Recurrent neural networks remove noise from speech recordings.")
NEW_KWS = FeedDoc("2401.00003", "Keyword Spotting with Conformer Encoders",
                  "Small conformer acoustic encoder models trained with CTC detect spoken "
                  "keywords on mobile devices.")


def _doc(entry: tuple[str, str, str], **kw: object) -> FeedDoc:
    return FeedDoc(entry[0], entry[1], entry[2], **kw)  # type: ignore[arg-type]


def _library(tag_speech: int = 6, not_interested: tuple[FeedDoc, ...] = ()) -> list[LabelledDoc]:
    docs = [LabelledDoc(_doc(e), ("speech",), True) for e in SPEECH[:tag_speech]]
    docs += [LabelledDoc(d, (), False) for d in not_interested]
    return docs


def test_a_speech_paper_ranks_above_a_graph_database_paper_and_says_why() -> None:
    result = rank(_library(), [NEW_GRAPH, NEW_CTC])
    assert result.method == "model"
    assert [s.key for s in result.scored] == ["2401.00001", "2401.00002"]
    top = result.scored[0]
    assert top.score > result.scored[1].score
    assert top.reasons[0].startswith("like your tag speech: ")
    terms = top.reasons[0].split(": ", 1)[1].split(", ")
    assert len(terms) == 3
    assert set(terms) <= {"ctc", "conformer", "streaming", "speech", "recognition",
                          "speech recognition", "acoustic", "encoder", "acoustic encoder",
                          "word", "error", "rate", "word error", "error rate", "latency"}
    assert "speech" in top.tags_suggested
    assert "speech" not in result.scored[1].tags_suggested
    assert result.scored[1].reasons == ()  # no term of it speaks for any model
    assert "6 positives" in result.note


def test_scores_of_several_tags_are_on_one_scale_and_every_tag_is_suggested_where_it_fits() -> None:
    library = _library() + [LabelledDoc(_doc(e), ("graphs",), True) for e in GRAPHS]
    result = rank(library, [NEW_CTC, NEW_GRAPH])
    by_key = {s.key: s for s in result.scored}
    assert by_key["2401.00001"].tags_suggested == ("speech",)
    assert by_key["2401.00002"].tags_suggested == ("graphs",)
    assert by_key["2401.00002"].reasons[0].startswith("like your tag graphs: ")
    assert all(0.0 <= s.score <= 1.0 for s in result.scored)


def test_marking_a_kind_of_paper_not_interested_pushes_similar_ones_down() -> None:
    new = [NEW_KWS, NEW_ENHANCE]
    before = rank(_library(), new)
    assert before.scored[0].key == "2401.00003"  # the keyword-spotting paper led at first
    mobile_kws = [FeedDoc(f"ni{i}", f"Keyword spotting on mobile devices {i}",
                          "Spoken keywords detected on mobile devices by small keyword "
                          "spotting models; wake word detection.") for i in range(4)]
    after = rank(_library(not_interested=tuple(mobile_kws)), new)
    assert [s.key for s in after.scored] == ["2401.00009", "2401.00003"]
    score = {s.key: s.score for s in after.scored}
    assert score["2401.00003"] < {s.key: s.score for s in before.scored}["2401.00003"]
    assert "4 marked not interested" in after.note


def test_below_min_positives_it_ranks_by_keywords_and_the_note_says_so() -> None:
    result = rank(_library(tag_speech=3), [NEW_GRAPH, NEW_CTC])
    assert result.method == "keywords"
    assert result.note.startswith("3 positives: too few to train (5 needed)")
    assert [s.key for s in result.scored] == ["2401.00001", "2401.00002"]
    assert result.scored[0].reasons[0].startswith("like your tag speech: ")
    assert result.scored[0].tags_suggested == ("speech",)
    assert result.scored[1].score == 0.0 and result.scored[1].reasons == ()
    assert rank(_library(tag_speech=3), [NEW_CTC], min_positives=3).method == "model"


def test_rules_apply_before_ranking_dropped_entries_are_absent_boosted_ones_say_why() -> None:
    graph_by_followed = FeedDoc(NEW_GRAPH.key, NEW_GRAPH.title, NEW_GRAPH.abstract,
                                authors=("Renzo Angles",), categories=("cs.DB",))
    muted = FeedDoc("2401.00004", "Image Segmentation", "Pixels of images.",
                    categories=("cs.CV",))
    survey = FeedDoc("2401.00005", "A Survey of Speech Recognition",
                     "A survey of CTC speech recognition.", categories=("eess.AS",))
    rules = FeedRules(follow_authors=("R. Angles",), mute_categories=("cs.CV",),
                      exclude_keywords=("survey",))
    result = rank(_library(), [muted, NEW_CTC, survey, graph_by_followed], rules=rules)
    keys = [s.key for s in result.scored]
    assert "2401.00004" not in keys and "2401.00005" not in keys
    assert keys[0] == "2401.00002"  # the bonus lifts the followed author above the model's pick
    assert result.scored[0].reasons[0] == "followed author Renzo Angles"


def test_empty_inputs() -> None:
    assert rank(_library(), []).scored == []
    assert rank(_library(), []).note == "no new entries to rank"
    dropped = rank(_library(), [NEW_CTC], rules=FeedRules(exclude_keywords=("ctc",)))
    assert dropped.scored == [] and dropped.note == "every new entry was dropped by your rules"
    nothing = rank([], [NEW_GRAPH, NEW_CTC])
    assert nothing.method == "keywords"
    assert [s.key for s in nothing.scored] == ["2401.00002", "2401.00001"]  # feed order kept
    assert all(s.score == 0.0 for s in nothing.scored)
    assert nothing.note.startswith("no tagged, rated or read papers yet")


def test_the_same_input_gives_the_same_ranking() -> None:
    library = _library() + [LabelledDoc(_doc(e), ("graphs",), True) for e in GRAPHS]
    new = [NEW_KWS, NEW_GRAPH, NEW_CTC]
    assert rank(library, new) == rank(library, new)


def test_our_tf_idf_is_sklearns_tfidfvectorizer_with_the_same_tokens() -> None:
    # The module keeps its own term counting for speed (see its docstring); on a corpus small
    # enough that no term is cut by MAX_FEATURES or MAX_DF it must give sklearn's matrix exactly.
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer

    from scholardesk.analysis import papers_feed_ranking as ranking

    texts = [f"{title}\n{abstract}" for _, title, abstract in SPEECH + GRAPHS] + [
        "Streaming CTC, conformer, and 2 encoders: end-to-end speech recognition.",
        "A graph database for query optimisation in graph query engines.",
    ]

    def tokens(text: str) -> list[str]:
        return [w for w in text.lower().translate(ranking._PUNCT).split()
                if w not in ranking._STOP and len(w) >= 2 and not w.isdigit()]

    ours = ranking._terms(texts)
    reference = TfidfVectorizer(tokenizer=tokens, token_pattern=None, lowercase=False,
                                ngram_range=(1, 2), min_df=2, sublinear_tf=True)
    expected = reference.fit_transform(texts).toarray()
    names = reference.get_feature_names_out().tolist()
    assert sorted(ours.names) == sorted(names)
    columns = [ours.names.index(name) for name in names]
    np.testing.assert_allclose(ours.matrix.toarray()[:, columns], expected, rtol=1e-5, atol=1e-6)
