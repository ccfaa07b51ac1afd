"""The similarity check: the pairs of a class's submissions an instructor should look at.

    intake (stage as grading does) -> tokens (normalised tree, per function, helpers inlined)
      -> winnow (fingerprints) -> store (beside each submission's results, by content hash)
      -> index (starter code and common passages discounted; pairs, groups) -> report
    run.run_similarity ties them together; text holds every sentence a person reads.

No student code runs here: the code is staged and parsed, never imported.
"""
