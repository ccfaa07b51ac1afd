"""The similarity check: the pairs of a class's submissions an instructor should look at.

    intake (stage as grading does) -> tokens (normalised tree, per function, helpers inlined)
      -> winnow (fingerprints) -> store (beside each submission's results, by content hash)
      -> index (starter code and common passages discounted; pairs, groups) -> report
    run.run_similarity ties them together; text holds every sentence a person reads.

No student code runs here: the code is staged and parsed, never imported.
"""

# the check's defaults, here so that the command line can state them without importing the check
COMMON = 10            # a passage in more submissions than this is common code (MOSS's default -m 10)
THRESHOLD = 0.5        # pairs at or above this score are listed for a look (README: calibration)
