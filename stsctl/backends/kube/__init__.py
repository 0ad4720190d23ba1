"""The kube backend: a real cluster through the official `kubernetes` client.

The only package that imports `kubernetes`, always lazily (inside functions), so commands that
do not talk to a real cluster never pay for the import.
"""
