# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Layer operations: what the CIS Docker Benchmark 1.6.0 asks of the host, the
daemon and each container that confines nothing but keeps the host
auditable, its logs and its resources safe. All advisory.

The layer is one package, cut by CIS section (catalogue.py imports each):
- host_configuration: section 1.1 (Docker's data root on its own file system,
  audit watches on what runs and configures Docker);
- daemon_configuration: section 2 (logging, registries, storage, live restore,
  experimental features);
- container_runtime: section 5 (swarm mode, and per running container:
  resource limits, published ports, restart policy, health checks, no sshd).
"""
