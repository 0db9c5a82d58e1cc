# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""with_role_waivers: a posture_verify policy with a waiver for each control a
role variable switched off on purpose (role_waivers.yml; the rules are in
posture/policy/role_waivers.py)."""

from __future__ import annotations

from ansible_collections.stockade.hardening.plugins.module_utils.posture.policy.role_waivers import with_role_waivers


class FilterModule:
    """with_role_waivers."""

    def filters(self):
        return {"with_role_waivers": with_role_waivers}
