# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The controls: one module per layer, named after it (model.LAYERS), holding
every control of that layer whatever its evidence (the engines' configuration,
the host kernel, running containers, the probe container); `operations` is a
package cut by CIS Docker Benchmark section. catalogue.py imports each.

Each control is declared once with registry.control(...) keyword arguments.
Where many controls share a shape, a factory builds `check=` and a table of
keyword rows (namedtuples) feeds it. The other modules here are helpers and
declare nothing:
- per_container: per_container_check and ContainerControl rows (CIS section 5,
  every running container of Docker and Podman);
- probe_checks: probe_check and ProbeControl rows (the probe container);
- docker_daemon_checks: daemon_flag_check, effective_value, running_info;
- file_permissions: ownership_check, mode_check;
- engine_profiles: the seccomp profile each engine really applies.
"""
