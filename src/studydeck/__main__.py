"""`python -m studydeck`."""

from studydeck.cli import main

raise SystemExit(main())
