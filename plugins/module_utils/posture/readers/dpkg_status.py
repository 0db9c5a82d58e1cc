# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""dpkg's status file (/var/lib/dpkg/status), read as dpkg-query reads it:
paragraphs of `Field: value` lines separated by blank lines, continuation
lines starting with a space or a tab, a package installed when its Status
ends in "installed" ("install ok installed"; not "half-installed", which
dpkg-query's ${db:Status-Status} also reports as half-installed, nor
"config-files"). One reader for every engine version the audit needs
(engine_version.py, docker_daemon.py, containers_conf.py).

Tested against dpkg-query 1.21 on the CI machine's own status file
(tests/unit/plugins/module_utils/posture/test_engine_version.py)."""

from __future__ import annotations

import re

from .hostfs import ConfigError

DPKG_STATUS = "/var/lib/dpkg/status"
_FIELD = re.compile(r"([A-Za-z0-9][A-Za-z0-9-]*):[ \t]*(.*)$")


def installed_packages(host):
    """{package: version} of the installed packages ({} without a status file);
    ConfigError naming the file when a line is neither a field nor a continuation.
    Parsed once per host object (several controls ask); callers must not change it."""
    return host.derived("dpkg installed packages", lambda: _parse(host))


def _parse(host):
    text = host.read_text(DPKG_STATUS)
    if text is None:
        return {}
    installed = {}
    for number, paragraph in enumerate(_paragraphs(text)):
        fields = {}
        for line_number, line in paragraph:
            if line[0] in " \t":
                continue  # continuation of the previous field (Description, Conffiles)
            match = _FIELD.match(line)
            if not match:
                raise ConfigError(DPKG_STATUS, "line %d is neither 'Field: value' nor a continuation: %r"
                                  % (line_number, line[:80]))
            fields[match.group(1).lower()] = match.group(2).strip()
        if "package" not in fields:
            raise ConfigError(DPKG_STATUS, "paragraph %d has no Package field" % (number + 1))
        if fields.get("status", "").split()[-1:] == ["installed"] and fields.get("version"):
            installed[fields["package"]] = fields["version"]
    return installed


def installed_version(host, package):
    """The installed version of `package`, or None."""
    return installed_packages(host).get(package)


def _paragraphs(text):
    paragraph = []
    for line_number, line in enumerate(text.splitlines(), 1):
        if line.strip():
            paragraph.append((line_number, line))
        elif paragraph:
            yield paragraph
            paragraph = []
    if paragraph:
        yield paragraph
