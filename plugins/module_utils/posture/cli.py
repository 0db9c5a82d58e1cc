# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""stockade-audit: the host agent's command line, over the same engine as the
Ansible modules. Exit 0: every required control passes; 1: one fails; 2: usage."""

from __future__ import annotations

import argparse
import os
import sys

from . import __version__
from .atomic_files import WriteError, atomic_write
from .audit import run_audit
from .catalogue import all_controls
from .model import LAYERS
from .policy.evaluation import PolicyError, apply, validate
from .reports.render import printable, render_json, render_junit, render_table

EXIT_COMPLIANT, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


# SARIF and HTML are imported only when asked for: the agent's scheduled run renders JSON.
def render_sarif(report):
    from .reports.sarif import render_sarif as render
    return render(report)


def render_host_html(report):
    from .reports.html import render_host_html as render
    return render(report)


RENDERERS = {"table": render_table, "json": render_json, "junit": render_junit, "sarif": render_sarif,
             "html": render_host_html}


class UsageError(Exception):
    """Bad command line: exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        raise UsageError(message)


def build_parser():
    parser = _Parser(prog="stockade-audit", description=(
        "Audit the container-confinement layers of a host (or a chroot or image tree) "
        "without changing anything."))
    parser.add_argument("--root", default="/", help="host root to audit (default: /)")
    parser.add_argument("--format", choices=sorted(RENDERERS), default="table",
                        help="table (default), json, junit, sarif, or html (the fleet report's page "
                             "for this host); every format gives the same counts")
    parser.add_argument("--policy", metavar="FILE",
                        help="policy file (JSON, or YAML when PyYAML is installed)")
    parser.add_argument("--layer", action="append", choices=LAYERS,
                        help="only audit this layer (repeatable)")
    parser.add_argument("--offline", action="store_true",
                        help="do not ask running engines, even when --root is /")
    parser.add_argument("--probe", action="store_true",
                        help="also run a throwaway probe container per engine and judge the inside view")
    parser.add_argument("--probe-image", metavar="IMAGE",
                        help="image for the probe (needs /bin/sh); default: import one from a static busybox")
    parser.add_argument("--probe-arg", metavar="ENGINE=ARG", action="append", default=[],
                        help="extra `run` argument for one engine's probe, e.g. podman=--runtime=runc")
    parser.add_argument("--output", metavar="FILE", help="write the report here (atomically)")
    parser.add_argument("--verbose", action="store_true", help="table: list passing controls too")
    parser.add_argument("--list-controls", action="store_true", help="print the catalogue and exit")
    parser.add_argument("--version", action="version", version="stockade-audit " + __version__)
    return parser


def probe_request(args):
    """The ProbeRequest of --probe/--probe-image/--probe-arg, or None."""
    if not (args.probe or args.probe_image or args.probe_arg):
        return None
    from .probe.container import ProbeRequest
    extra = {}
    for item in args.probe_arg:
        engine, sep, value = item.partition("=")
        if not sep or engine not in ("docker", "podman") or not value:
            raise UsageError("--probe-arg takes docker=ARG or podman=ARG, got %r" % item)
        extra.setdefault(engine, []).append(value)
    return ProbeRequest(image=args.probe_image, extra_args=extra)


def output_problem(path):
    """Why the report cannot be written to `path` (checked before the
    audit runs), or None."""
    directory = os.path.dirname(os.path.abspath(path))
    if os.path.isdir(path):
        return "--output %s is a directory; give a file name" % path
    if not os.path.isdir(directory):
        return "--output %s: directory %s does not exist" % (path, directory)
    return None


def write_report(path, text):
    """Replace `path` with the report (old or new, whenever the agent is
    killed); removes and names what earlier, killed runs left."""
    for stale in atomic_write(path, text.encode("utf-8")):
        sys.stderr.write("stockade-audit: removed %s, left by a run that was killed\n" % stale)


def print_text(text):
    """Write to stdout as UTF-8 whatever the locale says (the renderers
    never emit lone surrogates or control characters)."""
    sys.stdout.flush()
    sys.stdout.buffer.write(text.encode("utf-8"))
    sys.stdout.buffer.flush()


def main(argv=None):
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except UsageError as exc:
        sys.stderr.write(parser.format_usage())
        sys.stderr.write("stockade-audit: error: %s\n" % exc)
        return EXIT_USAGE
    controls = all_controls()
    if args.list_controls:
        for control in controls:
            sys.stdout.write("%-40s %-13s %-7s %-5s %s\n" % (
                control.id, control.layer, control.engine, control.cis or "-", control.title))
        return EXIT_COMPLIANT
    if not os.path.isdir(args.root):
        sys.stderr.write("stockade-audit: error: --root %s is not a directory\n" % args.root)
        return EXIT_USAGE
    try:
        raw_policy = None
        if args.policy:
            from .policy.policy_file import read_policy_file
            raw_policy = read_policy_file(args.policy)
        policy = validate(raw_policy, [c.id for c in controls], source=args.policy or "policy")
    except PolicyError as exc:
        sys.stderr.write("stockade-audit: error: %s\n" % printable(str(exc)))
        return EXIT_USAGE
    problem = args.output and output_problem(args.output)
    if problem:
        sys.stderr.write("stockade-audit: error: %s\n" % problem)
        return EXIT_USAGE
    selected = [c for c in controls if not args.layer or c.layer in args.layer]
    try:
        probe = probe_request(args)
    except UsageError as exc:
        sys.stderr.write("stockade-audit: error: %s\n" % exc)
        return EXIT_USAGE
    report = run_audit(args.root, live=False if args.offline else "auto", controls=selected, probe=probe,
                       allowed_booleans=policy["selinux_booleans_allowed"],
                       sandbox_required=policy["sandbox_required"], rootless_users=policy["rootless_users"],
                       mac=policy["mac"])
    failures = apply(report, policy)
    renderer = RENDERERS[args.format]
    text = render_table(report, verbose=args.verbose) if args.format == "table" else renderer(report)
    if args.output:
        try:
            write_report(args.output, text)
        except WriteError as exc:
            sys.stderr.write("stockade-audit: error: cannot write the report: %s\n" % exc)
            return EXIT_USAGE
    else:
        print_text(text)
    return EXIT_FAILED if failures else EXIT_COMPLIANT
