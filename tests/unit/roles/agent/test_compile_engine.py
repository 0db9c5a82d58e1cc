# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""roles/agent/files/compile-engine on the engine laid out as the role
unpacks it (every file's time 0): afterwards the agent's run compiles
nothing, a second compile-engine changes nothing, and a file changed without
changing its size or time is compiled again (time-checked byte code would
run the old code)."""

import os
import shutil
import subprocess
import sys

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), *[os.pardir] * 4))
COMPILE = os.path.join(REPO, "roles", "agent", "files", "compile-engine")
SYSTEM_PYTHON = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable
ENV = {"PATH": "/usr/bin:/bin", "LC_ALL": "C.UTF-8"}
# Prints every module the run compiled from source (importlib compiles through compile(): an audit event);
# the script itself is compiled on every run, as any script is (a few lines: it finds and runs the engine).
WATCH = ("import sys, runpy\n"
         "script = sys.argv[1]\n"
         "sys.addaudithook(lambda event, args: event == 'compile' and args[1] not in ('<string>', script)"
         " and print('COMPILED', args[1]))\n"
         "sys.argv = sys.argv[1:]\n"
         "runpy.run_path(script, run_name='__main__')\n")


def unpack(prefix):
    """The engine and the agent as the role's archive lays them out, every time 0."""
    lib = os.path.join(prefix, "lib", "stockade", "module_utils", "posture")
    shutil.copytree(os.path.join(REPO, "plugins", "module_utils", "posture"), lib,
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    os.makedirs(os.path.join(prefix, "bin"))
    shutil.copy(os.path.join(REPO, "bin", "stockade-audit"), os.path.join(prefix, "bin"))
    for directory, dummy, files in os.walk(prefix):
        for name in files:
            os.utime(os.path.join(directory, name), (0, 0))
    return os.path.dirname(lib)


def compile_engine(module_utils):
    done = subprocess.run([SYSTEM_PYTHON, COMPILE, module_utils], stdout=subprocess.PIPE, env=ENV, check=True)
    return done.stdout.decode().splitlines()


def compiled_by_a_run(prefix):
    done = subprocess.run([SYSTEM_PYTHON, "-c", WATCH, os.path.join(prefix, "bin", "stockade-audit"), "--list-controls"],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=ENV, cwd="/", check=True)
    return [line for line in done.stdout.decode().splitlines() if line.startswith("COMPILED")]


def test_after_compile_engine_an_agent_run_compiles_nothing(tmp_path):
    module_utils = unpack(str(tmp_path))
    first = compile_engine(module_utils)
    assert len(first) > 50 and all(line.startswith("compiled ") for line in first)
    assert compiled_by_a_run(str(tmp_path)) == []
    assert compile_engine(module_utils) == []  # the role reports no change


def test_without_it_every_run_that_cannot_write_compiles_the_engine(tmp_path):
    """What the role's step saves: a run with no byte code compiles every module it imports."""
    unpack(str(tmp_path))
    assert len(compiled_by_a_run(str(tmp_path))) > 50


def test_a_file_changed_at_the_same_size_and_time_is_compiled_again(tmp_path):
    module_utils = unpack(str(tmp_path))
    compile_engine(module_utils)
    target = os.path.join(module_utils, "posture", "__init__.py")
    with open(target, "rb") as handle:
        data = handle.read()
    changed = data.replace(b'__version__ = "', b'__version__ = "9', 1)[:-1]  # one byte in, one out
    assert len(changed) == len(data) and changed != data
    with open(target, "wb") as handle:
        handle.write(changed)
    os.utime(target, (0, 0))
    assert compile_engine(module_utils) == ["compiled %s" % target]
    assert compile_engine(module_utils) == []
