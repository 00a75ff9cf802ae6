"""kvcli: a local, offline twin of `az keyvault`. Imports nothing, so start-up stays cheap."""

__version__ = "0.1.0"


def run() -> None:
    """The `kvcli` program (console script and `python -m kvcli`).

    A kvcli process runs one short command, so its cyclic garbage collector is off from
    the first import on: the collections the imports alone trigger cost a command a few
    milliseconds (about 6 %), and what a command allocates is freed by reference counting.
    `kvcli serve`, the one long-lived command, turns it back on.
    """
    import gc

    gc.disable()
    from kvcli.cli.app import main

    main(prog_name="kvcli")
