"""judges.ray_cluster: reaching Ray for the Ray runner (the runner's own tests join clusters through run_judges_ray)."""
from __future__ import annotations

import pytest

import ray  # [dev] includes [ray]: a missing Ray is a failed install, not a skip

from judges.errors import InputError
from judges.ray_cluster import connect


@pytest.mark.parametrize("num_cpus", [0, -2, 1.5, True, "4"])
def test_a_local_clusters_cpu_count_that_is_not_a_whole_number_of_one_or_more_is_refused_before_ray_starts(num_cpus, monkeypatch):
    monkeypatch.setattr(ray, "init", lambda **kw: pytest.fail("Ray started with a bad CPU count"))
    with pytest.raises(InputError, match=rf"^num_cpus={num_cpus!r}: give the local cluster's CPU count, a whole number >= 1"):
        connect(None, num_cpus)


def test_a_cpu_count_given_when_joining_a_cluster_at_an_address_is_refused(monkeypatch):
    monkeypatch.setattr(ray, "is_initialized", lambda: False)
    monkeypatch.setattr(ray, "init", lambda **kw: pytest.fail("num_cpus was ignored"))
    with pytest.raises(InputError, match=r"^num_cpus sizes a local cluster; drop it when joining one at address="):
        connect("auto", 2)
