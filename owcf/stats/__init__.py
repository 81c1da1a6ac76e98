"""Statistics: from a checked response set to the figures owcf publishes.

* :mod:`~owcf.stats.tally`: one pass over the respondents, everything tallied per cell;
* :mod:`~owcf.stats.analysis`: weights, means, SDs, intervals, reliability and
  perception gaps from the tallies, giving the values in :mod:`~owcf.stats.results`;
* :mod:`~owcf.stats.disclosure`: which figures are withheld (primary and secondary);
  :mod:`~owcf.stats.cache` keeps that pattern between runs;
* :mod:`~owcf.stats.tdist`: Student-t quantiles for non-integer degrees of freedom;
* :mod:`~owcf.stats.positions`: the current position from every test, gaps to target
  and priorities.

This package may import :mod:`owcf.ingest` (for the response set), :mod:`owcf.model`
and the ground, with numpy and pandas; never publishing, the workspace pipeline or the
command line.
"""
