# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""readers/apparmor_profiles on apparmor v4.0.0-beta3's real profiles
(tests/unit/platforms/ubuntu2404/files/apparmor.d, SOURCE.md there) and on
the forms apparmor_parser 4.0's grammar allows around them."""

import os

import pytest

from ansible_collections.stockade.hardening.plugins.module_utils.posture.readers import apparmor_profiles
from ansible_collections.stockade.hardening.plugins.module_utils.posture.readers.hostfs import ConfigError, HostRoot

REAL = os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, os.pardir, os.pardir,
                    "platforms", "ubuntu2404", "files", "apparmor.d")
# The attachments apparmor v4.0.0-beta3 gives these profiles: runc's is /usr/sbin (Ubuntu's runc package),
# so docker-ce's /usr/bin/runc (containerd.io) has no profile.
ATTACHMENTS = {"podman": "/usr/bin/podman", "rootlesskit": "/usr/bin/rootlesskit", "buildah": "/usr/bin/buildah",
               "crun": "/usr/bin/crun", "runc": "/usr/sbin/runc", "slirp4netns": "/usr/bin/slirp4netns"}


def host_with(tmp_path, files):
    for path, text in files.items():
        full = tmp_path / path
        full.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            full.write_bytes(text)
        else:
            full.write_text(text)
    return HostRoot(str(tmp_path))


def real(name):
    with open(os.path.join(REAL, name), encoding="utf-8") as handle:
        return handle.read()


@pytest.mark.parametrize("name", sorted(ATTACHMENTS))  # each file on its own
def test_each_real_profile_attaches_and_grants(tmp_path, name):
    host = host_with(tmp_path, {"etc/apparmor.d/" + name: real(name)})
    [profile] = apparmor_profiles.profiles(host)
    assert (profile.name, profile.attachment, profile.grants_userns) == (name, ATTACHMENTS[name], True)
    granted, _evidence = apparmor_profiles.userns_grant(host, ATTACHMENTS[name])
    assert granted


DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, os.pardir, os.pardir, "data", "apparmor")


def data(name):
    with open(os.path.join(DATA, name), encoding="utf-8") as handle:
        return handle.read()


@pytest.mark.parametrize("name,program,attaches", [
    ("notepadqq", "/etc/alternatives/notepadqq", True), ("notepadqq", "/usr/lib/notepadqq/notepadqq.sh", True),
    ("notepadqq", "/usr/bin/podman", False),
    ("usr.sbin.traceroute", "/usr/sbin/traceroute", True), ("usr.sbin.traceroute", "/usr/bin/traceroute.db", True),
])
def test_nested_alternations_of_real_profiles(tmp_path, name, program, attaches):
    host = host_with(tmp_path, {"etc/apparmor.d/" + name: real(name)})
    [profile] = apparmor_profiles.profiles(host)
    assert profile.attaches_to(program) is attaches


@pytest.mark.parametrize("name,program,attaches", [
    ("chromium", "/usr/lib/ungoogled-chromium/ungoogled-chromium", True),
    ("chromium", "/usr/lib/chromium/chromium-browser", True),
    ("chromium", "/usr/lib/chromium/podman", False),
    ("firefox", "/usr/lib/firefox-esr/firefox-esr", True), ("firefox", "/opt/firefox/firefox-bin", True),
    ("firefox", "/usr/bin/podman", False),
])
def test_apparmor_4_1_attachments_with_file_variables(tmp_path, name, program, attaches):
    host = host_with(tmp_path, {"etc/apparmor.d/" + name: data(name)})
    [profile] = apparmor_profiles.profiles(host)
    assert profile.attaches_to(program) is attaches


def test_a_tunables_variable_that_could_match_is_an_error_and_one_that_cannot_is_not(tmp_path):
    host = host_with(tmp_path, {"etc/apparmor.d/x": "profile x @{bin}/podman { userns, }\n"})
    [profile] = apparmor_profiles.profiles(host)
    assert profile.attaches_to("/usr/bin/buildah") is False
    with pytest.raises(ConfigError) as caught:
        profile.attaches_to("/usr/bin/podman")
    assert "/etc/apparmor.d/x" in str(caught.value)


def test_docker_ce_runc_path_has_no_profile(tmp_path):
    host = host_with(tmp_path, {"etc/apparmor.d/runc": real("runc")})
    granted, evidence = apparmor_profiles.userns_grant(host, "/usr/bin/runc")
    assert not granted and evidence == ["no profile in /etc/apparmor.d attaches to /usr/bin/runc"]


@pytest.mark.parametrize("text,granted", [
    ("/usr/bin/podman { userns, }\n", True),                                   # the name is the attachment
    ("profile /usr/bin/podman { userns, }\n", True),
    ("profile podman { userns, }\n", False),                                   # a name alone attaches to nothing
    ('profile "pod man" "/usr/bin/podman" { userns, }\n', True),
    ("profile podman /usr/bin/podman flags=(attach_disconnected, mediate_deleted) {\n allow userns,\n}\n", True),
    ("profile podman /usr/bin/podman {\n  audit userns create,\n}\n", True),
    ("profile podman /usr/bin/podman {\n  userns,\n  deny userns,\n}\n", False),
    ("profile podman /usr/bin/podman {\n  ^hat { userns, }\n}\n", False),    # a hat's rule is not the profile's
    ("profile podman /usr/bin/p?dman { userns, }\n", True),
    ("profile podman /usr/**/podman { userns, }\n", True),
    ("profile podman /usr/[ab]in/podman { userns, }\n", True),
    ("profile podman /usr/[ac]in/podman { userns, }\n", False),
])
def test_forms_of_header_and_rule(tmp_path, text, granted):
    host = host_with(tmp_path, {"etc/apparmor.d/podman": text})
    assert apparmor_profiles.userns_grant(host, "/usr/bin/podman")[0] is granted


def test_the_old_include_form_reads_the_local_file(tmp_path):
    host = host_with(tmp_path, {"etc/apparmor.d/podman": "profile podman /usr/bin/podman {\n  #include <local/podman>\n}\n",
                                "etc/apparmor.d/local/podman": "# site additions\nuserns,\n"})
    assert apparmor_profiles.userns_grant(host, "/usr/bin/podman")[0]


def test_an_exact_attachment_wins_over_a_glob(tmp_path):
    host = host_with(tmp_path, {"etc/apparmor.d/podman": real("podman"),
                                "etc/apparmor.d/wide": "profile wide /usr/bin/* { }\n"})
    assert apparmor_profiles.userns_grant(host, "/usr/bin/podman")[0]


def test_a_required_local_include_that_is_missing_is_an_error(tmp_path):
    host = host_with(tmp_path, {"etc/apparmor.d/podman": "profile podman /usr/bin/podman {\n userns,\n"
                                                         " include <local/podman>\n}\n"})
    with pytest.raises(ConfigError) as caught:
        apparmor_profiles.profiles(host)
    assert "/etc/apparmor.d/podman" in str(caught.value)


def test_an_include_leaving_local_is_refused(tmp_path):
    host = host_with(tmp_path, {"etc/apparmor.d/podman": "profile podman /usr/bin/podman {\n userns,\n"
                                                         " include if exists <local/../../shadow>\n}\n"})
    with pytest.raises(ConfigError):
        apparmor_profiles.profiles(host)


@pytest.mark.parametrize("version,refused", [("4.0.1really4.0.0-beta3-0ubuntu0.1", False), ("4.1.7-1", False),
                                             ("4.2.0-1", True), ("1:5.0-1", True)])
def test_an_apparmor_newer_than_mirrored_is_refused(tmp_path, version, refused):
    status = "Package: apparmor\nStatus: install ok installed\nVersion: %s\n\n" % version
    host = host_with(tmp_path, {"var/lib/dpkg/status": status, "etc/apparmor.d/podman": real("podman")})
    if refused:
        with pytest.raises(ConfigError) as caught:
            apparmor_profiles.profiles(host)
        assert "/var/lib/dpkg/status" in str(caught.value) and version in str(caught.value)
    else:
        assert len(apparmor_profiles.profiles(host)) == 1


@pytest.mark.parametrize("glob,path,matches", [
    ("/usr/bin/*", "/usr/bin/podman", True), ("/usr/*", "/usr/bin/podman", False),
    ("/usr/**", "/usr/bin/podman", True), ("/usr/{bin,sbin}/runc", "/usr/sbin/runc", True),
    ("/usr/bin/po\\*", "/usr/bin/po*", True), ("/usr/bin/po\\*", "/usr/bin/podman", False),
])
def test_glob(glob, path, matches):
    import re
    assert (re.fullmatch(apparmor_profiles.glob_pattern(glob), path) is not None) is matches
