"""A similarity graph of emotion words, its clusters, and the nearest wheel word of unknown words.

Nodes are normalised words (:class:`~ensemble.word_normalizer.WordNormalizer`). Two nodes
are joined when their embeddings' cosine similarity is at least ``threshold`` and one is
among the other's ``k`` nearest (a sparse, symmetric k-NN graph computed by blocked matrix
products), and, with ``lexical_edges``, when they share a ``format.csv`` lemma or an M2
wheel word. Clusters are connected components or modularity communities. A word the embedding
model cannot read (no ASCII letter or digit, and any unknown token: Chinese words or emoji for the
default English model) embeds like other such words, or as a stray known character (``伤心``, sad,
and ``开心``, happy, both as ``心``), so it gets no embedding edge and is never attached.
"""
from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Mapping
from typing import Any, TypeVar

import networkx as nx
import numpy as np
from sklearn.base import BaseEstimator

from ensemble.embedding_cache import EmbeddingCache
from ensemble.voter_base import VoterNotFittedError
from ensemble.word_normalizer import WordNormalizer
from judges.errors import InputError
from judges.option_values import is_flag, is_number, is_whole_number

_Word = TypeVar("_Word", bound=Hashable)  # what attach_oov is given (a word, or anything else: left unattached)

__all__ = ["EmotionGraph", "DEFAULT_MIN_SIMILARITY"]

#: Below this cosine similarity an out-of-vocabulary word is left unattached (see docs/embedding-graph.md).
DEFAULT_MIN_SIMILARITY = 0.65
_METHODS = ("components", "louvain", "greedy")
_BLOCK = 1024
#: How many nearest entries are looked at to skip the ones that contradict the word.
_CANDIDATES = 8


class EmotionGraph(BaseEstimator):
    """Cluster emotion words by meaning: embedding k-NN graph plus word-form and synonym edges.

    >>> graph = EmotionGraph(threshold=0.75).fit(["happy", "joyful", "angry", "furious", "happy"])
    >>> graph.cluster("joyful") == graph.cluster("happy"), graph.cluster("angry") == graph.cluster("happy")
    (True, False)
    >>> graph.representative(graph.cluster("joyful"))      # most voted member
    'happiness'
    >>> graph.nearest_in_vocabulary("gratitude")           # out of the wheel vocabulary
    'thankful'

    Parameters: ``threshold`` (cosine for an embedding edge), ``method`` ("components", "louvain"
    or "greedy" modularity), ``lexical_edges`` (True, False, "lemma" or "synonym"), ``model`` (a
    sentence-transformers folder/name for the default cache) or ``cache`` (an :class:`EmbeddingCache`),
    ``k`` (nearest neighbours kept per word), ``include_vocabulary`` (add every wheel form as an
    unvoted node), ``resolution``/``random_state`` (community detection), ``normalizer``.

    Fitted attributes: ``embeddings_`` (one row per word; zero for a word the model cannot read),
    ``graph_`` (networkx graph, edge attributes ``weight``, the cosine or 1.0, and ``kind``:
    "embedding", "lemma" or "synonym"),
    ``clusters_`` (list of sets of words, largest first), ``cluster_of_`` (word -> cluster id),
    ``counts_`` (how often each normalised word was given to ``fit``).

    A word never seen in ``fit`` is placed by :meth:`cluster`: into the cluster of a fitted word
    sharing its lemma or M2 wheel word, else of its most similar word if that similarity is at
    least ``threshold``, else into a new cluster of its own. Either way it is added to the
    fitted graph, so the same word always gets the same id.
    """

    def __init__(
        self,
        threshold: float = 0.75,
        method: str = "components",
        lexical_edges: bool | str = True,
        model: Any = None,
        cache: EmbeddingCache | None = None,
        k: int = 10,
        include_vocabulary: bool = False,
        resolution: float = 1.0,
        random_state: int = 0,
        normalizer: WordNormalizer | None = None,
    ) -> None:
        self.threshold = threshold
        self.method = method
        self.lexical_edges = lexical_edges
        self.model = model
        self.cache = cache
        self.k = k
        self.include_vocabulary = include_vocabulary
        self.resolution = resolution
        self.random_state = random_state
        self.normalizer = normalizer

    # -- fitting ---------------------------------------------------------------------
    def fit(self, words: Iterable[object], y: None = None) -> "EmotionGraph":
        """Build the graph and its clusters from every word the judges said (duplicates are votes), or from a mapping
        of words to their votes (a ``Counter``: iterated, it would give each word once)."""
        self._check_params()
        if isinstance(words, str):
            raise InputError("EmotionGraph.fit: give a list of words, not one string (e.g. fit(['happy', 'sad']))")
        norm = self._norm()
        counts: Counter[str] = Counter()
        if isinstance(words, Mapping):
            for word, votes in words.items():
                if isinstance(votes, Mapping):  # {judge: {clip: words}}: its judge names read as words
                    raise InputError(f"EmotionGraph.fit: {word!r} maps to a mapping, not a number of votes: give the judges' words "
                                     "themselves, e.g. [w for out in outputs.values() for said in out.values() for w in said] "
                                     "for {judge: {clip: words}}")
                if not is_whole_number(votes) or votes < 0:
                    raise InputError(f"EmotionGraph.fit: the word {word!r} has {votes!r} votes; give a whole number 0 or more per word "
                                     "(a Counter of the judges' words), or the list of words")
                node = norm.normalize(word)
                if node and votes:  # None or blank: no word
                    counts[node] += int(votes)
        else:
            counts.update(node for node in map(norm.normalize, words) if node)  # None or blank: no word
        self.counts_ = counts
        nodes = set(self.counts_)
        if self.include_vocabulary:
            nodes.update(norm.normalize(form) for form in norm.wheel.vocabulary)
        self.words_ = sorted(nodes)
        self.embeddings_ = self._readable_rows(self.words_)
        self.graph_: nx.Graph[str] = nx.Graph()
        self.graph_.add_nodes_from(self.words_)
        rows, cols, sims = _knn_edges(self.embeddings_, self.threshold, self.k)
        self.graph_.add_edges_from(
            (self.words_[i], self.words_[j], {"weight": float(s), "kind": "embedding"})
            for i, j, s in zip(rows, cols, sims)
            if not norm.contradicts(self.words_[i], self.words_[j])
        )
        self._lexical_hubs: dict[tuple[str, str], str] = {}
        for word in self.words_:
            for key in self._lexical_keys(word):
                hub = self._lexical_hubs.setdefault(key, word)
                if hub != word:
                    self.graph_.add_edge(hub, word, weight=1.0, kind=key[0])
        self.clusters_ = self._communities()
        self.cluster_of_ = {w: cid for cid, members in enumerate(self.clusters_) for w in members}
        return self

    def _communities(self) -> list[set[str]]:
        found: Iterable[Iterable[str]]
        if self.method == "components":
            found = nx.connected_components(self.graph_)
        elif self.method == "louvain":
            found = nx.community.louvain_communities(self.graph_, weight="weight", resolution=self.resolution, seed=self.random_state)
        else:
            found = nx.community.greedy_modularity_communities(self.graph_, weight="weight", resolution=self.resolution)
        return sorted((set(c) for c in found), key=lambda c: (-len(c), min(c)))

    # -- queries ---------------------------------------------------------------------
    def cluster(self, word: object) -> int:
        """The cluster id of ``word``; an unseen word is attached or gets a new cluster (see class doc)."""
        self._check_fitted()
        node = self._norm().normalize(word)
        if node in self.cluster_of_:
            return self.cluster_of_[node]
        vector = self._readable_rows([node])
        key = next((k for k in self._lexical_keys(node) if k in self._lexical_hubs), None)
        # the same edge kinds as fit's: "lemma"/"synonym" (weight 1), else "embedding" (the similarity)
        neighbour, kind, weight = (self._lexical_hubs[key], key[0], 1.0) if key else (None, "", 0.0)
        if neighbour is None:
            best = _nearest_agreeing([node], vector, self.words_, self.embeddings_, self.threshold, self._norm().contradicts)[0]
            if best is not None:
                neighbour, kind, weight = self.words_[best], "embedding", float(self.embeddings_[best] @ vector[0])
        if neighbour is None:
            cid = len(self.clusters_)
            self.clusters_.append(set())
            self.graph_.add_node(node)
        else:
            cid = self.cluster_of_[neighbour]
            self.graph_.add_edge(neighbour, node, weight=weight, kind=kind)
        self.clusters_[cid].add(node)
        self.cluster_of_[node] = cid
        self.words_.append(node)
        self.embeddings_ = np.vstack([self.embeddings_.reshape(-1, vector.shape[1]), vector])
        for key in self._lexical_keys(node):
            self._lexical_hubs.setdefault(key, node)
        return cid

    def representative(self, cluster_id: int, counts: Mapping[object, int] | None = None) -> str:
        """The most voted word of a cluster; ties: in-vocabulary first, then shortest, then alphabetical.

        ``counts`` maps words (normalised here) to votes; default: the votes seen by ``fit``.
        """
        self._check_fitted()
        if not isinstance(cluster_id, (int, np.integer)) or not 0 <= cluster_id < len(self.clusters_):
            raise InputError(f"EmotionGraph: no cluster {cluster_id!r}; ids run from 0 to {len(self.clusters_) - 1}")
        norm = self._norm()
        if counts is None:
            votes: Mapping[str, int] = self.counts_
        else:
            votes = Counter()
            for word, n in counts.items():
                votes[norm.normalize(word)] += n
        return min(self.clusters_[cluster_id], key=lambda w: (-votes.get(w, 0), not norm.in_vocabulary(w), len(w), w))

    def nearest_in_vocabulary(
        self, word: object, vocabulary: Iterable[str] | None = None, min_similarity: float = DEFAULT_MIN_SIMILARITY
    ) -> str | None:
        """The ``vocabulary`` entry closest to ``word``, or ``None`` if none reaches ``min_similarity``.

        A word whose spelling or lemma is in ``vocabulary`` gets that entry without embedding.
        Default vocabulary: the wheel's 1,255 labels. Needs no ``fit``.
        """
        return self.attach_oov([word], vocabulary, min_similarity).get(word)

    def attach_oov(
        self, words: Iterable[_Word], vocabulary: Iterable[str] | None = None, min_similarity: float = DEFAULT_MIN_SIMILARITY
    ) -> dict[_Word, str]:
        """:meth:`nearest_in_vocabulary` for many words at once: word -> entry in the words' order, unattached words left out."""
        if isinstance(words, str) or isinstance(vocabulary, str):
            raise InputError("EmotionGraph.attach_oov: words and vocabulary are lists of words, not one string")
        if is_number(vocabulary):  # nearest_in_vocabulary("gratitude", 0.7): the similarity given in vocabulary's place
            raise InputError(f"EmotionGraph: vocabulary is a list of words, not {vocabulary!r}; give a similarity by name, "
                             f"min_similarity={vocabulary!r}")
        if not is_number(min_similarity):  # "0.7", None or nan: nan would attach every word, as no similarity is below it
            raise InputError(f"EmotionGraph: min_similarity is a cosine similarity (a number, {DEFAULT_MIN_SIMILARITY} by default), "
                             f"got {min_similarity!r}")
        norm = self._norm()
        entries, matrix, lexical = self._vocabulary_index(vocabulary)
        attached: dict[_Word, str] = {}
        pending: dict[str, list[_Word]] = {}
        unique = list(dict.fromkeys(words))
        for word in unique:
            node = norm.normalize(word)
            hit = lexical.get(norm.clean(word)) or lexical.get(node) or lexical.get(("lemma", norm.lemma(word)))
            if hit is not None:
                attached[word] = hit
            elif node and entries:
                pending.setdefault(node, []).append(word)
        if pending:  # a word the model cannot read embeds by no meaning of its own: not attached
            texts = [t for t, unknown in zip(pending, self._embedder().unreadable(pending)) if not unknown]
            queries = self._embedder().embed(texts)
            for offset, j in enumerate(_nearest_agreeing(texts, queries, entries, matrix, min_similarity, norm.contradicts)):
                if j is not None:
                    for word in pending[texts[offset]]:
                        attached[word] = entries[j]
        return {word: attached[word] for word in unique if word in attached}

    # -- helpers -----------------------------------------------------------------------
    def _vocabulary_index(self, vocabulary: Iterable[str] | None) -> tuple[list[str], np.ndarray, dict[Any, str]]:
        """Entries, their embeddings, and spelling/normalised/lemma -> entry; memoised for the last vocabulary."""
        norm = self._norm()
        if vocabulary is None:
            vocabulary = sorted({label for labels in norm.wheel.form_to_labels.values() for label in labels})
        entries = [str(v) for v in vocabulary]
        key = (tuple(entries), self._embedder(), norm)  # set_params(cache=, model=, normalizer=) makes a new index
        memo = getattr(self, "_vocabulary_memo", None)
        if memo is not None and memo[0] == key:
            return memo[1]
        lexical: dict[Any, str] = {}
        for entry in entries:
            lexical.setdefault(norm.clean(entry), entry)
        for entry in entries:
            lexical.setdefault(norm.normalize(entry), entry)
            lexical.setdefault(("lemma", norm.lemma(entry)), entry)
        lexical.pop(("lemma", None), None)
        lexical.pop("", None)
        matrix = self._embedder().embed([norm.clean(e) for e in entries]) if entries else np.zeros((0, 0), np.float32)
        self._vocabulary_memo = (key, (entries, matrix, lexical))
        return entries, matrix, lexical

    def _lexical_keys(self, word: str) -> list[tuple[str, str]]:
        """(kind, key) pairs that join ``word`` to others: its ``format.csv`` lemma and M2 wheel word."""
        if self.lexical_edges is False:
            return []
        norm = self._norm()
        keys = []
        if self.lexical_edges in (True, "lemma"):
            lemma = norm.lemma(word)
            if lemma:
                keys.append(("lemma", lemma))
        if self.lexical_edges in (True, "synonym"):
            synonym = norm.wheel.lookup("m2").get(word)
            if synonym:
                keys.append(("synonym", synonym))
        return keys

    def _norm(self) -> WordNormalizer:
        if self.normalizer is not None:
            return self.normalizer
        if getattr(self, "_normalizer", None) is None:
            self._normalizer = WordNormalizer()
        return self._normalizer

    def _readable_rows(self, words: list[str]) -> np.ndarray:
        """Embeddings, with zero rows (similar to nothing) for words the model cannot read, whose embeddings mean nothing,
        and for the blank word (``cluster(None)``), which is no word."""
        embedder = self._embedder()
        readable = ~np.asarray(embedder.unreadable(words), dtype=bool).reshape(-1) & np.array([bool(w) for w in words], dtype=bool)
        return embedder.embed(words) * readable[:, None]

    def _embedder(self) -> EmbeddingCache:
        if self.cache is not None:
            return self.cache
        if getattr(self, "_cache", None) is None or getattr(self, "_cache_for", self.model) != self.model:
            if hasattr(self.model, "encode") and not isinstance(self.model, (str, os.PathLike)):  # else "EmbeddingCache: ... model_id"
                raise InputError("EmotionGraph: a loaded model needs a name its cached rows go by; pass "
                                 "cache=EmbeddingCache(model, model_id='<name>') instead of model=")
            self._cache, self._cache_for = EmbeddingCache(self.model), self.model
        return self._cache

    def _check_params(self) -> None:
        if self.method not in _METHODS:
            raise InputError(f"EmotionGraph: unknown method {self.method!r}; use one of {', '.join(_METHODS)}")
        if not is_number(self.threshold) or not -1.0 <= self.threshold <= 1.0:  # not "0.5", None or True
            raise InputError(f"EmotionGraph: threshold is a cosine similarity in [-1, 1], got {self.threshold!r}")
        if not is_whole_number(self.k) or self.k < 1:
            raise InputError(f"EmotionGraph: k (neighbours kept per word) must be an integer >= 1, got {self.k!r}")
        if not (is_flag(self.lexical_edges) or self.lexical_edges in ("lemma", "synonym")):
            raise InputError(f"EmotionGraph: lexical_edges must be True, False, 'lemma' or 'synonym', got {self.lexical_edges!r}")
        if not is_flag(self.include_vocabulary):  # "false" would add the whole vocabulary
            raise InputError(f"EmotionGraph: include_vocabulary must be True or False, got {self.include_vocabulary!r}")

    def _check_fitted(self) -> None:
        if not hasattr(self, "graph_"):
            raise VoterNotFittedError("EmotionGraph is not fitted yet; call fit(words) first")


def _nearest_agreeing(
    texts: list[str], queries: np.ndarray, entries: list[str], matrix: np.ndarray, min_similarity: float,
    contradicts: Callable[[str, str], bool],
) -> list[int | None]:
    """Per query, the index of its most similar entry at or above ``min_similarity`` that it does not contradict."""
    if not len(entries) or not len(texts):
        return [None] * len(texts)
    m = min(_CANDIDATES, len(entries))
    chosen: list[int | None] = []
    for start in range(0, len(texts), _BLOCK):
        sims = _without_blank_rows(queries[start:start + _BLOCK] @ matrix.T, queries[start:start + _BLOCK], matrix)
        top = np.argpartition(-sims, m - 1, axis=1)[:, :m]
        top_sims = np.take_along_axis(sims, top, axis=1)
        order = np.argsort(-top_sims, axis=1, kind="stable")
        for row in range(len(sims)):
            text, pick = texts[start + row], None
            for col in order[row]:
                if top_sims[row, col] < min_similarity:
                    break
                if not contradicts(text, entries[top[row, col]]):
                    pick = int(top[row, col])
                    break
            chosen.append(pick)
    return chosen


def _without_blank_rows(sims: np.ndarray, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """``sims`` with -inf where either side is a zero row (a word the model cannot read, or none): similar to
    nothing, even at a threshold of 0 or below, where its cosine of 0 would otherwise pass."""
    sims[~left.any(axis=1)] = -np.inf
    sims[:, ~right.any(axis=1)] = -np.inf
    return sims


def _knn_edges(embeddings: np.ndarray, threshold: float, k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Undirected edges (i < j, similarity) between each row and its ``k`` most similar rows at or above ``threshold``."""
    n = len(embeddings)
    if n < 2:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0, dtype=np.float32)
    k = min(k, n - 1)
    found_i, found_j, found_s = [], [], []
    for start in range(0, n, _BLOCK):
        sims = _without_blank_rows(embeddings[start:start + _BLOCK] @ embeddings.T, embeddings[start:start + _BLOCK], embeddings)
        rows = np.arange(len(sims))
        sims[rows, start + rows] = -np.inf
        top = np.argpartition(-sims, k - 1, axis=1)[:, :k]
        top_sims = np.take_along_axis(sims, top, axis=1)
        keep = top_sims >= threshold
        found_i.append(np.repeat(start + rows, k)[keep.ravel()])
        found_j.append(top[keep])
        found_s.append(top_sims[keep])
    i, j, s = np.concatenate(found_i), np.concatenate(found_j), np.concatenate(found_s)
    low, high = np.minimum(i, j), np.maximum(i, j)
    _, first = np.unique(low * n + high, return_index=True)
    return low[first], high[first], s[first]
