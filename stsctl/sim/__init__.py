"""The simulated control plane: each controller is a pure planner.

A controller reads a `ClusterView` (never mutating what it reads) and returns a `Plan`: the
actions to carry out and when it wants to look again. The local backend's engine applies plans
through the same API-server rules as user requests, so a controller's pod create gets the same
defaulting, validation and errors as `apply` does.
"""
