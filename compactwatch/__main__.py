import sys

from compactwatch.cli import main

sys.exit(main())
