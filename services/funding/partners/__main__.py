"""`python -m services.funding.partners`."""

import sys

from services.funding.partners.cli import main

sys.exit(main())
