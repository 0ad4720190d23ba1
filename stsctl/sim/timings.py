"""How long things take in the simulated cluster: every default duration, as named constants.

The values follow DESIGN.md ("pods start in about two simulated seconds", "termination takes a
short simulated grace period") and, where a real component has a documented default, that
default (kubelet back-off 10 s doubling to 5 min, node-monitor-grace-period 50 s since v1.32,
default toleration 300 s, persistentvolume-controller resync 15 s). Faults
(`stsctl.sim.faults`) change some of them per pod.
"""

from __future__ import annotations

from datetime import timedelta

# --- Pod start-up (kubelet) ------------------------------------------------------------------

SANDBOX_READY = timedelta(seconds=1)
"""Bind → pod sandbox ready (pod IP assigned, image pulls begin). PodReadyToStartContainers=True
and the IP are written with the next status: at once when the images are present, else when
the pulls end."""

IMAGE_PULL = timedelta(seconds=1)
"""A pull from a registry; the `Pulled` event reports this duration."""

IMAGE_REPULL = timedelta(milliseconds=500)
"""A pull of an image the node already has (imagePullPolicy Always): a manifest check."""

CONTAINER_START = SANDBOX_READY + IMAGE_PULL
"""Bind → container Running when the image has to be pulled (about two seconds, DESIGN.md).
With the image already on the node the container starts right after the sandbox."""

INIT_CONTAINER_RUN = timedelta(seconds=1)
"""How long an init container runs before it completes with exit code 0."""

CRASH_RUN = timedelta(seconds=1)
"""How long a crashing (`crash-loop`, `exit-code`) container runs before it exits."""

POD_SYNC = timedelta(seconds=1)
"""Delay of the kubelet's next pod sync after a container exits (it restarts the container, or
reports CrashLoopBackOff)."""

POD_ERROR_RESYNC = timedelta(seconds=10)
"""The kubelet's pod-worker back-off after a failed sync (`backOffPeriod`, jittered up to 15 s
there): an ErrImagePull becomes ImagePullBackOff on this resync, and while a container is in
back-off (CrashLoopBackOff, ImagePullBackOff) every retry reports it again (`BackOff`)."""

# --- Back-off (kubelet flowcontrol.Backoff: initial 10 s, doubling, capped at 5 min) -----------

BACKOFF_INITIAL = timedelta(seconds=10)
BACKOFF_MAX = timedelta(seconds=300)


def backoff(attempt: int) -> timedelta:
    """The back-off after the `attempt`-th back-off step (1 → 10s, 2 → 20s, … capped at 5m)."""
    seconds = BACKOFF_INITIAL.total_seconds() * (2 ** max(0, attempt - 1))
    return min(timedelta(seconds=seconds), BACKOFF_MAX)


# --- Termination ------------------------------------------------------------------------------

TERMINATION = timedelta(seconds=1)
"""How long containers take to stop after SIGTERM (never longer than the pod's grace period)."""

# --- Storage ----------------------------------------------------------------------------------

PROVISIONING = timedelta(seconds=1)
"""Claim creation → provisioned PersistentVolume, for every StorageClass."""

UNBOUND_CLAIM_GRACE = timedelta(seconds=1)
"""The scheduler reports `pod has unbound immediate PersistentVolumeClaims` only for claims at
least this old: a claim that a static PV can satisfy is bound in the same instant it is
created, and a real scheduler would not have seen it unbound either."""

PV_CONTROLLER_RESYNC = timedelta(seconds=15)
"""persistentvolume-controller's periodic resync (`--pvclaimbinder-sync-period`)."""

# --- Nodes ------------------------------------------------------------------------------------

NODE_MONITOR_GRACE = timedelta(seconds=50)
"""A node whose kubelet stopped posting status turns Ready=Unknown after this long
(kube-controller-manager `--node-monitor-grace-period`, 40s before v1.32, 50s since)."""

DEFAULT_TOLERATION = timedelta(seconds=300)
"""`tolerationSeconds` the DefaultTolerationSeconds admission plugin gives every pod for the
`node.kubernetes.io/not-ready` and `node.kubernetes.io/unreachable` NoExecute taints."""
