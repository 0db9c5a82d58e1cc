# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Hostile inputs for hostfs, the one place every reader opens files through."""

from corpus import Case, Fifo

CASES = [
    Case("hostfs-daemon-json-fifo", "hostfs", "docker-no-new-privileges", "error",
         {"etc/docker/daemon.json": Fifo()},
         consumer="dockerd 20.10 (this machine): os.ReadFile on a FIFO blocks until a writer comes"),
]
