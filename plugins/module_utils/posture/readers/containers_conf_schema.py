# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The keys Podman's containers.conf has, and the Go type each one decodes into.

Read from containers-common's `pkg/config/config.go` (the `Config` struct and
its `toml:` tags) at the two versions Debian ships: 0.50.1 (Podman 4.3,
Debian 12) and 0.62.0 (Podman 5.4, Debian 13). A key that is not here is
not decoded: Podman ignores it (so `[containers] read_only` does nothing
under Podman 4.3). A value of another type makes Podman refuse to start.

Held to the real Podman 4.3 by tests/engines/test_containers_conf_podman.py
(every key of V0_50 given a value of the wrong type is refused: a key
Podman did not know it would ignore), and V0_62 to Debian 13's Podman 5.4.2
(containers-common 0.62.2, unpacked by scripts/debian13-consumers.sh) the
same way.
"""

from __future__ import annotations

# Go types, as BurntSushi/toml decodes into them
STRING = "string"
BOOL = "bool"
INT64 = "int64"               # int and int64: any TOML integer
UINT64 = "uint64"             # uint and uint64: any TOML integer (a negative one wraps around)
UINT32 = "uint32"
UINT16 = "uint16"
STRINGS = "[]string"          # an array of strings, replaced by a later file
APPENDABLE_STRINGS = "attributedstring.Slice"   # 0.57+: ["a", {append = true}] appends
STRING_MAP = "map[string]string"                 # a table of strings, merged key by key
STRINGS_MAP = "map[string][]string"              # a table of string arrays, merged key by key
DESTINATIONS = "map[string]Destination"          # a table of tables, each replaced whole
SUBNET_POOLS = "[]SubnetPool"                    # an array of {base, size} tables
SIZE_TEXT = "eventsLogMaxSize"                   # TextUnmarshaler: a size as a string or an integer

DESTINATION_FIELDS = {"uri": STRING, "identity": STRING, "is_machine": BOOL}

V0_50 = {
    "configmaps": {
        "driver": STRING, "opts": STRING_MAP,
    },
    "containers": {
        "annotations": STRINGS, "apparmor_profile": STRING, "base_hosts_file": STRING, "cgroupns": STRING,
        "cgroups": STRING, "default_capabilities": STRINGS, "default_sysctls": STRINGS, "default_ulimits": STRINGS,
        "devices": STRINGS, "dns_options": STRINGS, "dns_searches": STRINGS, "dns_servers": STRINGS,
        "env": STRINGS, "env_host": BOOL, "host_containers_internal_ip": STRING, "http_proxy": BOOL, "init": BOOL,
        "init_path": STRING, "ipcns": STRING, "keyring": BOOL, "label": BOOL, "log_driver": STRING,
        "log_size_max": INT64, "log_tag": STRING, "netns": STRING, "no_hosts": BOOL, "pidns": STRING,
        "pids_limit": INT64, "prepare_volume_on_create": BOOL, "seccomp_profile": STRING, "shm_size": STRING,
        "tz": STRING, "umask": STRING, "userns": STRING, "userns_size": INT64, "utsns": STRING, "volumes": STRINGS,
    },
    "engine": {
        "active_service": STRING, "cgroup_check": BOOL, "cgroup_manager": STRING, "chown_copied_files": BOOL,
        "compat_api_enforce_docker_hub": BOOL, "compression_format": STRING, "conmon_env_vars": STRINGS,
        "conmon_path": STRINGS, "conmonrs_path": STRINGS, "detach_keys": STRING, "enable_port_reservation": BOOL,
        "env": STRINGS, "events_logfile_max_size": SIZE_TEXT, "events_logfile_path": STRING,
        "events_logger": STRING, "exit_command_delay": UINT64, "helper_binaries_dir": STRINGS,
        "hooks_dir": STRINGS, "image_build_format": STRING, "image_copy_tmp_dir": STRING,
        "image_default_format": STRING, "image_default_transport": STRING, "image_parallel_copies": UINT64,
        "image_volume_mode": STRING, "infra_command": STRING, "infra_image": STRING, "init_path": STRING,
        "lock_type": STRING, "machine_enabled": BOOL, "multi_image_archive": BOOL, "namespace": STRING,
        "network_cmd_options": STRINGS, "network_cmd_path": STRING, "no_pivot_root": BOOL, "num_locks": UINT32,
        "pod_exit_policy": STRING, "pull_policy": STRING, "remote": BOOL, "remote_identity": STRING,
        "remote_uri": STRING, "runtime": STRING, "runtime_path": STRINGS, "runtime_supports_json": STRINGS,
        "runtime_supports_kvm": STRINGS, "runtime_supports_nocgroup": STRINGS, "runtimes": STRINGS_MAP,
        "service_destinations": DESTINATIONS, "service_timeout": UINT64, "ssh_config": STRING,
        "static_dir": STRING, "stop_timeout": UINT64, "tmp_dir": STRING, "volume_path": STRING,
        "volume_plugin_timeout": UINT64, "volume_plugins": STRING_MAP,
    },
    "machine": {
        "cpus": UINT64, "disk_size": UINT64, "image": STRING, "memory": UINT64, "user": STRING, "volumes": STRINGS,
    },
    "network": {
        "cni_plugin_dirs": STRINGS, "default_network": STRING, "default_subnet": STRING,
        "default_subnet_pools": SUBNET_POOLS, "dns_bind_port": UINT16, "network_backend": STRING,
        "network_config_dir": STRING,
    },
    "secrets": {
        "driver": STRING, "opts": STRING_MAP,
    },
}

V0_62 = {
    "configmaps": {
        "driver": STRING, "opts": STRING_MAP,
    },
    "containers": {
        "annotations": APPENDABLE_STRINGS, "apparmor_profile": STRING, "base_hosts_file": STRING,
        "cgroup_conf": APPENDABLE_STRINGS, "cgroupns": STRING, "cgroups": STRING,
        "container_name_as_hostname": BOOL, "default_capabilities": APPENDABLE_STRINGS,
        "default_sysctls": APPENDABLE_STRINGS, "default_ulimits": APPENDABLE_STRINGS,
        "devices": APPENDABLE_STRINGS, "dns_options": APPENDABLE_STRINGS, "dns_searches": APPENDABLE_STRINGS,
        "dns_servers": APPENDABLE_STRINGS, "env": APPENDABLE_STRINGS, "env_host": BOOL,
        "host_containers_internal_ip": STRING, "http_proxy": BOOL, "init": BOOL, "init_path": STRING,
        "interface_name": STRING, "ipcns": STRING, "keyring": BOOL, "label": BOOL, "label_users": BOOL,
        "log_driver": STRING, "log_size_max": INT64, "log_tag": STRING, "mounts": APPENDABLE_STRINGS,
        "netns": STRING, "no_hosts": BOOL, "oom_score_adj": INT64, "pidns": STRING, "pids_limit": INT64,
        "prepare_volume_on_create": BOOL, "privileged": BOOL, "read_only": BOOL, "seccomp_profile": STRING,
        "shm_size": STRING, "tz": STRING, "umask": STRING, "userns": STRING, "userns_size": INT64, "utsns": STRING,
        "volumes": APPENDABLE_STRINGS,
    },
    "engine": {
        "active_service": STRING, "add_compression": APPENDABLE_STRINGS, "cdi_spec_dirs": APPENDABLE_STRINGS,
        "cgroup_check": BOOL, "cgroup_manager": STRING, "chown_copied_files": BOOL,
        "compat_api_enforce_docker_hub": BOOL, "compose_providers": APPENDABLE_STRINGS,
        "compose_warning_logs": BOOL, "compression_format": STRING, "compression_level": INT64,
        "conmon_env_vars": APPENDABLE_STRINGS, "conmon_path": APPENDABLE_STRINGS,
        "conmonrs_path": APPENDABLE_STRINGS, "database_backend": STRING, "detach_keys": STRING,
        "enable_port_reservation": BOOL, "env": APPENDABLE_STRINGS, "events_container_create_inspect_data": BOOL,
        "events_logfile_max_size": SIZE_TEXT, "events_logfile_path": STRING, "events_logger": STRING,
        "exit_command_delay": UINT64, "healthcheck_events": BOOL,
        "helper_binaries_dir": APPENDABLE_STRINGS, "hooks_dir": APPENDABLE_STRINGS, "image_build_format": STRING,
        "image_copy_tmp_dir": STRING, "image_default_format": STRING, "image_default_transport": STRING,
        "image_parallel_copies": UINT64, "image_volume_mode": STRING, "infra_command": STRING,
        "infra_image": STRING, "init_path": STRING, "kube_generate_type": STRING, "lock_type": STRING,
        "multi_image_archive": BOOL, "namespace": STRING, "network_cmd_options": APPENDABLE_STRINGS,
        "network_cmd_path": STRING, "no_pivot_root": BOOL, "num_locks": UINT32,
        "platform_to_oci_runtime": STRING_MAP, "pod_exit_policy": STRING, "podmansh_timeout": UINT64,
        "pull_policy": STRING, "remote": BOOL, "remote_identity": STRING, "remote_uri": STRING, "retry": UINT64,
        "retry_delay": STRING, "runtime": STRING, "runtime_path": APPENDABLE_STRINGS,
        "runtime_supports_json": APPENDABLE_STRINGS, "runtime_supports_kvm": APPENDABLE_STRINGS,
        "runtime_supports_nocgroup": APPENDABLE_STRINGS, "runtimes": STRINGS_MAP,
        "service_destinations": DESTINATIONS, "service_timeout": UINT64, "ssh_config": STRING,
        "static_dir": STRING, "stop_timeout": UINT64, "tmp_dir": STRING, "volume_path": STRING,
        "volume_plugin_timeout": UINT64, "volume_plugins": STRING_MAP,
    },
    "farms": {
        "default": STRING, "list": STRINGS_MAP,
    },
    "machine": {
        "cpus": UINT64, "disk_size": UINT64, "image": STRING, "memory": UINT64, "provider": STRING,
        "rosetta": BOOL, "user": STRING, "volumes": APPENDABLE_STRINGS,
    },
    "network": {
        "cni_plugin_dirs": APPENDABLE_STRINGS, "default_network": STRING, "default_rootless_network_cmd": STRING,
        "default_subnet": STRING, "default_subnet_pools": SUBNET_POOLS, "dns_bind_port": UINT16,
        "firewall_driver": STRING, "netavark_plugin_dirs": APPENDABLE_STRINGS, "network_backend": STRING,
        "network_config_dir": STRING, "pasta_options": APPENDABLE_STRINGS,
    },
    "podmansh": {
        "container": STRING, "shell": STRING, "timeout": UINT64,
    },
    "secrets": {
        "driver": STRING, "opts": STRING_MAP,
    },
}
