"""``python -m mediation``: the ``mediation`` command."""

from mediation.cli import main

if __name__ == "__main__":
    main()
