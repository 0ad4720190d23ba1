"""What the engine's fake controllers share: being keyed by the ConfigMaps they watch."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from stsctl.sim.controller import ClusterView, Key


class ConfigMapKeyed:
    """`keys_for` a changed ConfigMap: its own (namespace, name); no keys at a full resync."""

    def keys_for(self, obj: dict[str, Any], view: ClusterView) -> Iterable[Key]:
        return [(obj["metadata"]["namespace"], obj["metadata"]["name"])]

    def all_keys(self, view: ClusterView) -> Iterable[Key]:
        return []
