"""Writes a fixture file beside these scripts, stamped with the versions that computed it."""
import json
import os

import numpy as np
import sklearn


def write(name, cases):
    out = {"sklearn_version": sklearn.__version__, "numpy_version": np.__version__, "cases": cases}
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), name)
    with open(path, "w") as f:
        json.dump(out, f, allow_nan=False, indent=1)
        f.write("\n")
    print(f"wrote {path}: {len(cases)} cases, sklearn {sklearn.__version__}")
