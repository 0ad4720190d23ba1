"""Rendering: dicts and view models into text, tables and live views. The only place (with cli)
that uses rich."""
