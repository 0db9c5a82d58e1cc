# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)


def pytest_terminal_summary(terminalreporter):
    """The SIGKILL loop's figures: where the kills left each writer's files."""
    from test_writers_sigkill import SUMMARIES
    if not SUMMARIES:
        return
    terminalreporter.section("writers under SIGKILL")
    for writer, summary in sorted(SUMMARIES.items()):
        terminalreporter.write_line("%-22s run %s ms, %s kills (%s runs ended first), %s left temporaries; %s" % (
            writer, summary.get("run_ms"), summary.get("kills"), summary.get("finished_before_kill"),
            summary.get("left_temporaries"),
            ", ".join("%s x%d" % (state, count) for state, count in sorted(summary.get("states", {}).items()))))
