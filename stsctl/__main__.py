"""`python -m stsctl` runs the command line."""

if __name__ == "__main__":
    # The collector is paused before the command line's modules load (see stsctl.cli.startup).
    from stsctl.cli.startup import pause_collector

    pause_collector()

    from stsctl.cli.main import main

    main()
