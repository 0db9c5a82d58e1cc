# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Write a test case's files under a root: {path: text} (latin-1, so any byte
survives), {path: {"symlink": target}} or {path: {}} for a directory. The
same function builds the tree the reader audits and, inside the consumer's
mount namespace (namespace.run_in_namespace puts this directory on its
path), the files the real consumer reads, so both see exactly the same tree."""

import os


def write_tree(root, files):
    for path, content in files.items():
        full = os.path.join(root, path)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        if isinstance(content, dict):
            if "symlink" in content:
                os.symlink(content["symlink"], full)
            else:
                os.makedirs(full)
        else:
            with open(full, "wb") as handle:
                handle.write(content.encode("latin-1"))
