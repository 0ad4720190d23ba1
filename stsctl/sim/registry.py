"""The simulated control plane's controllers, in the order the engine runs them each round:
the kubelets first, then the scheduler, the volume controllers, the StatefulSet controller,
EndpointSlices, the garbage collector and node lifecycle."""

from __future__ import annotations

from stsctl.sim.controller import Controller
from stsctl.sim.endpoints import EndpointSliceController
from stsctl.sim.gc import GarbageCollector
from stsctl.sim.kubelet import Kubelet
from stsctl.sim.nodes import NodeLifecycleController
from stsctl.sim.scheduler import Scheduler
from stsctl.sim.volumes import PersistentVolumeController, ProtectionController


def controllers() -> list[Controller]:
    """Fresh instances of every simulated controller, in run order."""
    # Imported here so that the rest of the simulator does not depend on the StatefulSet
    # controller's module being importable.
    from stsctl.sim.statefulset import StatefulSetController

    return [
        Kubelet(),
        Scheduler(),
        PersistentVolumeController(),
        ProtectionController(),
        StatefulSetController(),
        EndpointSliceController(),
        GarbageCollector(),
        NodeLifecycleController(),
    ]
