from gridtokenx.cli import main

raise SystemExit(main())
