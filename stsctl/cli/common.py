"""What every command does the same way: connect to the chosen cluster, pick the namespace,
follow a StatefulSet until a condition holds."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from stsctl.errors import Interrupted

if TYPE_CHECKING:
    from stsctl.backends.base import Backend
    from stsctl.ops.follow import Snapshot


@contextmanager
def connected(
    backend: str | None,
    *,
    context: str | None = None,
    kubeconfig: str | None = None,
    namespace: str | None = None,
) -> Iterator[Backend]:
    """The backend the flags select (local by default), closed when the command ends."""
    from stsctl.backends import make_backend

    cluster = make_backend(backend, context=context, kubeconfig=kubeconfig, namespace=namespace)
    try:
        yield cluster
    finally:
        cluster.close()


def namespace_for(
    cluster: Backend, namespace: str | None, all_namespaces: bool = False
) -> str | None:
    """The namespace to act in: -n, else the cluster's default; None for -A (which wins over
    -n, as in kubectl)."""
    if all_namespaces:
        return None
    return namespace or cluster.default_namespace()


def follow_statefulset(
    cluster: Backend,
    namespace: str,
    name: str,
    *,
    done: Callable[[Snapshot], bool],
    timeout: float | None,
    title: str,
    live: bool = True,
    scaling: bool = False,
) -> Snapshot:
    """Follow a StatefulSet until `done` holds, drawing the live view on a terminal and plain
    status lines elsewhere (`scaling`: of a change of size, see `render.live.status_line`). Ctrl-C stops watching (exit 130) and never changes the cluster."""
    from stsctl.ops.follow import follow
    from stsctl.render.console import out
    from stsctl.render.live import view_for

    last: Snapshot | None = None
    try:
        with view_for(
            out(), title=title, mode="scale" if scaling else "rollout", live=live
        ) as view:
            for snapshot in follow(cluster, namespace, name, done=done, timeout=timeout):
                view.update(snapshot)
                last = snapshot
    except KeyboardInterrupt:
        raise Interrupted("stopped watching; the cluster was not changed") from None
    assert last is not None  # follow yields at least once or raises
    return last


def stdin_is_terminal() -> bool:
    """Whether a question can be asked: stdin is a terminal."""
    import sys

    stream = sys.stdin
    try:
        return stream is not None and stream.isatty()
    except (AttributeError, ValueError):
        return False


def ask_typed(question: str, word: str) -> bool:
    """Ask on the terminal (prompt on stderr) and read one line; True only when it is `word`
    exactly. End of input counts as no."""
    import sys

    from stsctl.render.console import stderr

    stderr().write(f"{question} ")
    stderr().flush()
    answer = sys.stdin.readline()
    return answer.strip() == word
