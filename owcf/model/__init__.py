"""The YAML world: what a trust assesses itself against and what it plans, read and checked.

* :mod:`~owcf.model.yamlio`: the loader (``yaml.safe_load`` with line numbers) and typed,
  logged field access, so every problem names its file and line;
* :mod:`~owcf.model.framework`: the rainbow (colours, dimensions, scale levels,
  audiences, workforce groups);
* :mod:`~owcf.model.questionnaire`: items, routing, answer scale, and the
  minimum-answered rules stated once;
* :mod:`~owcf.model.form`: the tailored questionnaire laid out as one survey form (about
  you, a grid per dimension and wording, routing), what every questionnaire writer
  starts from;
* :mod:`~owcf.model.trust` (the workspace file and its settings),
  :mod:`~owcf.model.plan` (tests, targets, evidence, actions) and
  :mod:`~owcf.model.workspaces` (finding a workspace by name);
* :mod:`~owcf.model.support`: the catalogue of national partners' offers;
* :mod:`~owcf.model.sources`: the survey platforms' names and a responses file entry.

This package may import only the ground (:mod:`owcf.errors`, :mod:`owcf.resources`,
:mod:`owcf.files`) and PyYAML: no pandas, numpy or pyarrow, so ``owcf actions`` and
``owcf validate`` of YAML stay light.
"""
