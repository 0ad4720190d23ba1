"""`kubectl get` tables: columns and cells per kind, and kubectl's tabwriter layout.

This module owns the column definitions and cell rules of kubectl's server-side printers
(`pkg/printers/internalversion/printers.go`, v1.35): which columns a kind has, which are
`-o wide` only, how a pod's STATUS and RESTARTS are derived (`printPod`), the `<none>`/`<unset>`
markers; the NAMESPACE / LABELS / `-L` decorations of kubectl's table printer; and a faithful
port of the elastic-tabstop writer kubectl prints through (`liggitt/tabwriter`: min width 6,
padding 3, `RememberWidths` so `get -w` rows stay aligned).

Everything is a pure function of dicts and `now`; output is plain text (no rich).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any, NamedTuple

from stsctl.core import resources
from stsctl.core.objects import meta as _meta
from stsctl.render.age import age, parse_timestamp, since

Obj = Mapping[str, Any]

NONE = "<none>"
UNSET = "<unset>"

# --- the tabwriter ---------------------------------------------------------------------------


class TabWriter:
    """A port of Go's elastic-tabstop `tabwriter` (with liggitt's `RememberWidths`).

    Input is text whose cells are tab-terminated; the text after a line's last tab is not part of
    a column and is never padded. A column is a run of consecutive lines that have a cell in it,
    so a line without tabs ends every column above it (that is how `kubectl describe` sections
    align independently). Widths count code points, as Go counts runes.
    """

    def __init__(self, *, minwidth: int, padding: int, remembered: list[int] | None = None) -> None:
        self.minwidth = minwidth
        self.padding = padding
        # With RememberWidths the writer keeps the widest width seen per column index across
        # flushes; the caller owns the list so successive calls (watch rows) share it.
        self.remembered = remembered

    def format(self, text: str) -> str:
        """Lay out `text` (lines separated by `\\n`, cells terminated by `\\t`)."""
        parts = text.split("\n")
        lines = [part.split("\t") for part in parts]
        if parts[-1] == "":
            # Text ending in a newline leaves an empty, cell-less last line (Go's state after it).
            lines[-1] = []
        out: list[str] = []
        self._format(lines, 0, len(lines), [], out)
        return "".join(out)

    def _format(
        self, lines: list[list[str]], line0: int, line1: int, widths: list[int], out: list[str]
    ) -> None:
        column = len(widths)
        this = line0
        while this < line1:
            if column >= len(lines[this]) - 1:
                this += 1
                continue
            # A cell exists in this column: print the lines before the block, then size it.
            self._write_lines(lines, line0, this, widths, out)
            line0 = this
            width = self.minwidth
            while this < line1 and column < len(lines[this]) - 1:
                width = max(width, len(lines[this][column]) + self.padding)
                this += 1
            if self.remembered is not None:
                width = self._remember(column, width, widths)
            self._format(lines, line0, this, [*widths, width], out)
            line0 = this
        self._write_lines(lines, line0, line1, widths, out)

    def _remember(self, column: int, width: int, widths: list[int]) -> int:
        maxwidths = self.remembered
        assert maxwidths is not None
        if len(maxwidths) < len(widths):
            maxwidths.extend(widths[len(maxwidths) :])
        if len(maxwidths) == column:
            maxwidths.append(width)
        elif maxwidths[column] > width:
            width = maxwidths[column]
        elif maxwidths[column] < width:
            maxwidths[column] = width
        return width

    @staticmethod
    def _write_lines(
        lines: list[list[str]], line0: int, line1: int, widths: list[int], out: list[str]
    ) -> None:
        for i in range(line0, line1):
            for j, cell in enumerate(lines[i]):
                out.append(cell)
                if j < len(widths):
                    out.append(" " * (widths[j] - len(cell)))
            if i + 1 != len(lines):
                out.append("\n")


def tabwrite(text: str, *, minwidth: int = 6, padding: int = 3) -> str:
    """Align tab-separated `text` once, with kubectl's table settings unless told otherwise."""
    return TabWriter(minwidth=minwidth, padding=padding).format(text)


def escape_terminal(text: str) -> str:
    """`printers.EscapeTerminal`: keep escape sequences in data from driving the terminal."""
    return text.replace("\x1b", "^[").replace("\r", "\\r")


# --- the table model -------------------------------------------------------------------------


class Table:
    """Headers (already uppercased) and rows of cell strings, in print order."""

    # A plain class (as are the records below named tuples): every `get` imports this module,
    # and a dataclass costs a fraction of a millisecond to create.
    def __init__(self, headers: list[str], rows: list[list[str]] | None = None) -> None:
        self.headers = headers
        self.rows = rows if rows is not None else []


def _cell_text(cell: str) -> str:
    # kubectl cuts a cell at the first line break (the tabwriter would take it as one) and says so.
    for i, ch in enumerate(cell):
        if ch in "\f\n\r":
            return escape_terminal(cell[:i]) + "..."
    return escape_terminal(cell)


def format_table(table: Table, *, no_headers: bool = False, widths: list[int] | None = None) -> str:
    """The table as kubectl prints it: cells separated by at least 3 spaces, the last column not
    padded, every line ending in a newline.

    Pass a list as `widths` to get kubectl's `RememberWidths` behaviour: the list is read and
    updated in place with the widest width per column, so a later call (the next `get -w` row,
    printed with `no_headers=True`) lines up with what was printed before. Without it the table is
    laid out on its own.
    """
    lines: list[str] = []
    if not no_headers:
        lines.append("\t".join(table.headers))
    for row in table.rows:
        lines.append("\t".join(_cell_text(cell) for cell in row))
    if not lines:
        return ""
    writer = TabWriter(minwidth=6, padding=3, remembered=widths if widths is not None else [])
    return writer.format("\n".join(lines) + "\n")


# --- small helpers over dicts ----------------------------------------------------------------


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _str(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _name(obj: Obj) -> str:
    return _str(_meta(obj).get("name"))


def _labels(obj: Obj) -> dict[str, Any]:
    return _dict(_meta(obj).get("labels"))


def _annotations(obj: Obj) -> dict[str, Any]:
    return _dict(_meta(obj).get("annotations"))


def format_labels(labels: Mapping[str, Any] | None) -> str:
    """`labels.FormatLabels`: `k=v,k2=v2` sorted by key, `<none>` when empty."""
    if not labels:
        return NONE
    return ",".join(f"{k}={_str(labels[k])}" for k in sorted(labels))


def quantity_text(value: Any) -> str:
    """A quantity as `Quantity.String()` prints it (`1024Mi` → `1Gi`); `0` when unset."""
    if value is None or value == "":
        return "0"
    # Only volume tables show quantities: the exact arithmetic behind them (fractions, decimal)
    # stays out of the start-up of `get pods`.
    from stsctl.core.quantity import canonical_quantity

    try:
        return canonical_quantity(value)
    except (ValueError, TypeError):
        return _str(value)


_ACCESS_MODES = (
    ("ReadWriteOnce", "RWO"),
    ("ReadOnlyMany", "ROX"),
    ("ReadWriteMany", "RWX"),
    ("ReadWriteOncePod", "RWOP"),
)


def access_modes_text(modes: Iterable[Any] | None) -> str:
    """`GetAccessModesAsString`: `RWO,ROX,RWX,RWOP` in that fixed order, duplicates dropped."""
    present = {str(m) for m in modes or ()}
    return ",".join(short for mode, short in _ACCESS_MODES if mode in present)


_BETA_CLASS_ANNOTATION = "volume.beta.kubernetes.io/storage-class"


def claim_class(claim: Obj) -> str:
    """`GetPersistentVolumeClaimClass`: the beta annotation wins over spec.storageClassName."""
    annotations = _annotations(claim)
    if _BETA_CLASS_ANNOTATION in annotations:
        return _str(annotations[_BETA_CLASS_ANNOTATION])
    return _str(_dict(claim.get("spec")).get("storageClassName"))


def volume_class(volume: Obj) -> str:
    """`GetPersistentVolumeClass`: the beta annotation wins over spec.storageClassName."""
    return claim_class(volume)


_DEFAULT_CLASS_ANNOTATIONS = (
    "storageclass.kubernetes.io/is-default-class",
    "storageclass.beta.kubernetes.io/is-default-class",
)


def is_default_class(storage_class: Obj) -> bool:
    """`IsDefaultAnnotation`: either default-class annotation is exactly `"true"`."""
    annotations = _annotations(storage_class)
    return any(annotations.get(key) == "true" for key in _DEFAULT_CLASS_ANNOTATIONS)


def _controller_ref(obj: Obj) -> dict[str, Any] | None:
    for ref in _list(_meta(obj).get("ownerReferences")):
        if isinstance(ref, dict) and ref.get("controller") is True:
            return ref
    return None


def _group_of(api_version: str) -> str:
    return api_version.rsplit("/", 1)[0] if "/" in api_version else ""


def join_host_port(host: str, port: Any) -> str:
    """Go's `net.JoinHostPort`: IPv6 hosts get brackets."""
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


# --- pods ------------------------------------------------------------------------------------


class PodSummary(NamedTuple):
    """What `printPod` derives: the READY, STATUS and RESTARTS cells (a tuple: every pod of a
    big set gets one per frame of a live view, and a tuple is the cheapest record to build)."""

    ready: str
    status: str
    restarts: str


def _is_restartable_init(container: Obj | None) -> bool:
    return container is not None and container.get("restartPolicy") == "Always"


def _condition_true(status: Obj, condition_type: str) -> bool:
    return any(
        c.get("type") == condition_type and c.get("status") == "True"
        for c in _list(status.get("conditions"))
        if isinstance(c, dict)
    )


def _later(current: datetime | None, candidate: Any) -> datetime | None:
    when = parse_timestamp(candidate)
    if when is not None and (current is None or current < when):
        return when
    return current


def summarize_pod(pod: Obj, now: datetime) -> PodSummary:
    """kubectl's `printPod`: readiness, the STATUS reason and `N (5m ago)` restarts."""
    # Live views summarize every pod of a big set for their first frame: the common shape (no
    # init containers, one container) takes the fewest steps.
    spec = _dict(pod.get("spec"))
    status = _dict(pod.get("status"))
    containers = _list(spec.get("containers"))
    init_containers = _list(spec.get("initContainers"))
    init_specs = [c for c in init_containers if isinstance(c, dict)] if init_containers else []
    restarts = 0
    sidecar_restarts = 0
    total = len(containers)
    ready = 0
    last_restart: datetime | None = None
    last_sidecar_restart: datetime | None = None

    phase = _str(status.get("phase"))
    reason = _str(status["reason"]) if status.get("reason") else phase
    for cond in _list(status.get("conditions")):
        if (
            isinstance(cond, dict)
            and cond.get("reason") == "SchedulingGated"
            and cond.get("type") == "PodScheduled"
        ):
            reason = "SchedulingGated"

    initializing = False
    init_statuses = _list(status.get("initContainerStatuses"))
    if init_specs or init_statuses:
        by_name = {_str(c.get("name")): c for c in init_specs}
        total += sum(1 for c in init_specs if _is_restartable_init(c))
        for i, cs in enumerate(init_statuses):
            cs = _dict(cs)
            count = int(cs.get("restartCount") or 0)
            restarts += count
            last_terminated = _dict(_dict(cs.get("lastState")).get("terminated"))
            if last_terminated:
                last_restart = _later(last_restart, last_terminated.get("finishedAt"))
            sidecar = _is_restartable_init(by_name.get(_str(cs.get("name"))))
            if sidecar:
                sidecar_restarts += count
                if last_terminated:
                    last_sidecar_restart = _later(
                        last_sidecar_restart, last_terminated.get("finishedAt")
                    )
            state = _dict(cs.get("state"))
            terminated = state.get("terminated")
            waiting = state.get("waiting")
            if isinstance(terminated, dict) and int(terminated.get("exitCode") or 0) == 0:
                continue
            if sidecar and cs.get("started") is True:
                if cs.get("ready") is True:
                    ready += 1
                continue
            if isinstance(terminated, dict):
                if not terminated.get("reason"):
                    if int(terminated.get("signal") or 0) != 0:
                        reason = f"Init:Signal:{int(terminated['signal'])}"
                    else:
                        reason = f"Init:ExitCode:{int(terminated.get('exitCode') or 0)}"
                else:
                    reason = "Init:" + _str(terminated["reason"])
            elif (
                isinstance(waiting, dict)
                and waiting.get("reason")
                and waiting.get("reason") != "PodInitializing"
            ):
                reason = "Init:" + _str(waiting["reason"])
            else:
                reason = f"Init:{i}/{len(init_specs)}"
            initializing = True
            break

    if not initializing or _condition_true(status, "Initialized"):
        restarts = sidecar_restarts
        last_restart = last_sidecar_restart
        has_running = False
        for cs in reversed(_list(status.get("containerStatuses"))):
            if not isinstance(cs, dict):
                cs = {}
            restarts += int(cs.get("restartCount") or 0)
            last_state = cs.get("lastState")
            if isinstance(last_state, dict):
                previous = last_state.get("terminated")
                if isinstance(previous, dict) and previous:
                    last_restart = _later(last_restart, previous.get("finishedAt"))
            state = _dict(cs.get("state"))
            waiting = state.get("waiting")
            terminated = state.get("terminated")
            if isinstance(waiting, dict) and waiting.get("reason"):
                reason = _str(waiting["reason"])
            elif isinstance(terminated, dict) and terminated.get("reason"):
                reason = _str(terminated["reason"])
            elif isinstance(terminated, dict):
                if int(terminated.get("signal") or 0) != 0:
                    reason = f"Signal:{int(terminated['signal'])}"
                else:
                    reason = f"ExitCode:{int(terminated.get('exitCode') or 0)}"
            elif cs.get("ready") is True and isinstance(state.get("running"), dict):
                has_running = True
                ready += 1
        # A pod whose last container completed while another still runs is still running.
        if reason == "Completed" and has_running:
            reason = "Running" if _condition_true(status, "Ready") else "NotReady"

    metadata = pod.get("metadata")
    if isinstance(metadata, dict) and metadata.get("deletionTimestamp"):
        if status.get("reason") == "NodeLost":
            reason = "Unknown"
        elif phase not in ("Succeeded", "Failed"):
            reason = "Terminating"

    restarts_text = str(restarts)
    if restarts != 0 and last_restart is not None:
        restarts_text = f"{restarts} ({since(last_restart, now)} ago)"
    return PodSummary(f"{ready}/{total}", reason, restarts_text)


def pod_ip(pod: Obj) -> str:
    """The first pod IP (`status.podIPs[0].ip`, else `status.podIP`), "" when none."""
    status = _dict(pod.get("status"))
    ips = _list(status.get("podIPs"))
    if ips and isinstance(ips[0], dict) and ips[0].get("ip"):
        return _str(ips[0]["ip"])
    return _str(status.get("podIP"))


def _pod_cells(pod: Obj, now: datetime, wide: bool) -> list[str]:
    summary = summarize_pod(pod, now)
    spec = _dict(pod.get("spec"))
    status = _dict(pod.get("status"))
    gates = _list(spec.get("readinessGates"))
    gates_text = NONE
    if gates:
        conditions = [c for c in _list(status.get("conditions")) if isinstance(c, dict)]
        true_count = 0
        for gate in gates:
            wanted = _dict(gate).get("conditionType")
            for cond in conditions:
                if cond.get("type") == wanted:
                    true_count += cond.get("status") == "True"
                    break
        gates_text = f"{true_count}/{len(gates)}"
    return [
        _name(pod),
        summary.ready,
        summary.status,
        summary.restarts,
        _age(pod, now),
        pod_ip(pod) or NONE,
        _str(spec.get("nodeName")) or NONE,
        _str(status.get("nominatedNodeName")) or NONE,
        gates_text,
    ]


# --- the other kinds -------------------------------------------------------------------------


def _age(obj: Obj, now: datetime) -> str:
    return age(_meta(obj).get("creationTimestamp"), now)


def _containers_cells(template_spec: Obj) -> list[str]:
    containers = [_dict(c) for c in _list(template_spec.get("containers"))]
    return [
        ",".join(_str(c.get("name")) for c in containers),
        ",".join(_str(c.get("image")) for c in containers),
    ]


def _statefulset_cells(sts: Obj, now: datetime, wide: bool) -> list[str]:
    spec = _dict(sts.get("spec"))
    status = _dict(sts.get("status"))
    desired = spec.get("replicas")
    desired = 1 if desired is None else int(desired)
    ready = int(status.get("readyReplicas") or 0)
    template_spec = _dict(_dict(spec.get("template")).get("spec"))
    return [_name(sts), f"{ready}/{desired}", _age(sts, now), *_containers_cells(template_spec)]


def _claim_cells(claim: Obj, now: datetime, wide: bool) -> list[str]:
    spec = _dict(claim.get("spec"))
    status = _dict(claim.get("status"))
    phase = "Terminating" if _meta(claim).get("deletionTimestamp") else _str(status.get("phase"))
    capacity = ""
    modes = ""
    volume_name = _str(spec.get("volumeName"))
    # Until the claim is bound kubectl leaves these empty rather than echoing the request.
    if volume_name:
        modes = access_modes_text(_list(status.get("accessModes")))
        capacity = quantity_text(_dict(status.get("capacity")).get("storage"))
    attributes_class = spec.get("volumeAttributesClassName")
    volume_mode = spec.get("volumeMode")
    return [
        _name(claim),
        phase,
        volume_name,
        capacity,
        modes,
        claim_class(claim),
        UNSET if attributes_class is None else _str(attributes_class),
        _age(claim, now),
        UNSET if volume_mode is None else _str(volume_mode),
    ]


def _volume_cells(volume: Obj, now: datetime, wide: bool) -> list[str]:
    spec = _dict(volume.get("spec"))
    status = _dict(volume.get("status"))
    claim_ref = spec.get("claimRef")
    claim = ""
    if isinstance(claim_ref, dict):
        claim = f"{_str(claim_ref.get('namespace'))}/{_str(claim_ref.get('name'))}"
    phase = "Terminating" if _meta(volume).get("deletionTimestamp") else _str(status.get("phase"))
    attributes_class = spec.get("volumeAttributesClassName")
    volume_mode = spec.get("volumeMode")
    return [
        _name(volume),
        quantity_text(_dict(spec.get("capacity")).get("storage")),
        access_modes_text(_list(spec.get("accessModes"))),
        _str(spec.get("persistentVolumeReclaimPolicy")),
        phase,
        claim,
        volume_class(volume),
        UNSET if attributes_class is None else _str(attributes_class),
        _str(status.get("reason")),
        _age(volume, now),
        UNSET if volume_mode is None else _str(volume_mode),
    ]


def _load_balancer_ips(service: Obj, wide: bool) -> str:
    ingress = _list(_dict(_dict(service.get("status")).get("loadBalancer")).get("ingress"))
    found: set[str] = set()
    for entry in ingress:
        entry = _dict(entry)
        if entry.get("ip"):
            found.add(_str(entry["ip"]))
        elif entry.get("hostname"):
            found.add(_str(entry["hostname"]))
    text = ",".join(sorted(found))
    if not wide and len(text) > 16:
        text = text[:13] + "..."
    return text


def service_external_ip(service: Obj, wide: bool = False) -> str:
    """`getServiceExternalIP`: the EXTERNAL-IP cell."""
    spec = _dict(service.get("spec"))
    service_type = spec.get("type")
    external = [_str(ip) for ip in _list(spec.get("externalIPs"))]
    if service_type in ("ClusterIP", "NodePort"):
        return ",".join(external) if external else NONE
    if service_type == "LoadBalancer":
        lb = _load_balancer_ips(service, wide)
        if external:
            return ",".join([*(lb.split(",") if lb else []), *external])
        return lb or "<pending>"
    if service_type == "ExternalName":
        return _str(spec.get("externalName"))
    return "<unknown>"


def service_ports(service: Obj) -> str:
    """`makePortString`: `80/TCP`, `80:30080/TCP`, comma-joined."""
    pieces = []
    for port in _list(_dict(service.get("spec")).get("ports")):
        port = _dict(port)
        node_port = int(port.get("nodePort") or 0)
        number = _str(port.get("port"))
        protocol = _str(port.get("protocol"))
        pieces.append(
            f"{number}:{node_port}/{protocol}" if node_port > 0 else f"{number}/{protocol}"
        )
    return ",".join(pieces)


def _service_cells(service: Obj, now: datetime, wide: bool) -> list[str]:
    spec = _dict(service.get("spec"))
    cluster_ips = _list(spec.get("clusterIPs"))
    # kubectl reads only clusterIPs (the API server always fills it); clusterIP is a fallback
    # for objects that never went through defaulting.
    internal = _str(cluster_ips[0]) if cluster_ips else (_str(spec.get("clusterIP")) or NONE)
    return [
        _name(service),
        _str(spec.get("type")),
        internal,
        service_external_ip(service, wide),
        service_ports(service) or NONE,
        _age(service, now),
        format_labels(_dict(spec.get("selector"))),
    ]


def _storage_class_cells(sc: Obj, now: datetime, wide: bool) -> list[str]:
    name = _name(sc) + (" (default)" if is_default_class(sc) else "")
    return [
        name,
        _str(sc.get("provisioner")),
        _str(sc.get("reclaimPolicy") or "Delete"),
        _str(sc.get("volumeBindingMode") or "Immediate"),
        "true" if sc.get("allowVolumeExpansion") is True else "false",
        _age(sc, now),
    ]


def _revision_cells(revision: Obj, now: datetime, wide: bool) -> list[str]:
    controller = NONE
    ref = _controller_ref(revision)
    if ref is not None:
        group = _group_of(_str(ref.get("apiVersion")))
        kind = _str(ref.get("kind"))
        group_kind = f"{kind}.{group}" if group else kind
        controller = (
            f"{group_kind.lower()}/{_str(ref.get('name'))}" if kind else _str(ref.get("name"))
        )
    return [_name(revision), controller, _str(revision.get("revision") or 0), _age(revision, now)]


def _list_with_more(items: list[str], more: bool, count: int, limit: int) -> str:
    text = ",".join(items)
    if more:
        return f"{text} + {count - limit} more..."
    return text or UNSET


def _discovery_ports(ports: list[Any]) -> str:
    items: list[str] = []
    more = False
    count = 0
    for port in ports:
        port = _dict(port)
        if len(items) < 3:
            if port.get("port") is not None:
                items.append(_str(port["port"]))
            elif port.get("name") is not None:
                items.append(_str(port["name"]))
            else:
                items.append("*")
        elif len(items) == 3:
            more = True
        count += 1
    return _list_with_more(items, more, count, 3)


def _discovery_endpoints(endpoints: list[Any]) -> str:
    items: list[str] = []
    more = False
    count = 0
    for endpoint in endpoints:
        for address in _list(_dict(endpoint).get("addresses")):
            if len(items) < 3:
                items.append(_str(address))
            elif len(items) == 3:
                more = True
            count += 1
    return _list_with_more(items, more, count, 3)


def _endpoint_slice_cells(eps: Obj, now: datetime, wide: bool) -> list[str]:
    return [
        _name(eps),
        _str(eps.get("addressType")),
        _discovery_ports(_list(eps.get("ports"))),
        _discovery_endpoints(_list(eps.get("endpoints"))),
        _age(eps, now),
    ]


def event_source(event: Obj) -> str:
    """`formatEventSource`: component (or reportingController), `, host` when known."""
    source = _dict(event.get("source"))
    component = _str(source.get("component")) or _str(event.get("reportingController"))
    host = _str(source.get("host")) or _str(event.get("reportingInstance"))
    return f"{component}, {host}" if host else component


def _event_cells(event: Obj, now: datetime, wide: bool) -> list[str]:
    first = event.get("firstTimestamp")
    first_seen = since(first, now) if parse_timestamp(first) else since(event.get("eventTime"), now)
    last_seen = since(event.get("lastTimestamp"), now)
    if parse_timestamp(event.get("lastTimestamp")) is None:
        last_seen = first_seen
    count = int(event.get("count") or 0)
    series = event.get("series")
    if isinstance(series, dict):
        last_seen = since(series.get("lastObservedTime"), now)
        count = int(series.get("count") or 0)
    elif count == 0:
        count = 1  # singleton events of the new API carry no count
    involved = _dict(event.get("involvedObject"))
    kind = _str(involved.get("kind")).lower()
    target = f"{kind}/{_str(involved.get('name'))}" if involved.get("name") else kind
    return [
        last_seen,
        _str(event.get("type")),
        _str(event.get("reason")),
        target,
        _str(involved.get("fieldPath")),
        event_source(event),
        _str(event.get("message")).strip(),
        first_seen,
        str(count),
        _name(event),
    ]


_ROLE_PREFIX = "node-role.kubernetes.io/"


def node_roles(node: Obj) -> list[str]:
    """`findNodeRoles`: `node-role.kubernetes.io/<role>` keys and `kubernetes.io/role` values."""
    roles: set[str] = set()
    for key, value in _labels(node).items():
        if key.startswith(_ROLE_PREFIX) and len(key) > len(_ROLE_PREFIX):
            roles.add(key[len(_ROLE_PREFIX) :])
        elif key == "kubernetes.io/role" and value:
            roles.add(_str(value))
    return sorted(roles)


def _node_address(node: Obj, address_type: str) -> str:
    for address in _list(_dict(node.get("status")).get("addresses")):
        address = _dict(address)
        if address.get("type") == address_type:
            return _str(address.get("address"))
    return NONE


def node_status(node: Obj) -> str:
    """`Ready`, `NotReady` or `Unknown`, plus `,SchedulingDisabled` when cordoned."""
    states = []
    for cond in _list(_dict(node.get("status")).get("conditions")):
        cond = _dict(cond)
        if cond.get("type") == "Ready":
            states = ["Ready" if cond.get("status") == "True" else "NotReady"]
    if not states:
        states = ["Unknown"]
    if _dict(node.get("spec")).get("unschedulable") is True:
        states.append("SchedulingDisabled")
    return ",".join(states)


def _node_cells(node: Obj, now: datetime, wide: bool) -> list[str]:
    info = _dict(_dict(node.get("status")).get("nodeInfo"))
    return [
        _name(node),
        node_status(node),
        ",".join(node_roles(node)) or NONE,
        _age(node, now),
        _str(info.get("kubeletVersion")),
        _node_address(node, "InternalIP"),
        _node_address(node, "ExternalIP"),
        _str(info.get("osImage")) or "<unknown>",
        _str(info.get("kernelVersion")) or "<unknown>",
        _str(info.get("containerRuntimeVersion")) or "<unknown>",
    ]


def _namespace_cells(ns: Obj, now: datetime, wide: bool) -> list[str]:
    return [_name(ns), _str(_dict(ns.get("status")).get("phase")), _age(ns, now)]


def _configmap_cells(cm: Obj, now: datetime, wide: bool) -> list[str]:
    count = len(_dict(cm.get("data"))) + len(_dict(cm.get("binaryData")))
    return [_name(cm), str(count), _age(cm, now)]


def _generic_cells(obj: Obj, now: datetime, wide: bool) -> list[str]:
    return [_name(obj), _age(obj, now)]


# --- column definitions ----------------------------------------------------------------------

Cells = Callable[[Obj, datetime, bool], list[str]]


class Column(NamedTuple):
    name: str
    priority: int = 0  # 1 = shown with `-o wide` only


class Printer(NamedTuple):
    columns: tuple[Column, ...]
    cells: Cells  # one cell per column, wide ones included; `wide` only changes cell content


def _cols(*names: str, wide: Sequence[str] = ()) -> tuple[Column, ...]:
    return (*(Column(n) for n in names), *(Column(n, 1) for n in wide))


PRINTERS: dict[str, Printer] = {
    "Pod": Printer(
        _cols(
            "Name",
            "Ready",
            "Status",
            "Restarts",
            "Age",
            wide=("IP", "Node", "Nominated Node", "Readiness Gates"),
        ),
        _pod_cells,
    ),
    "StatefulSet": Printer(
        _cols("Name", "Ready", "Age", wide=("Containers", "Images")), _statefulset_cells
    ),
    "PersistentVolumeClaim": Printer(
        _cols(
            "Name",
            "Status",
            "Volume",
            "Capacity",
            "Access Modes",
            "StorageClass",
            "VolumeAttributesClass",
            "Age",
            wide=("VolumeMode",),
        ),
        _claim_cells,
    ),
    "PersistentVolume": Printer(
        _cols(
            "Name",
            "Capacity",
            "Access Modes",
            "Reclaim Policy",
            "Status",
            "Claim",
            "StorageClass",
            "VolumeAttributesClass",
            "Reason",
            "Age",
            wide=("VolumeMode",),
        ),
        _volume_cells,
    ),
    "Service": Printer(
        _cols("Name", "Type", "Cluster-IP", "External-IP", "Port(s)", "Age", wide=("Selector",)),
        _service_cells,
    ),
    "StorageClass": Printer(
        _cols(
            "Name",
            "Provisioner",
            "ReclaimPolicy",
            "VolumeBindingMode",
            "AllowVolumeExpansion",
            "Age",
        ),
        _storage_class_cells,
    ),
    "ControllerRevision": Printer(_cols("Name", "Controller", "Revision", "Age"), _revision_cells),
    "EndpointSlice": Printer(
        _cols("Name", "AddressType", "Ports", "Endpoints", "Age"), _endpoint_slice_cells
    ),
    # Events interleave wide columns, so their order is spelled out (printers.go).
    "Event": Printer(
        (
            Column("Last Seen"),
            Column("Type"),
            Column("Reason"),
            Column("Object"),
            Column("Subobject", 1),
            Column("Source", 1),
            Column("Message"),
            Column("First Seen", 1),
            Column("Count", 1),
            Column("Name", 1),
        ),
        _event_cells,
    ),
    "Node": Printer(
        _cols(
            "Name",
            "Status",
            "Roles",
            "Age",
            "Version",
            wide=("Internal-IP", "External-IP", "OS-Image", "Kernel-Version", "Container-Runtime"),
        ),
        _node_cells,
    ),
    "Namespace": Printer(_cols("Name", "Status", "Age"), _namespace_cells),
    "ConfigMap": Printer(_cols("Name", "Data", "Age"), _configmap_cells),
}

_GENERIC = Printer(_cols("Name", "Age"), _generic_cells)


def resolve_kind(kind: str) -> str:
    """`StatefulSet` for `statefulsets`, `sts`, `statefulset.apps` or `StatefulSet`."""
    if kind in PRINTERS:
        return kind
    entry = resources.lookup(kind)
    return entry.kind if entry is not None else kind


def _select(cells: list[str], columns: Sequence[Column], wide: bool) -> list[str]:
    # Cell functions return every column, like the PV/PVC printers; `-o wide` decides what shows.
    return [cell for cell, col in zip(cells, columns, strict=True) if wide or col.priority == 0]


def _label_header(key: str) -> str:
    return key.rsplit("/", 1)[-1].upper()


def table_for(
    kind: str,
    objects: Sequence[Obj],
    now: datetime,
    *,
    wide: bool = False,
    all_namespaces: bool = False,
    show_labels: bool = False,
    label_columns: Sequence[str] = (),
    with_kind: bool = False,
) -> Table:
    """The `kubectl get` table for objects of one kind.

    `all_namespaces` prepends NAMESPACE (for namespaced kinds only, as kubectl does);
    `label_columns` (`-L`) append one column per key, headed by the key's last path segment;
    `show_labels` appends LABELS last; `with_kind` prefixes names with `statefulset.apps/`
    (kubectl does this when one `get` prints several kinds).
    """
    resolved = resolve_kind(kind)
    printer = PRINTERS.get(resolved, _GENERIC)
    columns = [c for c in printer.columns if wide or c.priority == 0]
    headers = [c.name.upper() for c in columns]
    entry = resources.by_kind(resolved)
    with_namespace = all_namespaces and (entry is None or entry.namespaced)
    name_index = next((i for i, c in enumerate(columns) if c.name == "Name"), None)
    prefix = ""
    if with_kind:
        prefix = (entry.name_prefix if entry is not None else resolved.lower()) + "/"
    if with_namespace:
        headers.insert(0, "NAMESPACE")
    headers += [_label_header(key) for key in label_columns]
    if show_labels:
        headers.append("LABELS")

    rows: list[list[str]] = []
    for obj in objects:
        cells = _select(printer.cells(obj, now, wide), printer.columns, wide)
        if prefix and name_index is not None and cells:
            cells[name_index] = prefix + cells[name_index]
        if with_namespace:
            cells.insert(0, _str(_meta(obj).get("namespace")))
        labels = _labels(obj)
        cells += [_str(labels.get(key, "")) for key in label_columns]
        if show_labels:
            cells.append(format_labels(labels))
        rows.append(cells)
    return Table(headers=headers, rows=rows)
