"""`python -m audit.frameworks.spec FOLDER...` validates framework folders."""

from audit.frameworks.spec import main

raise SystemExit(main())
