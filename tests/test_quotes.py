"""The quotes stage on text we wrote: direct, indirect and mixed quotes, cues and speakers."""

import dataclasses

import pytest

from dyads import nlp
from dyads.pipeline import analyze
from dyads.pipeline.quotes import extract_quotes
from dyads.records import Actor, Analysis, Article, Mention


def run(text: str) -> Analysis:
    article = Article(headline="Head", paragraphs=tuple(text.split("\n\n")), origin="t")
    return analyze(article, nlp.load()(article.text))


def found(analysis: Analysis) -> list[tuple]:
    """Each quote as (kind, [part texts], cue text, speaker text)."""
    text = analysis.article.text
    return [
        (
            q.kind,
            [text[s:e] for s, e in q.parts],
            text[q.cue_start : q.cue_end] if q.cue_start is not None else None,
            text[q.speaker_start : q.speaker_end] if q.speaker_start is not None else None,
        )
        for q in analysis.quotes
    ]


@pytest.mark.parametrize(
    "text,expected",
    [
        # direct: speaker after, before, inverted, in every quotation style
        (
            '"We have never been closer to a deal," the envoy said on Tuesday.',
            [("direct", ['"We have never been closer to a deal,"'], "said", "the envoy")],
        ),
        (
            "Foreign Minister Tomas Reyes told reporters: “Chile must withdraw the tariffs first.”",
            [("direct", ["“Chile must withdraw the tariffs first.”"], "told", "Foreign Minister Tomas Reyes")],
        ),
        (
            "‘We will watch every step,’ said Senator Mara Quist.",
            [("direct", ["‘We will watch every step,’"], "said", "Senator Mara Quist")],
        ),
        (
            "«Nous sommes prêts à signer», declared the mediator Paul Favre.",
            [("direct", ["«Nous sommes prêts à signer»"], "declared", "the mediator Paul Favre")],
        ),
        # split quote: speaker between the parts
        (
            '"The accord is a good start," she said, "but it leaves the border open."',
            [("direct", ['"The accord is a good start,"', '"but it leaves the border open."'], "said", "she")],
        ),
        # a quoted sentence after the cue's sentence continues the same quote
        (
            '"It was a frank talk," she said. "We meet again in June."',
            [("direct", ['"It was a frank talk,"', '"We meet again in June."'], "said", "she")],
        ),
        # multi-sentence and multi-paragraph quotes come out whole
        (
            'Prime Minister Ana Vidal said: "The budget protects pensions. It protects schools.\n\n'
            '"It also keeps our river treaty."',
            [
                (
                    "direct",
                    ['"The budget protects pensions. It protects schools.\n\n"It also keeps our river treaty."'],
                    "said",
                    "Prime Minister Ana Vidal",
                )
            ],
        ),
        # indirect: said (that), noted / stressed / pointed out / warned / insisted that, told
        (
            "The minister said the plan would strengthen ties with Poland.",
            [("indirect", ["the plan would strengthen ties with Poland"], "said", "The minister")],
        ),
        (
            "However, the lawmaker noted that funding had not been agreed.",
            [("indirect", ["funding had not been agreed"], "noted", "the lawmaker")],
        ),
        (
            "He stressed that Poland and Denmark must share the costs.",
            [("indirect", ["Poland and Denmark must share the costs"], "stressed", "He")],
        ),
        (
            "The envoy pointed out that the border talks had stalled.",
            [("indirect", ["the border talks had stalled"], "pointed out", "The envoy")],
        ),
        (
            "Favre insisted that both sides had accepted the text.",
            [("indirect", ["both sides had accepted the text"], "insisted", "Favre")],
        ),
        (
            "Exports of grain rose by a fifth last year, the ministry said.",
            [("indirect", ["Exports of grain rose by a fifth last year"], "said", "the ministry")],
        ),
        (
            "The river, the mayor said, would not reach the old town.",
            [("indirect", ["The river", "would not reach the old town"], "said", "the mayor")],
        ),
        ("Envoys met in Oslo, notes lawmaker", [("indirect", ["Envoys met in Oslo"], "notes", "lawmaker")]),
        # an "as" clause commenting on the clause it hangs on; not one that sets the time
        (
            "As Kosachev noted, ties between the two countries have improved.",
            [("indirect", ["ties between the two countries have improved"], "noted", "Kosachev")],
        ),
        (
            "The deal, as the ministry said last week, will be signed in May.",
            [("indirect", ["The deal", "will be signed in May"], "said", "the ministry")],
        ),
        # according to, at either end
        (
            "Exports of grain rose by a fifth, according to the agriculture ministry.",
            [("indirect", ["Exports of grain rose by a fifth"], "according to", "the agriculture ministry")],
        ),
        (
            "According to trade envoy Olha Marchenko, the corridor will double shipments.",
            [("indirect", ["the corridor will double shipments"], "According to", "trade envoy Olha Marchenko")],
        ),
        # mixed: a reported clause holding quoted words; a quoted fragment finished in paraphrase
        (
            'Trade Minister Jun Sato warned that sanctions would be "a serious mistake" for both.',
            [("mixed", ['sanctions would be "a serious mistake" for both'], "warned", "Trade Minister Jun Sato")],
        ),
        (
            '"Creating trust takes years" and cannot be rushed, Sato pointed out.',
            [("mixed", ['"Creating trust takes years" and cannot be rushed'], "pointed out", "Sato")],
        ),
        # X: ... at the start of a paragraph (transcripts)
        (
            "GOVERNOR: It will open in October, and tolls will stay low.",
            [("direct", ["It will open in October, and tolls will stay low."], ":", "GOVERNOR")],
        ),
        # intent and stance cues
        ("The president vowed to veto the bill.", [("indirect", ["to veto the bill"], "vowed", "The president")]),
        (
            "Most farmers want Warsaw to sign the treaty.",
            [("indirect", ["Warsaw to sign the treaty"], "want", "Most farmers")],
        ),
        ("Moscow called for talks on the border.", [("indirect", ["talks on the border"], "called for", "Moscow")]),
        # a whole quoted paragraph after the quote's paragraph goes on in the same voice
        (
            '"We will reopen the port," the governor said.\n\n"The ships will sail again before the winter comes."',
            [
                (
                    "direct",
                    ['"We will reopen the port,"', '"The ships will sail again before the winter comes."'],
                    "said",
                    "the governor",
                )
            ],
        ),
        # so does a quotation after an indirect quote, and one after the rest of the cue's sentence
        (
            'Reyes said the border would stay open. "Nobody will be turned away."',
            [("indirect", ["the border would stay open", '"Nobody will be turned away."'], "said", "Reyes")],
        ),
        (
            '"We are close," said Gov. Ada Lee, who has called on both sides to sign. "The last point is the port."',
            [
                ("direct", ['"We are close,"', '"The last point is the port."'], "said", "Gov. Ada Lee"),
                ("indirect", ["both sides to sign"], "called on", "Gov. Ada Lee"),
            ],
        ),
        # a speech act hung at the end of the reported clause is the speaker's own
        (
            "Reyes said the budget would protect pensions, calling it a fair deal.",
            [
                ("indirect", ["the budget would protect pensions"], "said", "Reyes"),
                ("indirect", ["it a fair deal"], "calling", "Reyes"),
            ],
        ),
        # the writer's gloss at the end of a reported clause is not what was said
        (
            "The envoy said the talks would end before June 4, when the old treaty runs out.",
            [("indirect", ["the talks would end before June 4"], "said", "The envoy")],
        ),
        # a scene-setting clause is not content
        (
            "When he met the farmers, the minister reminded them about the subsidy.",
            [("indirect", ["them about the subsidy"], "reminded", "the minister")],
        ),
        # sources that are documents, and judgements nobody is said to make
        (
            "The survey found that most farmers back the treaty.",
            [("indirect", ["most farmers back the treaty"], "found", "The survey")],
        ),
        (
            "The new tariffs seem to have slowed the trade in grain.",
            [("indirect", ["The new tariffs", "to have slowed the trade in grain"], "seem", None)],
        ),
        (
            "It appears the talks will resume in June.",
            [("indirect", ["the talks will resume in June"], "appears", None)],
        ),
        # noun cues: the possessor speaks; inside another quote's words they add nothing
        (
            "His claim that the vote had been rigged angered the farmers.",
            [("indirect", ["the vote had been rigged"], "claim", "His")],
        ),
        # a verb outside the lexicon that the attribution model finds likely to report
        (
            "Reyes figured that the farm bill would pass easily before the spring recess.",
            [("indirect", ["the farm bill would pass easily before the spring recess"], "figured", "Reyes")],
        ),
        (
            "The senator repeated her claim that the vote had been rigged.",
            [("indirect", ["her claim that the vote had been rigged"], "repeated", "The senator")],
        ),
        # a long quotation nobody is said to have said: kept, with no speaker made up
        (
            "Talks ended late.\n\n“The port will reopen on Friday and the ships will sail again.”",
            [("direct", ["“The port will reopen on Friday and the ships will sail again.”"], None, None)],
        ),
    ],
)
def test_quotes(text, expected):
    assert found(run(text)) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Heavy rain delayed the wheat harvest in the south on Monday.",
        'Markets rose after the so-called "trade war" cooled.',  # scare quotes
        'The show "Fox News Sunday" aired at noon.',  # a title in quotation marks
        "Unions had called the strike on Monday.",  # "called ... on Monday" is no call on anyone
        "The minister said.",  # a cue with nothing reported
        "The Latest: Markets steady after the vote.",  # a header, not a speaker
        "In Honolulu last week, he toured the port.",
        "Rain meant that the harvest was late.",  # open cues the attribution model finds unlikely
        "The minister made sure that the trains ran on time.",
        "As the minister was leaving, the farmers cheered.",  # "as" setting the time
    ],
)
def test_nothing_to_quote(text):
    assert found(run(text)) == []


def test_nested_attribution_is_the_outer_speakers():
    # Reyes said that Lund told him ...: Lund's words reach the story only through Reyes.
    [quote] = found(run("Reyes said that Lund had told him the deal was dead."))
    assert quote[2:] == ("said", "Reyes")


def test_cue_inside_quoted_words_is_not_a_quote_of_its_own():
    [quote] = found(run('"I told him the deal was dead," Reyes said.'))
    assert quote[2:] == ("said", "Reyes")


def test_speakers_resolve_through_the_actors_chain():
    analysis = run(
        "Japan is doing well, Federation Council International Affairs Committee Chairman "
        "Konstantin Kosachev said on Friday.\n\n"
        '"We see real progress," the lawmaker explained.\n\n'
        '"There should be a better climate," he stressed.'
    )
    speakers = [analysis.actor(q.speaker_id) for q in analysis.quotes]
    assert [s.name if s else None for s in speakers] == ["Konstantin Kosachev"] * 3
    assert speakers[1].country == "RUS" and speakers[1].sector == "LEG"
    assert [q.speaker_kind for q in analysis.quotes] == ["name", "nominal", "pronoun"]


def test_quote_is_about_the_actors_it_mentions():
    analysis = run("Kosachev said Japan and Russia had stepped up dialogue.")
    [quote] = analysis.quotes
    assert {analysis.actor(a).country for a in quote.about} >= {"JPN", "RUS"}


def test_no_speaker_is_made_up():
    # With no actor mention at the speaker (here: no actors stage at all), the mention span is
    # kept and the actor stays None.
    article = Article(headline="Head", paragraphs=('"We agree," the lawmaker said.',), origin="t")
    doc = nlp.load()(article.text)
    [quote] = extract_quotes(doc, Analysis(article))
    assert article.text[quote.speaker_start : quote.speaker_end] == "the lawmaker"
    assert quote.speaker_id is None and quote.speaker_kind == "nominal"


def test_speaker_resolves_only_through_the_mention_at_its_head():
    # A mention of Russia inside "A Russian senator" is not the senator.
    article = Article(headline="Head", paragraphs=("A Russian senator said the talks went well.",), origin="t")
    doc = nlp.load()(article.text)
    start = article.text.index("Russian")
    russia = Actor("RUS", "country", "Russia", country="RUS")
    analysis = Analysis(
        article, actors=(russia,), mentions=(Mention(0, start, start + 7, 1, "Russian", "demonym", "RUS"),)
    )
    [quote] = extract_quotes(doc, analysis)
    assert quote.speaker_id is None
    senator = Actor("person:x", "person", "Ivan X", country="RUS", sector="LEG")
    end = article.text.index(" said")
    mentions = analysis.mentions + (Mention(1, start - 2, end, 1, "A Russian senator", "nominal", "person:x"),)
    [quote] = extract_quotes(doc, dataclasses.replace(analysis, actors=(russia, senator), mentions=mentions))
    assert quote.speaker_id == "person:x"


def test_offsets_and_indexes():
    analysis = run('"One," she said.\n\nThe envoy said the talks would resume.')
    assert [q.index for q in analysis.quotes] == [0, 1]
    for quote in analysis.quotes:
        assert quote.start == quote.parts[0][0] and quote.end == quote.parts[-1][1]
        sentence = analysis.sentences[quote.sentence]
        assert sentence.start <= quote.cue_start < sentence.end


def test_nominal_speaker_is_the_last_person_of_the_same_role():
    # "the minister" is the last minister named, though an envoy (a compatible role) came since.
    analysis = run(
        "Foreign Minister Tomas Reyes met Defence Minister Ana Vidal in Lima on Monday.\n\n"
        "Trade envoy Olha Marchenko also attended.\n\n"
        "The minister said the talks would resume in June."
    )
    [quote] = analysis.quotes
    assert analysis.actor(quote.speaker_id).name == "Ana Vidal"


def test_open_candidates_are_kept_only_when_likely():
    # Every candidate comes out with no threshold; none with an impossible one.
    article = Article(headline="Head", paragraphs=("Rain meant that the harvest was late.",), origin="t")
    doc = nlp.load()(article.text)
    [quote] = extract_quotes(doc, Analysis(article), min_likelihood=0.0)
    assert (quote.cue_lemma, article.text[quote.start : quote.end]) == ("mean", "the harvest was late")
    assert extract_quotes(doc, Analysis(article), min_likelihood=1.0) == ()


def test_two_cues_reading_the_same_words_make_one_quote():
    # "declined" reports "to say whether ...", "say" reports "whether ...": one quote, the likelier
    analysis = run("The spokeswoman declined to say whether the envoy had broken the rules.")
    assert found(analysis) == [("indirect", ["whether the envoy had broken the rules"], "say", "The spokeswoman")]


def test_a_generic_institution_noun_is_the_organization_named_before_it():
    # "the company": Brunswick Energy's name does not hold the word, but it is the body named last
    analysis = run(
        "Brunswick Energy Inc. cancelled 40 flights on Monday.\n\n"
        '"We had no other choice," the company said in a statement.'
    )
    [quote] = analysis.quotes
    assert quote.speaker_kind == "nominal" and analysis.actor(quote.speaker_id).name == "Brunswick Energy Inc."


def test_the_ministry_is_the_government_whose_ministry_was_named_not_the_last_organization():
    analysis = run(
        "The Russian Foreign Ministry strongly condemned the new sanctions against Brunswick Energy Inc.\n\n"
        '"This is theft," the ministry said in a statement.'
    )
    quote = analysis.quotes[-1]
    assert quote.speaker_kind == "nominal" and quote.speaker_id == "RUSGOV"


def test_a_statement_speaks_for_its_author():
    owned = run(
        'The Tidewater Workers Union rejected the offer.\n\n"Members deserve better," the union\'s Friday release said.'
    )
    assert owned.actor(owned.quotes[-1].speaker_id).name == "Tidewater Workers Union"
    unowned = run(
        'Brunswick Energy Inc. cancelled 40 flights on Monday.\n\n"We had no other choice," a statement said.'
    )
    assert unowned.actor(unowned.quotes[-1].speaker_id).name == "Brunswick Energy Inc."


def test_a_quote_is_about_a_country_it_names_as_a_place():
    analysis = run(
        "Chile and Peru held talks in Lima on Monday.\n\n"
        '"There should be a better climate both in Chile and in Peru," the envoy said.'
    )
    quote = analysis.quotes[-1]
    assert {"CHL", "PER"} <= set(quote.about)


def test_a_page_label_is_no_speaker():
    analysis = run("Lena Moss spoke in Halifax on Monday.\n\nWATCH: Moss greets supporters at the harbour rally")
    assert not any(
        analysis.article.text[q.speaker_start : q.speaker_end] == "WATCH"
        for q in analysis.quotes
        if q.speaker_start is not None
    )
    assert not any(a.name == "WATCH" for a in analysis.actors)
