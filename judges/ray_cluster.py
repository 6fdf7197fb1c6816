"""Reaching Ray for :mod:`judges.ray_runner`: its module, or a one-line error saying how to install it, and a cluster to
run on: joined at an address, the session already open in this process, or a local one started here. Apart from the
runner so that each says one thing: this one what a bad address or a missing Ray looks like, that one how judges run.
"""
from __future__ import annotations

import re
import socket
from typing import Any

from judges.errors import InputError
from judges.install_hints import install_hint
from judges.option_values import is_whole_number

__all__ = ["connect", "import_ray"]


def connect(address: str | None, num_cpus: int | None) -> None:
    """Join Ray at ``address``, keep the session already open here, or start a local cluster."""
    ray = import_ray()
    if num_cpus is not None and (not is_whole_number(num_cpus) or num_cpus < 1):
        raise InputError(f"num_cpus={num_cpus!r}: give the local cluster's CPU count, a whole number >= 1, or None for all")
    if ray.is_initialized():
        return
    if address is not None:
        if num_cpus is not None:
            raise InputError("num_cpus sizes a local cluster; drop it when joining one at address=...")
        _check_listening(address)
        try:
            ray.init(address=address)
        except ConnectionError as exc:
            raise InputError(f"address={address!r}: no Ray cluster found there ({_first_sentence(exc)}); "
                             "start one (ray start --head) or leave address out for a local cluster") from None
        except ValueError as exc:  # not an address at all ('head-node' without a port), or ray:// without ray[client]
            raise InputError(f"address={address!r}: Ray cannot use it ({_first_sentence(exc)}); give 'auto' or the head "
                             "node's host:port (ray start --head prints it), or leave address out for a local cluster") from None
    else:
        ray.init(num_cpus=None if num_cpus is None else int(num_cpus), include_dashboard=False)


_HOST_PORT = re.compile(r"(?P<host>\[[0-9A-Fa-f:.]+\]|[^:/\[\]]+):(?P<port>\d{1,5})")


def _check_listening(address: str, timeout: float = 5.0) -> None:
    """A ``host:port`` address where nothing listens is refused at once; ``ray.init`` would retry it for minutes."""
    match = _HOST_PORT.fullmatch(address.strip())
    if match is None:  # 'auto', 'local', ray://...: Ray's own business
        return
    host, port = match["host"].strip("[]"), int(match["port"])
    if not 0 < port < 65536:
        raise InputError(f"address={address!r}: {port} is not a port (1-65535); give the head node's host:port "
                         "(ray start --head prints it), or leave address out for a local cluster")
    try:
        socket.create_connection((host, port), timeout=timeout).close()
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise InputError(f"address={address!r}: nothing answers there ({reason}); start the cluster (ray start --head "
                         "prints its address) or fix the host:port, or leave address out for a local cluster") from None


def import_ray() -> Any:
    """The ``ray`` module with Ray Data, or a one-line error saying how to install it."""
    try:
        import ray
        import ray.data  # noqa: F401
    except ImportError:
        raise InputError("run_judges_ray needs Ray Data; install it with: " + install_hint("ray")) from None
    return ray


def _first_sentence(exc: BaseException) -> str:
    """Ray's error reduced to its first sentence, on one line, for a one-line message."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text.split(". ")[0].rstrip(".")
