"""`dyads eval quotes` on gold we wrote, in both gold formats, and the design sample."""

import json
import sys

import pytest

from conftest import FIXTURES, SHARED
from dyads.errors import InputError, QueryError
from dyads.evaluate.quotes import evaluate_quotes, read_gold, surname_compatible

GOLD = FIXTURES / "quotes-gold.jsonl"


def test_fixture_matches_its_marked_source():
    sys.path.insert(0, str(FIXTURES))
    try:
        import make_quotes_gold
    finally:
        sys.path.pop(0)
    stories = make_quotes_gold.parse((FIXTURES / "quotes-gold.marked.txt").read_text("utf-8"))
    assert stories == [json.loads(line) for line in GOLD.read_text("utf-8").splitlines()]
    assert len(stories) >= 10


def test_plain_gold_scores(run):
    result = json.loads(run("eval", "quotes", "--gold", str(GOLD), "--json").out)
    overall = result["overall"]
    assert result["stories"] == 14 and overall["gold"] == 23
    # Figures on our own 14 stories, measured 2026-11-28: exact and overlap F1 1.0, speaker
    # accuracy 1.0, resolved accuracy 1.0, end-to-end F1 1.0 (floors leave room for the
    # actors stage to change).
    assert overall["overlap"]["f1"] >= 0.9 and overall["exact"]["f1"] >= 0.9
    assert overall["speaker_accuracy"] >= 0.95
    assert overall["resolved_accuracy"] >= 0.85 and overall["end_to_end"]["f1"] >= 0.85
    assert set(result["by_speaker_kind"]) == {"name", "pronoun", "nominal", "none"}
    assert result["by_speaker_kind"]["pronoun"]["gold"] == 4
    table = run("eval", "quotes", "--gold", str(GOLD)).out
    assert table.splitlines()[0].split()[:4] == ["speaker", "gold", "predicted", "exact_p"]


POLNEAR_TEXT = 'Envoys meet.\n\n"We agree," the envoy said. The minister said talks would resume.'


def polnear_record(split: str) -> dict:
    """A record shaped like PolNeAR's, on text we wrote."""

    def span(words, length=None):
        start = POLNEAR_TEXT.index(words)
        end = start + (length or len(words))
        return [{"spans": [[start, end]], "text": POLNEAR_TEXT[start:end]}]

    return {
        "id": f"t-{split}",
        "split": split,
        "text": POLNEAR_TEXT,
        "annotations": {
            "a1": {
                "attributions": [
                    {"id": "E1", "source": span("the envoy"), "cue": span("said"), "content": span('"We agree,"')},
                    {
                        "id": "E2",
                        "source": span("The minister"),
                        "cue": span("said talks", 4),
                        "content": span("talks would resume"),
                    },
                ]
            }
        },
    }


def test_polnear_format_and_split(tmp_path):
    gold = tmp_path / "polnear.jsonl"
    gold.write_text("\n".join(json.dumps(polnear_record(s)) for s in ("train", "dev")) + "\n", "utf-8")
    assert [s.id for s in read_gold(gold, split="dev")] == ["t-dev"]
    result = evaluate_quotes(gold, split="dev")
    overall = result["overall"]
    assert (overall["gold"], overall["predicted"]) == (2, 2)
    assert overall["exact"]["f1"] == 1.0 and overall["speaker_accuracy"] == 1.0
    assert "resolved_accuracy" not in overall  # PolNeAR names no speakers
    assert result["by_speaker_kind"]["nominal"]["gold"] == 2


def test_stories_annotated_twice_measure_agreement(tmp_path, run):
    """A second annotator who marked one of the two quotes: annotators agree on 2 of the 3
    quotes each pair of sets holds; dyads finds both, 3 of 3 against the first set's 2 and the
    second's 1, with one quote more than the second set holds."""
    record = polnear_record("dev")
    first = record["annotations"]["a1"]
    record["annotations"]["a2"] = {"attributions": first["attributions"][:1]}
    gold = tmp_path / "twice.jsonl"
    gold.write_text(json.dumps(record) + "\n", "utf-8")
    [story] = read_gold(gold)
    assert len(story.quotes) == 2 and [len(s) for s in story.other_sets] == [1]
    agreement = evaluate_quotes(gold)["agreement"]
    assert agreement["stories"] == 1
    assert agreement["annotators"]["overlap"] == {"precision": 0.667, "recall": 0.667, "f1": 0.667}
    assert agreement["dyads"]["overlap"] == {"precision": 0.75, "recall": 1.0, "f1": 0.857}
    assert "agreement" not in evaluate_quotes(_polnear_file(tmp_path))  # one annotation set: nothing to compare
    assert (
        "on 1 story annotated more than once, annotators agree with each other at overlap F1 0.667"
        in run("eval", "quotes", "--gold", str(gold)).out
    )


def test_bad_gold_is_reported(tmp_path):
    with pytest.raises(QueryError, match="no such gold file"):
        read_gold(tmp_path / "missing.jsonl")
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "x", "quotes": []}\nnot json\n', "utf-8")
    with pytest.raises(InputError, match="bad.jsonl:2"):
        read_gold(bad)
    other = tmp_path / "other.jsonl"
    other.write_text('{"title": "x"}\n', "utf-8")
    with pytest.raises(InputError, match="neither PolNeAR"):
        read_gold(other)
    corrupt = tmp_path / "corrupt.jsonl"
    record = polnear_record("dev")
    record["annotations"]["a2"] = {"attributions": [{"source": [], "cue": [], "content": 5}]}
    corrupt.write_text(json.dumps(record) + "\n", "utf-8")
    with pytest.raises(InputError, match="corrupt.jsonl:1: bad PolNeAR record"):
        read_gold(corrupt)
    with pytest.raises(QueryError, match="split 'test'"):
        read_gold(_polnear_file(tmp_path), split="test")


def _polnear_file(tmp_path):
    path = tmp_path / "p.jsonl"
    path.write_text(json.dumps(polnear_record("dev")) + "\n", "utf-8")
    return path


def test_surname_compatible():
    assert surname_compatible("Konstantin Kosachev", "Konstantin Kosachev")
    assert surname_compatible("Konstantin Kosachev", "Kosachev")
    assert not surname_compatible("Russia", "Konstantin Kosachev")


SAMPLE = SHARED / "samples" / "tass-japan-russia-ties.txt"


@pytest.mark.slow
@pytest.mark.skipif(not SAMPLE.exists(), reason="needs ../shared/samples")
def test_design_sample_quotes(run):
    """The design sample: four direct quotes and two indirect ones, all Kosachev's."""
    run("ingest", str(SAMPLE))
    quotes = json.loads(run("quotes", "--json").out)

    def one(start: str) -> dict:
        [quote] = [q for q in quotes if q["text"].lstrip('"').startswith(start)]
        return quote

    expected = [  # (start of the words, cue, speaker mention, kind)
        ("We certainly see", "explained", "the lawmaker", "direct"),
        ("We may suggest", "stated", "Kosachev", "direct"),
        ("There should be a social climate", "stressed", "he", "direct"),
        ("Creating this favorable social climate", "pointed out", "Kosachev", "mixed"),
        (
            "Japan is outperforming all other G7 countries in cultivating ties with Russia",
            "said",
            "Federation Council International Affairs Committee Chairman Konstantin Kosachev",
            "indirect",
        ),
        ("political will of the Russian and Japanese leadership is not enough", "noted", "the legislator", "indirect"),
    ]
    for start, cue, speaker, kind in expected:
        quote = one(start)
        assert (quote["cue"]["text"], quote["speaker"]["text"], quote["kind"]) == (cue, speaker, kind)
        assert quote["speaker"]["actor"]["name"] == "Konstantin Kosachev"
    # the direct quotes come out whole, closing mark included
    assert one("We certainly see")["text"].endswith('events in Ukraine,"')
    assert one("Creating this favorable")["text"].startswith(
        '"Creating this favorable social climate and viewing each other as partner countries and friends"'
    )
