"""`python -m kvcli` behaves exactly like `kvcli`, completion included."""

from kvcli import run

if __name__ == "__main__":
    run()
