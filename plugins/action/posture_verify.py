# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Controller side of stockade.hardening.posture_verify: run the module, and keep a
failure's printout short.

Ansible prints the whole result of a failed task (the report of every control is
tens of kilobytes). A task that registers its result keeps the full report for
the play; an unregistered failing task has nobody to read the report but the
screen, so its result keeps the message and failed_controls only."""

from __future__ import annotations

from ansible.plugins.action import ActionBase

# What an unregistered failure still returns (RETURN: failed_controls is returned always).
_KEPT_ON_UNREGISTERED_FAILURE = ("failed", "msg", "changed", "failed_controls", "report_path", "invocation", "warnings",
                                 "deprecations", "exception")


class ActionModule(ActionBase):
    """Run the posture_verify module on the target."""

    TRANSFERS_FILES = False

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        result.update(self._execute_module(module_name="stockade.hardening.posture_verify",
                                           module_args=self._task.args, task_vars=task_vars))
        drift = result.get("failed") and result.get("failed_controls")
        if drift and not self._task.register:
            for key in [k for k in result if k not in _KEPT_ON_UNREGISTERED_FAILURE and not k.startswith("_ansible")]:
                del result[key]
        return result
