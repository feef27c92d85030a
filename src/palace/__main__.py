"""``python -m palace`` runs the same command line as the ``palace`` script."""

from palace.cli import main


raise SystemExit(main())
