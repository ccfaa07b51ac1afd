"""Every sentence the similarity check shows a person, in one place (translated with the rest of the
reports: N_ marks a message for the catalogues, and the callers translate it with _ when they show it).
Plain text: the callers escape it for their medium. The wording asks for a human look; it never
concludes anything about the students."""
from __future__ import annotations

from autograder.i18n import N_

SECTION_TITLE = N_("Code similarity: pairs to look at")
PAGE_TITLE = N_("Code similarity")
PAIR_TITLE = N_("Side by side: {a} and {b}")
INTRO = N_("These pairs of submissions share more of their own code than the threshold ({threshold:.0%} of the "
           "smaller one's code, after the starter code and the passages found in more than {common} submissions "
           "are set aside). Shared code has innocent causes too (the same textbook formula, working together "
           "as allowed, a shared tutor's example): look at these side by side before deciding anything.")
NONE_ABOVE = N_("No pair of submissions shares more than {threshold:.0%} of its own code.")
ARCHIVE_NOTE = N_("Compared with {n} earlier submissions and the reference solution as well (those are never "
                  "compared with each other).")
HEADER = [N_("rank"), N_("submission"), N_("other submission"), N_("score"), N_("share of each one's code matched"),
          N_("functions involved"), N_("grades"), N_("side by side")]
GROUPS_TITLE = N_("Groups of three or more")
GROUPS_INTRO = N_("Submissions linked by pairs above the threshold, shown together: look at them as a group.")
GROUP_ROW = N_("Group {n} ({size} submissions): {members}")
LINK = N_("open")
MORE_PAIRS = N_("{n} more pairs above the threshold are listed in similarity.csv.")
NOT_GRADED = "-"
PROBLEMS_TITLE = N_("Not compared")
PAIR_INTRO = N_("Score {score:.0%}: {shared} passages of their own code in common. Matching regions are "
                "highlighted; the number beside a line names the region it belongs to in both files. "
                "A match is a reason to look, not a conclusion.")
PAIR_SHARE = N_("{who}: {share:.0%} of its own code is matched (functions: {functions}).")
PAIR_SCORE = N_("{who}: grade {score}.")
NO_CODE = N_("(no code was read from this submission)")
BACK = N_("back to the list of pairs")
CSV_HEADER = ["submission", "other_submission", "score", "above_threshold", "shared_passages"]   # for programs
REFERENCE = "reference/solution"
ARCHIVE_PREFIX = "archive"
SUMMARY = N_("similarity: {n} submissions compared with each other, {archived} archived ones and the reference "
             "solution; pairs at or above {threshold:.0%} to look at: {pairs} ({csv})")
PROBLEM_NO_CODE = N_("{id}: no Python code could be read, so it was not compared")
PROBLEM_ARCHIVE = N_("archive {path}: {problem}")
