"""Pure analysis: plain arrays in, plain results out.

Nothing here imports Django or any other ``locus`` package (an import-linter
contract enforces it), so every function can be tested and benchmarked without
a database, and the same code serves pages, the API and batch jobs.

Every public function checks its arguments before it casts or indexes with them
(``_checks``): integers where indices and days are meant (not booleans, not
floats), in range (no negative index counting from the end, no day that
overflows int32), finite non-negative weights, symmetric matrices where one must
be. Bad input raises ``ValueError`` naming the argument rather than giving a
quiet wrong answer.
"""
