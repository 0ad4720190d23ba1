"""`kubectl describe` text for the kinds stsctl shows, plus stsctl's StatefulSet extras.

This module owns the layouts of kubectl's describers (`k8s.io/kubectl/pkg/describe/describe.go`,
v1.35): tab-aligned `Key:  value` lines written through Go's tabwriter (padding 2, a line without
tabs closes every column above it), two-space levels, sorted multi-line Labels/Annotations,
`<none>`, RFC1123Z times, and the Events table with `(x3 over 10s)`. For a StatefulSet, stsctl then
adds what kubectl leaves out: the pods by ordinal, their claims, the revisions and the stable DNS
names. kubectl's sections come first and unchanged, so kubectl's output is a prefix of ours.

Pure functions: objects and `related` objects (pods, claims, revisions, events, service,
endpointslices) in, a string out (ending in a newline, like kubectl's).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime, tzinfo
from fractions import Fraction
from typing import Any

from stsctl.core.identity import REVISION_LABEL, ordinal_of, pod_dns_name
from stsctl.core.objects import meta as _meta
from stsctl.core.quantity import format_quantity, parse_quantity
from stsctl.render.age import parse_timestamp, rfc1123z, since
from stsctl.render.outputs import go_sprint
from stsctl.render.tables import (
    NONE,
    UNSET,
    TabWriter,
    access_modes_text,
    claim_class,
    escape_terminal,
    format_labels,
    is_default_class,
    join_host_port,
    node_roles,
    quantity_text,
    resolve_kind,
    summarize_pod,
    volume_class,
)

Obj = Mapping[str, Any]

_LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"
_MAX_ANNOTATION_LEN = 140


# --- Go-flavoured value printing -------------------------------------------------------------


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _bool_title(value: Any) -> str:
    """kubectl's `printBool`: `True` / `False`."""
    return "True" if value is True else "False"


def _bool_ptr(value: Any) -> str:
    """kubectl's `printBoolPtr`: `<unset>` for nil."""
    return UNSET if value is None else _bool_title(value)


def _s(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _int(value: Any) -> int:
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 0


def _name(obj: Obj) -> str:
    return _s(_meta(obj).get("name"))


def _namespace(obj: Obj) -> str:
    return _s(_meta(obj).get("namespace"))


# --- the prefix writer -----------------------------------------------------------------------


class _Writer:
    """kubectl's PrefixWriter over a tabwriter: `write(level, text)` indents by two per level."""

    def __init__(self) -> None:
        self._parts: list[str] = []

    def write(self, level: int, text: str) -> None:
        self._parts.append("  " * level + escape_terminal(text))

    def line(self, text: str = "") -> None:
        self._parts.append(escape_terminal(text) + "\n")

    def text(self) -> str:
        # tabbedString: tabwriter.Init(buf, 0, 8, 2, ' ', 0).
        return TabWriter(minwidth=0, padding=2).format("".join(self._parts))


class _NestedWriter(_Writer):
    """kubectl's nestedPrefixWriter: the same output, every level shifted by `indent`."""

    def __init__(self, parent: _Writer, indent: int) -> None:
        super().__init__()
        self._parent = parent
        self._indent = indent

    def write(self, level: int, text: str) -> None:
        self._parent.write(level + self._indent, text)

    def line(self, text: str = "") -> None:
        self._parent.write(self._indent, text + "\n")


def _labels_multiline(
    w: _Writer,
    title: str,
    labels: Mapping[str, Any] | None,
    *,
    initial_indent: str = "",
    inner_indent: str = "\t",
) -> None:
    w.write(0, f"{initial_indent}{title}:{inner_indent}")
    keys = sorted(labels or {})
    if not keys:
        w.line(NONE)
        return
    for i, key in enumerate(keys):
        if i:
            w.write(0, initial_indent + inner_indent)
        w.write(0, f"{key}={_s((labels or {})[key])}\n")


def _annotations_multiline(w: _Writer, title: str, annotations: Mapping[str, Any] | None) -> None:
    w.write(0, f"{title}:\t")
    keys = sorted(k for k in annotations or {} if k != _LAST_APPLIED)
    if not keys:
        w.line(NONE)
        return
    for i, key in enumerate(keys):
        if i:
            w.write(0, "\t")
        value = _s((annotations or {})[key]).removesuffix("\n")
        if len(value) + len(key) + 2 > _MAX_ANNOTATION_LEN or "\n" in value:
            w.write(0, f"{key}:\n")
            for part in value.split("\n"):
                short = part
                if len(part) > _MAX_ANNOTATION_LEN - 2:
                    short = part[: _MAX_ANNOTATION_LEN - 2] + "..."
                w.write(0, f"\t  {short}\n")
        else:
            w.write(0, f"{key}: {value}\n")


def _tolerations_multiline(
    w: _Writer, title: str, tolerations: Sequence[Any], *, initial_indent: str = ""
) -> None:
    w.write(0, f"{initial_indent}{title}:\t")
    items = [_dict(t) for t in tolerations]
    if not items:
        w.line(NONE)
        return
    items.sort(key=lambda t: _s(t.get("key")))
    for i, tol in enumerate(items):
        if i:
            w.write(0, initial_indent + "\t")
        text = _s(tol.get("key"))
        if tol.get("value"):
            text += f"={_s(tol['value'])}"
        if tol.get("effect"):
            text += f":{_s(tol['effect'])}"
        if tol.get("operator") == "Exists" and not tol.get("value"):
            text += " op=Exists" if tol.get("key") or tol.get("effect") else "op=Exists"
        if tol.get("tolerationSeconds") is not None:
            text += f" for {_int(tol['tolerationSeconds'])}s"
        w.write(0, text + "\n")


def _taints_multiline(w: _Writer, title: str, taints: Sequence[Any]) -> None:
    w.write(0, f"{title}:\t")
    items = [_dict(t) for t in taints]
    if not items:
        w.line(NONE)
        return
    items.sort(key=lambda t: f"{_s(t.get('effect'))},{_s(t.get('key'))}")
    for i, taint in enumerate(items):
        if i:
            w.write(0, "\t")
        text = _s(taint.get("key"))
        if taint.get("value"):
            text += f"={_s(taint['value'])}"
        if taint.get("effect"):
            text += f":{_s(taint['effect'])}"
        w.write(0, text + "\n")


def _string_list(values: Iterable[Any]) -> str:
    """Go's `%v` of a []string: `[a b]`."""
    return "[" + " ".join(_s(v) for v in values) + "]"


# --- selectors -------------------------------------------------------------------------------


def selector_text(selector: Obj | None) -> str:
    """`metav1.LabelSelectorAsSelector(sel).String()`: `app=nginx,tier in (a,b),!gone`."""
    if not selector:
        return ""
    requirements: list[tuple[str, str]] = []
    for key, value in _dict(selector.get("matchLabels")).items():
        requirements.append((key, f"{key}={_s(value)}"))
    for expr in _list(selector.get("matchExpressions")):
        expr = _dict(expr)
        key = _s(expr.get("key"))
        values = sorted(_s(v) for v in _list(expr.get("values")))
        operator = expr.get("operator")
        if operator == "In":
            requirements.append((key, f"{key} in ({','.join(values)})"))
        elif operator == "NotIn":
            requirements.append((key, f"{key} notin ({','.join(values)})"))
        elif operator == "Exists":
            requirements.append((key, key))
        elif operator == "DoesNotExist":
            requirements.append((key, f"!{key}"))
    requirements.sort(key=lambda r: r[0])
    return ",".join(text for _, text in requirements)


# --- events ----------------------------------------------------------------------------------


def _event_time(event: Obj) -> datetime:
    series = event.get("series")
    candidates = []
    if isinstance(series, dict):
        candidates.append(series.get("lastObservedTime"))
    candidates += [event.get("lastTimestamp"), event.get("eventTime")]
    for candidate in candidates:
        when = parse_timestamp(candidate)
        if when is not None:
            return when
    return datetime.min.replace(tzinfo=UTC)


def describe_events(w: _Writer, events: Sequence[Obj], now: datetime) -> None:
    """`DescribeEvents`: oldest first, `Age` as `5m (x3 over 10m)` for repeated events."""
    if not events:
        w.write(0, "Events:\t<none>\n")
        return
    w.write(0, "Events:\n  Type\tReason\tAge\tFrom\tMessage\n")
    w.write(1, "----\t------\t----\t----\t-------\n")
    for event in sorted(events, key=_event_time):
        first = since(event.get("eventTime"), now)
        if parse_timestamp(event.get("eventTime")) is None:
            first = since(event.get("firstTimestamp"), now)
        series = event.get("series")
        count = _int(event.get("count"))
        if isinstance(series, dict):
            last = since(series.get("lastObservedTime"), now)
            interval = f"{last} (x{_int(series.get('count'))} over {first})"
        elif count > 1:
            interval = f"{since(event.get('lastTimestamp'), now)} (x{count} over {first})"
        else:
            interval = first
        source = _s(_dict(event.get("source")).get("component")) or _s(
            event.get("reportingController")
        )
        message = _s(event.get("message")).strip()
        field_path = _s(_dict(event.get("involvedObject")).get("fieldPath"))
        if field_path:
            message = f"{field_path}: {message}"
        w.write(
            1,
            f"{_s(event.get('type'))}\t{_s(event.get('reason'))}\t{interval}\t{source}\t{message}\n",
        )


def events_for(obj: Obj, events: Iterable[Obj], *, any_kind: bool = False) -> list[Obj]:
    """The events whose involvedObject is `obj` (kind, name, namespace and uid when known).

    `any_kind` matches by name and namespace only, as `describe pod` searches (its reference
    drops the kind).
    """
    meta = _meta(obj)
    uid = _s(meta.get("uid"))
    out = []
    for event in events:
        involved = _dict(event.get("involvedObject"))
        if _s(involved.get("name")) != _s(meta.get("name")):
            continue
        if _s(involved.get("namespace")) != _s(meta.get("namespace")):
            continue
        if not any_kind and obj.get("kind") and _s(involved.get("kind")) != _s(obj.get("kind")):
            continue
        if uid and involved.get("uid") and _s(involved.get("uid")) != uid:
            continue
        out.append(event)
    return out


# --- containers, volumes, pod templates ------------------------------------------------------


def _container_ports(ports: Sequence[Any], field: str) -> str:
    pieces = []
    for port in ports:
        port = _dict(port)
        text = f"{_int(port.get(field))}/{_s(port.get('protocol'))}"
        if port.get("name"):
            text += f" ({_s(port['name'])})"
        pieces.append(text)
    return ", ".join(pieces)


def _int_or_string(value: Any) -> str:
    return _s(value) if value is not None else "0"


def describe_probe(probe: Obj) -> str:
    """`DescribeProbe`: `http-get http://:8080/healthz delay=0s timeout=1s period=10s ...`."""
    attrs = (
        f"delay={_int(probe.get('initialDelaySeconds'))}s "
        f"timeout={_int(probe.get('timeoutSeconds'))}s "
        f"period={_int(probe.get('periodSeconds'))}s "
        f"#success={_int(probe.get('successThreshold'))} "
        f"#failure={_int(probe.get('failureThreshold'))}"
    )
    if isinstance(probe.get("exec"), dict):
        return f"exec {_string_list(_list(probe['exec'].get('command')))} {attrs}"
    if isinstance(probe.get("httpGet"), dict):
        http = probe["httpGet"]
        scheme = _s(http.get("scheme")).lower()
        port = _int_or_string(http.get("port"))
        host = join_host_port(_s(http.get("host")), port) if port else _s(http.get("host"))
        path = _s(http.get("path"))
        if path and host and not path.startswith("/"):
            path = "/" + path
        url = f"{scheme}:" if scheme else ""
        url += f"//{host}{path}" if host or scheme else path
        return f"http-get {url} {attrs}"
    if isinstance(probe.get("tcpSocket"), dict):
        tcp = probe["tcpSocket"]
        return f"tcp-socket {_s(tcp.get('host'))}:{_int_or_string(tcp.get('port'))} {attrs}"
    if isinstance(probe.get("grpc"), dict):
        grpc = probe["grpc"]
        return f"grpc <pod>:{_int(grpc.get('port'))} {_s(grpc.get('service'))} {attrs}"
    return f"unknown {attrs}"


def _field_path_value(pod: Obj, path: str) -> str:
    # fieldpath.ExtractFieldPathAsString for the downward-API paths pods accept.
    meta = _meta(pod)
    for prefix, source in (("metadata.labels", "labels"), ("metadata.annotations", "annotations")):
        if path.startswith(prefix + "['") and path.endswith("']"):
            return _s(_dict(meta.get(source)).get(path[len(prefix) + 2 : -2]))
        if path == prefix:
            values = _dict(meta.get(source))
            return "\n".join(f'{k}="{_s(values[k])}"' for k in sorted(values))
    simple = {
        "metadata.name": meta.get("name"),
        "metadata.namespace": meta.get("namespace"),
        "metadata.uid": meta.get("uid"),
        "spec.nodeName": _dict(pod.get("spec")).get("nodeName"),
        "spec.serviceAccountName": _dict(pod.get("spec")).get("serviceAccountName"),
        "status.hostIP": _dict(pod.get("status")).get("hostIP"),
        "status.podIP": _dict(pod.get("status")).get("podIP"),
    }
    if path in simple:
        return _s(simple[path])
    if path in ("status.podIPs", "status.hostIPs"):
        entries = _list(_dict(pod.get("status")).get(path.split(".")[1]))
        return ",".join(_s(_dict(e).get("ip")) for e in entries)
    return ""


def _resource_field_value(ref: Obj, container: Obj) -> str:
    resource = _s(ref.get("resource"))
    section, _, name = resource.partition(".")
    resources = _dict(container.get("resources"))
    raw = _dict(resources.get(section)).get(name)
    if raw is None:
        return "0"
    try:
        amount = parse_quantity(raw)
        divisor = parse_quantity(ref.get("divisor") or "1")
        if divisor == 0:
            return "0"
        return str(math.ceil(amount / divisor))
    except (ValueError, TypeError, ZeroDivisionError):
        return ""


def _describe_env(w: _Writer, container: Obj, pod: Obj | None) -> None:
    env = [_dict(e) for e in _list(container.get("env"))]
    w.write(2, "Environment:" + ("\t<none>" if not env else "") + "\n")
    for var in env:
        name = _s(var.get("name"))
        value_from = var.get("valueFrom")
        if not isinstance(value_from, dict):
            for i, part in enumerate(_s(var.get("value")).split("\n")):
                w.write(3, f"{name}:\t{part}\n" if i == 0 else f"\t{part}\n")
            continue
        if isinstance(value_from.get("fieldRef"), dict):
            ref = value_from["fieldRef"]
            value = _field_path_value(pod, _s(ref.get("fieldPath"))) if pod is not None else ""
            w.write(
                3,
                f"{name}:\t{value} ({_s(ref.get('apiVersion'))}:{_s(ref.get('fieldPath'))})\n",
            )
        elif isinstance(value_from.get("resourceFieldRef"), dict):
            ref = value_from["resourceFieldRef"]
            value = _resource_field_value(ref, container)
            resource = _s(ref.get("resource"))
            if value == "0" and resource in ("limits.cpu", "limits.memory"):
                value = "node allocatable"
            w.write(3, f"{name}:\t{value} ({resource})\n")
        elif isinstance(value_from.get("secretKeyRef"), dict):
            ref = value_from["secretKeyRef"]
            optional = "true" if ref.get("optional") is True else "false"
            w.write(
                3,
                f"{name}:\t<set to the key '{_s(ref.get('key'))}' in secret "
                f"'{_s(ref.get('name'))}'>\tOptional: {optional}\n",
            )
        elif isinstance(value_from.get("configMapKeyRef"), dict):
            ref = value_from["configMapKeyRef"]
            optional = "true" if ref.get("optional") is True else "false"
            w.write(
                3,
                f"{name}:\t<set to the key '{_s(ref.get('key'))}' of config map "
                f"'{_s(ref.get('name'))}'>\tOptional: {optional}\n",
            )


def _describe_env_from(w: _Writer, container: Obj) -> None:
    sources = [_dict(e) for e in _list(container.get("envFrom"))]
    w.write(2, "Environment Variables from:" + ("\t<none>" if not sources else "") + "\n")
    for source in sources:
        kind, name, optional = "", "", False
        if isinstance(source.get("configMapRef"), dict):
            kind, name = "ConfigMap", _s(source["configMapRef"].get("name"))
            optional = source["configMapRef"].get("optional") is True
        elif isinstance(source.get("secretRef"), dict):
            kind, name = "Secret", _s(source["secretRef"].get("name"))
            optional = source["secretRef"].get("optional") is True
        opt = "true" if optional else "false"
        prefix = _s(source.get("prefix"))
        if prefix:
            w.write(3, f"{name}\t{kind} with prefix '{prefix}'\tOptional: {opt}\n")
        else:
            w.write(3, f"{name}\t{kind}\tOptional: {opt}\n")


def _describe_resources(w: _Writer, resources: Obj, level: int) -> None:
    for section, title in (("limits", "Limits"), ("requests", "Requests")):
        values = _dict(resources.get(section))
        if values:
            w.write(level, f"{title}:\n")
        for name in sorted(values):
            w.write(level + 1, f"{name}:\t{quantity_text(values[name])}\n")


def _describe_state(w: _Writer, title: str, state: Obj, tz: tzinfo) -> None:
    if isinstance(state.get("running"), dict):
        w.write(2, f"{title}:\tRunning\n")
        w.write(3, f"Started:\t{rfc1123z(state['running'].get('startedAt'), tz)}\n")
    elif isinstance(state.get("waiting"), dict):
        w.write(2, f"{title}:\tWaiting\n")
        if state["waiting"].get("reason"):
            w.write(3, f"Reason:\t{_s(state['waiting']['reason'])}\n")
    elif isinstance(state.get("terminated"), dict):
        term = state["terminated"]
        w.write(2, f"{title}:\tTerminated\n")
        if term.get("reason"):
            w.write(3, f"Reason:\t{_s(term['reason'])}\n")
        if term.get("message"):
            w.write(3, f"Message:\t{_s(term['message'])}\n")
        w.write(3, f"Exit Code:\t{_int(term.get('exitCode'))}\n")
        if _int(term.get("signal")) > 0:
            w.write(3, f"Signal:\t{_int(term.get('signal'))}\n")
        w.write(3, f"Started:\t{rfc1123z(term.get('startedAt'), tz)}\n")
        w.write(3, f"Finished:\t{rfc1123z(term.get('finishedAt'), tz)}\n")
    else:
        w.write(2, f"{title}:\tWaiting\n")


def _describe_containers(
    w: _Writer,
    label: str,
    containers: Sequence[Any],
    statuses: Sequence[Any] | None,
    space: str,
    pod: Obj | None,
    tz: tzinfo,
) -> None:
    by_name = {_s(_dict(s).get("name")): _dict(s) for s in statuses or ()}
    w.write(0, f"{space}{label}:{' <none>' if not containers else ''}\n")
    name_indent = " " if space else ""
    for container in (_dict(c) for c in containers):
        status = by_name.get(_s(container.get("name")))
        w.write(1, f"{name_indent}{_s(container.get('name'))}:\n")
        if status is not None:
            w.write(2, f"Container ID:\t{_s(status.get('containerID'))}\n")
        w.write(2, f"Image:\t{_s(container.get('image'))}\n")
        if status is not None:
            w.write(2, f"Image ID:\t{_s(status.get('imageID'))}\n")
        ports = _list(container.get("ports"))
        port_text = _container_ports(ports, "containerPort")
        if "," in port_text:
            w.write(2, f"Ports:\t{port_text}\n")
        else:
            w.write(2, f"Port:\t{port_text or NONE}\n")
        host_text = _container_ports(ports, "hostPort")
        if "," in host_text:
            w.write(2, f"Host Ports:\t{host_text}\n")
        else:
            w.write(2, f"Host Port:\t{host_text or NONE}\n")
        security = _dict(container.get("securityContext"))
        seccomp = _dict(security.get("seccompProfile"))
        if seccomp:
            w.write(2, f"SeccompProfile:\t{_s(seccomp.get('type'))}\n")
            if seccomp.get("type") == "Localhost":
                w.write(3, f"LocalhostProfile:\t{_s(seccomp.get('localhostProfile'))}\n")
        for key, title in (("command", "Command"), ("args", "Args")):
            items = _list(container.get(key))
            if items:
                w.write(2, f"{title}:\n")
                for item in items:
                    for part in _s(item).split("\n"):
                        w.write(3, f"{part}\n")
        if status is not None:
            _describe_state(w, "State", _dict(status.get("state")), tz)
            last = _dict(status.get("lastState"))
            if isinstance(last.get("terminated"), dict):
                _describe_state(w, "Last State", last, tz)
            w.write(2, f"Ready:\t{_bool_title(status.get('ready'))}\n")
            w.write(2, f"Restart Count:\t{_int(status.get('restartCount'))}\n")
        _describe_resources(w, _dict(container.get("resources")), 2)
        for key, title in (
            ("livenessProbe", "Liveness"),
            ("readinessProbe", "Readiness"),
            ("startupProbe", "Startup"),
        ):
            if isinstance(container.get(key), dict):
                w.write(2, f"{title}:\t{describe_probe(container[key])}\n")
        if _list(container.get("envFrom")):
            _describe_env_from(w, container)
        _describe_env(w, container, pod)
        mounts = sorted(
            (_dict(m) for m in _list(container.get("volumeMounts"))),
            key=lambda m: _s(m.get("mountPath")),
        )
        w.write(2, "Mounts:" + ("\t<none>" if not mounts else "") + "\n")
        for mount in mounts:
            flags = ["ro" if mount.get("readOnly") is True else "rw"]
            if mount.get("subPath"):
                flags.append(f'path="{_s(mount["subPath"])}"')
            w.write(
                3,
                f"{_s(mount.get('mountPath'))} from {_s(mount.get('name'))} ({','.join(flags)})\n",
            )
        devices = sorted(
            (_dict(d) for d in _list(container.get("volumeDevices"))),
            key=lambda d: _s(d.get("devicePath")),
        )
        if devices:
            w.write(2, "Devices:\n")
            for device in devices:
                w.write(3, f"{_s(device.get('devicePath'))} from {_s(device.get('name'))}\n")


def _optional(value: Obj) -> str:
    return "true" if value.get("optional") is True else "false"


def _go_bool(value: Any) -> str:
    return "true" if value is True else "false"


def _volume_source(w: _Writer, volume: Obj) -> bool:
    """Write the `Type:` lines for one volume source; False when the kind is unknown."""
    if isinstance(volume.get("hostPath"), dict):
        host_path = volume["hostPath"]
        kind = NONE if host_path.get("type") is None else _s(host_path["type"])
        w.write(
            2,
            "Type:\tHostPath (bare host directory volume)\n"
            f"    Path:\t{_s(host_path.get('path'))}\n"
            f"    HostPathType:\t{kind}\n",
        )
    elif isinstance(volume.get("emptyDir"), dict):
        empty_dir = volume["emptyDir"]
        size = empty_dir.get("sizeLimit")
        size_text = UNSET
        try:
            if size is not None and parse_quantity(size) > 0:
                size_text = quantity_text(size)
        except (ValueError, TypeError):
            size_text = _s(size)
        w.write(
            2,
            "Type:\tEmptyDir (a temporary directory that shares a pod's lifetime)\n"
            f"    Medium:\t{_s(empty_dir.get('medium'))}\n"
            f"    SizeLimit:\t{size_text}\n",
        )
    elif isinstance(volume.get("secret"), dict):
        secret = volume["secret"]
        w.write(
            2,
            "Type:\tSecret (a volume populated by a Secret)\n"
            f"    SecretName:\t{_s(secret.get('secretName'))}\n"
            f"    Optional:\t{_optional(secret)}\n",
        )
    elif isinstance(volume.get("configMap"), dict):
        config_map = volume["configMap"]
        w.write(
            2,
            "Type:\tConfigMap (a volume populated by a ConfigMap)\n"
            f"    Name:\t{_s(config_map.get('name'))}\n"
            f"    Optional:\t{_optional(config_map)}\n",
        )
    elif isinstance(volume.get("nfs"), dict):
        nfs = volume["nfs"]
        w.write(
            2,
            "Type:\tNFS (an NFS mount that lasts the lifetime of a pod)\n"
            f"    Server:\t{_s(nfs.get('server'))}\n"
            f"    Path:\t{_s(nfs.get('path'))}\n"
            f"    ReadOnly:\t{_go_bool(nfs.get('readOnly'))}\n",
        )
    elif isinstance(volume.get("persistentVolumeClaim"), dict):
        claim = volume["persistentVolumeClaim"]
        w.write(
            2,
            "Type:\tPersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same "
            "namespace)\n"
            f"    ClaimName:\t{_s(claim.get('claimName'))}\n"
            f"    ReadOnly:\t{_go_bool(claim.get('readOnly'))}\n",
        )
    elif isinstance(volume.get("ephemeral"), dict):
        w.write(
            2,
            "Type:\tEphemeralVolume (an inline specification for a volume that gets created and "
            "deleted with the pod)\n",
        )
        template = _dict(volume["ephemeral"].get("volumeClaimTemplate"))
        if template:
            claim = {"metadata": _dict(template.get("metadata")), "spec": template.get("spec")}
            _print_claim(_NestedWriter(w, 2), claim, full=False, now=None)
    elif isinstance(volume.get("downwardAPI"), dict):
        w.write(
            2, "Type:\tDownwardAPI (a volume populated by information about the pod)\n    Items:\n"
        )
        for item in (_dict(i) for i in _list(volume["downwardAPI"].get("items"))):
            if isinstance(item.get("fieldRef"), dict):
                w.write(3, f"{_s(item['fieldRef'].get('fieldPath'))} -> {_s(item.get('path'))}\n")
            if isinstance(item.get("resourceFieldRef"), dict):
                w.write(
                    3, f"{_s(item['resourceFieldRef'].get('resource'))} -> {_s(item.get('path'))}\n"
                )
    elif isinstance(volume.get("projected"), dict):
        w.write(
            2, "Type:\tProjected (a volume that contains injected data from multiple sources)\n"
        )
        for source in (_dict(s) for s in _list(volume["projected"].get("sources"))):
            if isinstance(source.get("secret"), dict):
                secret = source["secret"]
                w.write(
                    2,
                    f"SecretName:\t{_s(secret.get('name'))}\n    Optional:\t{_optional(secret)}\n",
                )
            elif isinstance(source.get("downwardAPI"), dict):
                w.write(2, "DownwardAPI:\ttrue\n")
            elif isinstance(source.get("configMap"), dict):
                config_map = source["configMap"]
                w.write(
                    2,
                    f"ConfigMapName:\t{_s(config_map.get('name'))}\n"
                    f"    Optional:\t{_optional(config_map)}\n",
                )
            elif isinstance(source.get("serviceAccountToken"), dict):
                seconds = _int(source["serviceAccountToken"].get("expirationSeconds"))
                w.write(2, f"TokenExpirationSeconds:\t{seconds}\n")
    elif isinstance(volume.get("csi"), dict):
        csi = volume["csi"]
        w.write(
            2,
            "Type:\tCSI (a Container Storage Interface (CSI) volume source)\n"
            f"    Driver:\t{_s(csi.get('driver'))}\n"
            f"    FSType:\t{_s(csi.get('fsType'))}\n"
            f"    ReadOnly:\t{_go_bool(csi.get('readOnly'))}\n",
        )
        _csi_attributes(w, _dict(csi.get("volumeAttributes")))
    elif isinstance(volume.get("local"), dict):
        w.write(
            2,
            "Type:\tLocalVolume (a persistent volume backed by local storage on a node)\n"
            f"    Path:\t{_s(volume['local'].get('path'))}\n",
        )
    elif isinstance(volume.get("image"), dict):
        image = volume["image"]
        w.write(
            2,
            "Type:\tImage (a container image or OCI artifact)\n"
            f"    Reference:\t{_s(image.get('reference'))}\n"
            f"    PullPolicy:\t{_s(image.get('pullPolicy'))}\n",
        )
    else:
        return False
    return True


def _csi_attributes(w: _Writer, attributes: Mapping[str, Any]) -> None:
    w.write(2, "VolumeAttributes:\t")
    if not attributes:
        w.line(NONE)
        return
    for i, key in enumerate(sorted(attributes)):
        if i:
            w.write(2, "\t")
        line = f"{key}={_s(attributes[key])}"
        if len(line) > _MAX_ANNOTATION_LEN:
            line = line[:_MAX_ANNOTATION_LEN] + "..."
        w.write(2, line + "\n")


def _describe_volumes(w: _Writer, volumes: Sequence[Any], space: str) -> None:
    if not volumes:
        w.write(0, f"{space}Volumes:\t<none>\n")
        return
    w.write(0, f"{space}Volumes:\n")
    name_indent = " " if space else ""
    for volume in (_dict(v) for v in volumes):
        w.write(1, f"{name_indent}{_s(volume.get('name'))}:\n")
        if not _volume_source(w, volume):
            w.write(1, "<unknown>\n")


def _describe_pod_template(w: _Writer, template: Obj | None, tz: tzinfo) -> None:
    w.write(0, "Pod Template:\n")
    if template is None:
        w.write(1, UNSET)
        return
    meta = _dict(template.get("metadata"))
    spec = _dict(template.get("spec"))
    _labels_multiline(w, "  Labels", _dict(meta.get("labels")))
    if _dict(meta.get("annotations")):
        _annotations_multiline(w, "  Annotations", _dict(meta.get("annotations")))
    if spec.get("serviceAccountName"):
        w.write(1, f"Service Account:\t{_s(spec['serviceAccountName'])}\n")
    if _list(spec.get("initContainers")):
        _describe_containers(w, "Init Containers", spec["initContainers"], None, "  ", None, tz)
    _describe_containers(w, "Containers", _list(spec.get("containers")), None, "  ", None, tz)
    _describe_volumes(w, _list(spec.get("volumes")), "  ")
    _describe_topology_spread(w, _list(spec.get("topologySpreadConstraints")), "  ")
    if spec.get("priorityClassName"):
        w.write(1, f"Priority Class Name:\t{_s(spec['priorityClassName'])}\n")
    _labels_multiline(w, "  Node-Selectors", _dict(spec.get("nodeSelector")))
    _tolerations_multiline(w, "  Tolerations", _list(spec.get("tolerations")))


def describe_pod_template(template: Obj | None, *, tz: tzinfo = UTC) -> str:
    """kubectl's `DescribePodTemplate` written through a bare PrefixWriter, tabs left as they are
    (no tabwriter): what `rollout history --revision` and `rollout undo --dry-run` print."""
    w = _Writer()
    _describe_pod_template(w, template, tz)
    return "".join(w._parts)


def _describe_topology_spread(w: _Writer, constraints: Sequence[Any], space: str) -> None:
    if not constraints:
        return
    items = sorted((_dict(c) for c in constraints), key=lambda c: _s(c.get("topologyKey")))
    w.write(0, f"{space}Topology Spread Constraints:\t")
    for i, tsc in enumerate(items):
        if i:
            w.write(0, space + "\t")
        text = (
            f"{_s(tsc.get('topologyKey'))}:{_s(tsc.get('whenUnsatisfiable'))} "
            f"when max skew {_int(tsc.get('maxSkew'))} is exceeded"
        )
        if isinstance(tsc.get("labelSelector"), dict):
            text += f" for selector {format_label_selector(tsc['labelSelector'])}"
        w.write(0, text + "\n")


def format_label_selector(selector: Obj) -> str:
    """`metav1.FormatLabelSelector`: `app=nginx,tier in (a,b)`; `<none>` when empty."""
    text = selector_text(selector)
    if not selector or (not selector.get("matchLabels") and not selector.get("matchExpressions")):
        return NONE
    return text or NONE


# --- StatefulSet -----------------------------------------------------------------------------


def _owned_by(pod: Obj, owner: Obj) -> bool:
    for ref in _list(_meta(pod).get("ownerReferences")):
        ref = _dict(ref)
        if ref.get("controller") is not True:
            continue
        uid = _s(_meta(owner).get("uid"))
        if uid and ref.get("uid"):
            return _s(ref["uid"]) == uid
        return _s(ref.get("kind")) == _s(owner.get("kind") or "StatefulSet") and _s(
            ref.get("name")
        ) == _name(owner)
    return False


def _pods_status(pods: Iterable[Obj], owner: Obj) -> str:
    counts = {"Running": 0, "Pending": 0, "Succeeded": 0, "Failed": 0}
    for pod in pods:
        if not _owned_by(pod, owner):
            continue  # orphans and pods of other controllers do not count, as in kubectl
        phase = _s(_dict(pod.get("status")).get("phase"))
        if phase in counts:
            counts[phase] += 1
    return (
        f"{counts['Running']} Running / {counts['Pending']} Waiting / "
        f"{counts['Succeeded']} Succeeded / {counts['Failed']} Failed"
    )


def _describe_claim_templates(w: _Writer, templates: Sequence[Any]) -> None:
    if not templates:
        w.write(0, "Volume Claims:\t<none>\n")
        return
    w.write(0, "Volume Claims:\n")
    for claim in (_dict(t) for t in templates):
        meta = _meta(claim)
        spec = _dict(claim.get("spec"))
        w.write(1, f"Name:\t{_s(meta.get('name'))}\n")
        w.write(1, f"StorageClass:\t{claim_class(claim)}\n")
        _labels_multiline(w, "Labels", _dict(meta.get("labels")), initial_indent="  ")
        _labels_multiline(w, "Annotations", _dict(meta.get("annotations")), initial_indent="  ")
        requests = _dict(_dict(spec.get("resources")).get("requests"))
        capacity = quantity_text(requests["storage"]) if "storage" in requests else "<default>"
        w.write(1, f"Capacity:\t{capacity}\n")
        w.write(1, f"Access Modes:\t{_string_list(_list(spec.get('accessModes')))}\n")


def _statefulset_extras(w: _Writer, sts: Obj, related: Mapping[str, Any], now: datetime) -> None:
    pods = sorted((_dict(p) for p in _list(related.get("pods"))), key=ordinal_of)
    if not pods:
        w.write(0, "Pods:\t<none>\n")
    else:
        w.write(0, "Pods:\n")
        w.write(1, "Ordinal\tName\tStatus\tReady\tRevision\tNode\tIP\n")
        w.write(1, "-------\t----\t------\t-----\t--------\t----\t--\n")
        for pod in pods:
            summary = summarize_pod(pod, now)
            ordinal = ordinal_of(pod)
            w.write(
                1,
                f"{ordinal if ordinal >= 0 else '?'}\t{_name(pod)}\t{summary.status}\t"
                f"{summary.ready}\t{_s(_dict(_meta(pod).get('labels')).get(REVISION_LABEL)) or NONE}\t"
                f"{_s(_dict(pod.get('spec')).get('nodeName')) or NONE}\t"
                f"{_s(_dict(pod.get('status')).get('podIP')) or NONE}\n",
            )
    claims = sorted((_dict(c) for c in _list(related.get("claims"))), key=_claim_order)
    if not claims:
        w.write(0, "Claims:\t<none>\n")
    else:
        w.write(0, "Claims:\n")
        w.write(1, "Claim\tStatus\tVolume\tCapacity\n")
        w.write(1, "-----\t------\t------\t--------\n")
        for claim in claims:
            spec = _dict(claim.get("spec"))
            status = _dict(claim.get("status"))
            phase = (
                "Terminating" if _meta(claim).get("deletionTimestamp") else _s(status.get("phase"))
            )
            volume = _s(spec.get("volumeName"))
            capacity = quantity_text(_dict(status.get("capacity")).get("storage")) if volume else ""
            w.write(1, f"{_name(claim)}\t{phase}\t{volume or NONE}\t{capacity or NONE}\n")
    revisions = sorted(
        (_dict(r) for r in _list(related.get("revisions"))),
        key=lambda r: (_int(r.get("revision")), _name(r)),
    )
    if not revisions:
        w.write(0, "Revisions:\t<none>\n")
    else:
        status = _dict(sts.get("status"))
        current = _s(status.get("currentRevision"))
        update = _s(status.get("updateRevision"))
        w.write(0, "Revisions:\n")
        w.write(1, "Name\tRevision\tRole\n")
        w.write(1, "----\t--------\t----\n")
        for revision in revisions:
            name = _name(revision)
            roles = [r for r, n in (("current", current), ("update", update)) if n and n == name]
            w.write(1, f"{name}\t{_int(revision.get('revision'))}\t{', '.join(roles)}\n")
    service = _s(_dict(sts.get("spec")).get("serviceName"))
    if not service or not pods:
        w.write(0, "DNS Names:\t<none>\n")
        return
    w.write(0, "DNS Names:\n")
    namespace = _namespace(sts) or "default"
    # Only when the caller looked the Service up can we say whether the names resolve.
    problem = ""
    if "service" in related:
        governing = related.get("service")
        if not isinstance(governing, dict):
            problem = f'Service "{service}" not found'
        elif _dict(governing.get("spec")).get("clusterIP") != "None":
            problem = f'Service "{service}" is not headless'
    publish_not_ready = isinstance(related.get("service"), dict) and (
        _dict(related["service"].get("spec")).get("publishNotReadyAddresses") is True
    )
    for pod in pods:
        line = pod_dns_name(_name(pod), service, namespace)
        if not problem and "service" in related and not publish_not_ready and not _is_ready(pod):
            line += "  (not ready: not published yet)"
        w.write(1, line + "\n")
    if problem:
        w.write(1, f"({problem}: these names do not resolve)\n")


def _is_ready(pod: Obj) -> bool:
    return any(
        _dict(c).get("type") == "Ready" and _dict(c).get("status") == "True"
        for c in _list(_dict(pod.get("status")).get("conditions"))
    )


def _claim_order(claim: Obj) -> tuple[str, int, str]:
    # Group by template, then by ordinal: www-web-2 before www-web-10.
    name = _name(claim)
    head, _, tail = name.rpartition("-")
    if tail.isdigit():
        return head, int(tail), name
    return name, -1, name


def describe_statefulset(
    sts: Obj,
    related: Mapping[str, Any],
    now: datetime,
    *,
    tz: tzinfo = UTC,
    extras: bool = True,
) -> str:
    """`kubectl describe statefulset`, then stsctl's Pods / Claims / Revisions / DNS Names."""
    w = _Writer()
    meta = _meta(sts)
    spec = _dict(sts.get("spec"))
    status = _dict(sts.get("status"))
    w.write(0, f"Name:\t{_name(sts)}\n")
    w.write(0, f"Namespace:\t{_namespace(sts)}\n")
    w.write(0, f"CreationTimestamp:\t{rfc1123z(meta.get('creationTimestamp'), tz)}\n")
    w.write(0, f"Selector:\t{selector_text(_dict(spec.get('selector')))}\n")
    _labels_multiline(w, "Labels", _dict(meta.get("labels")))
    _annotations_multiline(w, "Annotations", _dict(meta.get("annotations")))
    replicas = 1 if spec.get("replicas") is None else _int(spec.get("replicas"))
    w.write(0, f"Replicas:\t{replicas} desired | {_int(status.get('replicas'))} total\n")
    strategy = _dict(spec.get("updateStrategy"))
    w.write(0, f"Update Strategy:\t{_s(strategy.get('type'))}\n")
    rolling = strategy.get("rollingUpdate")
    if isinstance(rolling, dict) and rolling.get("partition") is not None:
        w.write(1, f"Partition:\t{_int(rolling['partition'])}\n")
        if rolling.get("maxUnavailable") is not None:
            w.write(1, f"MaxUnavailable:\t{_s(rolling['maxUnavailable'])}\n")
    pods = [_dict(p) for p in _list(related.get("pods"))]
    w.write(0, f"Pods Status:\t{_pods_status(pods, sts)}\n")
    template = spec.get("template")
    _describe_pod_template(w, template if isinstance(template, dict) else None, tz)
    _describe_claim_templates(w, _list(spec.get("volumeClaimTemplates")))
    describe_events(w, events_for(sts, _events(related)), now)
    if extras:
        _statefulset_extras(w, sts, related, now)
    return w.text()


def _events(related: Mapping[str, Any]) -> list[Obj]:
    return [_dict(e) for e in _list(related.get("events"))]


# --- Pod -------------------------------------------------------------------------------------

_QOS_RESOURCES = ("cpu", "memory")


def pod_qos_class(pod: Obj) -> str:
    """`qos.GetPodQOS`: status.qosClass when set, else computed from requests and limits."""
    recorded = _s(_dict(pod.get("status")).get("qosClass"))
    if recorded:
        return recorded
    spec = _dict(pod.get("spec"))
    requests: dict[str, Fraction] = {}
    limits: dict[str, Fraction] = {}
    guaranteed = True
    for container in [*_list(spec.get("containers")), *_list(spec.get("initContainers"))]:
        resources = _dict(_dict(container).get("resources"))
        for name, raw in _dict(resources.get("requests")).items():
            amount = _quantity(raw)
            if name in _QOS_RESOURCES and amount > 0:
                requests[name] = requests.get(name, Fraction(0)) + amount
        found = set()
        for name, raw in _dict(resources.get("limits")).items():
            amount = _quantity(raw)
            if name in _QOS_RESOURCES and amount > 0:
                found.add(name)
                limits[name] = limits.get(name, Fraction(0)) + amount
        if not set(_QOS_RESOURCES) <= found:
            guaranteed = False
    if not requests and not limits:
        return "BestEffort"
    if guaranteed:
        for name, amount in requests.items():
            if limits.get(name) != amount:
                guaranteed = False
                break
    if guaranteed and len(requests) == len(limits):
        return "Guaranteed"
    return "Burstable"


def _quantity(raw: Any) -> Fraction:
    try:
        return parse_quantity(raw)
    except (ValueError, TypeError):
        return Fraction(0)


def _controlled_by(obj: Obj) -> str:
    for ref in _list(_meta(obj).get("ownerReferences")):
        ref = _dict(ref)
        if ref.get("controller") is True:
            return f"{_s(ref.get('kind'))}/{_s(ref.get('name'))}"
    return ""


def describe_pod(pod: Obj, related: Mapping[str, Any], now: datetime, *, tz: tzinfo = UTC) -> str:
    """`kubectl describe pod`."""
    w = _Writer()
    meta = _meta(pod)
    spec = _dict(pod.get("spec"))
    status = _dict(pod.get("status"))
    w.write(0, f"Name:\t{_name(pod)}\n")
    w.write(0, f"Namespace:\t{_namespace(pod)}\n")
    if spec.get("priority") is not None:
        w.write(0, f"Priority:\t{_int(spec['priority'])}\n")
    if spec.get("priorityClassName"):
        w.write(0, f"Priority Class Name:\t{_s(spec['priorityClassName'])}\n")
    if spec.get("runtimeClassName"):
        w.write(0, f"Runtime Class Name:\t{_s(spec['runtimeClassName'])}\n")
    if spec.get("serviceAccountName"):
        w.write(0, f"Service Account:\t{_s(spec['serviceAccountName'])}\n")
    if not spec.get("nodeName"):
        w.write(0, "Node:\t<none>\n")
    else:
        w.write(0, f"Node:\t{_s(spec['nodeName'])}/{_s(status.get('hostIP'))}\n")
    if status.get("startTime"):
        w.write(0, f"Start Time:\t{rfc1123z(status['startTime'], tz)}\n")
    _labels_multiline(w, "Labels", _dict(meta.get("labels")))
    _annotations_multiline(w, "Annotations", _dict(meta.get("annotations")))
    phase = _s(status.get("phase"))
    if meta.get("deletionTimestamp") and phase not in ("Failed", "Succeeded"):
        w.write(0, f"Status:\tTerminating (lasts {since(meta['deletionTimestamp'], now)})\n")
        grace = meta.get("deletionGracePeriodSeconds")
        w.write(0, f"Termination Grace Period:\t{_int(grace)}s\n")
    else:
        w.write(0, f"Status:\t{phase}\n")
    if status.get("reason"):
        w.write(0, f"Reason:\t{_s(status['reason'])}\n")
    if status.get("message"):
        w.write(0, f"Message:\t{_s(status['message'])}\n")
    seccomp = _dict(_dict(spec.get("securityContext")).get("seccompProfile"))
    if seccomp:
        w.write(0, f"SeccompProfile:\t{_s(seccomp.get('type'))}\n")
        if seccomp.get("type") == "Localhost":
            w.write(0, f"LocalhostProfile:\t{_s(seccomp.get('localhostProfile'))}\n")
    w.write(0, f"IP:\t{_s(status.get('podIP'))}\n")
    ips = [_dict(i) for i in _list(status.get("podIPs"))]
    if not ips:
        w.write(0, "IPs:\t<none>\n")
    else:
        w.write(0, "IPs:\n")
        for ip in ips:
            w.write(1, f"IP:\t{_s(ip.get('ip'))}\n")
    controlled_by = _controlled_by(pod)
    if controlled_by:
        w.write(0, f"Controlled By:\t{controlled_by}\n")
    if status.get("nominatedNodeName"):
        w.write(0, f"NominatedNodeName:\t{_s(status['nominatedNodeName'])}\n")
    if isinstance(spec.get("resources"), dict):
        w.write(0, "Resources:\n")
        _describe_resources(w, spec["resources"], 1)
    if _list(spec.get("initContainers")):
        _describe_containers(
            w,
            "Init Containers",
            spec["initContainers"],
            _list(status.get("initContainerStatuses")),
            "",
            pod,
            tz,
        )
    _describe_containers(
        w,
        "Containers",
        _list(spec.get("containers")),
        _list(status.get("containerStatuses")),
        "",
        pod,
        tz,
    )
    gates = [_dict(g) for g in _list(spec.get("readinessGates"))]
    conditions = [_dict(c) for c in _list(status.get("conditions"))]
    if gates:
        w.write(0, "Readiness Gates:\n  Type\tStatus\n")
        for gate in gates:
            value = next(
                (
                    _s(c.get("status"))
                    for c in conditions
                    if c.get("type") == gate.get("conditionType")
                ),
                NONE,
            )
            w.write(1, f"{_s(gate.get('conditionType'))} \t{value} \n")
    if conditions:
        w.write(0, "Conditions:\n  Type\tStatus\n")
        for cond in conditions:
            w.write(1, f"{_s(cond.get('type'))} \t{_s(cond.get('status'))} \n")
    _describe_volumes(w, _list(spec.get("volumes")), "")
    w.write(0, f"QoS Class:\t{pod_qos_class(pod)}\n")
    _labels_multiline(w, "Node-Selectors", _dict(spec.get("nodeSelector")))
    _tolerations_multiline(w, "Tolerations", _list(spec.get("tolerations")))
    _describe_topology_spread(w, _list(spec.get("topologySpreadConstraints")), "")
    describe_events(w, events_for(pod, _events(related), any_kind=True), now)
    return w.text()


# --- storage ---------------------------------------------------------------------------------


def _print_claim(w: _Writer, claim: Obj, *, full: bool, now: datetime | None) -> None:
    """`printPersistentVolumeClaim`: a claim, or (not `full`) a claim template's fields."""
    meta = _meta(claim)
    spec = _dict(claim.get("spec"))
    status = _dict(claim.get("status"))
    if full:
        w.write(0, f"Name:\t{_name(claim)}\n")
        w.write(0, f"Namespace:\t{_namespace(claim)}\n")
    w.write(0, f"StorageClass:\t{claim_class(claim)}\n")
    if full:
        if meta.get("deletionTimestamp") and now is not None:
            w.write(0, f"Status:\tTerminating (lasts {since(meta['deletionTimestamp'], now)})\n")
        else:
            w.write(0, f"Status:\t{_s(status.get('phase'))}\n")
    w.write(0, f"Volume:\t{_s(spec.get('volumeName'))}\n")
    _labels_multiline(w, "Labels", _dict(meta.get("labels")))
    _annotations_multiline(w, "Annotations", _dict(meta.get("annotations")))
    if full:
        w.write(0, f"Finalizers:\t{_string_list(_list(meta.get('finalizers')))}\n")
    capacity = ""
    modes = ""
    if spec.get("volumeName"):
        modes = access_modes_text(_list(status.get("accessModes")))
        capacity = quantity_text(_dict(status.get("capacity")).get("storage"))
    w.write(0, f"Capacity:\t{capacity}\n")
    w.write(0, f"Access Modes:\t{modes}\n")
    if spec.get("volumeMode") is not None:
        w.write(0, f"VolumeMode:\t{_s(spec['volumeMode'])}\n")
    data_source = spec.get("dataSource")
    if isinstance(data_source, dict):
        w.write(0, "DataSource:\n")
        if data_source.get("apiGroup") is not None:
            w.write(1, f"APIGroup:\t{_s(data_source['apiGroup'])}\n")
        w.write(1, f"Kind:\t{_s(data_source.get('kind'))}\n")
        w.write(1, f"Name:\t{_s(data_source.get('name'))}\n")


def _pods_using_claim(claim: Obj, pods: Iterable[Obj]) -> list[Obj]:
    name = _name(claim)
    users = []
    for pod in pods:
        for volume in _list(_dict(pod.get("spec")).get("volumes")):
            source = _dict(volume).get("persistentVolumeClaim")
            if isinstance(source, dict) and source.get("claimName") == name:
                users.append(pod)
    owners = {
        _s(_dict(ref).get("uid"))
        for ref in _list(_meta(claim).get("ownerReferences"))
        if _dict(ref).get("kind") == "Pod"
    }
    seen = {id(p) for p in users}
    for pod in pods:
        if _s(_meta(pod).get("uid")) in owners and id(pod) not in seen:
            users.append(pod)
            seen.add(id(pod))
    return users


def describe_persistent_volume_claim(
    claim: Obj, related: Mapping[str, Any], now: datetime, *, tz: tzinfo = UTC
) -> str:
    """`kubectl describe pvc`, with `Used By` from the pods in `related`."""
    w = _Writer()
    status = _dict(claim.get("status"))
    _print_claim(w, claim, full=True, now=now)
    users = sorted(
        _pods_using_claim(claim, [_dict(p) for p in _list(related.get("pods"))]), key=_name
    )
    w.write(0, "Used By:\t")
    if not users:
        w.line(NONE)
    for i, pod in enumerate(users):
        if i:
            w.write(0, "\t")
        w.write(0, _name(pod) + "\n")
    conditions = [_dict(c) for c in _list(status.get("conditions"))]
    if conditions:
        w.write(0, "Conditions:\n")
        w.write(1, "Type\tStatus\tLastProbeTime\tLastTransitionTime\tReason\tMessage\n")
        w.write(1, "----\t------\t-----------------\t------------------\t------\t-------\n")
        for c in conditions:
            w.write(
                1,
                f"{_s(c.get('type'))} \t{_s(c.get('status'))} \t"
                f"{rfc1123z(c.get('lastProbeTime'), tz)} \t"
                f"{rfc1123z(c.get('lastTransitionTime'), tz)} \t"
                f"{_s(c.get('reason'))} \t{_s(c.get('message'))}\n",
            )
    describe_events(w, events_for(claim, _events(related)), now)
    return w.text()


def describe_persistent_volume(
    volume: Obj, related: Mapping[str, Any], now: datetime, *, tz: tzinfo = UTC
) -> str:
    """`kubectl describe pv`."""
    w = _Writer()
    meta = _meta(volume)
    spec = _dict(volume.get("spec"))
    status = _dict(volume.get("status"))
    w.write(0, f"Name:\t{_name(volume)}\n")
    _labels_multiline(w, "Labels", _dict(meta.get("labels")))
    _annotations_multiline(w, "Annotations", _dict(meta.get("annotations")))
    w.write(0, f"Finalizers:\t{_string_list(_list(meta.get('finalizers')))}\n")
    w.write(0, f"StorageClass:\t{volume_class(volume)}\n")
    if meta.get("deletionTimestamp"):
        w.write(0, f"Status:\tTerminating (lasts {since(meta['deletionTimestamp'], now)})\n")
    else:
        w.write(0, f"Status:\t{_s(status.get('phase'))}\n")
    claim_ref = spec.get("claimRef")
    if isinstance(claim_ref, dict):
        w.write(0, f"Claim:\t{_s(claim_ref.get('namespace'))}/{_s(claim_ref.get('name'))}\n")
    else:
        w.write(0, "Claim:\t\n")
    w.write(0, f"Reclaim Policy:\t{_s(spec.get('persistentVolumeReclaimPolicy'))}\n")
    w.write(0, f"Access Modes:\t{access_modes_text(_list(spec.get('accessModes')))}\n")
    if spec.get("volumeMode") is not None:
        w.write(0, f"VolumeMode:\t{_s(spec['volumeMode'])}\n")
    w.write(0, f"Capacity:\t{quantity_text(_dict(spec.get('capacity')).get('storage'))}\n")
    _node_affinity(w, spec.get("nodeAffinity"))
    w.write(0, f"Message:\t{_s(status.get('message'))}\n")
    w.write(0, "Source:\n")
    if not _volume_source(w, spec):
        w.write(1, "<unknown>\n")
    describe_events(w, events_for(volume, _events(related)), now)
    return w.text()


def _node_affinity(w: _Writer, affinity: Any) -> None:
    w.write(0, "Node Affinity:\t")
    required = _dict(affinity).get("required")
    if not isinstance(required, dict):
        w.line(NONE)
        return
    w.line("")
    w.write(1, "Required Terms:\t")
    terms = _list(required.get("nodeSelectorTerms"))
    if not terms:
        w.line(NONE)
        return
    w.line("")
    for i, term in enumerate(terms):
        w.write(2, f"Term {i}:\t")
        expressions = [_dict(e) for e in _list(_dict(term).get("matchExpressions"))]
        if not expressions:
            w.line(NONE)
            continue
        for j, expr in enumerate(expressions):
            if j:
                w.write(2, "\t")
            text = f"{_s(expr.get('key'))} {_s(expr.get('operator')).lower()}"
            values = _list(expr.get("values"))
            if values:
                text += f" [{', '.join(_s(v) for v in values)}]"
            w.write(0, text + "\n")


def describe_storage_class(
    sc: Obj, related: Mapping[str, Any], now: datetime, *, tz: tzinfo = UTC
) -> str:
    """`kubectl describe storageclass`."""
    w = _Writer()
    w.write(0, f"Name:\t{_name(sc)}\n")
    w.write(0, f"IsDefaultClass:\t{'Yes' if is_default_class(sc) else 'No'}\n")
    w.write(0, f"Annotations:\t{format_labels(_dict(_meta(sc).get('annotations')))}\n")
    w.write(0, f"Provisioner:\t{_s(sc.get('provisioner'))}\n")
    w.write(0, f"Parameters:\t{format_labels(_dict(sc.get('parameters')))}\n")
    w.write(0, f"AllowVolumeExpansion:\t{_bool_ptr(sc.get('allowVolumeExpansion'))}\n")
    options = _list(sc.get("mountOptions"))
    if not options:
        w.write(0, "MountOptions:\t<none>\n")
    else:
        w.write(0, "MountOptions:\n")
        for option in options:
            w.write(1, f"{_s(option)}\n")
    if sc.get("reclaimPolicy") is not None:
        w.write(0, f"ReclaimPolicy:\t{_s(sc['reclaimPolicy'])}\n")
    if sc.get("volumeBindingMode") is not None:
        w.write(0, f"VolumeBindingMode:\t{_s(sc['volumeBindingMode'])}\n")
    topologies = sc.get("allowedTopologies")
    if topologies is not None:
        w.write(0, "AllowedTopologies:\t")
        if not _list(topologies):
            w.line(NONE)
        else:
            w.line("")
            for i, term in enumerate(_list(topologies)):
                w.write(1, f"Term {i}:\t")
                expressions = [_dict(e) for e in _list(_dict(term).get("matchLabelExpressions"))]
                if not expressions:
                    w.line(NONE)
                    continue
                for j, expr in enumerate(expressions):
                    if j:
                        w.write(1, "\t")
                    text = f"{_s(expr.get('key'))} in"
                    values = _list(expr.get("values"))
                    if values:
                        text += f" [{', '.join(_s(v) for v in values)}]"
                    w.write(0, text + "\n")
    describe_events(w, events_for(sc, _events(related)), now)
    return w.text()


# --- Service ---------------------------------------------------------------------------------


def format_endpoint_slices(slices: Sequence[Obj], port_name: str | None) -> str:
    """`formatEndpointSlices`: ready `ip:port` for the named port, `+ N more...` past three."""
    if not slices:
        return NONE
    items: list[str] = []
    more = False
    count = 0
    for eps in slices:
        ports = [_dict(p) for p in _list(eps.get("ports"))]
        endpoints = [_dict(e) for e in _list(eps.get("endpoints"))]
        if not ports:
            # Headless Services may have no ports.
            for endpoint in endpoints:
                if len(items) == 3:
                    more = True
                if _dict(endpoint.get("conditions")).get("ready") is False:
                    continue
                if not more:
                    items.append(_s((_list(endpoint.get("addresses")) or [""])[0]))
                count += 1
            continue
        for port in ports:
            if port_name is not None and _s(port.get("name")) != port_name:
                continue
            for endpoint in endpoints:
                if len(items) == 3:
                    more = True
                address = _s((_list(endpoint.get("addresses")) or [""])[0])
                if _dict(endpoint.get("conditions")).get("ready") is False:
                    continue
                if not more:
                    items.append(join_host_port(address, _int(port.get("port"))))
                count += 1
    text = ",".join(items)
    if more:
        return f"{text} + {count - 3} more..."
    return text


def describe_service(
    service: Obj, related: Mapping[str, Any], now: datetime, *, tz: tzinfo = UTC
) -> str:
    """`kubectl describe service`, Endpoints from `related['endpointslices']`."""
    w = _Writer()
    meta = _meta(service)
    spec = _dict(service.get("spec"))
    status = _dict(service.get("status"))
    w.write(0, f"Name:\t{_name(service)}\n")
    w.write(0, f"Namespace:\t{_namespace(service)}\n")
    _labels_multiline(w, "Labels", _dict(meta.get("labels")))
    _annotations_multiline(w, "Annotations", _dict(meta.get("annotations")))
    w.write(0, f"Selector:\t{format_labels(_dict(spec.get('selector')))}\n")
    w.write(0, f"Type:\t{_s(spec.get('type'))}\n")
    if spec.get("ipFamilyPolicy") is not None:
        w.write(0, f"IP Family Policy:\t{_s(spec['ipFamilyPolicy'])}\n")
    families = [_s(f) for f in _list(spec.get("ipFamilies"))]
    w.write(0, f"IP Families:\t{','.join(families) if families else NONE}\n")
    w.write(0, f"IP:\t{_s(spec.get('clusterIP'))}\n")
    cluster_ips = [_s(ip) for ip in _list(spec.get("clusterIPs"))]
    w.write(0, f"IPs:\t{','.join(cluster_ips) if cluster_ips else NONE}\n")
    external = [_s(ip) for ip in _list(spec.get("externalIPs"))]
    if external:
        w.write(0, f"External IPs:\t{','.join(external)}\n")
    if spec.get("loadBalancerIP"):
        w.write(0, f"Desired LoadBalancer IP:\t{_s(spec['loadBalancerIP'])}\n")
    if spec.get("externalName"):
        w.write(0, f"External Name:\t{_s(spec['externalName'])}\n")
    ingress = [_dict(i) for i in _list(_dict(status.get("loadBalancer")).get("ingress"))]
    if ingress:
        parts = []
        for entry in ingress:
            if entry.get("ip"):
                text = _s(entry["ip"])
                if entry.get("ipMode") is not None:
                    text += f" ({_s(entry['ipMode'])})"
                parts.append(text)
            else:
                parts.append(_s(entry.get("hostname")))
        w.write(0, f"LoadBalancer Ingress:\t{', '.join(parts)}\n")
    slices = [_dict(s) for s in _list(related.get("endpointslices"))]
    for port in (_dict(p) for p in _list(spec.get("ports"))):
        name = _s(port.get("name")) or UNSET
        protocol = _s(port.get("protocol"))
        w.write(0, f"Port:\t{name}\t{_int(port.get('port'))}/{protocol}\n")
        target = port.get("targetPort")
        w.write(0, f"TargetPort:\t{_s(target) if target is not None else '0'}/{protocol}\n")
        if port.get("appProtocol") is not None:
            w.write(0, f"AppProtocol:\t{_s(port['appProtocol'])}\n")
        if _int(port.get("nodePort")):
            w.write(0, f"NodePort:\t{name}\t{_int(port['nodePort'])}/{protocol}\n")
        w.write(0, f"Endpoints:\t{format_endpoint_slices(slices, _s(port.get('name')))}\n")
    w.write(0, f"Session Affinity:\t{_s(spec.get('sessionAffinity'))}\n")
    if spec.get("externalTrafficPolicy"):
        w.write(0, f"External Traffic Policy:\t{_s(spec['externalTrafficPolicy'])}\n")
    if spec.get("internalTrafficPolicy") is not None:
        w.write(0, f"Internal Traffic Policy:\t{_s(spec['internalTrafficPolicy'])}\n")
    if _int(spec.get("healthCheckNodePort")):
        w.write(0, f"HealthCheck NodePort:\t{_int(spec['healthCheckNodePort'])}\n")
    ranges = [_s(r) for r in _list(spec.get("loadBalancerSourceRanges"))]
    if ranges:
        w.write(0, f"LoadBalancer Source Ranges:\t{','.join(ranges)}\n")
    if spec.get("trafficDistribution") is not None:
        w.write(0, f"Traffic Distribution:\t{_s(spec['trafficDistribution'])}\n")
    describe_events(w, events_for(service, _events(related)), now)
    return w.text()


def describe_endpoint_slice(
    eps: Obj, related: Mapping[str, Any], now: datetime, *, tz: tzinfo = UTC
) -> str:
    """`kubectl describe endpointslice`."""
    w = _Writer()
    meta = _meta(eps)
    w.write(0, f"Name:\t{_name(eps)}\n")
    w.write(0, f"Namespace:\t{_namespace(eps)}\n")
    _labels_multiline(w, "Labels", _dict(meta.get("labels")))
    _annotations_multiline(w, "Annotations", _dict(meta.get("annotations")))
    w.write(0, f"AddressType:\t{_s(eps.get('addressType'))}\n")
    ports = [_dict(p) for p in _list(eps.get("ports"))]
    if not ports:
        w.write(0, "Ports: <unset>\n")
    else:
        w.write(0, "Ports:\n")
        w.write(1, "Name\tPort\tProtocol\n")
        w.write(1, "----\t----\t--------\n")
        for port in ports:
            name = _s(port.get("name")) or UNSET
            number = _s(port["port"]) if port.get("port") is not None else UNSET
            w.write(1, f"{name}\t{number}\t{_s(port.get('protocol'))}\n")
    endpoints = [_dict(e) for e in _list(eps.get("endpoints"))]
    if not endpoints:
        w.write(0, "Endpoints: <none>\n")
    else:
        w.write(0, "Endpoints:\n")
        for endpoint in endpoints:
            addresses = ", ".join(_s(a) for a in _list(endpoint.get("addresses"))) or NONE
            w.write(1, f"- Addresses:\t{addresses}\n")
            w.write(2, "Conditions:\n")
            ready = _dict(endpoint.get("conditions")).get("ready")
            w.write(3, f"Ready:\t{UNSET if ready is None else _s(ready)}\n")
            hostname = endpoint.get("hostname")
            w.write(2, f"Hostname:\t{UNSET if hostname is None else _s(hostname)}\n")
            target = endpoint.get("targetRef")
            if isinstance(target, dict):
                w.write(2, f"TargetRef:\t{_s(target.get('kind'))}/{_s(target.get('name'))}\n")
            node = endpoint.get("nodeName")
            w.write(2, f"NodeName:\t{UNSET if node is None else _s(node)}\n")
            zone = endpoint.get("zone")
            w.write(2, f"Zone:\t{UNSET if zone is None else _s(zone)}\n")
    describe_events(w, events_for(eps, _events(related)), now)
    return w.text()


# --- Node, Namespace, ConfigMap --------------------------------------------------------------


def _pod_totals(pod: Obj, section: str) -> dict[str, Fraction]:
    # resourcehelper.PodRequests/PodLimits, simplified: sum of containers, at least the largest
    # init container, plus overhead.
    spec = _dict(pod.get("spec"))
    totals: dict[str, Fraction] = {}
    for container in _list(spec.get("containers")):
        for name, raw in _dict(_dict(_dict(container).get("resources")).get(section)).items():
            totals[name] = totals.get(name, Fraction(0)) + _quantity(raw)
    for container in _list(spec.get("initContainers")):
        for name, raw in _dict(_dict(_dict(container).get("resources")).get(section)).items():
            totals[name] = max(totals.get(name, Fraction(0)), _quantity(raw))
    for name, raw in _dict(spec.get("overhead")).items():
        totals[name] = totals.get(name, Fraction(0)) + _quantity(raw)
    return totals


def _share(amount: Fraction, whole: Fraction, milli: bool) -> int:
    scale = 1000 if milli else 1
    numerator = math.ceil(amount * scale)
    denominator = math.ceil(whole * scale)
    if denominator == 0:
        return 0
    return int(numerator / denominator * 100)


def _amount_text(amount: Fraction, like: str) -> str:
    if amount == 0:
        return "0"
    return format_quantity(amount, like or "0")


def describe_node(node: Obj, related: Mapping[str, Any], now: datetime, *, tz: tzinfo = UTC) -> str:
    """`kubectl describe node`, pods from `related['pods']`, lease from `related['lease']`."""
    w = _Writer()
    meta = _meta(node)
    spec = _dict(node.get("spec"))
    status = _dict(node.get("status"))
    w.write(0, f"Name:\t{_name(node)}\n")
    w.write(0, f"Roles:\t{','.join(node_roles(node)) or NONE}\n")
    _labels_multiline(w, "Labels", _dict(meta.get("labels")))
    _annotations_multiline(w, "Annotations", _dict(meta.get("annotations")))
    w.write(0, f"CreationTimestamp:\t{rfc1123z(meta.get('creationTimestamp'), tz)}\n")
    _taints_multiline(w, "Taints", _list(spec.get("taints")))
    w.write(0, f"Unschedulable:\t{_go_bool(spec.get('unschedulable'))}\n")
    lease = related.get("lease")
    if isinstance(lease, dict):
        lease_spec = _dict(lease.get("spec"))
        w.write(0, "Lease:\n")
        w.write(1, f"HolderIdentity:\t{_s(lease_spec.get('holderIdentity')) or UNSET}\n")
        for key, title in (("acquireTime", "AcquireTime"), ("renewTime", "RenewTime")):
            value = lease_spec.get(key)
            w.write(1, f"{title}:\t{rfc1123z(value, tz) if value else UNSET}\n")
    conditions = [_dict(c) for c in _list(status.get("conditions"))]
    if conditions:
        w.write(
            0,
            "Conditions:\n  Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\tMessage\n",
        )
        w.write(1, "----\t------\t-----------------\t------------------\t------\t-------\n")
        for c in conditions:
            w.write(
                1,
                f"{_s(c.get('type'))} \t{_s(c.get('status'))} \t"
                f"{rfc1123z(c.get('lastHeartbeatTime'), tz)} \t"
                f"{rfc1123z(c.get('lastTransitionTime'), tz)} \t"
                f"{_s(c.get('reason'))} \t{_s(c.get('message'))}\n",
            )
    w.write(0, "Addresses:\n")
    for address in (_dict(a) for a in _list(status.get("addresses"))):
        w.write(1, f"{_s(address.get('type'))}:\t{_s(address.get('address'))}\n")
    for key, title in (("capacity", "Capacity"), ("allocatable", "Allocatable")):
        values = _dict(status.get(key))
        if values:
            w.write(0, f"{title}:\n")
            for name in sorted(values):
                w.write(0, f"  {name}:\t{quantity_text(values[name])}\n")
    info = _dict(status.get("nodeInfo"))
    w.write(0, "System Info:\n")
    for key, title in (
        ("machineID", "Machine ID"),
        ("systemUUID", "System UUID"),
        ("bootID", "Boot ID"),
        ("kernelVersion", "Kernel Version"),
        ("osImage", "OS Image"),
        ("operatingSystem", "Operating System"),
        ("architecture", "Architecture"),
        ("containerRuntimeVersion", "Container Runtime Version"),
        ("kubeletVersion", "Kubelet Version"),
    ):
        w.write(0, f"  {title}:\t{_s(info.get(key))}\n")
    if spec.get("podCIDR"):
        w.write(0, f"PodCIDR:\t{_s(spec['podCIDR'])}\n")
    cidrs = [_s(c) for c in _list(spec.get("podCIDRs"))]
    if cidrs:
        w.write(0, f"PodCIDRs:\t{','.join(cidrs)}\n")
    if spec.get("providerID"):
        w.write(0, f"ProviderID:\t{_s(spec['providerID'])}\n")
    _node_pods(w, node, [_dict(p) for p in _list(related.get("pods"))], now)
    describe_events(w, _events(related), now)
    return w.text()


def _node_pods(w: _Writer, node: Obj, pods: list[dict[str, Any]], now: datetime) -> None:
    status = _dict(node.get("status"))
    allocatable = _dict(status.get("allocatable")) or _dict(status.get("capacity"))
    running = [
        p
        for p in pods
        if _s(_dict(p.get("spec")).get("nodeName")) == _name(node)
        and _s(_dict(p.get("status")).get("phase")) not in ("Succeeded", "Failed")
    ]
    alloc_cpu = _quantity(allocatable.get("cpu", 0))
    alloc_mem = _quantity(allocatable.get("memory", 0))
    alloc_eph = _quantity(allocatable.get("ephemeral-storage", 0))
    w.write(0, f"Non-terminated Pods:\t({len(running)} in total)\n")
    w.write(1, "Namespace\tName\t\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\tAge\n")
    w.write(1, "---------\t----\t\t------------\t----------\t---------------\t-------------\t---\n")
    totals: dict[str, dict[str, Fraction]] = {"requests": {}, "limits": {}}
    likes: dict[str, str] = {}
    for pod in running:
        req = _pod_totals(pod, "requests")
        lim = _pod_totals(pod, "limits")
        for section, values in (("requests", req), ("limits", lim)):
            for name, amount in values.items():
                totals[section][name] = totals[section].get(name, Fraction(0)) + amount
        for container in _list(_dict(pod.get("spec")).get("containers")):
            for section in ("requests", "limits"):
                for name, raw in _dict(
                    _dict(_dict(container).get("resources")).get(section)
                ).items():
                    likes.setdefault(name, _s(raw))
        cells = []
        for values, name, milli, whole in (
            (req, "cpu", True, alloc_cpu),
            (lim, "cpu", True, alloc_cpu),
            (req, "memory", False, alloc_mem),
            (lim, "memory", False, alloc_mem),
        ):
            amount = values.get(name, Fraction(0))
            cells.append(
                f"{_amount_text(amount, likes.get(name, ''))} ({_share(amount, whole, milli)}%)"
            )
        w.write(
            1,
            f"{_namespace(pod)}\t{_name(pod)}\t\t{cells[0]}\t{cells[1]}\t{cells[2]}\t{cells[3]}\t"
            f"{since(_meta(pod).get('creationTimestamp'), now)}\n",
        )
    w.write(
        0, "Allocated resources:\n  (Total limits may be over 100 percent, i.e., overcommitted.)\n"
    )
    w.write(1, "Resource\tRequests\tLimits\n")
    w.write(1, "--------\t--------\t------\n")
    for name, milli, whole in (
        ("cpu", True, alloc_cpu),
        ("memory", False, alloc_mem),
        ("ephemeral-storage", False, alloc_eph),
    ):
        requested = totals["requests"].get(name, Fraction(0))
        limited = totals["limits"].get(name, Fraction(0))
        like = likes.get(name, "")
        w.write(
            1,
            f"{name}\t{_amount_text(requested, like)} ({_share(requested, whole, milli)}%)\t"
            f"{_amount_text(limited, like)} ({_share(limited, whole, milli)}%)\n",
        )


def describe_namespace(
    ns: Obj, related: Mapping[str, Any], now: datetime, *, tz: tzinfo = UTC
) -> str:
    """`kubectl describe namespace` (stsctl has no quotas or limit ranges to list)."""
    w = _Writer()
    meta = _meta(ns)
    w.write(0, f"Name:\t{_name(ns)}\n")
    _labels_multiline(w, "Labels", _dict(meta.get("labels")))
    _annotations_multiline(w, "Annotations", _dict(meta.get("annotations")))
    w.write(0, f"Status:\t{_s(_dict(ns.get('status')).get('phase'))}\n")
    w.write(0, "\n")
    w.write(0, "No resource quota.\n")
    w.write(0, "\n")
    w.write(0, "No LimitRange resource.\n")
    return w.text()


def describe_config_map(
    cm: Obj, related: Mapping[str, Any], now: datetime, *, tz: tzinfo = UTC
) -> str:
    """`kubectl describe configmap`."""
    w = _Writer()
    meta = _meta(cm)
    w.write(0, f"Name:\t{_name(cm)}\n")
    w.write(0, f"Namespace:\t{_namespace(cm)}\n")
    _labels_multiline(w, "Labels", _dict(meta.get("labels")))
    _annotations_multiline(w, "Annotations", _dict(meta.get("annotations")))
    w.write(0, "\nData\n====\n")
    data = _dict(cm.get("data"))
    for key in sorted(data):
        w.write(0, f"{key}:\n----\n")
        w.write(0, f"{_s(data[key])}\n")
        w.write(0, "\n")
    w.write(0, "\nBinaryData\n====\n")
    binary = _dict(cm.get("binaryData"))
    for key in sorted(binary):
        # binaryData values are base64 in JSON; kubectl counts the decoded bytes.
        encoded = _s(binary[key])
        size = len(encoded) * 3 // 4 - encoded.count("=")
        w.write(0, f"{key}: {size} bytes\n")
    w.write(0, "\n")
    describe_events(w, events_for(cm, _events(related)), now)
    return w.text()


# --- generic ---------------------------------------------------------------------------------

_ACRONYMS = ("API", "URL", "UID", "GUID")


def _camel_split(text: str) -> list[str]:
    # github.com/fatih/camelcase.Split
    runs: list[list[str]] = []
    last = 0
    for ch in text:
        cls = 1 if ch.islower() else 2 if ch.isupper() else 3 if ch.isdigit() else 4
        if cls == last:
            runs[-1].append(ch)
        else:
            runs.append([ch])
        last = cls
    for i in range(len(runs) - 1):
        if runs[i] and runs[i][0].isupper() and runs[i + 1] and runs[i + 1][0].islower():
            runs[i + 1].insert(0, runs[i].pop())
    return ["".join(run) for run in runs if run]


def smart_label(field: str) -> str:
    """kubectl's `smartLabelFor`: `apiVersion` → `API Version`, `uid` → `UID`."""
    if any(not (ch.isalpha() or ch == "-") for ch in field):
        return field
    parts = _camel_split(field)
    merged: list[str] = []
    i = 0
    while i < len(parts):
        part = parts[i]
        if (
            i < len(parts) - 1
            and len(part) >= 2
            and all(not ch.isalpha() or ch.isupper() for ch in part)
            and parts[i + 1][:1].isupper()
        ):
            merged.append(part + parts[i + 1])
            i += 2
            continue
        merged.append(part)
        i += 1
    out = []
    for part in merged:
        if part == "_":
            continue
        if part.upper() in _ACRONYMS:
            part = part.upper()
        elif part.lower() == part:
            part = part[:1].upper() + part[1:]
        out.append(part)
    return " ".join(out)


def _unstructured(
    w: _Writer, level: int, content: Mapping[str, Any], prefix: str, skip: set[str]
) -> None:
    for key in sorted(content):
        value = content[key]
        path = f"{prefix}.{key}"
        if path in skip:
            continue
        if isinstance(value, dict):
            w.write(level, f"{smart_label(key)}:\n")
            _unstructured(w, level + 1, value, path, skip)
        elif isinstance(value, list):
            w.write(level, f"{smart_label(key)}:\n")
            for child in value:
                if isinstance(child, dict):
                    _unstructured(w, level + 1, child, path, skip)
                else:
                    w.write(level + 1, f"{go_sprint(child)}\n")
        else:
            w.write(level, f"{smart_label(key)}:\t{go_sprint(value)}\n")


def describe_generic(
    obj: Obj, related: Mapping[str, Any], now: datetime, *, tz: tzinfo = UTC
) -> str:
    """kubectl's generic describer (kinds without their own, like ControllerRevision)."""
    w = _Writer()
    meta = _meta(obj)
    w.write(0, f"Name:\t{_name(obj)}\n")
    w.write(0, f"Namespace:\t{_namespace(obj)}\n")
    _labels_multiline(w, "Labels", _dict(meta.get("labels")))
    _annotations_multiline(w, "Annotations", _dict(meta.get("annotations")))
    skip = {
        ".metadata.managedFields",
        ".metadata.name",
        ".metadata.namespace",
        ".metadata.labels",
        ".metadata.annotations",
    }
    _unstructured(w, 0, obj, "", skip)
    describe_events(w, events_for(obj, _events(related)), now)
    return w.text()


# --- dispatch --------------------------------------------------------------------------------

Describer = Callable[..., str]

_DESCRIBERS: dict[str, Describer] = {
    "Pod": describe_pod,
    "PersistentVolumeClaim": describe_persistent_volume_claim,
    "PersistentVolume": describe_persistent_volume,
    "Service": describe_service,
    "StorageClass": describe_storage_class,
    "EndpointSlice": describe_endpoint_slice,
    "Node": describe_node,
    "Namespace": describe_namespace,
    "ConfigMap": describe_config_map,
}


def describe(
    kind: str,
    obj: Obj,
    related: Mapping[str, Any] | None,
    now: datetime,
    *,
    tz: tzinfo = UTC,
    extras: bool = True,
) -> str:
    """The `describe` text for one object (ends in a newline, like kubectl's).

    `related` carries what kubectl would look up: `events` (any list; the ones about `obj` are
    picked), `pods`, `claims`, `revisions`, `service` for a StatefulSet, `pods` for a claim's
    `Used By` and a node's pod table, `endpointslices` for a Service. `extras=False` drops
    stsctl's sections after a StatefulSet's, leaving exactly kubectl's layout.
    """
    resolved = resolve_kind(kind)
    related = related or {}
    if resolved == "StatefulSet":
        return describe_statefulset(obj, related, now, tz=tz, extras=extras)
    describer = _DESCRIBERS.get(resolved, describe_generic)
    return describer(obj, related, now, tz=tz)
