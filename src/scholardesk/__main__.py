from scholardesk.cli import main

raise SystemExit(main())
