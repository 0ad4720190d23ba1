"""`python -m stsctl` runs the command line."""

from stsctl.cli.main import main

if __name__ == "__main__":
    main()
