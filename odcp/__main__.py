import sys

from odcp.cli import main

sys.exit(main())
