from charting.app import main

raise SystemExit(main())
