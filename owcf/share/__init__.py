"""Sharing: a trust's results package for the national body, and the schema it follows.

* :mod:`~owcf.share.package`: the package as a JSON-ready dict, built in memory from a
  trust's workspace (:mod:`owcf.model`), its per-cell sums (:mod:`owcf.stats.cells`)
  and its current positions (:mod:`owcf.stats.positions`): the *full* package of
  aggregate sums, or the *protected* one, which carries the trust's published figures
  with its own disclosure control applied;
* :mod:`~owcf.share.schema`: the versioned JSON Schema (a bundled file) and checking a
  package against it, with the JSON path of every violation.

This package may import :mod:`owcf.stats`, :mod:`owcf.model` and the ground, with
numpy, and (inside functions) the ``jsonschema`` library; never publishing, the national
aggregation, the workspace pipeline or the command line. It reads and writes no files
but the bundled schema: writing is the workspace pipeline's job.
"""
