# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Stand-in for the get-pip bootstrap that ansible-test downloads from its own
CI file host, which this project's machines cannot reach. Like get-pip.py it
receives `pip install` arguments; it installs the pip bundled with CPython
(ensurepip) and then lets that pip install the requested versions from PyPI.

ensurepip runs in its own process because it points PIP_CONFIG_FILE at
/dev/null for the rest of the process, which would hide the machine's pip
configuration (index, certificates) from the second step."""

import subprocess
import sys

# get-pip.py options that are not `pip install` options.
GET_PIP_ONLY_OPTIONS = ("--no-setuptools", "--no-wheel")


def main():
    status = subprocess.call([sys.executable, "-m", "ensurepip", "--upgrade"])
    if status:
        return status
    args = [a for a in sys.argv[1:] if a not in GET_PIP_ONLY_OPTIONS]
    return subprocess.call([sys.executable, "-m", "pip", "install"] + args)


if __name__ == "__main__":
    sys.exit(main())
