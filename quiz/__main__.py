"""`python -m quiz` runs the command line, as the `quiz` script does."""

import sys

from quiz.cli import main

sys.exit(main())
