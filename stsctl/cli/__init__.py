"""The command line: typer app, shared options, one module per command, one error funnel.

Commands are thin: check arguments, call one operation in `stsctl.ops`, render the result.
"""
