"""The entry point and the single error funnel.

Every failure a user can see passes through `main()`: project errors print their own text and
hint and exit with their code; usage errors exit 2 with a pointer to `--help`; Ctrl-C exits 130;
a closed pipe exits quietly; anything unexpected prints one line (a traceback only with --debug).
"""

from __future__ import annotations

import os
import sys
import traceback
from collections.abc import Sequence

from stsctl.errors import EXIT_ERROR, EXIT_USAGE, StsctlError


def _program_name(argv0: str) -> str:
    base = os.path.basename(argv0)
    return "kubectl sts" if base.startswith("kubectl-sts") else "stsctl"


def _debug_requested(args: Sequence[str]) -> bool:
    return "--debug" in args or os.environ.get("STSCTL_DEBUG", "") not in ("", "0")


def _print_err(text: str) -> None:
    try:
        sys.stderr.write(text if text.endswith("\n") else text + "\n")
        sys.stderr.flush()
    except (BrokenPipeError, OSError):
        pass


def run(args: Sequence[str], prog_name: str = "stsctl") -> int:
    """Run the command line on `args` and return the exit code (never raises)."""
    debug = _debug_requested(args)
    from typer._click.exceptions import ClickException, NoArgsIsHelpError, UsageError
    from typer.exceptions import Abort

    try:
        import typer.main

        from stsctl.cli.app import load_commands

        verb = args[0] if args and not args[0].startswith("-") else None
        command = typer.main.get_command(load_commands(verb))
        result = command.main(args=list(args), prog_name=prog_name, standalone_mode=False)
        return result if isinstance(result, int) else 0
    except StsctlError as e:
        if debug:
            _print_err(traceback.format_exc())
        _print_err(e.render())
        if e.hint:
            _print_err(e.hint)
        return e.exit_code
    except UsageError as e:
        if isinstance(e, NoArgsIsHelpError):
            return EXIT_USAGE  # the help was printed; there is no message to add
        if debug:
            _print_err(traceback.format_exc())
        verb = e.ctx.command_path if e.ctx is not None else prog_name
        _print_err(f"error: {e.format_message()}")
        _print_err(f"See '{verb} --help' for usage.")
        return EXIT_USAGE
    except ClickException as e:
        _print_err(f"error: {e.format_message()}")
        return e.exit_code
    except (KeyboardInterrupt, Abort):
        _print_err("Interrupted.")
        return 130
    except BrokenPipeError:
        _silence_stdout()
        return 0
    except SystemExit as e:  # raised inside typer for a closed pipe; keep it quiet
        return e.code if isinstance(e.code, int) else EXIT_ERROR
    except Exception as e:  # the last line of defence: never a raw traceback for users
        if debug:
            _print_err(traceback.format_exc())
            return EXIT_ERROR
        _print_err(f"error: internal error: {type(e).__name__}: {e}")
        _print_err("Run again with --debug to see the details, and please report it.")
        return EXIT_ERROR


def _silence_stdout() -> None:
    # Point stdout at /dev/null so the interpreter's final flush of a closed pipe is quiet.
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except OSError:
        pass


def main() -> None:
    """Console-script entry point for `stsctl` and `kubectl-sts`."""
    from stsctl.cli.startup import pause_collector

    pause_collector()
    code = run(sys.argv[1:], _program_name(sys.argv[0]))
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        _silence_stdout()
    sys.exit(code)
