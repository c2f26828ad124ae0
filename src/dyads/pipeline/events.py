"""The events stage: who did what to whom, sentence by sentence, as PLOVER events.

Trigger words (``data/event-triggers.tsv``) name an event; the dependency parse
gives its parties, which the actors stage resolves (``Analysis.mention_at``). No
party is taken from another sentence except through the actors stage's
coreference chains. Control words compose with the event they govern ("agreed to
meet": AGREE), future cooperation is AGREE and announced coercion a threat
(``data/event-intents.tsv``); statements and appeals (CAMEO 01, 02) are no events.

    >>> from dyads import nlp
    >>> from dyads.records import Article, Analysis
    >>> a = Article(headline="", paragraphs=("Rebels shelled the town.",), origin="t")
    >>> extract_events(nlp.load()(a.text), Analysis(a))   # no actors resolved: no events
    ()
"""

from __future__ import annotations

import dataclasses
import functools
import logging
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span, Token

from dyads import ontology
from dyads.pipeline import event_coder, frames
from dyads.pipeline.dates import EXPLICIT_YEAR_KINDS, StoryDate, find_dates, is_historical, resolve_text, story_when
from dyads.gazetteer import locate
from dyads.ontology import entity_code, party_actor
from dyads.pipeline.reporting import (
    FIRST_PERSON,
    SPEECH_VERBS,
    clause_speaker,
    enclosing_quote,
    quote_speaker,
    quotes_of,
)
from dyads.pipeline.triggers import Trigger, coded, combine, match, objects_and_modifiers
from dyads.records import Actor, Analysis, Event, Sentence

log = logging.getLogger(__name__)

# Verbs that carry an event noun: "held talks", "launched an attack", "imposed sanctions".
LIGHT_VERBS = frozenset(
    {
        "hold",
        "have",
        "conduct",
        "stage",
        "launch",
        "carry",
        "mount",
        "impose",
        "sign",
        "reach",
        "make",
        "issue",
        "give",
        "begin",
        "start",
        "open",
        "resume",
        "renew",
        "host",
        "attend",
        "join",
        "undertake",
        "step",
        "intensify",
        "escalate",
        "expand",
        "announce",
        "declare",
        "order",
        "approve",
        "adopt",
        "organize",
        "organise",
        "lodge",
        "file",
        "level",
        "offer",
        "extend",
        "continue",
        "seal",
        "strike",
        "conclude",
        "clinch",
        "broker",
        "complete",
        "use",
        "enter",
        "engage",
        "lead",
        "wage",
        "unleash",
        "perform",
        "pursue",
        "take",
        "maintain",
        "follow",
        "resort",
        "reimpose",
        "tighten",
        "accept",
        "convene",
        "arrange",
        "agree",
        "go",
        "dispatch",
        "send",
        "pay",
        "speed",
        "accelerate",
        "hasten",
        "wag",  # spaCy's lemma of "waged" ("waged a sanctions war")
    }
)
# Verbs whose passive subject is the doer of the event noun they carry: "were engaged in
# ethnic cleansing" (a passive that describes a state, not one with a hidden agent).
STATE_PASSIVES = frozenset({"engage", "involve"})
# Mention kinds that name someone: words inside them are names, never event triggers
# ("the Ceasefire Violations Committee", "Asia-Pacific Economic Cooperation").
NAME_KINDS = frozenset({"name", "surname", "organization", "group"})
NAME_ENTITY_LABELS = frozenset({"ORG", "PERSON", "FAC", "WORK_OF_ART", "LAW", "PRODUCT"})
# Mention kinds preferred when several name parts of one noun phrase ("the pro-Iranian
# Hizbollah group" is Hizbollah, not Iran).
_NAMED_FIRST = ("name", "organization", "group", "surname", "capital", "country", "nominal", "demonym", "pronoun")
SPEECH_PRONOUNS = frozenset({"it", "he", "she"})
PLURAL_PRONOUNS = frozenset({"they", "them", "their", "theirs"})
# Mention kinds that can make a state visit: people, and states by name or capital
# ("Russian tourists arriving in Vietnam" or an airline's flights are no visits).
VISITOR_KINDS = frozenset({"name", "surname", "nominal", "pronoun", "country", "capital"})
OFFICIAL_SECTORS = frozenset({"GOV", "LEG", "MIL", "JUD", "COP", "ELI", "PTY", "OPP", "IGO", "SPY"})
CONDITIONAL_MODALS = frozenset({"may", "might", "could"})
# Intentions that say nothing of cooperation or conflict until their content is known.
OPEN_INTENTS = frozenset({"plan", "intend", "decide", "prepare"})
# Verbs whose subject is an event noun that happened: "talks took place", "fighting erupted".
OCCURRENCE_VERBS = frozenset(
    {"take", "begin", "start", "erupt", "continue", "resume", "break", "open", "occur", "happen", "rage", "end", "kick"}
)
# Prepositions that place an event noun in its clause: "said at a meeting", "killed in an attack".
SCENE_PREPS = frozenset({"at", "during", "after", "following", "in", "amid", "before"})
PLACE_PREPS = frozenset({"in", "at", "near", "outside", "inside", "into", "around"})
FUTURE_WORDS = frozenset({"will", "would", "shall", "'ll", "wo"})
HYPOTHETICAL_WORDS = frozenset({"if", "unless", "may", "might", "could", "should", "whether"})
DEMONSTRATIVES = frozenset({"this", "that", "which", "it", "these", "those"})
_PERFECT_AUX = frozenset({"have", "has", "had", "'ve"})
# Verbs whose present passive tells a state that lasts, not an act of the day ("the islands
# are occupied", "the port is blockaded"): background, with no date of its own.
STATE_VERBS = frozenset(
    {
        "occupy",
        "control",
        "hold",
        "blockade",
        "besiege",
        "annex",
        "ban",
        "sanction",
        "isolate",
        "detain",
        "imprison",
        "jail",
    }
)
_PRESENT_BE = frozenset({"is", "are", "am", "remains", "remain", "'s", "'re"})
# Nouns of a "for ..." phrase that make an act a lasting one ("for many years", "for decades").
DURATION_NOUNS = frozenset({"year", "decade", "month", "century"})
# Types that PLOVER codes as refusals when denied: "will not allow" is a refusal to yield.
_NEGATED_AS_REJECT = frozenset({"AGREE", "CONCEDE", "RETREAT"})

# Confidence: a calibration by hand on the design sample and the PLOVER dev set's error
# categories; each step is what one kind of evidence adds or costs.
CONFIDENCE_BASE = 0.45
CONFIDENCE_DIRECT_ACTOR = 0.2  # the actor is the parsed subject, agent or possessor
CONFIDENCE_RECIPIENT = 0.15  # a recipient was found, or the type needs none
CONFIDENCE_VERB = 0.1  # a verb trigger (nouns are vaguer)
CONFIDENCE_SPECIFIC = 0.05  # the trigger row had conditions that held
CONFIDENCE_HYPOTHETICAL = -0.25
CONFIDENCE_NEGATED = -0.1
CONFIDENCE_QUOTED = -0.05


@dataclass(frozen=True)
class Coding:
    """How the learned coder (``pipeline/event_coder.py``) joins the trigger rules.

    Each value is chosen by ``dyads eval events --folds K`` (K-fold cross-validation over
    the gold records: chosen on K-1 folds, scored on the one left out); ``CODING`` holds the
    choice made on all of them.
    """

    weight: float = 0.0  # confidence added per unit of the coder's P(type) of a rule event
    retype: float = 1.0  # a rule event takes the coder's type when P(best) - P(its type) >= this
    fill: float = 1.01  # a sentence with no rule event gets the coder's when P(best) >= this
    # an act with no recipient found takes one from its clause: 0 never; 1 from a target
    # phrase or object (``_clause_targets``); 2 also any other party its clause names
    recipients: int = 0

    @property
    def uses_coder(self) -> bool:
        return self.weight > 0 or self.retype < 1.0 or self.fill <= 1.0


RULES_ONLY = Coding()
# Chosen by 5-fold CV on the PLOVER dev records (``dyads eval events --folds 5``; see README),
# each fold scored with only the trigger rows supported outside it (other folds, the NGEC
# training stories, the manuals' own words): four folds of five choose fill 0.4 (the grid stops
# there: see CODING_GRID in evaluate/events.py). With every row the
# rules fit dev so well that the coder never seemed to help.
CODING = Coding(weight=0.0, retype=1.0, fill=0.4, recipients=2)
# Prepositions whose object is the target of a directed act with no recipient found
# ("sanctions war against Russia", "pressure on Kyiv", "aid to Gaza"); the set is PLOVER's
# target phrases (manual §3, "against / with / to / on"), not tuned.
TARGET_PREPS = ("against", "on", "to", "toward", "towards", "at", "with", "upon")
# Types whose parties are all actors when the coder codes them (PLOVER §2: meetings, joint acts).
MUTUAL_TYPES = frozenset({"CONSULT", "COOPERATE"})
# Acts whose doer the text does not name as an actor ("were killed by a roadside bomb",
# "demonstrators in Baghdad blocked a road"): PLOVER codes the doer as the unidentified
# armed forces (UAF) or the civilians (CVL) of the country where it happened, so the act
# keeps that country as its actor.
UNNAMED_DOER_TYPES = frozenset({"ASSAULT", "PROTEST"})


@dataclass
class _Party:
    actor_id: str
    start: int
    end: int
    direct: bool = True
    kind: str | None = None  # the mention kind that named it


class _NoActor:
    kind = None
    sector = None


_NO_ACTOR = _NoActor()


@dataclass
class _Draft:
    """An event under construction for one trigger token."""

    token: Token
    trigger: Trigger
    cameo: str
    type: str
    mode: str | None
    content: Token | None = None
    content_trigger: Trigger | None = None
    actors: list[_Party] = field(default_factory=list)
    recipients: list[_Party] = field(default_factory=list)
    future: bool = False
    negated: bool = False
    hypothetical: bool = False


def extract_events(doc: Doc, analysis: Analysis, *, coding: Coding = CODING) -> tuple[Event, ...]:
    """Every event the article's sentences tell, with parties resolved to actors.

    Args:
        doc: the spaCy parse of ``analysis.article.text``.
        analysis: the article with its sentences, actors and mentions.
        coding: how the learned coder joins the rules (``CODING``, chosen by cross-validation).
    """
    context = _Context(doc, analysis, coding)
    events: list[Event] = []
    for sentence in analysis.sentences:
        span = doc.char_span(sentence.start, sentence.end, alignment_mode="expand")
        if span is not None:
            events += _sentence_events(span, sentence, context)
    events = _without_headline_repeats(events, analysis)
    return tuple(dataclasses.replace(e, index=i) for i, e in enumerate(events))


def _name_tokens(doc: Doc, analysis: Analysis) -> set[int]:
    """Indices of tokens inside names of people, organizations and groups."""
    spans = [(m.start, m.end) for m in analysis.mentions if m.kind in NAME_KINDS]
    spans += [(e.start_char, e.end_char) for e in doc.ents if e.label_ in NAME_ENTITY_LABELS and len(e) > 1]
    names = set()
    for start, end in spans:
        chars = doc.char_span(start, end, alignment_mode="expand")
        if chars is not None:
            names.update(range(chars.start, chars.end))
    return names


class _Context:
    """What every sentence needs: the document, the analysis, quotes and the story date."""

    def __init__(self, doc: Doc, analysis: Analysis, coding: Coding = CODING) -> None:
        self.doc = doc
        self.coding = coding
        self.coder = event_coder.load() if coding.uses_coder else None
        self.analysis = analysis
        self.quotes = quotes_of(analysis)
        self.story = StoryDate.of(analysis.article)
        self.names = _name_tokens(doc, analysis)

    def actor(self, actor_id: str | None) -> Actor | None:
        return party_actor(self.analysis, actor_id)


# -- one sentence ------------------------------------------------------------------------


def _sentence_events(span: Span, sentence: Sentence, context: _Context) -> list[Event]:
    drafts = _drafts(span, context.names)
    events = []
    seen = set()
    for draft in drafts:
        _find_parties(draft, context)
        if not draft.actors and draft.type in UNNAMED_DOER_TYPES and draft.recipients:
            draft.actors = _scene_country(draft, sentence, span, context)
        if not draft.actors:
            continue
        if draft.trigger.lemma == "must" and not draft.recipients:
            continue  # "the parties must resolve ...": a demand needs someone it is made of
        if draft.trigger.lemma in OPEN_INTENTS and draft.content is None:
            continue  # "planning to cut short the air war": the plan's content decides, and is unknown
        if draft.trigger.frame == "threaten" and draft.content is None and not draft.recipients:
            continue  # "a fleet which threatens security": a danger, not a threat made to anyone
        event = _event(draft, sentence, span, context)
        key = (event.type, frozenset(event.actors), frozenset(event.recipients))
        if key in seen:
            continue
        seen.add(key)
        events.append(event)
    if context.coder is not None:
        events = _blend(events, context.coder.probabilities(span), span, sentence, context)
    return events


def _blend(
    events: list[Event], probabilities: dict[str, float], span: Span, sentence: Sentence, context: _Context
) -> list[Event]:
    """The rules' events weighed by the coder, or the coder's own when the rules found none."""
    coding = context.coding
    best = max(probabilities, key=probabilities.get)
    blended = []
    for event in events:
        if probabilities[best] - probabilities.get(event.type, 0.0) >= coding.retype and event.type != best:
            event = _retyped(event, best)
        confidence = event.confidence + coding.weight * probabilities.get(event.type, 0.0)
        blended.append(dataclasses.replace(event, confidence=round(confidence, 3)))
    if not blended and probabilities[best] >= coding.fill:
        event = _coder_event(best, span, sentence, context)
        if event is not None:
            blended.append(event)
    return blended


def _retyped(event: Event, type_name: str) -> Event:
    cameo = ontology.cameo(_type_cameo(type_name))
    return dataclasses.replace(
        event,
        type=type_name,
        mode=None,
        cameo=cameo.code,
        cameo_root=cameo.root,
        goldstein=cameo.goldstein,
        quad_class=cameo.quad_class,
        score=ontology.plover_score(type_name, None),
        contexts=ontology.contexts_of(cameo.code),
    )


@functools.cache
def _type_cameo(type_name: str) -> str:
    """The most general CAMEO code the crosswalk gives a PLOVER type with no mode."""
    codes = [c for c in ontology.cameo_codes() if ontology.plover_of(c) == (type_name, None)]
    return min(codes, key=lambda c: (len(c), c))


def _coder_event(type_name: str, span: Span, sentence: Sentence, context: _Context) -> Event | None:
    """The coder's event for a sentence no trigger coded: the main clause's doer and target."""
    verb = span.root
    while verb.lemma_.lower() in SPEECH_VERBS:
        told = [c for c in verb.children if c.dep_ in ("ccomp", "xcomp") and c.pos_ in ("VERB", "AUX")]
        if not told:
            return None  # a statement and nothing it tells
        verb = told[0]
    if verb.pos_ not in ("VERB", "AUX"):
        return None
    frame = "mutual" if type_name in MUTUAL_TYPES else "directed"
    trigger = Trigger(
        verb.lemma_.lower(), "V", _type_cameo(type_name), type_name, None, frame, ("obj",) + TARGET_PREPS, ()
    )
    draft = _Draft(verb, trigger, *coded(trigger))
    _modality(draft)
    _find_parties(draft, context)
    if not any(entity_code(context.actor(p.actor_id)) for p in draft.actors):
        return None
    return dataclasses.replace(_event(draft, sentence, span, context), found_by="model")


def _drafts(span: Span, names: set[int]) -> list[_Draft]:
    """Trigger tokens with their coding, control words merged with what they govern."""
    found = {t.i: trig for t in span if t.i not in names and (trig := _trigger(t)) is not None}
    governed: set[int] = set()
    musts = _must_requests(span, found, governed)
    drafts = []
    for i, trigger in sorted(found.items(), key=lambda item: _depth(span.doc[item[0]])):
        if i in governed:
            continue
        token = span.doc[i]
        draft = _Draft(token, trigger, *coded(trigger))
        if trigger.is_control:
            content = _content(token, found)
            if content is not None:
                governed.add(content.i)
                draft.content, draft.content_trigger = content, found[content.i]
            content_type = coded(found[content.i])[1] if content is not None else None
            draft.cameo, draft.type, draft.mode = combine(trigger.frame, content_type) or coded(trigger)
        else:
            # "signed an agreement", "lifted the sanctions": the object the row asks for is
            # part of this act, not an act of its own
            wanted = {lemma for key, lemmas in trigger.requires if key == "obj" for lemma in lemmas}
            governed.update(t.i for t in objects_and_modifiers(token) if t.i in found and t.lemma_.lower() in wanted)
        drafts.append(draft)
    drafts += musts
    for draft in drafts:
        _modality(draft)
    return drafts


def _trigger(token: Token) -> Trigger | None:
    trigger = match(token)
    if trigger is None:
        return None
    if token.dep_ in ("amod",) and token.pos_ == "VERB":
        return None  # "the banned movement": a description, not an event
    if trigger.pos == "N" and not _licensed(token):
        return None
    return trigger


def _licensed(noun: Token) -> bool:
    """Whether an event noun tells an event here: carried by a light verb, said to
    happen, placed in a clause ("at a meeting"), or given its doer ("Israel's raid")."""
    node = noun.head if noun.dep_ == "compound" else noun
    head = node.head
    if node.dep_ in ("dobj", "nsubjpass", "attr", "obj") and head.lemma_.lower() in LIGHT_VERBS:
        return True
    if node.dep_ == "nsubj" and head.lemma_.lower() in OCCURRENCE_VERBS:
        return True
    if node.dep_ == "pobj" and head.lower_ in SCENE_PREPS and head.head.pos_ in ("VERB", "AUX"):
        return True
    if node.dep_ == "conj":
        return _licensed(node.head)
    if match(noun) is not None and match(noun).frame == "agree":
        return False  # "the Paris accord", "Iraq's proposal": a name or a topic, not an act here
    owners = [c for c in node.children if c.dep_ == "poss" or (c.dep_ == "amod" and c.ent_type_ == "NORP")]
    return bool(owners or frames.agents(node) or frames.prep_objects(node, ("by",)))


def _content(control: Token, found: dict[int, Trigger]) -> Token | None:
    """The event a control word governs: its complement clause or object, breadth first."""
    queue = [
        c
        for c in control.children
        if c.dep_ in ("xcomp", "ccomp", "dobj", "prep", "acomp", "pobj", "nsubjpass", "advcl", "acl", "attr")
    ]
    if control.pos_ == "ADJ":
        queue += [c for c in control.head.children if c.dep_ == "xcomp"]
    seen = set()
    for _ in range(4):
        next_queue = []
        for node in queue:
            if node.i in seen or node.i == control.i:
                continue
            seen.add(node.i)
            if node.i in found:
                return node
            next_queue += [c for c in node.children if c.dep_ not in ("relcl", "nsubj", "advcl", "conj")]
        queue = next_queue
    return None


def _must_requests(span: Span, found: dict[int, Trigger], governed: set[int]) -> list[_Draft]:
    """ "X said/declared that Y must Z": a demand by X on Y (CAMEO 10)."""
    drafts = []
    for token in span:
        if token.lower_ != "must" or token.dep_ != "aux":
            continue
        verb = token.head
        target = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")]
        governor = verb.head
        if verb.dep_ not in ("ccomp", "acl", "relcl") or not target:
            continue
        content = verb if verb.i in found else None
        if content is not None:
            governed.add(content.i)
        content_type = coded(found[content.i])[1] if content is not None else None
        pseudo = Trigger("must", "V", "100", None, None, "request", (), ())
        draft = _Draft(governor, pseudo, *(combine("request", content_type) or ("100", "REQUEST", None)))
        draft.content, draft.content_trigger = verb, found.get(verb.i)
        drafts.append(draft)
    return drafts


def _depth(token: Token) -> int:
    depth = 0
    while token.head.i != token.i:
        token, depth = token.head, depth + 1
    return depth


def _modality(draft: _Draft) -> None:
    token = draft.content if draft.content is not None else draft.token
    own = frames.own_modals(token) | frames.own_modals(draft.token)
    above = frames.modal_words(draft.token)
    draft.future = bool(own & FUTURE_WORDS) or draft.trigger.frame in ("intent",) or _going_to(token)
    draft.hypothetical = bool(above & HYPOTHETICAL_WORDS) or _infinitive_of_noun(token)
    draft.negated = frames.is_negated(draft.token) or (draft.content is not None and frames.is_negated(draft.content))
    if draft.trigger.is_control:
        return
    if draft.negated and draft.type in _NEGATED_AS_REJECT:
        draft.cameo, draft.type, draft.mode = combine("reject", draft.type)
        draft.negated = False  # the refusal is what happened
    elif (draft.future or own & CONDITIONAL_MODALS) and not draft.negated:
        # "will" cooperate is an agreement; "will"/"may" coerce a threat (PLOVER §2, CAMEO 13)
        composed = combine("future", draft.type)
        if composed is not None and composed[1] != draft.type:
            draft.cameo, draft.type, draft.mode = composed


def _infinitive_of_noun(token: Token) -> bool:
    """ "opportunities for Cuba to cooperate", "efforts to bolster ties": a possibility, not an event."""
    verb = frames.clause_verb(token)
    return (
        verb.dep_ in ("acl", "relcl")
        and verb.head.pos_ == "NOUN"
        and any(c.tag_ == "TO" for c in verb.children)
        and match(verb.head) is None
    )


def _going_to(token: Token) -> bool:
    verb = frames.clause_verb(token)
    return verb.dep_ == "xcomp" and verb.head.lemma_ == "go" and verb.head.tag_ == "VBG"


# -- parties ---------------------------------------------------------------------------


def _find_parties(draft: _Draft, context: _Context) -> None:
    token, trigger = draft.token, draft.trigger
    doers = _doers(token, trigger)
    actors = _resolve_all(doers, context)
    if trigger.is_control:
        recipients = _control_recipients(draft, context, actors)
        content = draft.content_trigger
        if content is not None and content.frame == "mutual" and trigger.frame in ("agree", "intent"):
            recipients += _resolve_all(_mutual_others(draft.content), context, places=True)
    elif trigger.frame == "mutual":
        actors += _resolve_all(_mutual_others(token), context)
        recipients = []
    else:
        recipients = _resolve_all(_targets(token, trigger.recipient), context, places=True)
        if not recipients and (trigger.frame == "directed"):
            recipients = _demonstrative_target(token, trigger, context, actors)
    if trigger.frame == "visit":
        actors = [
            p
            for p in actors
            if p.kind in VISITOR_KINDS
            or (
                p.kind == "demonym"
                and (party_actor(context.analysis, p.actor_id) or _NO_ACTOR).sector in OFFICIAL_SECTORS
            )
        ]
    draft.actors = _unique(actors)
    ids = {p.actor_id for p in draft.actors}
    draft.recipients = [p for p in _unique(recipients) if p.actor_id not in ids]
    if not draft.recipients and trigger.frame != "mutual" and context.coding.recipients:
        draft.recipients = _unique(_clause_targets(draft, context, draft.actors))
    if not draft.recipients and draft.trigger.frame in ("agree", "intent"):
        # the other side only: a Japanese plan for Russian-Japanese cooperation is offered to Russia
        countries = {_country(context.actor(i)) for i in ids} - {None}
        draft.recipients = [
            p
            for p in _topic_parties(draft, context)
            if p.actor_id not in ids and _country(context.actor(p.actor_id)) not in countries
        ]


def _scene_country(draft: _Draft, sentence: Sentence, span: Span, context: _Context) -> list[_Party]:
    """The country where an act with no named doer happened: the place the clause gives
    it, else the first place a prepositional phrase of the sentence names ("outside the
    Somali town of Baidoa"), not a victim's country. Never the dateline (``_place`` reads
    it only for acts not taken as background): a story filed in Nicosia tells of attacks
    elsewhere."""
    place = _place(draft, sentence, span, context, True, None)
    if place.get("place_country"):
        return [_Party(place["place_country"], place["place_start"], place["place_end"], direct=False, kind="place")]
    taken = {(p.start, p.end) for p in draft.recipients}
    for ent in _entities_in(span):
        if ent.label_ not in ("GPE", "LOC") or ent.root.dep_ != "pobj" or (ent.start_char, ent.end_char) in taken:
            continue  # "US servicemen were killed": a victim's country is not the scene
        found = locate(ent.text)
        if found is not None and found.country:
            return [_Party(found.country, ent.start_char, ent.end_char, direct=False, kind="place")]
    return []


def _country(actor: Actor | None) -> str | None:
    return actor.country if actor else None


def _doers(token: Token, trigger: Trigger | None = None) -> list[Token]:
    """Tokens naming who does what ``token`` names."""
    if trigger is not None and trigger.pos == "A" and token.pos_ == "VERB":
        # "Israel is opposed to", "Iraq is prepared to": a participle used as an adjective
        if token.dep_ == "acomp":
            return frames.subjects(token.head)
        return frames.subjects(token) or [c for c in token.children if c.dep_ == "nsubjpass"]
    if token.pos_ in ("NOUN", "PROPN"):
        found = frames.agents(token) or frames.prep_objects(token, ("by",)) or frames.possessors(token)
        if found:
            return found
        return _governing_subjects(token)
    if token.pos_ == "ADJ":
        return frames.subjects(token.head)
    if frames.is_passive(token) or (token.dep_ == "acl" and token.tag_ == "VBN"):
        return frames.agents(token)
    return frames.subjects(token)


def _governing_subjects(noun: Token) -> list[Token]:
    """The subject of the verb that carries an event noun ("Kosachev said at a meeting")."""
    node = noun
    for _ in range(4):
        node = node.head
        if node.pos_ in ("VERB", "AUX"):
            if frames.is_passive(node):
                if node.lemma_.lower() in STATE_PASSIVES:
                    return [c for c in node.children if c.dep_ == "nsubjpass"]
                return frames.agents(node)
            return frames.subjects(node)
        if node.head.i == node.i:
            break
    return []


def _mutual_others(token: Token) -> list[Token]:
    """Every party of a meeting or joint act beside the subject: objects, "with", "between"."""
    found = frames.prep_objects(token, ("with", "between", "among"))
    if token.pos_ in ("VERB",):
        found = frames.objects(token) + found
        if not found and token.dep_ in ("xcomp",):
            found = frames.prep_objects(token.head, ("with",))
    else:
        found += [p for p in frames.possessors(token) if p not in found]
    return found


def _targets(token: Token, sources: tuple[str, ...]) -> list[Token]:
    """Recipient tokens by the trigger row's sources, in their order; for an event noun
    also on the noun it modifies ("mediation mission between") or the verb that carries
    it ("gave a welcome to")."""
    found = _own_targets(token, sources)
    if found or token.pos_ not in ("NOUN", "PROPN"):
        return found
    carrier = token.head
    if token.dep_ == "compound" or (token.dep_ in ("dobj", "attr") and carrier.lemma_.lower() in LIGHT_VERBS):
        return _own_targets(carrier, tuple(s for s in sources if s not in ("obj", "poss")))
    return []


def _own_targets(token: Token, sources: tuple[str, ...]) -> list[Token]:
    for source in sources:
        if source == "obj":
            found = frames.objects(token) if token.pos_ != "NOUN" else []
        elif source == "poss":
            found = [p for o in frames.objects(token) for p in frames.possessors(o)]
        elif source == "dative":
            found = [c for c in token.children if c.dep_ == "dative" and c.pos_ in ("NOUN", "PROPN", "PRON")]
            found += frames.prep_objects(token, ("to",)) if not found else []
        else:
            found = frames.prep_objects(token, (source,))
            if not found and token.pos_ == "VERB":
                # "fostering ties with Russia": the phrase hangs on the object
                found = [n for o in frames.objects(token) for n in frames.prep_objects(o, (source,))]
        if found:
            return found
    return []


def _clause_targets(draft: _Draft, context: _Context, actors: list[_Party]) -> list[_Party]:
    """An act's target named in its clause when the trigger row's sources found none: a
    target phrase on the trigger, its content, their objects or their verb ("sanctions war
    against Russia", "imposed on Iran"), else the verb's direct object; with
    ``Coding.recipients`` 2, else the first other party the clause names."""
    mine = {p.actor_id for p in actors}
    keep = lambda parties: [p for p in parties if p.actor_id not in mine]  # noqa: E731
    heads = [draft.token] + ([draft.content] if draft.content is not None else [])
    nodes = []
    for head in heads:
        verb = frames.clause_verb(head)
        nodes += [head] + [o for o in frames.objects(head) if head.pos_ == "VERB"]
        nodes += [verb] if verb.i != head.i else []
    found = keep(
        _resolve_all([n for node in nodes for n in frames.prep_objects(node, TARGET_PREPS)], context, places=True)
    )
    if not found:
        found = keep(
            _resolve_all(
                [o for node in nodes if node.pos_ in ("VERB", "AUX") for o in frames.objects(node)],
                context,
                places=True,
            )
        )
    if found or context.coding.recipients < 2:
        return found
    return keep(_clause_parties(draft, context))


def _clause_parties(draft: _Draft, context: _Context) -> list[_Party]:
    """Parties the trigger's clause names outside its doers' phrases, nearest the trigger
    first; the clause that reports it ("officials said") is not in it."""
    verb = frames.clause_verb(draft.content if draft.content is not None else draft.token)
    doers = {t.i for d in _doers(draft.token, draft.trigger) for t in d.subtree}
    nouns = [
        t
        for t in verb.subtree
        if t.pos_ in ("PROPN", "NOUN") and t.i not in doers and t.dep_ not in ("compound", "poss", "amod")
    ]
    nouns.sort(key=lambda t: abs(t.i - draft.token.i))
    for noun in nouns:
        party = _resolve(noun, context, places=True)
        if party is not None:
            return [party]
    return []


def _control_recipients(draft: _Draft, context: _Context, actors: list[_Party]) -> list[_Party]:
    token, frame = draft.token, draft.trigger.frame
    own = _resolve_all(_targets(token, draft.trigger.recipient), context, places=True)
    if own and frame != "request":
        return own
    content = draft.content
    if content is None:
        return own or _resolve_all(_complement_parties(token), context, places=True)
    if frame == "request":
        # the one asked is who should act: "demanded the withdrawal of Serbian forces",
        # "demanded that the United States match ...", "pressured workers to cancel"
        asked = own or _resolve_all(_doers(content), context)
        asked = [p for p in asked if p.actor_id not in {a.actor_id for a in actors}]
        # "a stern reminder to Iraq that it must ...", "the withdrawal of Serbian forces"
        addressed = _targets(token, ("dative", "to"))
        if not addressed and token.pos_ == "NOUN":
            addressed = _targets(token.head, ("dative", "to"))
        return asked or _resolve_all(addressed + frames.prep_objects(content, ("of",)), context, places=True)
    if frame == "accuse":
        # the blamed is whoever did the blamed act: "condemned Israel's raids"
        return _resolve_all(_doers(content), context, places=True)
    if frame == "reject":
        by = frames.possessors(content) + frames.prep_objects(content, ("by", "from"))
        return _resolve_all(by, context) or _resolve_all(
            _targets(content, draft.content_trigger.recipient), context, places=True
        )
    return _resolve_all(_targets(content, draft.content_trigger.recipient), context, places=True) or _resolve_all(
        _complement_parties(token), context, places=True
    )


def _complement_parties(control: Token) -> list[Token]:
    """Parties named inside a control word's complement ("threatened to cut power to X")."""
    found = []
    for node in control.subtree:
        if (
            node.dep_ == "pobj"
            and node.head.lower_ in ("to", "against", "on", "with", "from", "for", "in")
            and node.head.head.i != control.head.i
        ):
            found.append(node)
    return found


def _demonstrative_target(token: Token, trigger: Trigger, context: _Context, actors: list[_Party]) -> list[_Party]:
    """Praise of "this" or "which" is praise of whoever did it: the subject of the clause
    the pronoun points to, in the same sentence ("Japan is cultivating ties ... and
    Moscow appreciates this")."""
    objects = frames.objects(token)
    if not objects or objects[0].lower_ not in DEMONSTRATIVES or trigger.cameo[:2] not in ("05", "11"):
        return []
    mine = {p.actor_id for p in actors}
    pronoun = objects[0]
    verbs = [t for t in token.sent if t.pos_ in ("VERB", "AUX") and t.i < token.i and t.i != token.i]
    if pronoun.lower_ == "which" and token.dep_ == "relcl":
        verbs = [frames.clause_verb(token.head)] + verbs[::-1]
    else:
        verbs = verbs[::-1]
    for verb in verbs:
        for party in _resolve_all(frames.subjects(verb), context):
            if party.actor_id not in mine:
                return [party]
    return []


def _topic_parties(draft: _Draft, context: _Context) -> list[_Party]:
    """For an offer or plan with no named recipient: the other side of the cooperation it is
    about ("a plan for cooperation between Russia and Japan, proposed by Abe")."""
    nodes = frames.objects(draft.token)
    for node in list(nodes):
        if node.dep_ == "attr":
            nodes += [c for c in node.head.children if c.dep_ == "nsubj"]
    found = []
    for node in nodes:
        for inner in node.subtree:
            if inner.dep_ == "prep" and inner.lower_ in ("between", "with"):
                found += [n for c in inner.children if c.dep_ == "pobj" for n in frames.conjuncts(c)]
    return _resolve_all(found, context)


def _resolve_all(tokens: list[Token], context: _Context, *, places: bool = False) -> list[_Party]:
    parties = []
    for token in tokens:
        party = _resolve(token, context, places=places)
        if party is not None:
            parties.append(party)
    return parties


def _resolve(token: Token, context: _Context, *, places: bool = False, depth: int = 0) -> _Party | None:
    """The actor a noun-phrase head stands for, through the actors stage's mentions; with
    ``places``, a place that is no actor stands for its country (a recipient "in Montenegro")."""
    if token.lower_ in FIRST_PERSON:
        # a speaker's "we" is the speaker's side, whatever chain it was put in
        speaker_side = _first_person(token, context)
        if speaker_side is not None:
            return speaker_side
    mention = _mention(token, context)
    if (
        mention is not None
        and token.lower_ in PLURAL_PRONOUNS
        and (party_actor(context.analysis, mention.actor_id) or _NO_ACTOR).kind == "person"
    ):
        mention = None  # "they" is no one person
    if mention is not None:
        party = _Party(mention.actor_id, mention.start, mention.end, kind=mention.kind)
        if entity_code(party_actor(context.analysis, party.actor_id)) or depth:
            return party
        for appos in (c for c in token.children if c.dep_ == "appos"):
            # "Kenzo Oshima, the United Nations Emergency Relief Coordinator": the body he speaks for
            better = _resolve(appos, context, depth=1)
            if better is not None and entity_code(party_actor(context.analysis, better.actor_id)):
                return better
        return party
    if token.lower_ in FIRST_PERSON:
        return _first_person(token, context)
    if (
        token.lower_ in SPEECH_PRONOUNS
        and depth == 0
        and enclosing_quote(context.quotes, token.idx, token.idx + 1) is None
    ):
        teller = _reported_subject(token)
        if teller is not None:
            return _resolve(teller, context, depth=1)
    if places:
        place = _place_party(token, context)
        if place is not None:
            return place
    if depth == 0:
        owners = frames.possessors(token) + frames.prep_objects(token, ("of", "by", "from"))
        for owner in owners:
            party = _resolve(owner, context, places=places, depth=1)
            if party is not None:
                party.direct = False
                return party
    return None


def _mention(token: Token, context: _Context):
    """The actor mention for a noun-phrase head: the one covering the head word, else the
    best inside its phrase, names before demonyms ("the pro-Iranian Hizbollah group")."""
    analysis = context.analysis
    mention = analysis.mention_at(token.idx, token.idx + len(token))
    if mention is not None and mention.actor_id:
        return mention
    start, end = frames.phrase_span(token)
    inside = [m for m in analysis.mentions_in(start, end) if m.actor_id and m.start >= start and m.end <= end]
    if inside:
        return min(
            inside,
            key=lambda m: (
                _NAMED_FIRST.index(m.kind) if m.kind in _NAMED_FIRST else len(_NAMED_FIRST),
                -(m.end - m.start),
            ),
        )
    mention = analysis.mention_at(start, end)
    return mention if mention is not None and mention.actor_id else None


def _entity_of(token: Token) -> Span:
    """The named entity the token is part of, found from its IOB tags: as long as the
    entity, where a search of ``doc.ents`` would cost the whole document each time."""
    doc, start, end = token.doc, token.i, token.i + 1
    while doc[start].ent_iob_ == "I" and start > 0:
        start -= 1
    while end < len(doc) and doc[end].ent_iob_ == "I":
        end += 1
    return doc[start:end]


def _entities_in(span: Span) -> list[Span]:
    """``span.ents`` from the span's own IOB tags (spaCy's walks every entity of the
    document): the entities that start and end inside it, with their labels."""
    doc, ents = span.doc, []
    for token in span:
        if token.ent_iob_ == "B":
            end = token.i + 1
            while end < len(doc) and doc[end].ent_iob_ == "I":
                end += 1
            if end <= span.end:
                ents.append(Span(doc, token.i, end, label=token.ent_type))
    return ents


def _reported_subject(pronoun: Token) -> Token | None:
    """ "X announced it will ...": the pronoun subject of a reported clause is its teller."""
    verb = pronoun.head
    if pronoun.dep_ not in ("nsubj", "nsubjpass") or verb.dep_ not in ("ccomp", "xcomp"):
        return None
    teller = [c for c in verb.head.children if c.dep_ in ("nsubj", "nsubjpass") and c.pos_ != "PRON"]
    return teller[0] if teller else None


def _place_party(token: Token, context: _Context) -> _Party | None:
    """A named place as its country, for recipients: "lifted a curfew in Montenegro"."""
    place = next(
        (
            m
            for m in context.analysis.mentions_in(token.idx, token.idx + 1)
            if m.kind == "place" and m.start <= token.idx < m.end
        ),
        None,
    )
    if place is not None:
        name, start, end = place.text, place.start, place.end
    elif token.ent_type_ in ("GPE", "LOC"):
        ent = _entity_of(token)
        name, start, end = ent.text, ent.start_char, ent.end_char
    else:
        return None
    found = locate(name)
    if found is None or found.country is None:
        return None
    return _Party(found.country, start, end, direct=False)


def _first_person(token: Token, context: _Context) -> _Party | None:
    """ "We" in a quote: the speaker's country (a Russian senator's "we" is Russia)."""
    quote = enclosing_quote(context.quotes, token.idx, token.idx + len(token))
    if quote is None:
        return None
    speaker = context.actor(quote_speaker(context.doc, context.analysis, quote))
    if speaker is None:
        return None
    country = next(
        (
            a
            for a in context.analysis.actors
            if a.kind == "country" and a.country == speaker.country and speaker.country
        ),
        None,
    )
    chosen = country or speaker
    return _Party(chosen.id, token.idx, token.idx + len(token), direct=False, kind="pronoun")


def _unique(parties: list[_Party]) -> list[_Party]:
    seen, kept = set(), []
    for party in parties:
        if party.actor_id not in seen:
            seen.add(party.actor_id)
            kept.append(party)
    return kept


# -- the event record ------------------------------------------------------------------


def _event(draft: _Draft, sentence: Sentence, span: Span, context: _Context) -> Event:
    cameo = ontology.cameo(draft.cameo)
    when, date_span, date_source, explicit_year = _date(draft, span, context)
    historical = _background(draft.token) or (
        when is not None and is_historical(when, context.story, explicit_year=explicit_year)
    )
    if historical and date_source != "text":
        when, date_source = None, None
    place = _place(draft, sentence, span, context, historical, date_source)
    quote = enclosing_quote(context.quotes, draft.token.idx, draft.token.idx + len(draft.token))
    reporter = (
        quote_speaker(context.doc, context.analysis, quote) if quote else clause_speaker(draft.token, context.analysis)
    )
    trigger_start, trigger_end = _trigger_span(draft)
    return Event(
        index=0,
        sentence=sentence.index,
        type=draft.type,
        mode=draft.mode,
        cameo=cameo.code,
        cameo_root=cameo.root,
        goldstein=cameo.goldstein,
        quad_class=cameo.quad_class,
        score=ontology.plover_score(draft.type, draft.mode),
        contexts=ontology.contexts_of(cameo.code),
        actors=tuple(p.actor_id for p in draft.actors),
        recipients=tuple(p.actor_id for p in draft.recipients),
        actor_spans=tuple((p.start, p.end) for p in draft.actors),
        recipient_spans=tuple((p.start, p.end) for p in draft.recipients),
        trigger_start=trigger_start,
        trigger_end=trigger_end,
        start=sentence.start,
        end=sentence.end,
        date=when.date if when else None,
        date_year=when.year if when else None,
        date_month=when.month if when else None,
        date_day=when.day if when else None,
        date_precision=when.precision if when else None,
        date_source=date_source,
        date_start=date_span[0] if date_span else None,
        date_end=date_span[1] if date_span else None,
        **place,
        negated=draft.negated,
        future=draft.future,
        hypothetical=draft.hypothetical,
        historical=historical,
        quoted=quote is not None,
        reported_by=reporter,
        confidence=_confidence(draft, quote is not None),
    )


def _trigger_span(draft: _Draft) -> tuple[int, int]:
    tokens = [draft.token] + ([draft.content] if draft.content is not None else [])
    tokens += [c for c in draft.token.children if c.dep_ == "prt"]
    start = min(t.idx for t in tokens if t.sent == draft.token.sent)
    end = max(t.idx + len(t) for t in tokens if t.sent == draft.token.sent)
    if draft.trigger.lemma == "must":
        return draft.content.idx, draft.content.idx + len(draft.content)
    return start, end


def _date(draft: _Draft, span: Span, context: _Context):
    """(When, (start, end) of the date words, source, whether they name the year)."""
    text = span.text
    content = {draft.content.i, frames.clause_verb(draft.content).i} if draft.content is not None else set()
    anchors = {frames.clause_verb(draft.token).i, draft.token.i} | content
    for start, end, kind in find_dates(text):
        char_start = span.start_char + start
        tokens = span.doc.char_span(char_start, span.start_char + end, alignment_mode="expand")
        if tokens is None or not _attached(tokens, anchors):
            continue
        when = resolve_text(text[start:], context.story, future=_still_to_come(draft, tokens, content))
        if when is not None:
            return when, (char_start, span.start_char + end), "text", kind in EXPLICIT_YEAR_KINDS
    when = story_when(context.story)
    if when is None:
        return None, None, None, False
    return when, None, "published" if context.story.published else "dateline", False


# Control frames whose governed act is still to come: "agreed to meet in April", "plans to visit".
_AHEAD_FRAMES = frozenset({"agree", "intent", "request", "threaten"})


def _still_to_come(draft: _Draft, date_words: Span, content: set[int]) -> bool:
    """Whether the act the date words belong to lies ahead of the story: an event told in
    the future, or the act an agreement, plan, request or threat governs ("agreed to meet
    again in April"), not the agreeing ("agreed in February to reopen"). ``content``: the
    governed act's token and clause verb, if any."""
    return draft.future or (bool(content) and draft.trigger.frame in _AHEAD_FRAMES and _attached(date_words, content))


def _attached(tokens: Span, anchors: set[int]) -> bool:
    """Whether date words belong to the event's clause (their head chain reaches it before another verb)."""
    node = tokens.root
    for _ in range(6):
        if node.i in anchors:
            return True
        if node.pos_ in ("VERB", "AUX") and node.i not in anchors and node.i != tokens.root.i:
            return False
        if node.head.i == node.i:
            return False
        node = node.head
    return False


def clause_speaker_verb(verb: Token) -> Token | None:
    """The speech verb whose reported clause ``verb`` is in, if any."""
    node = verb
    while node.head.i != node.i:
        if node.dep_ in ("ccomp", "parataxis") and node.head.lemma_.lower() in SPEECH_VERBS:
            return node.head
        node = node.head
    return None


def _background(token: Token) -> bool:
    """Told as background rather than news: a perfect-tense relative clause describing an
    actor ("G7 countries, which have pursued a tough line"), or a past-perfect clause."""
    verb = frames.clause_verb(token)
    aux = {c.lower_ for c in verb.children if c.dep_ == "aux"}
    if "had" in aux and verb.tag_ == "VBN" and clause_speaker_verb(verb) is None:
        return True  # past perfect, unless it is the back-shift of reported speech
    if _lasting(verb):
        return True
    return verb.dep_ == "relcl" and bool(aux & _PERFECT_AUX) and verb.tag_ == "VBN"


def _lasting(verb: Token) -> bool:
    """A state that goes on ("are illegally occupied") or an act over years ("has waged a
    sanctions war for many years"): not a new event on the day of the story."""
    passive_be = {c.lower_ for c in verb.children if c.dep_ == "auxpass"}
    if (
        verb.tag_ == "VBN"
        and passive_be & _PRESENT_BE
        and not any(c.dep_ == "aux" for c in verb.children)
        and verb.lemma_.lower() in STATE_VERBS
    ):
        return True
    if verb.lemma_.lower() in ("remain", "stay") and any(
        c.dep_ in ("acomp", "oprd", "xcomp") and c.lemma_.lower() in STATE_VERBS for c in verb.children
    ):
        return True
    return any(
        c.dep_ == "prep" and c.lower_ in ("for", "over") and g.lemma_.lower() in DURATION_NOUNS and g.tag_ == "NNS"
        for c in verb.children
        for g in c.children
        if g.dep_ == "pobj"
    )


def _place(
    draft: _Draft, sentence: Sentence, span: Span, context: _Context, historical: bool, date_source: str | None
) -> dict:
    anchors = {draft.token.i, frames.clause_verb(draft.token).i}
    if draft.content is not None:
        anchors |= {draft.content.i, frames.clause_verb(draft.content).i}
    for ent in _entities_in(span):
        if ent.label_ not in ("GPE", "LOC", "FAC"):
            continue
        prep = ent.root.head
        if ent.root.dep_ == "pobj" and prep.lower_ in PLACE_PREPS and prep.head.i in anchors:
            found = locate(ent.text)
            return _place_fields(ent.text, found, "text", ent.start_char, ent.end_char)
    dateline = context.analysis.article.dateline
    lead = sentence.section in ("headline", "dek") or (sentence.section == "body" and sentence.paragraph == 0)
    if (
        dateline
        and dateline.place
        and lead
        and not historical
        and date_source != "text"
        or (dateline and dateline.place and not historical and date_source == "text" and lead)
    ):
        found = locate(dateline.place)
        return _place_fields(found.name if found else dateline.place.title(), found, "dateline", None, None)
    return {}


def _place_fields(name: str, found, source: str, start: int | None, end: int | None) -> dict:
    return {
        "place": found.name if found and found.feature == "city" else name,
        "place_country": found.country if found else None,
        "place_lat": found.lat if found else None,
        "place_lon": found.lon if found else None,
        "place_geonameid": found.geonameid if found else None,
        "place_source": source,
        "place_start": start,
        "place_end": end,
    }


def _confidence(draft: _Draft, quoted: bool) -> float:
    score = CONFIDENCE_BASE
    if draft.actors and draft.actors[0].direct:
        score += CONFIDENCE_DIRECT_ACTOR
    if draft.recipients or not ontology.plover_types()[draft.type].recipient_required:
        score += CONFIDENCE_RECIPIENT
    if draft.token.pos_ == "VERB":
        score += CONFIDENCE_VERB
    if draft.trigger.requires:
        score += CONFIDENCE_SPECIFIC
    if draft.hypothetical:
        score += CONFIDENCE_HYPOTHETICAL
    if draft.negated:
        score += CONFIDENCE_NEGATED
    if quoted:
        score += CONFIDENCE_QUOTED
    return round(min(0.99, max(0.05, score)), 2)


# -- the article -----------------------------------------------------------------------


def _without_headline_repeats(events: list[Event], analysis: Analysis) -> list[Event]:
    """Drop a headline or dek event that a body sentence tells again: the same type between
    the same parties, or between parties of the same countries ("Russia condemns ..." over
    "The Russian Foreign Ministry condemned ..."), since a headline names a body's parties
    by their country."""
    sections = {s.index: s.section for s in analysis.sentences}
    body = {key for e in events if sections.get(e.sentence) == "body" for key in _repeat_keys(e, analysis)}
    return [e for e in events if sections.get(e.sentence) == "body" or not body & set(_repeat_keys(e, analysis))]


def _repeat_keys(event: Event, analysis: Analysis) -> tuple[tuple, ...]:
    """What an event is the same act by: its type and parties, and its type and the parties'
    countries when every party has one."""
    keys = [(event.type, frozenset(event.actors), frozenset(event.recipients))]
    codes = lambda ids: frozenset(entity_code(party_actor(analysis, i)) for i in ids)  # noqa: E731
    actors, recipients = codes(event.actors), codes(event.recipients)
    if None not in actors | recipients and actors:
        keys.append((event.type, "countries", actors, recipients))
    return tuple(keys)


def primary(events: tuple[Event, ...] | list[Event]) -> Event | None:
    """The event a sentence is mostly about: asserted before hypothetical, then the most
    confident, then the earliest trigger."""
    return min(events, key=lambda e: (e.hypothetical, -e.confidence, e.trigger_start), default=None)
