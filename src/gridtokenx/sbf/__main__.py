import sys

from gridtokenx.sbf.cli import main

sys.exit(main())
