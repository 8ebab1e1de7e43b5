"""``python -m sysmap`` runs the command line."""

from sysmap.cli import main

if __name__ == "__main__":
    main()
