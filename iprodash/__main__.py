from iprodash.cli import main

raise SystemExit(main())
