"""Make sure Debian's chromium is there for the browser tests.

Installs it with apt when running as root; otherwise prints the one
command to run and fails.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

CHROMIUM = "/usr/bin/chromium"


def main() -> int:
    if os.path.exists(CHROMIUM):
        return 0
    if os.geteuid() != 0:
        print("Browser tests need Debian's chromium. Run:\n"
              "  sudo apt-get update && sudo apt-get install -y chromium", file=sys.stderr)
        return 1
    if not shutil.which("apt-get"):
        print("No apt-get here: install chromium at /usr/bin/chromium.", file=sys.stderr)
        return 1
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update"], check=True, env=env)
    subprocess.run(["apt-get", "install", "-y", "--no-install-recommends", "chromium"],
                   check=True, env=env)
    return 0


if __name__ == "__main__":
    sys.exit(main())
