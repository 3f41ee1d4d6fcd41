"""Pure analysis: plain arrays in, plain results out.

Nothing here imports Django or any other ``locus`` package (an import-linter
contract enforces it), so every function can be tested and benchmarked without
a database, and the same code serves pages, the API and batch jobs.
"""
