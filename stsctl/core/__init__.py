"""The pure domain: functions over Kubernetes-shaped dicts. No I/O beyond parsing text handed in,
no clock, no terminal, no network."""
