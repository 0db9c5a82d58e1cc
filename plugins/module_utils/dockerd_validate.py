# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""`dockerd --validate`: dockerd (Docker 23 and later) loads its configuration
exactly as it would to start (daemon.json merged with the flags it is given,
unknown keys, wrong types and keys set both ways refused) and exits, printing
"configuration OK" or the error it would have stopped on. Run before a
restart, it turns most bad configurations into a refusal while the old daemon
keeps running; the rollback after the restart stays for what loading the
configuration cannot see (a seccomp profile file that does not exist, a
runtime that does not start).

Docker 20.10 (Debian 12) has no such flag: it answers "unknown flag:
--validate", which is reported as "cannot validate", not as a bad file.
Seen: 20.10.24 on this project's CI machine, 26.1.5 in the Debian 13 lab
guest (tests/lab/hardened/test_engines_current.py)."""

from __future__ import annotations

UNSUPPORTED = "unknown flag: --validate"


class Validation:
    """supported: whether this dockerd can validate; ok: whether the
    configuration loads (None when unsupported); message: dockerd's words."""

    def __init__(self, supported, ok, message):
        self.supported = supported
        self.ok = ok
        self.message = message


def validate(run_command, dockerd, flags=(), config_file=None):
    """Ask `dockerd` whether it would start with `flags` (the unit's, so that
    flag/file conflicts count) and `config_file` (default: its own default
    path). run_command(argv) -> (rc, stdout, stderr), e.g. AnsibleModule.run_command."""
    argv = [dockerd] + list(flags) + (["--config-file", config_file] if config_file else []) + ["--validate"]
    rc, out, err = run_command(argv)
    message = "\n".join(part.strip() for part in (out, err) if part and part.strip())
    if rc != 0 and UNSUPPORTED in message:
        return Validation(False, None, message)
    return Validation(True, rc == 0, message or "(dockerd printed nothing, exit status %d)" % rc)
