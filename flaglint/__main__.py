from flaglint.cli import main

raise SystemExit(main())
