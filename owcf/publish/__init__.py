"""Publishing: results made into what people read, in memory, deterministic to the byte.

* :mod:`~owcf.publish.report`: the trust's summary report (sections, figures with their
  tables, comments, data-quality appendix) rendered to Markdown and HTML;
* :mod:`~owcf.publish.release`: its first page (status and provenance, main points, the
  top priorities with their actions);
* :mod:`~owcf.publish.charts`: spider diagrams, dot charts and diverging bars as SVG,
  laid out on a :mod:`~owcf.publish.canvas` (points, measured text, no overlaps);
* :mod:`~owcf.publish.framework`: the framework to walk through, as HTML and Markdown;
* :mod:`~owcf.publish.paper`: the paper questionnaire, one HTML page per audience;
* :mod:`~owcf.publish.templating`: the Jinja environment (HTML autoescaped, Markdown
  escaped by default) over ``templates/``;
* :mod:`~owcf.publish.tables`: tables for a terminal (rich) or a pipe (plain text);
* :mod:`~owcf.publish.rows`: results as flat rows for CSV and JSON.

Nothing here reads input files or writes output ones: that is the workspace pipeline's
job. This package may import :mod:`owcf.stats`, :mod:`owcf.ingest` (the response set,
for comments), :mod:`owcf.model` and the ground; never the workspace pipeline or the
command line.
"""
