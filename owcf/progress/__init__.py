"""Progress between rounds: how far a trust has moved since an earlier round.

* :mod:`~owcf.progress.rounds`: one round as a results package describes it (framework
  and questionnaire, each dimension's and colour's questionnaire figure, current
  position, target and sources, actions), from a package or from a round just analysed;
* :mod:`~owcf.progress.compare`: like with like (only what both rounds measured the same
  way, every other comparison listed with its reason; a different scale refused), the
  change per dimension and colour with its Welch interval and Holm-adjusted flag
  (:mod:`owcf.stats.change`), targets reached, nearer or further, the change in each
  source of evidence, and the actions due since the baseline.

It works on package-shaped dicts (``owcf share``'s format), so a baseline need not keep
its raw responses. It stands just above :mod:`owcf.stats` and may import it and the
ground, nothing else: the report (:mod:`owcf.publish`) and the national trends
(:mod:`owcf.national`) build on it. It reads and writes no file (the workspace does).
"""
