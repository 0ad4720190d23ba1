"""stsctl: a focused, kubectl-like tool for Kubernetes StatefulSets."""

__version__ = "0.1.0"
