"""National aggregation: many trusts' results packages read, pooled and reported.

* :mod:`~owcf.national.read`: every package file checked (schema, consistency,
  duplicates, foreign framework or questionnaire) and boiled down, one at a time;
* :mod:`~owcf.national.pool`: what the national figures need from each package
  (per question, group and category; positions; support), from full or protected ones;
* :mod:`~owcf.national.figures`: the 2009 presentations per question, the national
  picture per dimension and colour, and support demand, as one protected result;
* :mod:`~owcf.national.disclosure`: the one national table of figures and relations, and
  :func:`~owcf.national.disclosure.protect`, the interface that decides what is withheld;
* :mod:`~owcf.national.render`: the national report (HTML, Markdown, JSON) and a page
  for each trust, in memory;
* :mod:`~owcf.national.tables`: tidy CSV and Parquet tables, not for publication.

This package may import :mod:`owcf.share` (the package schema), :mod:`owcf.publish`
(charts and templating), :mod:`owcf.stats` (the disclosure rules it builds on) and the
ground, with numpy, pyarrow and scipy (inside functions); never the workspace pipeline
or the command line. It reads package files but writes none: the workspace does.
"""
