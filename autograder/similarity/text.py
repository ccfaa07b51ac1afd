"""Every sentence the similarity check shows a person, in one place (to be translated with the
rest of the reports). Plain text: the callers escape it for their medium. The wording asks for a
human look; it never concludes anything about the students."""
from __future__ import annotations

SECTION_TITLE = "Code similarity: pairs to look at"
PAGE_TITLE = "Code similarity"
PAIR_TITLE = "Side by side: {a} and {b}"
INTRO = ("These pairs of submissions share more of their own code than the threshold ({threshold:.0%} of the "
         "smaller one's code, after the starter code and the passages found in more than {common} submissions "
         "are set aside). Shared code has innocent causes too (the same textbook formula, working together "
         "as allowed, a shared tutor's example): look at these side by side before deciding anything.")
NONE_ABOVE = "No pair of submissions shares more than {threshold:.0%} of its own code."
ARCHIVE_NOTE = ("Compared with {n} earlier submissions and the reference solution as well (those are never "
                "compared with each other).")
HEADER = ["rank", "submission", "other submission", "score", "share of each one's code matched",
          "functions involved", "grades", "side by side"]
GROUPS_TITLE = "Groups of three or more"
GROUPS_INTRO = "Submissions linked by pairs above the threshold, shown together: look at them as a group."
GROUP_ROW = "Group {n} ({size} submissions): {members}"
LINK = "open"
MORE_PAIRS = "{n} more pairs above the threshold are listed in similarity.csv."
NOT_GRADED = "-"
PROBLEMS_TITLE = "Not compared"
PAIR_INTRO = ("Score {score:.0%}: {shared} passages of their own code in common. Matching regions are "
              "highlighted; the number beside a line names the region it belongs to in both files. "
              "A match is a reason to look, not a conclusion.")
PAIR_SHARE = "{who}: {share:.0%} of its own code is matched (functions: {functions})."
PAIR_SCORE = "{who}: grade {score}."
NO_CODE = "(no code was read from this submission)"
BACK = "back to the list of pairs"
CSV_HEADER = ["submission", "other_submission", "score", "above_threshold", "shared_passages"]
REFERENCE = "reference/solution"
ARCHIVE_PREFIX = "archive"
SUMMARY = ("similarity: {n} submissions compared with each other, {archived} archived ones and the reference "
           "solution; {pairs} pairs at or above {threshold:.0%} to look at: {csv}")
PROBLEM_NO_CODE = "{id}: no Python code could be read, so it was not compared"
PROBLEM_ARCHIVE = "archive {path}: {problem}"
