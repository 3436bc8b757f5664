"""``python -m charting``: the same entry point as the ``charting`` command."""

from charting.app import main

raise SystemExit(main())
