"""``python -m analysis``: the command line (see :mod:`analysis.cli`)."""
import os
import sys

from analysis.cli import main

code = main()
if "pyarrow" in sys.modules:
    # All outputs are written and closed by now. Arrow's native thread pools can abort the
    # interpreter's own teardown at random (SIGABRT, "terminate called without an active
    # exception"; apache/arrow#34314), which would turn a finished run into a failure, so the
    # process leaves without that teardown.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code or 0)
raise SystemExit(code)
