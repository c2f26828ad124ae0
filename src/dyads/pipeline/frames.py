"""Syntactic frames: who is the doer and who the target of a trigger word, from the parse.

Helpers over spaCy tokens, shared by the events stage. Each returns tokens (heads
of noun phrases) of the same sentence; resolving them to actors is the caller's job.

    >>> from dyads import nlp
    >>> doc = nlp.load()("Israel and Lebanon renewed negotiations. Moscow was accused by Kyiv of shelling.")
    >>> [t.text for t in subjects(doc[2 + 1])]
    ['Israel', 'Lebanon']
    >>> [t.text for t in agents(doc[8])], [t.text for t in objects(doc[8])]
    (['Kyiv'], ['Moscow'])
"""

from __future__ import annotations

from collections.abc import Iterable

from spacy.tokens import Span, Token

SUBJECT_DEPS = {"nsubj", "csubj"}
PASSIVE_SUBJECT_DEPS = {"nsubjpass", "csubjpass"}
OBJECT_DEPS = {"dobj", "obj", "dative", "attr", "oprd"}
# Relative pronouns: the doer of a relative clause is the noun the clause hangs on.
RELATIVE_PRONOUNS = {"which", "who", "that", "whom", "whose"}
# Dependents that end a noun phrase: what follows is another clause or party.
PHRASE_BREAKS = {"relcl", "acl", "advcl", "conj", "cc", "appos", "punct", "prep", "ccomp", "xcomp"}
# Words that may stand between a subject and its verb ("Moscow highly appreciates").
_BETWEEN_SUBJECT_AND_VERB = {"ADV", "AUX", "PART"}


def conjuncts(token: Token) -> list[Token]:
    """The token and the nouns coordinated with it ("Moscow and Tokyo"), and coordinated
    modifiers that name parties of their own ("Chilean and Peruvian envoys")."""
    found = [token, *[t for t in token.conjuncts if t.i > token.i and t.pos_ in ("NOUN", "PROPN", "PRON")]]
    for child in token.children:
        if child.dep_ in ("amod", "compound") and any(c.dep_ == "conj" for c in child.children):
            found += [child, *child.conjuncts]
    return found


def is_passive(verb: Token) -> bool:
    return any(c.dep_ in PASSIVE_SUBJECT_DEPS or c.dep_ == "auxpass" for c in verb.children)


def clause_verb(token: Token) -> Token:
    """The verb a trigger belongs to: itself for a verb, the governing verb for a noun."""
    node = token
    while node.pos_ not in ("VERB", "AUX") and node.head.i != node.i:
        node = node.head
    return node


def subjects(verb: Token) -> list[Token]:
    """The doers of a verb: its active subject, else the subject it shares (control,
    coordination, relative clause); for a passive verb, see ``agents``."""
    own = [c for c in verb.children if c.dep_ in SUBJECT_DEPS]
    if own:
        head = own[0]
        if head.lower_ in RELATIVE_PRONOUNS and verb.dep_ == "relcl":
            head = verb.head
        adjacent = _adjacent_subject(verb, head)
        return conjuncts(adjacent or head)
    if is_passive(verb):
        return []
    if verb.dep_ in ("xcomp", "conj") and verb.head.i != verb.i:
        # "agreed to meet": the subject of "agreed"; "met and signed": that of "met"
        return subjects(verb.head) if verb.head.pos_ in ("VERB", "AUX") else []
    if verb.dep_ == "relcl":
        return conjuncts(verb.head)
    if verb.dep_ == "pcomp" and verb.tag_ == "VBG":
        # "outdoes G7 in fostering ties": the doer of the verb the phrase hangs on,
        # directly or through its object; a phrase on a subject noun has no sure doer
        attach = verb.head.head
        if attach.pos_ in ("VERB", "AUX"):
            return subjects(attach)
        if attach.dep_ in ("dobj", "obj") and attach.head.pos_ in ("VERB", "AUX"):
            return subjects(attach.head)
        return []
    if verb.dep_ in ("advcl", "acl") and verb.tag_ == "VBG":
        # "..., killing 20": the doer of the main clause
        governor = clause_verb(verb.head)
        return subjects(governor) if governor.i != verb.i else []
    return []


def agents(verb: Token) -> list[Token]:
    """The "by" phrase of a passive verb or participle ("was accused by Kyiv", "proposed by Abe")."""
    for child in verb.children:
        if child.dep_ == "agent":
            return [n for c in child.children if c.dep_ == "pobj" for n in conjuncts(c)]
    return []


def objects(verb: Token) -> list[Token]:
    """The direct objects of a verb; for a passive verb, its subject."""
    if is_passive(verb):
        found = [c for c in verb.children if c.dep_ in PASSIVE_SUBJECT_DEPS]
        if not found and verb.dep_ == "acl":
            found = [verb.head]
    else:
        found = [c for c in verb.children if c.dep_ in ("dobj", "obj", "dative")]
        if not found and verb.dep_ == "acl" and verb.tag_ == "VBN":
            found = [verb.head]  # "the plan proposed by Abe": the plan
    return [n for t in found for n in conjuncts(t)]


def prep_objects(token: Token, preps: Iterable[str]) -> list[Token]:
    """Objects of the token's prepositions among ``preps`` ("talks with Tokyo", "attack on Kyiv")."""
    wanted = set(preps)
    found = []
    for child in token.children:
        if child.dep_ in ("prep", "agent", "dative") and child.lower_ in wanted:
            found += [n for c in child.children if c.dep_ in ("pobj", "pcomp") for n in conjuncts(c)]
    return found


def possessors(noun: Token) -> list[Token]:
    """Who a noun belongs to or is said of: "Israel's raid", "Israeli raids", "the Russian offer"."""
    found = [c for c in noun.children if c.dep_ == "poss"]
    found += [
        c
        for c in noun.children
        if c.dep_ in ("amod", "compound") and (c.ent_type_ in ("NORP", "GPE", "ORG") or c.pos_ == "PROPN")
    ]
    return [n for t in found for n in conjuncts(t)]


def phrase_span(token: Token) -> tuple[int, int]:
    """Character span of the noun phrase headed by ``token``, without clauses, conjuncts
    or attached prepositional phrases."""
    left, right = token.i, token.i
    for child in token.children:
        if child.dep_ in PHRASE_BREAKS:
            continue
        left = min(left, child.left_edge.i)
        right = max(right, child.right_edge.i)
    doc = token.doc
    return doc[left].idx, doc[right].idx + len(doc[right])


def is_negated(token: Token) -> bool:
    """Whether the trigger or its verb carries a negation ("did not meet", "never", "no talks")."""
    verb = clause_verb(token)
    nodes = {token, verb}
    if verb.dep_ == "xcomp":
        nodes.add(verb.head)
    return any(
        c.dep_ == "neg" or c.lower_ in ("never", "no") and c.dep_ in ("det", "advmod", "neg")
        for n in nodes
        for c in n.children
    )


def modal_words(token: Token) -> set[str]:
    """Lower-cased auxiliaries and markers of the trigger's clause and the clauses above it
    up to the sentence root ("would", "will", "if", "may")."""
    words = set()
    node = clause_verb(token)
    while True:
        words |= {c.lower_ for c in node.children if c.dep_ in ("aux", "auxpass", "mark", "advmod")}
        if node.head.i == node.i or node.dep_ in ("ROOT",):
            break
        if node.dep_ not in ("xcomp", "conj", "ccomp", "advcl", "acl", "relcl", "pcomp", "pobj", "prep", "dobj"):
            break
        node = node.head
    return words


def own_modals(token: Token) -> set[str]:
    """Auxiliaries of the trigger's own clause only."""
    verb = clause_verb(token)
    words = {c.lower_ for c in verb.children if c.dep_ in ("aux", "auxpass", "mark")}
    if verb.dep_ == "xcomp":
        words |= {c.lower_ for c in verb.head.children if c.dep_ in ("aux", "auxpass")}
    return words


def _adjacent_subject(verb: Token, parsed: Token) -> Token | None:
    """A noun right before the verb ("Moscow highly appreciates") that the parser missed,
    taking a far subject across another verb instead; None when the parse is plausible."""
    node = verb.i - 1
    sent_start = verb.sent.start
    while node >= sent_start and verb.doc[node].pos_ in _BETWEEN_SUBJECT_AND_VERB:
        node -= 1
    if node < sent_start:
        return None
    candidate = verb.doc[node]
    if candidate.i == parsed.i or candidate.pos_ not in ("PROPN", "NOUN") or candidate.i < parsed.i:
        return None
    between = verb.doc[parsed.i + 1 : candidate.i]
    # another clause's verb between them ("including" as a preposition does not count)
    if any(t.pos_ == "VERB" and t.dep_ not in ("prep", "amod", "acl") for t in between):
        return candidate
    return None


def sentence_tokens(span: Span) -> list[Token]:
    return [t for t in span if not t.is_space]
