# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Where layer modules declare their controls (see catalogue.py for the list)."""

from __future__ import annotations

from .model import Control

_CONTROLS = []


def control(**metadata):
    """Declare the decorated function as the check of a control."""
    def register(check):
        new = Control(check, **metadata)
        if any(existing.id == new.id for existing in _CONTROLS):
            raise ValueError("control id %s declared twice" % new.id)
        _CONTROLS.append(new)
        return check
    return register


def registered():
    return list(_CONTROLS)
