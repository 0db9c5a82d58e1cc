# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""unknown_tags: the --tags/--skip-tags of a run that name neither a control, a layer
nor one of the play's own tags, each with the closest known name (unknown_tags.yml)."""

from __future__ import annotations

from ansible_collections.stockade.hardening.plugins.module_utils.posture.catalogue import all_controls
from ansible_collections.stockade.hardening.plugins.module_utils.posture.model import LAYERS
from ansible_collections.stockade.hardening.plugins.module_utils.posture.policy.evaluation import (
    with_suggestion,
)

# Tags ansible itself gives a meaning.
SPECIAL_TAGS = ("all", "always", "never", "tagged", "untagged")


def unknown_tags(tags, play_tags=()):
    known = {c.id for c in all_controls()} | set(LAYERS) | set(SPECIAL_TAGS) | set(play_tags)
    return ["unknown tag %s" % with_suggestion(tag, known) for tag in tags if tag not in known]


class FilterModule:
    """Stockade's filters."""

    def filters(self):
        return {"unknown_tags": unknown_tags}
