# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""dockerd command lines and daemon.json files, each with the values dockerd
really applied to a container.

dockerd_cases.py says whether dockerd starts; these say what it then does.
Each configuration is one private dockerd 20.10.24 (Debian 12's docker.io)
started on this machine by tests/engines/test_dockerd_applied.py, which
runs one container in it and reads, inside, `NoNewPrivs` from
/proc/self/status (no-new-privileges) and the name of PID 1 (docker-init
when `init` is on). Every configuration sets both options, in different
forms, so that one start answers two questions.
tests/unit/consumers/test_dockerd_applied_reader.py holds
posture.docker_daemon to these values.
"""


class AppliedCase:
    def __init__(self, id, config=b"{}", flags=(), no_new_privileges=None, init=None, note=""):
        self.id = id
        self.config = config          # bytes of daemon.json
        self.flags = list(flags)      # extra dockerd flags
        self.applied = {"no-new-privileges": no_new_privileges, "init": init}
        self.note = note

    def __repr__(self):
        return "AppliedCase(%s)" % self.id


CASES = [
    AppliedCase("flag-0-and-t", flags=["--no-new-privileges=0", "--init=t"], no_new_privileges=False, init=True),
    AppliedCase("flag-F-and-TRUE", flags=["--no-new-privileges=F", "--init=TRUE"], no_new_privileges=False,
                init=True),
    AppliedCase("flag-t-and-0", flags=["--no-new-privileges=t", "--init=0"], no_new_privileges=True, init=False),
    AppliedCase("flag-1-and-F", flags=["--no-new-privileges=1", "--init=F"], no_new_privileges=True, init=False),
    AppliedCase("flag-TRUE-and-json-duplicate-last-false", b'{"init": true, "init": false}',
                flags=["--no-new-privileges=TRUE"], no_new_privileges=True, init=False),
    AppliedCase("json-nested-number-and-duplicate-last-true",
                b'{"x": {"no-new-privileges": 1}, "init": false, "init": true}', no_new_privileges=True, init=True,
                note="a nested key is applied through its flag: fmt %v of 1 is \"1\", which ParseBool takes"),
    AppliedCase("json-duplicate-last-false-and-nested-t",
                b'{"no-new-privileges": true, "no-new-privileges": false, "y": {"init": "t"}}',
                no_new_privileges=False, init=True),
    AppliedCase("json-duplicate-last-true-and-nested-yes",
                b'{"no-new-privileges": false, "no-new-privileges": true, "y": {"init": "yes"}}',
                no_new_privileges=True, init=False, note="\"yes\" is not a Go boolean: the flag keeps its default"),
    AppliedCase("json-nested-string-1-and-nested-float",
                b'{"x": {"no-new-privileges": "1"}, "y": {"init": 1.0}}', no_new_privileges=True, init=True),
]
