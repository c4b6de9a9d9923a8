import sys

from gknb.cli import main

sys.exit(main())
