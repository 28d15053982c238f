"""`python -m newsgrep` runs the command line."""

from newsgrep.cli import main

if __name__ == "__main__":
    main()
