"""Benchmark and report for the embedding graph of emotion words.

Prints (1) the judge outputs' vocabulary figures: distinct words, share of word tokens out of
the wheel vocabulary before and after normalisation; (2) where ``attach_oov`` puts the 30 most
frequent out-of-vocabulary words; (3) why 0.75 for graph edges (wheel labels that similar mostly share an M2 wheel word; the
judges' words' clusters stay small); (4) the time to build an ``EmotionGraph`` of 10,000 words
(wheel forms + judge words + synthetic "x and y" phrases), embedding included, with a cold
cache, a warm on-disk cache and a warm in-memory cache. Target: under a minute on 2 CPU cores.
The phrases bridge two meanings each, so the cluster sizes printed there are not typical.
With ``--ew``: the dev EW scores of the stored outputs when OOV words are attached.

    python benchmarks/graph_build.py [--words 10000] [--threads 2] [--skip-report] [--ew]
"""
from __future__ import annotations

import argparse
import itertools
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmark_arguments import positive_int, run_script  # noqa: E402
from calibration.data_paths import ovmerd_dir  # noqa: E402
from calibration.emotion_wheel import load_wheel  # noqa: E402
from ensemble.embedding_cache import EmbeddingCache  # noqa: E402
from ensemble.embedding_graph import DEFAULT_MIN_SIMILARITY, EmotionGraph  # noqa: E402
from ensemble.word_normalizer import WordNormalizer  # noqa: E402
from judges.outputs import read_judge_output  # noqa: E402


def judge_word_counts() -> tuple[Counter, int]:
    """Word -> token count over every ``outputs/*/*-openset.npz``, and the number of files."""
    files = sorted((ovmerd_dir() / "outputs").glob("*/*-openset.npz"))
    counts: Counter = Counter()
    for path in files:
        for words in read_judge_output(path).values():
            counts.update(words)
    return counts, len(files)


def report(counts: Counter, n_files: int, norm: WordNormalizer, cache: EmbeddingCache) -> None:
    wheel = norm.wheel
    tokens = sum(counts.values())
    oov = {w: n for w, n in counts.items() if not wheel.in_vocabulary(w)}
    still = {w: n for w, n in oov.items() if not norm.in_vocabulary(w)}
    print(f"judge outputs: {n_files} files, {tokens} word tokens, {len(counts)} distinct words, "
          f"{len({norm.normalize(w) for w in counts})} after normalisation")
    print(f"out of the wheel vocabulary: {len(oov)} distinct words, {sum(oov.values()) / tokens:.2%} of tokens; "
          f"after normalisation: {len(still)} words, {sum(still.values()) / tokens:.2%} of tokens")
    graph = EmotionGraph(cache=cache, normalizer=norm)
    for threshold in (0.55, 0.6, DEFAULT_MIN_SIMILARITY, 0.7, 0.75):
        attached = graph.attach_oov(list(oov), min_similarity=threshold)
        share = sum(oov[w] for w in attached) / sum(oov.values())
        print(f"  attach_oov(min_similarity={threshold}): {len(attached)}/{len(oov)} OOV words, {share:.1%} of OOV tokens")
    print(f"top-30 OOV words -> attach_oov (wheel labels, min_similarity={DEFAULT_MIN_SIMILARITY}; '-' = left out):")
    top = sorted(oov, key=lambda w: (-oov[w], w))[:30]
    attached = graph.attach_oov(top, min_similarity=-1.0)
    kept = graph.attach_oov(top)
    for word in top:
        target = attached[word]
        sim = float(cache.embed([norm.normalize(word)])[0] @ cache.embed([norm.clean(target)])[0])
        mark = target if word in kept else f"- ({target})"
        print(f"  {word:22s} {oov[word]:5d}  ->  {mark:28s} cos {sim:.2f}")


def threshold_check(counts: Counter, norm: WordNormalizer, cache: EmbeddingCache) -> None:
    """Why 0.75 for graph edges: how often two wheel labels that similar map to the same M2 wheel word, and how big
    the connected components of the judges' words grow as the threshold falls."""
    import numpy as np
    from sklearn.metrics import roc_auc_score

    wheel = norm.wheel
    labels = sorted({label for found in wheel.form_to_labels.values() for label in found})
    m2 = wheel.lookup("m2")
    vectors = cache.embed([norm.clean(label) for label in labels])
    upper = np.triu_indices(len(labels), 1)
    similarity = (vectors @ vectors.T)[upper]
    mapped = [m2.get(label) for label in labels]
    same = np.array([mapped[i] is not None and mapped[i] == mapped[j] for i, j in zip(*upper)])
    shares = ", ".join(f"{same[similarity >= t].mean():.0%} at {t}" for t in (0.65, 0.7, 0.75, 0.8))
    print(f"wheel labels: {len(labels)}; pairs at cosine >= t mapping to the same M2 wheel word: {shares} "
          f"(AUC of the cosine for it {roc_auc_score(same, similarity):.2f}, base rate {same.mean():.2%})")
    words = sorted(counts)
    for threshold in (0.55, 0.65, 0.75):
        sizes = []
        for lexical, method in ((False, "components"), (True, "components"), (False, "louvain")):
            graph = EmotionGraph(threshold=threshold, lexical_edges=lexical, method=method, cache=cache, normalizer=norm).fit(words)
            sizes.append(len(graph.clusters_[0]))
        print(f"  judges' words, threshold {threshold}: largest cluster {sizes[0]} words (embedding edges, connected "
              f"components), {sizes[1]} with the lemma and M2 edges too, {sizes[2]} by Louvain")


def ew_effect(norm: WordNormalizer, cache: EmbeddingCache) -> None:
    """Mean dev EW scores of the 37 stored outputs when OOV words are replaced by their attachment."""
    from calibration.ew_metric import evaluate
    from calibration.labels import read_labels, read_split

    labels = read_labels(ovmerd_dir() / "labels" / "dev.csv")
    names = read_split(ovmerd_dir() / "splits" / "dev.txt")
    outputs = [read_judge_output(p) for p in sorted((ovmerd_dir() / "outputs").glob("*/*-openset.npz"))]
    wheel = norm.wheel
    oov = sorted({w for out in outputs for words in out.values() for w in words if not wheel.in_vocabulary(w)})
    graph = EmotionGraph(cache=cache, normalizer=norm)
    settings = [("none (metric drops OOV)", None, None), ("lexical only", None, 1.01)]
    settings += [(f"wheel labels, {t}", None, t) for t in (0.75, 0.7, 0.65, 0.6, 0.55, 0.5)]
    settings += [(f"wheel forms, {t}", wheel.vocabulary, t) for t in (0.65, 0.5)]
    print(f"EW effect of attach_oov, mean over {len(outputs)} outputs on {len(names)} dev samples:")
    for title, vocabulary, threshold in settings:
        mapping = {} if threshold is None else graph.attach_oov(oov, vocabulary, threshold)
        l1, m_avg = [], []
        for out in outputs:
            pred = {n: [w if wheel.in_vocabulary(w) else mapping.get(w, w) for w in ws] for n, ws in out.items()}
            scores = evaluate(labels, pred, names, wheel=wheel)
            l1.append(scores.l1_f)
            m_avg.append(scores.m_avg)
        print(f"  {title:26s} L1-F {100 * sum(l1) / len(l1):6.2f}   mean of 12 EW F {100 * sum(m_avg) / len(m_avg):6.2f}")


def benchmark_words(counts: Counter, norm: WordNormalizer, n_words: int) -> list[str]:
    """Wheel forms + judge words + "x and y" phrases: ``n_words`` distinct words after normalisation."""
    seeds = list(dict.fromkeys(list(norm.wheel.vocabulary) + sorted(counts)))
    words, nodes = [], set()
    base = sorted({norm.normalize(w) for w in counts} | {norm.normalize(w) for w in norm.wheel.vocabulary})
    phrases = (f"{a} and {b}" for a, b in itertools.product(base[::7], base[3::11]) if a != b)
    for word in itertools.chain(seeds, phrases):
        node = norm.normalize(word)
        if node not in nodes:
            nodes.add(node)
            words.append(word)
            if len(words) >= n_words:
                break
    return words


def timed_fit(words: list[str], cache: EmbeddingCache, norm: WordNormalizer, method: str) -> tuple[str, EmotionGraph]:
    """``fit`` timed as wall-clock and CPU seconds (CPU time shows what a busy shared machine hides)."""
    wall, cpu = time.perf_counter(), time.process_time()
    graph = EmotionGraph(method=method, cache=cache, normalizer=norm).fit(words)
    return f"{time.perf_counter() - wall:6.1f} s wall, {time.process_time() - cpu:6.1f} s CPU", graph


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--words", type=positive_int, default=10_000, help="graph size (distinct normalised words; default 10,000)")
    parser.add_argument("--threads", type=positive_int, default=2, help="torch CPU threads (default 2)")
    parser.add_argument("--skip-report", action="store_true", help="only time the graph build")
    parser.add_argument("--ew", action="store_true", help="also score attach_oov with the EW metric on dev (slow)")
    args = parser.parse_args()

    import torch

    torch.set_num_threads(args.threads)
    norm = WordNormalizer(load_wheel())
    counts, n_files = judge_word_counts()
    with tempfile.TemporaryDirectory() as tmp:
        if not args.skip_report:
            report_cache = EmbeddingCache(cache_dir=Path(tmp) / "report")
            report(counts, n_files, norm, report_cache)
            threshold_check(counts, norm, report_cache)
            if args.ew:
                ew_effect(norm, report_cache)
        words = benchmark_words(counts, norm, args.words)
        print(f"\nbuild benchmark: {len(words)} words, torch threads {torch.get_num_threads()}")
        cold_cache = EmbeddingCache(cache_dir=Path(tmp) / "bench")
        seconds, graph = timed_fit(words, cold_cache, norm, "components")
        print(f"  cold cache (model load + {cold_cache.n_computed} embeddings + graph): {seconds}")
        print(f"    graph: {graph.graph_.number_of_nodes()} nodes, {graph.graph_.number_of_edges()} edges, "
              f"{len(graph.clusters_)} clusters, largest {len(graph.clusters_[0])}")
        disk_cache = EmbeddingCache(cache_dir=Path(tmp) / "bench")
        seconds, _ = timed_fit(words, disk_cache, norm, "components")
        print(f"  warm cache, from disk (new process-like cache, {disk_cache.n_computed} computed): {seconds}")
        for method in ("components", "louvain"):
            seconds, graph = timed_fit(words, disk_cache, norm, method)
            print(f"  warm cache, in memory, {method:10s}: {seconds}  ({len(graph.clusters_)} clusters, largest {len(graph.clusters_[0])})")


if __name__ == "__main__":
    run_script(main, __file__)
