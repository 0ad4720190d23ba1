"""Use cases shared by the commands, backend-agnostic: each takes a Backend (or nothing) and
returns data for a renderer."""
