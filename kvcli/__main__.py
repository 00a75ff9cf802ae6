"""`python -m kvcli` behaves exactly like `kvcli`, completion included."""

from kvcli.cli.app import main

if __name__ == "__main__":
    main(prog_name="kvcli")
