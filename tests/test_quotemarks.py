"""Quoted spans found by their marks, on text we wrote."""

import pytest

from dyads.pipeline.quotemarks import find_quoted


def quoted(text: str) -> list[str]:
    return [text[s:e] for s, e in find_quoted(text)]


@pytest.mark.parametrize(
    "text,expected",
    [
        # every style of mark
        ("He said, “We agree.” Then he left.", ["“We agree.”"]),
        ('"We agree," he said.', ['"We agree,"']),
        ("‘We agree,’ he said.", ["‘We agree,’"]),
        ("'We agree,' he said.", ["'We agree,'"]),
        ("«Nous sommes prêts», a-t-il dit.", ["«Nous sommes prêts»"]),
        ("„Wir sind bereit“, sagte er.", ["„Wir sind bereit“"]),
        ("Using the tax ''is a misguided approach,'' said Mr. Burman.", ["''is a misguided approach,''"]),
        # several quotes, and a split quote
        ('"The accord is a start," she said, "but not more."', ['"The accord is a start,"', '"but not more."']),
        # nested quotes stay inside the outer one
        ('"He told me ‘never again’ and left," she said.', ['"He told me ‘never again’ and left,"']),
        ('"The question: “Will you sign?” Forty said yes."', ['"The question: “Will you sign?” Forty said yes."']),
        # straight opening, curly closing: scraped text mixes them
        ('"Oz has a pulpit,” said Ann. “He cannot hide.”', ['"Oz has a pulpit,”', "“He cannot hide.”"]),
        # a quote running over paragraphs: the paragraph left open continues when the next reopens
        ('He said: "Pensions are safe.\n\n"Schools too."\n\nThen he left.', ['"Pensions are safe.\n\n"Schools too."']),
        ("“One.\n\n“Two.\n\n“Three.”", ["“One.\n\n“Two.\n\n“Three.”"]),
        # an odd number of marks ends the quote with its paragraph, not the story
        ('The spokesman said: "The port reopens Friday.\n\nUnions had called a strike.', ['"The port reopens Friday.']),
        # the same style must reopen: a curly paragraph does not continue a straight one
        ('"Melanie was angry.\n\n“Never,” she said.', ['"Melanie was angry.', "“Never,”"]),
    ],
)
def test_quoted_spans(text, expected):
    assert quoted(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Japan’s envoy and Russia's senator met at the Joneses’ house.",  # apostrophes
        "It's the '90s rock 'n' roll revival, isn't it?",
        "I’m ‘fine’ today.",  # one word in single marks: a scare quote, not a quote
        "No quotation here at all.",
        "",
    ],
)
def test_no_quotes(text):
    assert quoted(text) == []


def test_offsets_point_at_the_marks():
    text = "Head\n\nShe said: “Yes.”"
    [(start, end)] = find_quoted(text)
    assert text[start] == "“" and text[end - 1] == "”"
