"""The quote tagger (dyads.tagger) and the quotes stage beside it (``--quotes tagged``), on
text we wrote. The rules for joining the two are tested with taggings we build by hand;
the model itself on sentences whose quotes the cue rules miss."""

import json
import re
import sys

import duckdb
import numpy as np
import pytest

from dyads import nlp
from dyads.config import Settings
from dyads.errors import SettingsError
from dyads.pipeline import analyze, quote_tagger
from dyads.pipeline.quotes import TAGGED_DROP_BELOW, TAGGED_MIN_CONTENT
from dyads.records import Article
from dyads.tagger import BEGIN, INSIDE, OUTSIDE, Tagging

from conftest import dump_tables
from test_quotes import found

# The cue rules know no "are afraid that" or "worried about": the tagger finds both.
AFRAID = "Many diplomats in Nairobi are afraid that the ceasefire will not hold."
WORRIED = "Western envoys were increasingly worried about the pace of the withdrawal from the border region."
SAID = '"We have never been closer to a deal," the envoy said on Tuesday.'


def article(text: str) -> Article:
    return Article(headline="Talks", paragraphs=(text,), origin="t")


def by_hand(text: str, marked: list[tuple[str, float]]) -> Tagging:
    """A tagging with a piece per word or sign: the words of each marked phrase B/I with
    the given content probability, every other piece O with 0.05."""
    pieces = [(m.start(), m.end()) for m in re.finditer(r"\w+|[^\w\s]", text)]
    labels = np.full(len(pieces), OUTSIDE, dtype=np.int8)
    content = np.full(len(pieces), 0.05, dtype=np.float32)
    for phrase, p in marked:
        start = text.index(phrase)
        inside = [i for i, (a, b) in enumerate(pieces) if start <= a and b <= start + len(phrase)]
        labels[inside] = [BEGIN] + [INSIDE] * (len(inside) - 1)
        content[inside] = p
    spans = np.array(pieces, dtype=np.int64).reshape(-1, 2)
    return Tagging(starts=spans[:, 0], ends=spans[:, 1], labels=labels, content=content)


def test_tagging_spans_and_mean_content():
    text = "He said the deal is dead. Then he left."
    tagging = by_hand(text, [("the deal is dead", 0.9), ("he left", 0.7)])
    assert [(text[a:b], round(p, 2)) for a, b, p in tagging.spans()] == [("the deal is dead", 0.9), ("he left", 0.7)]
    assert tagging.mean_content(text, [(8, 24)]) == pytest.approx(0.9)
    # "He said" is outside: 0.05 each; a span with no word has nothing to weigh
    assert tagging.mean_content(text, [(0, 7)]) == pytest.approx(0.05)
    assert tagging.mean_content(text, [(24, 25)]) == 0.0
    nothing = by_hand("", [])
    assert nothing.spans() == [] and nothing.mean_content(text, [(8, 24)]) == 0.0
    # a B right after an I starts a new span
    tagging.labels[4] = BEGIN  # He said the deal [is]
    assert [text[a:b] for a, b, _ in tagging.spans()] == ["the deal", "is dead", "he left"]


def test_a_sure_tagged_span_is_added_with_the_word_it_hangs_on_and_its_subject():
    item = article(AFRAID)
    doc = nlp.load()(item.text)
    assert analyze(item, doc).quotes == ()
    quotes = analyze(item, doc, by_hand(item.text, [("that the ceasefire will not hold", TAGGED_MIN_CONTENT)]))
    assert found(quotes) == [("indirect", ["that the ceasefire will not hold"], "afraid", "Many diplomats in Nairobi")]
    # not sure enough, or too short: nothing added
    assert analyze(item, doc, by_hand(item.text, [("that the ceasefire will not hold", 0.79)])).quotes == ()
    assert analyze(item, doc, by_hand(item.text, [("will not", 0.99)])).quotes == ()


def test_the_tagger_drops_a_quote_it_rules_out_and_keeps_the_rest():
    item = article(SAID)
    doc = nlp.load()(item.text)
    [quote] = analyze(item, doc).quotes
    words = item.text[quote.start : quote.end].strip('",')
    assert found(analyze(item, doc, by_hand(item.text, [(words, TAGGED_DROP_BELOW)]))) == found(analyze(item, doc))
    assert analyze(item, doc, by_hand(item.text, [(words, TAGGED_DROP_BELOW - 0.01)])).quotes == ()
    # a tagged span over a kept quote's words adds nothing
    tagging = by_hand(item.text, [("We have never been closer", 0.99)])
    assert found(analyze(item, doc, tagging)) == found(analyze(item, doc))


def test_the_model_finds_stances_the_cue_rules_miss():
    tagger = quote_tagger("tagged")
    texts = [article(t).text for t in (AFRAID, WORRIED, SAID)]
    afraid, worried, said = tagger.tag_all(texts)
    assert [(texts[0][a:b], p > TAGGED_MIN_CONTENT) for a, b, p in afraid.spans()] == [
        ("that the ceasefire will not hold", True)
    ]
    assert [texts[1][a:b] for a, b, p in worried.spans() if p >= TAGGED_MIN_CONTENT] == [
        "the pace of the withdrawal from the border region"
    ]
    # alone as in a batch, up to float rounding (a batch pads its windows to its longest)
    assert np.allclose(tagger.tag(texts[1]).content, worried.content, atol=1e-5)
    assert tagger.tag("").spans() == [] and len(tagger.tag(" \n ").starts) == 0
    # the speaker's words are content, the speaker and cue are not
    quote = texts[2].index("We")
    assert said.mean_content(texts[2], [(quote, texts[2].index(","))]) > 0.9
    assert said.mean_content(texts[2], [(texts[2].index("the envoy"), len(texts[2]))]) < 0.1
    doc = nlp.load()(texts[1])
    assert found(analyze(article(WORRIED), doc, worried)) == [
        ("indirect", ["the pace of the withdrawal from the border region"], "worried", "Western envoys")
    ]


def test_quotes_mode_is_checked():
    assert Settings.load(env={"DYADS_QUOTES": "tagged"}).quotes == "tagged"
    with pytest.raises(
        SettingsError, match=r"quotes must be one of rules, tagged, got 'neural' \(--quotes or DYADS_QUOTES\)"
    ):
        Settings.load(env={"DYADS_QUOTES": "neural"})


def test_missing_tagger_extra_says_what_to_install_before_any_write(monkeypatch, tmp_path):
    """Without torch, a tagged ingest stops before it writes anything, naming the extra."""
    from dyads.errors import MissingDependency
    from dyads.ingest import ingest
    from dyads.store import Store

    db = tmp_path / "kept.duckdb"
    story = tmp_path / "story.txt"
    story.write_text(f"Envoys weigh truce\n\n{SAID}\n", encoding="utf-8")
    other = tmp_path / "other.txt"
    other.write_text(f"Envoys meet\n\n{AFRAID}\n", encoding="utf-8")
    with Store.open(str(db)) as store:
        ingest([str(story)], store=store, settings=Settings(db=str(db)))
    before = dump_tables(db)
    monkeypatch.setitem(sys.modules, "torch", None)
    with (
        Store.open(str(db)) as store,
        pytest.raises(MissingDependency, match=r"^torch is not installed; run: pip install 'dyads\[tagger\]'$"),
    ):
        ingest([str(other)], store=store, settings=Settings(db=str(db), quotes="tagged"))
    assert dump_tables(db) == before


def test_cli_ingest_with_the_tagger(run, db, tmp_path):
    story = tmp_path / "story.txt"
    story.write_text(f"Envoys weigh truce\n\n{AFRAID}\n\n{SAID}\n", encoding="utf-8")
    bad = run("ingest", "--quotes", "neural", str(story), check=False)
    assert bad.returncode == 2 and "'neural' is not one of 'rules', 'tagged'" in bad.err
    assert not db.exists()
    summary = json.loads(run("ingest", "--quotes", "tagged", "--json", str(story)).out)
    assert summary["ingested"] == 1
    quotes = json.loads(run("quotes", "--json").out)
    assert [(q["text"], q["cue"]["text"], q["speaker"]["text"], q["found_by"]) for q in quotes] == [
        ("that the ceasefire will not hold", "afraid", "Many diplomats in Nairobi", "tagger"),
        ('"We have never been closer to a deal,"', "said", "the envoy", "rules"),
    ]
    assert run("quotes", "--csv").out.splitlines()[0].endswith(",found_by")
    assert [q["found_by"] for q in json.loads(run("quotes", "--found-by", "tagger", "--json").out)] == ["tagger"]
    assert run("quotes", "--found-by", "model", check=False).returncode == 2
    with duckdb.connect(str(db), read_only=True) as con:
        [(model,)] = con.execute("SELECT model FROM runs").fetchall()
    assert "quote tagger: all-MiniLM-L6-v2 + quote_tagger.safetensors sha256:" in model
