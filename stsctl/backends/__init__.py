"""Backends: adapters that speak Kubernetes-shaped dicts and raise only stsctl errors.

`local` is the built-in simulated cluster (SQLite under $STSCTL_HOME); `kube` is a real cluster
through the official client. Both implement `base.Backend`.
"""
