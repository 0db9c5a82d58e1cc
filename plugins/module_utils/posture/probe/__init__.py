# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The probe container: a throwaway container run on an engine as a user's container
is run, and the report of what the kernel applies inside it."""
