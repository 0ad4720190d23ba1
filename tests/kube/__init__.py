"""Tests of the kube backend: kubeconfig resolution, error translation, watches, HTTP."""
