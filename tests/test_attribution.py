"""The attribution model that weighs candidate quotes: its table, features and likelihood."""

from dyads import nlp
from dyads.pipeline import attribution
from dyads.pipeline.cues import find_frames
from dyads.pipeline.quotes import candidate_features


def test_weights_table_is_well_formed():
    table = attribution.weights()
    assert "bias" in table and len(table) > 100
    assert all(isinstance(w, float) for w in table.values())


def test_likelihood_is_the_logistic_of_the_summed_weights():
    table = attribution.weights()
    features = ("bias", "cue=say/clause/indirect")
    z = table["bias"] + table["cue=say/clause/indirect"]
    assert abs(attribution.likelihood(features) - 1 / (1 + 2.718281828459045**-z)) < 1e-9
    assert attribution.likelihood(("no-such-feature",)) == 0.5


def test_features_name_cue_frame_speaker_and_content():
    doc = nlp.load()("The minister said that the border talks would resume in June.")
    [frame] = find_frames(doc)
    features = attribution.features(doc, frame, list(frame.parts), "indirect", "nominal", text=doc.text)
    assert {
        "cue=say/clause/indirect",
        "frame=clause/indirect",
        "speaker=nominal",
        "size=2",
        "finite=True",
        "after=True",
        "that=True",
        "subject=NOUN",
    } <= set(features)


def test_open_cues_are_marked_and_weighed_apart():
    doc = nlp.load()("Reyes figured that the farm bill would pass. Rain meant that the harvest was late.")
    found = {doc.text[p[0][0] : p[-1][1]]: features for p, features in candidate_features(doc)}
    figured = found["the farm bill would pass"]
    meant = found["the harvest was late"]
    assert "via=open-clause" in figured and "lemma=figure" in figured
    assert attribution.likelihood(figured) >= attribution.MIN_LIKELIHOOD > attribution.likelihood(meant)
