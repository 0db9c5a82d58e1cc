# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""docker_daemon_config: merge only the owned keys, never lose the file.

Every test runs the module against a host tree in a temporary directory
(option `root`), so the unit files, drop-ins and daemon.json are fixtures
and nothing on this machine is read or written.
"""

import json
import os
import stat

import pytest

from ansible.module_utils.testing import patch_module_args

from ansible_collections.stockade.hardening.plugins.module_utils import (
    docker_daemon_config as daemon_json_writer,
)
from ansible_collections.stockade.hardening.plugins.module_utils.posture.engines.docker_daemon import (
    command_line, dockerd_command,
)
from ansible_collections.stockade.hardening.plugins.module_utils.posture.readers.hostfs import HostRoot
from ansible_collections.stockade.hardening.plugins.modules import docker_daemon_config

UNIT = "lib/systemd/system/docker.service"
DEBIAN_UNIT = ("[Unit]\nDescription=Docker\n\n[Service]\nType=notify\nEnvironmentFile=-/etc/default/docker\n"
               "ExecStart=/usr/sbin/dockerd -H fd:// $DOCKER_OPTS\nExecReload=/bin/kill -s HUP $MAINPID\n")
FOREIGN = ('{\n    "max-concurrent-downloads": 1,\n    "registry-mirrors": ["https://mirror.example"],\n'
           '    "log-opts": {"max-size": "10m"}\n}\n')


@pytest.fixture
def host(tmp_path):
    """A host tree with Debian's docker.service and an /etc/docker directory."""
    root = tmp_path / "host"
    write(root, UNIT, DEBIAN_UNIT)
    (root / "etc" / "docker").mkdir(parents=True)
    return root


def write(root, relative, text):
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def daemon_json(root):
    return root / "etc" / "docker" / "daemon.json"


def run(root, check_mode=False, diff=False, **args):
    """Run the module; return its result (with `failed` on fail_json)."""
    args.setdefault("root", str(root))
    args.update(_ansible_check_mode=check_mode, _ansible_diff=diff)
    with patch_module_args(args):
        with pytest.raises(SystemExit):
            docker_daemon_config.main()
    return json.loads(run.capsys.readouterr().out)


@pytest.fixture(autouse=True)
def _capture(capsys):
    run.capsys = capsys


def backups(root):
    return sorted(p for p in os.listdir(str(daemon_json(root).parent)) if p.startswith("daemon.json."))


def test_new_file_is_created_with_0644_and_trailing_newline(host):
    result = run(host, settings={"no-new-privileges": True, "live-restore": True})
    assert result["changed"] is True
    assert result["path"] == "/etc/docker/daemon.json"
    assert daemon_json(host).read_text() == '{\n  "no-new-privileges": true,\n  "live-restore": true\n}\n'
    assert stat.S_IMODE(daemon_json(host).stat().st_mode) == 0o644
    assert result["previous"] == {"no-new-privileges": None, "live-restore": None}
    assert "backup_file" not in result
    assert result["rollback"] == [{"path": "/etc/docker/daemon.json", "backup": None}]


def test_merge_keeps_foreign_keys_and_their_order(host):
    daemon_json(host).write_text(FOREIGN)
    result = run(host, settings={"icc": False, "max-concurrent-downloads": 2})
    assert result["changed"] is True
    data = json.loads(daemon_json(host).read_text())
    assert list(data) == ["max-concurrent-downloads", "registry-mirrors", "log-opts", "icc"]
    assert data == {"max-concurrent-downloads": 2, "registry-mirrors": ["https://mirror.example"],
                    "log-opts": {"max-size": "10m"}, "icc": False}
    assert result["previous"] == {"icc": None, "max-concurrent-downloads": 1}
    assert result["settings_applied"] == {"icc": False, "max-concurrent-downloads": 2}


def test_null_removes_a_key(host):
    daemon_json(host).write_text('{"userland-proxy": false, "debug": true}')
    result = run(host, settings={"userland-proxy": None, "never-set": None})
    assert result["changed"] is True
    assert json.loads(daemon_json(host).read_text()) == {"debug": True}
    assert result["previous"] == {"userland-proxy": False, "never-set": None}


def test_removing_keys_from_no_file_creates_nothing(host):
    result = run(host, settings={"userland-proxy": None})
    assert result["changed"] is False
    assert not daemon_json(host).exists()


def test_previous_fed_back_restores_the_file_semantically(host):
    daemon_json(host).write_text(FOREIGN)
    first = run(host, settings={"max-concurrent-downloads": 3, "icc": False})
    run(host, settings=first["previous"])
    assert json.loads(daemon_json(host).read_text()) == json.loads(FOREIGN)


@pytest.mark.parametrize("key, value, expected", [
    ("live-restore", "true", "live-restore must be a boolean (true/false, unquoted), found \"true\""),
    ("userns-remap", True, "userns-remap must be a string, found true"),
    ("log-opts", ["max-size=10m"], "log-opts must be an object, found [\"max-size=10m\"]"),
    ("config-file", "/etc/other.json", "config-file is a dockerd flag only"),
])
def test_type_errors_fail_and_write_nothing(host, key, value, expected):
    daemon_json(host).write_text(FOREIGN)
    result = run(host, settings={key: value})
    assert result["failed"] is True
    assert expected in result["msg"]
    assert daemon_json(host).read_text() == FOREIGN
    assert backups(host) == []


@pytest.mark.parametrize("content, cause", [
    (b'{"icc": false,}\n', "refuses to start with it: invalid JSON"),
    (b'{"icc": false', "refuses to start with it: invalid JSON"),
    (b'# comment\n{"icc": false}', "refuses to start with it: invalid JSON"),
    (b'\xef\xbb\xbf{}', "refuses to start with it: invalid character"),
    (b'["icc"]\n', "cannot unmarshal array into Go value of type map"),
    (b'"icc"\n', "cannot unmarshal string into Go value of type map"),
    (b'{"icc": NaN}', "invalid character 'N'"),
    (b'{"mtu": 1e400}', "cannot unmarshal number 1e400"),
    (b'{"zeta": 1}', "don't match any configuration option: zeta"),
    (b'{"icc": true, "icc": false}', "cannot be rewritten without changing what it says (duplicate keys (icc))"),
    # 20.10 reads U+FFFD, 26.1 refuses: without a dpkg record, the audit's words for two readings
    (b'{"labels": ["a=\xff"]}', "read this differently (/etc/docker/daemon.json: dockerd 26.1 refuses to start "
     "with it: failed to decode configuration JSON at offset"),
])
def test_unusable_file_is_left_byte_identical(host, content, cause):
    daemon_json(host).write_bytes(content)
    os.chmod(str(daemon_json(host)), 0o600)
    result = run(host, settings={"icc": False})
    assert result["failed"] is True
    assert "/etc/docker/daemon.json" in result["msg"] and cause in result["msg"]
    assert "left untouched" in result["msg"]
    assert daemon_json(host).read_bytes() == content
    assert stat.S_IMODE(daemon_json(host).stat().st_mode) == 0o600
    assert backups(host) == []


def test_setting_dockerd_does_not_know_is_refused(host):
    daemon_json(host).write_text(FOREIGN)
    result = run(host, settings={"zeta": 1})
    assert result["failed"] is True
    assert "don't match any configuration option: zeta" in result["msg"]
    assert daemon_json(host).read_text() == FOREIGN


@pytest.mark.parametrize("content", ["\n", "null\n"])
def test_empty_file_counts_as_no_settings(host, content):
    daemon_json(host).write_text(content)
    result = run(host, settings={"icc": False})
    assert result["changed"] is True
    assert json.loads(daemon_json(host).read_text()) == {"icc": False}


def test_conflict_with_unit_flag_is_refused_naming_unit_and_flag(host):
    daemon_json(host).write_text(FOREIGN)
    result = run(host, settings={"hosts": ["unix:///run/docker.sock"], "icc": False})
    assert result["failed"] is True
    assert "hosts is also given as dockerd flag -H" in result["msg"]
    assert "/lib/systemd/system/docker.service" in result["msg"]
    assert "icc is also" not in result["msg"]
    assert daemon_json(host).read_text() == FOREIGN


def test_conflict_from_environment_file_names_that_file(host):
    write(host, "etc/default/docker", 'DOCKER_OPTS="--live-restore --log-opt max-size=10m"\n')
    result = run(host, settings={"live-restore": True})
    assert result["failed"] is True
    assert "flag --live-restore in /etc/default/docker" in result["msg"]
    result = run(host, settings={"log-opts": {"max-size": "20m"}})
    assert "log-opts is also given as dockerd flag --log-opt max-size=10m in /etc/default/docker" in result["msg"]
    assert not daemon_json(host).exists()


def test_dropin_that_resets_execstart_removes_the_conflict(host):
    write(host, "etc/systemd/system/docker.service.d/override.conf",
          "[Service]\nExecStart=\nExecStart=/usr/sbin/dockerd --containerd=/run/containerd/containerd.sock\n")
    result = run(host, settings={"hosts": ["fd://"]})
    assert result["changed"] is True


def test_conflict_in_dropin_names_the_dropin(host):
    dropin = "etc/systemd/system/docker.service.d/50-flags.conf"
    write(host, dropin, "[Service]\nExecStart=\nExecStart=/usr/sbin/dockerd --iptables=false\n")
    result = run(host, settings={"iptables": False})
    assert result["failed"] is True
    assert "iptables is also given as dockerd flag --iptables=false in /%s" % dropin in result["msg"]


def test_removing_a_flagged_key_is_allowed(host):
    daemon_json(host).write_text('{"hosts": ["fd://"]}')
    result = run(host, settings={"hosts": None})
    assert result["changed"] is True
    assert json.loads(daemon_json(host).read_text()) == {}


def test_default_path_comes_from_config_file_flag(host):
    write(host, UNIT, DEBIAN_UNIT.replace("$DOCKER_OPTS", "--config-file /etc/docker/hardened.json"))
    result = run(host, settings={"icc": False})
    assert result["path"] == "/etc/docker/hardened.json"
    assert json.loads((host / "etc/docker/hardened.json").read_text()) == {"icc": False}
    assert not daemon_json(host).exists()


def test_check_mode_reports_change_and_diff_but_writes_nothing(host):
    daemon_json(host).write_text(FOREIGN)
    result = run(host, check_mode=True, diff=True, settings={"icc": False})
    assert result["changed"] is True
    assert result["diff"]["before"] == FOREIGN
    assert json.loads(result["diff"]["after"])["icc"] is False
    assert daemon_json(host).read_text() == FOREIGN
    assert backups(host) == []
    assert "backup_file" not in result and result["rollback"] == []


def test_check_mode_on_a_new_file_creates_nothing(host):
    result = run(host, check_mode=True, diff=True, settings={"icc": False})
    assert result["changed"] is True
    assert result["diff"]["before"] == ""
    assert not daemon_json(host).exists()


def test_diff_shows_before_and_after_text(host):
    daemon_json(host).write_text('{"debug": true}')
    result = run(host, diff=True, settings={"icc": False})
    assert result["diff"] == {
        "before": '{"debug": true}', "after": '{\n  "debug": true,\n  "icc": false\n}\n',
        "before_header": "/etc/docker/daemon.json", "after_header": "/etc/docker/daemon.json"}
    assert daemon_json(host).read_text() == result["diff"]["after"]


def test_no_diff_without_diff_mode(host):
    assert "diff" not in run(host, settings={"icc": False})


def test_backup_is_identical_to_the_original(host):
    daemon_json(host).write_text(FOREIGN)
    result = run(host, settings={"icc": False})
    backup = result["backup_file"]
    assert backup.startswith("/etc/docker/daemon.json.")
    assert (host / backup.lstrip("/")).read_text() == FOREIGN
    assert result["rollback"] == [{"path": "/etc/docker/daemon.json", "backup": backup}]


def test_no_backup_when_disabled(host):
    daemon_json(host).write_text(FOREIGN)
    result = run(host, settings={"icc": False}, backup=False)
    assert result["changed"] is True and "backup_file" not in result
    assert backups(host) == []
    assert result["rollback"] == []  # nothing to restore from


def test_second_run_is_idempotent_and_leaves_file_alone(host):
    daemon_json(host).write_text(FOREIGN)
    run(host, settings={"icc": False, "live-restore": True})
    written = daemon_json(host).stat()
    result = run(host, diff=True, settings={"icc": False, "live-restore": True})
    assert result["changed"] is False
    assert result["diff"]["before"] == result["diff"]["after"]
    assert daemon_json(host).stat().st_ino == written.st_ino
    assert len(backups(host)) == 1


def test_semantic_equality_ignores_formatting_but_not_json_types(host):
    daemon_json(host).write_text('{"debug":1,    "icc":false}')
    assert run(host, settings={"icc": False})["changed"] is False
    assert daemon_json(host).read_text() == '{"debug":1,    "icc":false}'
    # 1 == True in Python, but dockerd reads a number, not a boolean.
    assert run(host, settings={"debug": True})["changed"] is True


def test_write_keeps_mode_of_existing_file(host):
    daemon_json(host).write_text(FOREIGN)
    os.chmod(str(daemon_json(host)), 0o600)
    run(host, settings={"icc": False})
    assert stat.S_IMODE(daemon_json(host).stat().st_mode) == 0o600


def test_explicit_mode_is_enforced_without_rewriting(host):
    daemon_json(host).write_text('{"icc": false}')
    result = run(host, settings={"icc": False}, mode="0600")
    assert result["changed"] is True
    assert stat.S_IMODE(daemon_json(host).stat().st_mode) == 0o600
    assert daemon_json(host).read_text() == '{"icc": false}'
    assert run(host, settings={"icc": False}, mode="0600")["changed"] is False


def test_invalid_mode_fails(host):
    result = run(host, settings={"icc": False}, mode="u=rw")
    assert result["failed"] is True and "mode" in result["msg"]


def test_missing_directory_fails_but_check_mode_reports(tmp_path):
    root = tmp_path / "bare"
    root.mkdir()
    assert run(root, check_mode=True, settings={"icc": False})["changed"] is True
    result = run(root, settings={"icc": False})
    assert result["failed"] is True and "does not exist" in result["msg"]


def test_wrongly_typed_foreign_key_is_refused_unless_the_task_fixes_it(host):
    daemon_json(host).write_text('{"live-restore": "yes"}')
    result = run(host, settings={"icc": False})
    assert result["failed"] is True
    assert "dockerd 20.10 would not start with the result" in result["msg"]
    assert "Config.live-restore of type bool" in result["msg"]
    assert daemon_json(host).read_text() == '{"live-restore": "yes"}'
    assert run(host, settings={"live-restore": True})["changed"] is True


def test_symlinked_daemon_json_inside_root_is_written_through(host):
    real = write(host, "srv/docker-config.json", '{"debug": true}')
    daemon_json(host).symlink_to("/srv/docker-config.json")
    run(host, settings={"icc": False})
    assert daemon_json(host).is_symlink()
    assert json.loads(real.read_text()) == {"debug": True, "icc": False}


def test_flag_conflicts_function_on_a_host_root(host):
    """The conflict check on its own, as other writers may call it."""
    hostroot = HostRoot(str(host))
    command = dockerd_command(hostroot)
    lines = [command_line(command, "20.10")]
    assert command.argv == ["/usr/sbin/dockerd", "-H", "fd://"]
    assert daemon_json_writer.flag_conflicts(hostroot, command, lines, {"icc": False}) == []
    (message,) = daemon_json_writer.flag_conflicts(hostroot, command, lines, {"hosts": ["fd://"]})
    assert message.startswith("hosts is also given as dockerd flag -H fd:// in /lib/systemd/system/docker.service")
    assert daemon_json_writer.flag_conflicts(HostRoot(str(host / "nowhere")), None, [], {"hosts": []}) == []


def test_a_dockerd_newer_than_any_mirrored_is_refused_in_the_audits_words(host):
    """Docker 27 is read by no dockerd the audit mirrors (issue #18): the writer refuses, as the audit errs."""
    write(host, "var/lib/dpkg/status", "Package: docker.io\nStatus: install ok installed\nVersion: 27.3.1+dfsg1-1\n")
    daemon_json(host).write_text(FOREIGN)
    result = run(host, settings={"icc": False})
    assert result["failed"] is True
    assert ("/var/lib/dpkg/status: docker.io 27.3.1+dfsg1-1 is newer than the newest dockerd this reader mirrors "
            "(Docker 26.1)") in result["msg"]
    assert daemon_json(host).read_text() == FOREIGN
