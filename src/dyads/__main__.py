"""``python -m dyads``: the same as the ``dyads`` command."""

from dyads.cli import main

if __name__ == "__main__":
    main()
