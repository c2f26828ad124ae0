"""Reporting cues in a parsed text: the word that reports speech, who speaks, and what is reported.

A ``Frame`` is what the syntax says around one cue ("said", "pointed out",
"according to"): the speaker's noun phrase and the reported clause, if any.
The quotes stage then lines frames up with quotation marks.

Besides the lexicon's words, ``find_frames`` proposes *open* cues: any verb with a
clausal complement ("X figures that ..."), and any verb whose subject names a
party and which takes an object ("Trump ridiculed the idea"); and a listed verb's
object where its frames name none ("the poll shows Sanders ahead"). These are
candidates only: the quotes stage keeps those ``dyads.pipeline.attribution`` finds
likely, as most such verbs report nothing.

    >>> from dyads import nlp
    >>> doc = nlp.load()("The minister said that talks would resume.")
    >>> [(f.lemma, doc.text[slice(*f.speaker)], [doc.text[s:e] for s, e in f.parts]) for f in find_frames(doc)]
    [('say', 'The minister', ['talks would resume'])]
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import resources

from spacy.tokens import Doc, Span, Token

Offsets = tuple[int, int]

# Subjects that stand for a noun outside their clause ("Trump, who said ..."): the
# speaker is the noun the relative clause hangs on.
RELATIVE_PRONOUNS = frozenset({"who", "which", "that", "whom"})
# Dependents that end a speaker's noun phrase: "Jill Stein, the Green candidate, who ..."
# is spoken by "Jill Stein".
_NOT_IN_NAME = frozenset({"relcl", "appos", "acl", "advcl", "punct", "parataxis", "ccomp"})
# Dependents holding what was said ("said that ...", "told reporters ...").
_CLAUSES = frozenset({"ccomp"})
# Dependents whose verb shares its subject with the head: "attacked X, saying ...".
_SHARES_SUBJECT = frozenset({"conj", "advcl", "xcomp", "pcomp"})
_EDGE_PUNCT = set(",;:—–-―")
# Longest source of "according to X" read from the surface, in tokens ("the nonpartisan
# Congressional Budget Office" is 5; a longer run means the comma was missing).
MAX_SOURCE_TOKENS = 12
# Longest speaker after a sentence-final cue ("..., said a senior Russian diplomat").
MAX_TRAILING_SPEAKER = 6
# Tags of finite verbs: content before "..., he said" must be a clause, not "In Honolulu".
_FINITE = frozenset({"VBD", "VBZ", "VBP", "MD"})
# Subjects of an open cue with an object: a party that can hold a stance ("Trump backed
# X"), not a thing ("the storm hit X").
_PARTY_ENTITIES = frozenset({"PERSON", "ORG", "NORP", "GPE"})
_PARTY_PRONOUNS = frozenset({"he", "she", "they", "we", "i"})


@dataclass(frozen=True)
class Cue:
    """A lexicon entry: a reporting word and the frames it takes."""

    lemma: str
    particle: str | None
    frames: frozenset[str]

    @property
    def name(self) -> str:
        return f"{self.lemma} {self.particle}" if self.particle else self.lemma


@dataclass(frozen=True)
class Frame:
    """One reporting cue with its speaker and the content its syntax points at.

    ``parts`` is empty when the cue has no reported clause of its own (as in
    ``"...," he said.``, whose content is the quotation beside it).
    ``clause`` spans speaker and cue together, to test what sits next to it.
    """

    cue: Offsets
    lemma: str
    frames: frozenset[str]
    speaker: Offsets | None
    parts: tuple[Offsets, ...]
    clause: Offsets
    head: int  # token index of the cue word
    passive: bool = False
    # the parts are: clause, intent, object, prep, noun, raising, colon or none; or
    # "bare-object" (the object of a listed cue whose frames name no object); or
    # "tagged" (a span the quote tagger found, hung on this word: pipeline/quotes.py)
    via: str = "clause"
    listed: bool = True  # the cue is in the lexicon; False for an open cue


@functools.cache
def cue_lexicon() -> dict[str, tuple[Cue, ...]]:
    """The reporting words of ``data/quote_cues.tsv``, by lemma."""
    text = resources.files("dyads.data").joinpath("quote_cues.tsv").read_text("utf-8")
    lexicon: dict[str, list[Cue]] = {}
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        lemma, particle, frames = line.split("\t")
        cue = Cue(lemma, None if particle == "-" else particle, frozenset(frames.split()))
        lexicon.setdefault(lemma, []).append(cue)
    return {lemma: tuple(cues) for lemma, cues in lexicon.items()}


def find_frames(doc: Doc) -> list[Frame]:
    """Every reporting cue of ``doc`` with its speaker and reported clause, in text order."""
    frames = []
    for token in doc:
        cue = _match_cue(token) or _open_cue(token)
        if cue is None:
            continue
        if "noun" in cue.frames:
            frame = _noun_frame(token, cue)
        elif token.lower_ == "according":
            frame = _prep_frame(token, cue)
        else:
            frame = _verb_frame(token, cue)
        if frame is not None:
            frames.append(frame)
    return frames


def _match_cue(token: Token) -> Cue | None:
    lexicon = cue_lexicon()
    entries = lexicon.get(token.lemma_.lower()) or lexicon.get(token.lower_)
    if not entries:
        return None
    children = {c.lower_ for c in token.children if c.dep_ in ("prt", "prep", "agent")}
    following = token.nbor(1).lower_ if token.i + 1 < len(token.doc) else ""
    noun = token.pos_ == "NOUN"
    for cue in sorted(entries, key=lambda c: c.particle is None):
        if ("noun" in cue.frames) != noun:  # "his claim that ..." is a noun cue, "he claimed" a verb one
            continue
        if noun:
            if cue.particle is None or cue.particle in children:
                return cue
        elif token.lower_ == "according":
            if cue.particle in children or following == cue.particle:
                return cue
        elif cue.particle is None or (cue.particle in children and not _temporal(token, cue.particle)):
            if token.pos_ in ("VERB", "AUX") or token.tag_.startswith("VB"):
                return cue
    return None


def _open_cue(verb: Token) -> Cue | None:
    """A verb outside the lexicon that may still report: one with a clausal complement
    ("figures that ..."), or one with an object whose subject names a party."""
    if verb.pos_ != "VERB":
        return None
    if any(c.dep_ == "ccomp" for c in verb.children):
        return Cue(verb.lemma_.lower(), None, frozenset({"indirect", "open"}))
    if any(c.dep_ in ("nsubjpass", "auxpass") for c in verb.children):
        return None
    if not any(c.dep_ == "dobj" and c.i > verb.i for c in verb.children):
        return None
    subject = speaker_token(verb)
    if subject is None or not (subject.ent_type_ in _PARTY_ENTITIES or subject.lower_ in _PARTY_PRONOUNS):
        return None
    return Cue(verb.lemma_.lower(), None, frozenset({"object", "open"}))


def _temporal(verb: Token, particle: str) -> bool:
    """The particle heads a time phrase ("called the strike on Monday"), not the cue's object."""
    preps = [c for c in verb.children if c.lower_ == particle and c.dep_ == "prep"]
    return bool(preps) and all(
        any(o.ent_type_ in ("DATE", "TIME") for o in p.children if o.dep_ == "pobj") for p in preps
    )


def _verb_frame(verb: Token, cue: Cue) -> Frame | None:
    if "raising" in cue.frames:
        return _raising_frame(verb, cue)
    subject = speaker_token(verb)
    passive = any(c.dep_ in ("nsubjpass", "auxpass") for c in verb.children)
    if passive:  # "X is expected to ...", "it was reported by Y that ...": the agent speaks, if named
        agent = next((c for c in verb.children if c.dep_ == "agent"), None)
        subject = next((c for c in agent.children if c.dep_ == "pobj"), None) if agent else None
    speaker = noun_phrase(subject) if subject is not None else None
    if subject is None and not passive:
        run = _preceding_name(verb)
        if run:  # '"...," Tulsa police Chief Chuck Jordan said': the parse lost the subject
            subject, speaker = run[-1], (run[0].idx, run[-1].idx + len(run[-1]))
    trailing = _trailing_speaker(verb) if "indirect" in cue.frames else None
    if trailing:  # "..., notes lawmaker": the parse rarely sees the inverted subject
        subject, speaker, passive = trailing[-1], (trailing[0].idx, trailing[-1].idx + len(trailing[-1])), False
    cue_span = _cue_span(verb, cue)
    if passive:
        via, parts = _passive_reported(verb, cue)
    else:
        via, parts = _reported(verb, subject, cue)
    ends = [cue_span] + ([speaker] if speaker else [])
    clause = (min(s for s, _ in ends), max(e for _, e in ends))
    return Frame(
        cue_span, cue.name, cue.frames, speaker, parts, clause, verb.i, passive, via, listed="open" not in cue.frames
    )


def _noun_frame(noun: Token, cue: Cue) -> Frame | None:
    """``his claim that ...``, ``her pledge to ...``, ``Trump's criticism of X``: the noun's
    that-clause, to-clause or the object of its particle; the possessor, if any, speaks."""
    if noun.dep_ in ("nsubj", "nsubjpass") and _match_cue(noun.head) is not None:
        return None  # "the statement said ...": the verb's frame
    doc = noun.doc
    tokens: list[Token] = []
    if cue.particle:
        preps = [c for c in noun.children if c.dep_ == "prep" and c.lower_ == cue.particle]
        tokens = [t for p in preps for o in p.children if o.dep_ in ("pobj", "pcomp") for t in o.subtree]
    else:
        for child in noun.children:
            if child.i < noun.i or child.dep_ not in ("acl", "ccomp", "relcl", "xcomp"):
                continue
            first = child.left_edge
            if first.lower_ == "that" and first.dep_ == "mark":
                tokens = [t for t in child.subtree if t.i != first.i]
            elif first.lower_ == "to" and child.dep_ in ("acl", "xcomp", "relcl"):
                tokens = list(child.subtree)
            if tokens:
                break
    parts = _runs(doc, _restrictive(tokens))
    if not parts:
        return None
    owner = next((c for c in noun.children if c.dep_ == "poss"), None)
    if owner is None and noun.dep_ == "dobj":  # "Trump renewed a call for ...": the subject's
        owner = speaker_token(noun.head)
    speaker = noun_phrase(owner) if owner is not None else None
    cue_span = _cue_span(noun, cue) if cue.particle else (noun.idx, noun.idx + len(noun))
    ends = [cue_span] + ([speaker] if speaker else [])
    return Frame(
        cue_span,
        cue.name,
        cue.frames,
        speaker,
        parts,
        (min(s for s, _ in ends), max(e for _, e in ends)),
        noun.i,
        via="noun",
    )


def _raising_frame(verb: Token, cue: Cue) -> Frame | None:
    """``X seemed to lose ground``, ``it appears (that) X``: a judgement nobody in the text is
    said to make, so no speaker; the content is the subject with the complement. A complement
    that is itself a cue ("seemed to suggest that ...") is left to that cue."""
    complements = [c for c in verb.children if c.dep_ in ("xcomp", "ccomp", "acomp", "oprd") and c.i > verb.i]
    if not complements or any(_match_cue(c) for c in complements):
        return None
    subjects = [
        c
        for c in verb.children
        if c.dep_ in ("nsubj", "nsubjpass") and c.lower_ not in ("it", "this", "that") and c.i < verb.i
    ]
    tokens = [t for c in subjects + complements for t in c.subtree]
    parts = _runs(verb.doc, tokens)
    if not parts:
        return None
    cue_span = _cue_span(verb, cue)
    return Frame(cue_span, cue.name, cue.frames, None, parts, cue_span, verb.i, via="raising")


def _prep_frame(word: Token, cue: Cue) -> Frame | None:
    """``according to X, ...``: X speaks; the rest of the sentence is the content.

    Read from the surface: the parse often makes "According" the root of the sentence.
    The source runs from after "to" to the next comma or the sentence end.
    """
    doc = word.doc
    if word.i + 2 >= len(doc) or doc[word.i + 1].lower_ != cue.particle:
        return None
    sent = word.sent
    source = []
    for token in doc[word.i + 2 : sent.end]:
        if token.is_punct and token.text not in ("-", "'", "’", ".") or token.is_space:
            break
        source.append(token)
    while source and source[-1].is_punct:
        source.pop()
    if not source or len(source) > MAX_SOURCE_TOKENS:
        return None
    phrase = (word.idx, doc[word.i + 1].idx + len(doc[word.i + 1]))
    speaker = (source[0].idx, source[-1].idx + len(source[-1]))
    own = set(range(word.i, source[-1].i + 1))
    parts = _runs(doc, [t for t in sent if t.i not in own])
    if not parts:
        return None
    return Frame(phrase, cue.name, cue.frames, speaker, parts, (phrase[0], speaker[1]), word.i, via="clause")


def _preceding_name(verb: Token) -> list[Token] | None:
    """The words between a closing quotation mark (or comma) and the cue, when they read as a
    name or title: the usual shape of an attribution, whatever the parse made of it."""
    run = []
    for token in reversed(verb.doc[verb.sent.start : verb.i]):
        if token.is_quote or token.text == ",":
            break
        if (
            token.is_punct
            and not _in_name(token)
            or token.is_space
            or token.pos_ in ("VERB", "AUX", "ADP")
            and not token.ent_type_
        ):
            return None
        run.insert(0, token)
    if not run or len(run) > MAX_TRAILING_SPEAKER + 2 or run[0].i == verb.sent.start:
        return None
    if not any(t.pos_ == "PROPN" or t.ent_type_ in ("PERSON", "ORG") for t in run):
        return None
    return run


def _trailing_speaker(verb: Token) -> list[Token] | None:
    """The bare noun phrase after a cue that ends its sentence behind a comma, as in the
    headline "Japan outdoes G7 ..., notes lawmaker"."""
    sent = verb.sent
    if verb.i - 1 <= sent.start or verb.doc[verb.i - 1].text != ",":
        return None
    tail = [t for t in verb.doc[verb.i + 1 : sent.end] if not t.is_space]
    while tail and tail[-1].is_punct:
        tail.pop()
    if not tail or len(tail) > MAX_TRAILING_SPEAKER or not any(t.pos_ in ("NOUN", "PROPN") for t in tail):
        return None
    if not all(t.pos_ in ("NOUN", "PROPN", "ADJ", "DET", "NUM") or t.text in ("-", "'s", "’s") for t in tail):
        return None
    return tail


def speaker_token(verb: Token) -> Token | None:
    """The head of the cue verb's subject, following shared subjects and relative pronouns.

    A cue hung at the end of another cue's reported clause ("says the party must change,
    and has called on ...") shares the outer cue's subject, not the clause's.
    """
    cue = verb
    for _ in range(4):
        if verb is not cue and _reported_by_cue(verb) and cue.right_edge.i == verb.right_edge.i:
            verb = verb.head
        subject = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass", "csubj")), None)
        if subject is None:
            agent = next((c for c in verb.children if c.dep_ == "agent"), None)
            subject = next((c for c in agent.children if c.dep_ == "pobj"), None) if agent else None
        if subject is not None:
            if subject.lower_ in RELATIVE_PRONOUNS and verb.dep_ == "relcl":
                return verb.head
            return subject
        if verb.dep_ not in _SHARES_SUBJECT or verb.head == verb:
            return None
        verb = verb.head
    return None


def _reported_by_cue(verb: Token) -> bool:
    return verb.dep_ == "ccomp" and verb.head.i < verb.i and _match_cue(verb.head) is not None


def noun_phrase(token: Token) -> Offsets:
    """Character span of a noun phrase: the token with its modifiers, without clauses or appositions."""
    kept = [token]
    stack = [c for c in token.children if c.dep_ not in _NOT_IN_NAME or (c.dep_ == "punct" and _in_name(c))]
    while stack:
        child = stack.pop()
        kept.append(child)
        stack.extend(c for c in child.children if c.dep_ not in ("relcl", "acl", "appos", "parataxis"))
    kept.sort(key=lambda t: t.i)
    # Keep the contiguous run around the head: a comma-split modifier is not part of the name.
    left = right = kept.index(token)
    while left > 0 and kept[left - 1].i == kept[left].i - 1 and _in_name(kept[left - 1]):
        left -= 1
    while right + 1 < len(kept) and kept[right + 1].i == kept[right].i + 1 and _in_name(kept[right + 1]):
        right += 1
    first, last = kept[left], kept[right]
    doc = token.doc
    # The parser sometimes cuts a paragraph's first word off as a sentence of its own
    # ("Prime | Minister Ana Vidal said"), or misreads a place before a title ("Tulsa police
    # Chief Chuck Jordan", Tulsa as a verb): take such capitalised words back.
    while first.i > 0 and _stray_name_word(doc[first.i - 1], first):
        first = doc[first.i - 1]
    return first.idx, last.idx + len(last)


def _stray_name_word(word: Token, following: Token) -> bool:
    if word.is_punct or word.is_space or not word.is_title or word.whitespace_ != " ":
        return False
    if word.sent != following.sent:
        return len(word.sent) == 1 and word.pos_ == "PROPN"
    # a place or body naming the speaker's office, not the end of a phrase ("in Tokyo Kosachev said")
    return word.ent_type_ in ("GPE", "NORP", "ORG") and word.dep_ not in ("pobj", "dobj", "nsubj")


def _in_name(token: Token) -> bool:
    """Punctuation ends a speaker's phrase, but for a hyphen inside a word (Ki-moon, Holtz-Eakin)."""
    if token.dep_ != "punct":
        return True
    return token.text == "-" and not token.whitespace_ and token.i > 0 and not token.doc[token.i - 1].whitespace_


def _cue_span(verb: Token, cue: Cue) -> Offsets:
    tokens = [verb]
    if cue.particle:  # a phrasal particle belongs to the cue ("pointed out"), a far preposition not
        tokens += [
            c
            for c in verb.children
            if c.lower_ == cue.particle and (c.dep_ == "prt" or (c.i == verb.i + 1 and "prep" in cue.frames))
        ]
    return min(t.idx for t in tokens), max(t.idx + len(t) for t in tokens)


# Words opening a relative clause set off by a comma.
_RELATIVE_ASIDE = frozenset({"which", "who", "whom", "whose"})
# Words opening a comma-set clause that glosses the end of a reported clause.
_FINAL_ASIDE = _RELATIVE_ASIDE | {"when", "where"}
# Prepositions whose phrase belongs to an object's content: "accused X of lying",
# "described X as a partner", "praised X for its stance".
_OBJECT_PREPS = frozenset({"of", "as", "for"})
# Prepositions and entity types of phrases that set the scene of a statement (time, place,
# occasion) and so end its object: "discussed my sentence on Fox News on Friday".
_SCENE_PREPS = frozenset({"at", "during", "after", "before", "since", "until", "on", "through", "by", "amid"})
_SCENE_ENTITIES = frozenset({"DATE", "TIME", "GPE", "LOC", "FAC", "EVENT", "ORG"})


def _reported(verb: Token, subject: Token | None, cue: Cue) -> tuple[str, tuple[Offsets, ...]]:
    """What a cue verb reports, by the first of its frames that fits the parse, and which."""
    children = list(verb.children)
    doc = verb.doc
    clauses = _clauses(verb)
    if "indirect" in cue.frames and _comments(verb):
        return "clause", _runs(doc, _commented(verb))
    if "indirect" in cue.frames and clauses:
        if all(c.i < verb.i for c in clauses):  # "X is Y, he said": the parse often cuts X short
            set_off = _set_off(verb, subject)
            if set_off:
                return "clause", set_off
        clauses += _coordinated(verb, clauses)
        tokens = _between(doc, clauses, skip=verb)
        if tokens and tokens[0].dep_ == "mark" and tokens[0].lower_ == "that":
            tokens = tokens[1:]
        if clauses[-1].i > verb.i:
            tokens = _without_final_aside(_without_trailing_report(tokens, clauses[-1]))
        return "clause", _runs(doc, tokens)
    if "indirect" in cue.frames:
        set_off = _set_off(verb, subject)
        if set_off:
            return "clause", set_off
    to_clause = [c for c in children if c.i > verb.i and (c.dep_ == "xcomp" or _infinitive_clause(c))]
    if "intent" in cue.frames and to_clause:
        objects = [c for c in children if c.dep_ in ("dobj", "dative") and c.i > verb.i]
        if cue.particle:
            objects += [c for c in _particle_objects(verb, cue)]
        return "intent", _runs(doc, _restrictive(_between(doc, objects + to_clause, skip=verb)))
    if "prep" in cue.frames and cue.particle:
        objects = _particle_objects(verb, cue)
        if objects:
            objects += _continuation(verb, objects)
            return "prep", _runs(doc, _restrictive(_between(doc, objects, skip=verb)))
    if "naming" in cue.frames and any(c.dep_ == "oprd" for c in children):
        objects = [c for c in children if c.dep_ in ("dobj", "oprd") and c.i > verb.i]
        return "object", _runs(doc, _restrictive(_between(doc, objects, skip=verb)))
    # Any cue's object, as a last resort: "the poll shows Sanders ahead". Whether a cue
    # whose frames name no object reports through one is left to the attribution model.
    objects = [
        c
        for c in children
        if c.dep_ in ("dobj", "oprd", "xcomp") and c.i > verb.i and c.ent_type_ not in ("DATE", "TIME")
    ]  # "said Monday" reports no Monday
    if objects:
        objects += [c for c in children if c.dep_ == "prep" and c.lower_ in _OBJECT_PREPS and c.i > verb.i]
        objects += _continuation(verb, objects)
        via = "object" if "object" in cue.frames else "bare-object"
        return via, _runs(doc, _restrictive(_between(doc, objects, skip=verb)))
    return "none", ()


def _infinitive_clause(clause: Token) -> bool:
    """A to-clause with its own subject, as the parse often gives "want Trump to quit" and
    "expect Clinton to win": the object and the intent together."""
    return (
        clause.dep_ == "ccomp"
        and clause.tag_ == "VB"
        and any(c.dep_ == "aux" and c.tag_ == "TO" for c in clause.children)
        and any(c.dep_ == "nsubj" for c in clause.children)
    )


def _comments(verb: Token) -> bool:
    """The cue is an "as" clause commenting on the clause it hangs on, with no complement of
    its own: "As Kosachev noted, ties have improved", "the deal, as the ministry said, will
    hold". "As he said goodbye, ..." has an object and sets the time instead."""
    return (
        verb.dep_ == "advcl"
        and any(c.dep_ == "mark" and c.lower_ == "as" and c.i < verb.i for c in verb.children)
        and not any(c.dep_ in ("dobj", "ccomp", "xcomp", "oprd") for c in verb.children)
    )


def _commented(verb: Token) -> list[Token]:
    """The clause an "as" cue comments on, without the "as" clause: what the speaker said."""
    own = {t.i for t in verb.subtree}
    sent = verb.sent
    return [t for t in verb.head.subtree if t.i not in own and sent.start <= t.i < sent.end]


def _continuation(verb: Token, objects: list[Token]) -> list[Token]:
    """The verb's phrases that go on right after its object and say more of what was reported:
    "announced the creation of a website to explain the process", "pointed to the GOP as the
    obstacle", "sought asylum from Central America". Stops at a comma or a phrase of time,
    place or occasion."""
    end = max(o.right_edge.i for o in objects)
    found = []
    for child in sorted(verb.children, key=lambda c: c.i):
        if child.i <= end or child.left_edge.i != end + 1:
            continue
        to_clause = child.dep_ in ("advcl", "xcomp") and child.left_edge.lower_ == "to"
        if not (to_clause or child.dep_ == "prep" and (child.lower_ in _OBJECT_PREPS or _complement_prep(child))):
            break
        found.append(child)
        end = child.right_edge.i
    return found


def _complement_prep(prep: Token) -> bool:
    """A prepositional phrase that says more of what was reported ("announced his engagement to
    X", "questioned her judgment in backing the war"), not when or where it was said."""
    if prep.lower_ in _SCENE_PREPS:
        return False
    return not any(o.ent_type_ in _SCENE_ENTITIES for o in prep.children if o.dep_ == "pobj")


def _passive_reported(verb: Token, cue: Cue) -> tuple[str, tuple[Offsets, ...]]:
    """A passive cue's content: "It is reported that X" -> X; "Putin is expected to visit" ->
    "Putin ... to visit" (frame "passive" only: few verbs report through their subject)."""
    clauses = _clauses(verb)
    if clauses and cue.frames & {"indirect", "passive"}:
        tokens = _between(verb.doc, clauses, skip=verb)
        if tokens and tokens[0].dep_ == "mark" and tokens[0].lower_ == "that":
            tokens = tokens[1:]
        return "clause", _runs(verb.doc, tokens)
    subject = next((c for c in verb.children if c.dep_ == "nsubjpass"), None)
    to_clause = [c for c in verb.children if c.dep_ == "xcomp" and c.i > verb.i]
    if "passive" in cue.frames and subject is not None and to_clause and subject.lower_ not in ("it", "this"):
        tokens = [t for t in subject.subtree] + [t for c in to_clause for t in c.subtree]
        return "clause", _runs(verb.doc, tokens)
    if cue.frames & {"object", "naming"} and subject is not None and subject.lower_ not in ("it", "this"):
        # "The plan was criticized by Abe as too costly": the plan, as too costly
        extra = [
            c
            for c in verb.children
            if c.dep_ in ("prep", "oprd") and c.lower_ in _OBJECT_PREPS | {""} or c.dep_ == "oprd"
        ]
        tokens = [t for t in subject.subtree] + [t for c in extra for t in c.subtree]
        return "object", _runs(verb.doc, _restrictive(tokens))
    return "none", ()


def _clauses(verb: Token) -> list[Token]:
    """The verb's reported clauses: its ccomp children, else a that-clause the parse hung lower
    ("reported at the time that ...")."""
    clauses = [c for c in verb.children if c.dep_ in _CLAUSES]
    if clauses:
        return clauses
    for token in verb.subtree:
        if token.i > verb.i and token.lower_ == "that" and token.dep_ == "mark" and token.head.i > verb.i:
            head = token.head
            if verb in head.ancestors and sum(1 for _ in head.ancestors) - sum(1 for _ in verb.ancestors) <= 3:
                return [head]
    return []


def _particle_objects(verb: Token, cue: Cue) -> list[Token]:
    preps = [c for c in verb.children if c.dep_ == "prep" and c.lower_ == cue.particle]
    return [o for p in preps for o in p.children if o.dep_ in ("pobj", "pcomp")]


def _coordinated(verb: Token, clauses: list[Token]) -> list[Token]:
    """Clauses the parse coordinated with the cue that go on with what was said: in "said the
    process was fair, but required an effort" the parse hangs "required" on "said"."""
    end = max(c.right_edge.i for c in clauses)
    found = []
    for child in verb.children:
        if child.dep_ != "conj" or child.i <= end or _match_cue(child) is not None:
            continue
        between = verb.doc[end + 1 : child.left_edge.i]
        if all(t.dep_ in ("cc", "punct") for t in between) and len(between) <= 2:
            found.append(child)
            end = child.right_edge.i
    return found


def _without_final_aside(tokens: list[Token]) -> list[Token]:
    """A reported clause without the writer's comma-set relative clause at its end: in "said
    they could change their minds before April 26, when voters go to the polls" the date
    is the writer's gloss. An aside in the middle ("Smith, who leads, would resign") stays."""
    for k in range(len(tokens) - 2):
        if tokens[k].text != "," or tokens[k + 1].lower_ not in _FINAL_ASIDE:
            continue
        clause = next((a for a in tokens[k + 1].ancestors if a.dep_ in ("relcl", "advcl", "acl")), None)
        if clause is not None and clause.right_edge.i >= tokens[-1].i and clause.head.i < tokens[k].i:
            return tokens[:k]
    return tokens


def _restrictive(tokens: list[Token]) -> list[Token]:
    """An object without its comma-set relative clause: in "praised the plan, which includes
    X" the plan is what was praised; the clause is the writer's aside."""
    for k in range(len(tokens) - 1):
        if tokens[k].text == "," and tokens[k + 1].lower_ in _RELATIVE_ASIDE:
            return tokens[:k]
    return tokens


def _between(doc: Doc, heads: list[Token], *, skip: Token) -> list[Token]:
    """Every token from the leftmost to the rightmost edge of the heads' subtrees."""
    start = min(h.left_edge.i for h in heads)
    end = max(h.right_edge.i for h in heads) + 1
    return [t for t in doc[start:end] if t.i != skip.i]


def _set_off(verb: Token, subject: Token | None) -> tuple[Offsets, ...]:
    """Content around a cue clause set off by commas: "X is Y, he said" and "X, he said, is Y".

    Read from the surface rather than the parse, which often hangs such a clause
    in odd places. The cue clause (speaker and cue, either order) must follow a
    comma; what follows it is content only if it is not the cue's own adjuncts.
    """
    if subject is None:
        return ()
    sent = verb.sent
    first = min(subject.left_edge.i if subject.i < verb.i else verb.i, verb.i)
    if first - 1 <= sent.start or verb.doc[first - 1].text not in (",", "—", "–"):
        return ()
    own = {t.i for t in verb.subtree} | {t.i for t in subject.subtree}
    tail = [t for t in sent if t.i > verb.i]
    comma = next((t for t in tail if t.text == ","), None)
    if comma is not None and any(t.i not in own for t in tail if t.i < comma.i):
        comma = None
    before = [t for t in sent if t.i < first - 1]
    if _only_adverbial(before):  # "When he met them, he reminded ...": no content before
        before = []
    if comma is not None:
        after = [t for t in tail if t.i > comma.i]
        if any(t.i not in own for t in after if not t.is_punct):
            return _runs(verb.doc, before) + _runs(verb.doc, after)
    if all(t.i in own or t.is_punct or t.is_space for t in tail) and any(t.tag_ in _FINITE for t in before):
        return _runs(verb.doc, before)
    return ()


# Frames of cues that are speech acts of their own (not "expects to", "wants to").
_SPEECH_FRAMES = frozenset({"direct", "indirect", "object", "naming", "prep"})


def _without_trailing_report(tokens: list[Token], clause: Token) -> list[Token]:
    """A reported clause without a speech act the parse hung at its end: in "said he would
    release them, calling them boring" and "says X and called on Y to ...", the calling is
    the speaker's own, not part of what was said."""
    tail = [
        c
        for c in clause.children
        if c.i > clause.i
        and c.right_edge.i == tokens[-1].i
        and (
            c.dep_ == "advcl"
            and c.tag_ == "VBG"
            or c.dep_ == "conj"
            and c.pos_ == "VERB"
            and not any(g.dep_ in ("nsubj", "nsubjpass") for g in c.children)
        )
    ]
    cue = _match_cue(tail[0]) if tail else None
    if cue is None or not cue.frames & _SPEECH_FRAMES:
        return tokens
    start = tail[0].left_edge.i
    while start > tokens[0].i and tokens[start - tokens[0].i - 1].dep_ in ("cc", "punct"):
        start -= 1
    kept = [t for t in tokens if t.i < start]
    return kept or tokens


def _only_adverbial(tokens: list[Token]) -> bool:
    """The tokens are one adverbial clause ("When he met them", "Asked if he agreed"), which
    sets the scene for the cue clause after it rather than being what was said."""
    words = [t for t in tokens if not (t.is_punct or t.is_space)]
    if not words:
        return False
    first = words[0]
    if first.dep_ in ("mark", "advmod") and first.head.dep_ == "advcl":
        clause = first.head
    elif first.tag_ in ("VBN", "VBG") and first.dep_ == "advcl":
        clause = first
    else:
        return False
    inside = {t.i for t in clause.subtree}
    return all(t.i in inside for t in words)


def _runs(doc: Doc, tokens: list[Token]) -> tuple[Offsets, ...]:
    """Contiguous runs of tokens as character spans, with edge punctuation trimmed."""
    tokens = sorted(tokens, key=lambda t: t.i)
    runs: list[list[Token]] = []
    for token in tokens:
        if runs and token.i == runs[-1][-1].i + 1:
            runs[-1].append(token)
        else:
            runs.append([token])
    spans = []
    for run in runs:
        while run and (run[0].text in _EDGE_PUNCT or run[0].is_space):
            run = run[1:]
        while run and (run[-1].text in _EDGE_PUNCT or run[-1].text == "." or run[-1].is_space):
            run = run[:-1]
        if run:
            spans.append((run[0].idx, run[-1].idx + len(run[-1])))
    return tuple(spans)


def sentence_of(doc: Doc, char: int) -> Span:
    """The sentence holding a character offset."""
    return doc[doc.char_span(char, char + 1, alignment_mode="expand").start].sent
