"""The workspace pipeline: what every command runs, load -> ingest -> analyse -> write.

* :mod:`~owcf.workspace.inputs`: a command's inputs resolved (framework, questionnaire,
  responses files, trust settings) and the reconciliation people read;
* :mod:`~owcf.workspace.run`: reading every responses file as one set and analysing it
  with the trust's disclosure settings; the one path from files to figures;
* :mod:`~owcf.workspace.report`: a trust's report generated and written all or none;
  many trusts' in parallel;
* :mod:`~owcf.workspace.validate`: every file checked against the others;
* :mod:`~owcf.workspace.create`: a new workspace from the commented template;
* :mod:`~owcf.workspace.questionnaire`: the questionnaire files for the survey platforms,
  paper and typing in, and the framework pages, written all or nothing.

This is the library a script calls (see README). It may import every package below it
(:mod:`owcf.publish`, :mod:`owcf.stats`, :mod:`owcf.ingest`, :mod:`owcf.model`) and
the ground; never the command line, and never typer.
"""
