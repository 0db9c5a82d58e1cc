# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)


def pytest_terminal_summary(terminalreporter):
    """The SIGKILL loop's figures: where the kills left each writer's files; the useradd race's."""
    from test_subid_lock_race import RACE
    from test_writers_sigkill import SUMMARIES
    for name, race in RACE.items():
        terminalreporter.section("race")
        terminalreporter.write_line("%s: %d rounds, useradd %d, userdel %d, module runs %d ok; entries lost: %d" % (
            name, race["rounds"], race["useradd_ok"], race["userdel_ok"], race["module_ok"], len(race["lost"])))
    if not SUMMARIES:
        return
    terminalreporter.section("writers under SIGKILL")
    for writer, summary in sorted(SUMMARIES.items()):
        terminalreporter.write_line("%-22s run %s ms, %s kills (%s runs ended first), %s left temporaries; %s" % (
            writer, summary.get("run_ms"), summary.get("kills"), summary.get("finished_before_kill"),
            summary.get("left_temporaries"),
            ", ".join("%s x%d" % (state, count) for state, count in sorted(summary.get("states", {}).items()))))
