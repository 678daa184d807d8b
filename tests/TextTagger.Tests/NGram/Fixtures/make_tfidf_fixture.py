#!/usr/bin/env python3
"""Writes sklearn_tfidf.json: scikit-learn's TfidfVectorizer (as bench/python/tfidf_baseline.py configures it) fitted on
a small corpus and applied to it and to unseen texts, for TfidfFeaturizerTests. Needs Debian's python3-sklearn.

    /usr/bin/python3 tests/TextTagger.Tests/NGram/Fixtures/make_tfidf_fixture.py
"""
import json
import os

import numpy as np
import sklearn
from sklearn.feature_extraction.text import TfidfVectorizer

TRAIN = [
    "You are a GREAT person, thank you!",
    "you are an idiot and a moron. Idiot!!",
    "Café crème brûlée — naïve façade, Ünïcödé accents",
    "Emoji 😀 are two UTF-16 units 😀😀 but one code point",
    "snake_case words_and numbers 123 4567 and ½ ² ٣٤ digits",
    "tabs\tand\nnewlines\r\n  and   many    spaces\u00a0nbsp\u2003em",
    "a I x y z single letters are not words but are char grams",
    "the the the the repeated repeated words count sublinearly",
    "ﬁne ligatures ＦＵＬＬＷＩＤＴＨ and İstanbul Straße",
    "I will kill you, I will find you",
    "Thank you for the great edit, you are great",
    "Stop vandalising the page or you will be blocked",
    "Что это такое? Это тест. ελληνικά κείμενα ΟΔΥΣΣΕΥΣ ΟΔΥΣΣΕΥΣ. ΣΑΣ ΣΑΣ Σ Σ",
    "",
    "!!! ??? ... --- ***",
    "idiot idiot moron moron great great you you are are",
    "hindi: नमस्ते दुनिया thai: สวัสดีครับ",
]
UNSEEN = [
    "You idiot, thank you great person",
    "completely unseen vocabulary zzzz",
    "",
    "Crème 😀 kill the page",
]


def fit(analyzer, ngram_range, min_df, max_features):
    v = TfidfVectorizer(sublinear_tf=True, strip_accents="unicode", analyzer=analyzer, ngram_range=ngram_range,
                        min_df=min_df, max_features=max_features)
    x_train = v.fit_transform(TRAIN)
    x_unseen = v.transform(UNSEEN)
    terms = v.get_feature_names_out()

    def rows(x):
        x = x.tocsr()
        return [{terms[j]: float(x[i, j]) for j in x[i].indices} for i in range(x.shape[0])]

    return {"analyzer": analyzer, "ngram_min": ngram_range[0], "ngram_max": ngram_range[1], "min_df": min_df,
            "max_features": max_features if max_features is not None else 1_000_000_000,
            "idf": {t: float(i) for t, i in zip(terms, v.idf_)}, "train": rows(x_train), "unseen": rows(x_unseen)}


def untied_limit(analyzer, ngram_range, min_df, share):
    """A max_features at which no two n-grams tie for the last place (sklearn breaks such ties arbitrarily)."""
    from sklearn.feature_extraction.text import CountVectorizer
    c = CountVectorizer(analyzer=analyzer, ngram_range=ngram_range, min_df=min_df, strip_accents="unicode")
    tfs = np.sort(np.asarray(c.fit_transform(TRAIN).sum(axis=0)).ravel())[::-1]
    limit = int(len(tfs) * share)
    while limit > 1 and tfs[limit - 1] == tfs[limit]:
        limit -= 1
    return limit


cases = [
    fit("word", (1, 2), 1, None),
    fit("char_wb", (2, 5), 1, None),
    fit("word", (1, 2), 2, untied_limit("word", (1, 2), 2, 0.6)),
    fit("char_wb", (2, 5), 2, untied_limit("char_wb", (2, 5), 2, 0.5)),
]
out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "sklearn_tfidf.json")
with open(out, "w", encoding="utf-8") as f:
    json.dump({"sklearn": sklearn.__version__, "train": TRAIN, "unseen": UNSEEN, "cases": cases}, f, ensure_ascii=False)
print(out, os.path.getsize(out), "bytes;", [len(c["idf"]) for c in cases], "terms")
