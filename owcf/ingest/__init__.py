"""Ingest: survey-platform exports in, a checked response set out, losing nothing.

The steps, one module each, in the order a file passes through them:

* :mod:`~owcf.ingest.sheet` reads a CSV or XLSX file as text cells, detecting the
  encoding and the delimiter;
* :mod:`~owcf.ingest.detect` recognises the platform, and that platform in
  :mod:`owcf.ingest.platforms` says what each column is (its own bookkeeping, personal
  data, respondent id, a question...), giving an :class:`~owcf.ingest.export.Export`;
* :mod:`~owcf.ingest.mapping` reads a mapping YAML, :mod:`~owcf.ingest.columns` maps
  columns to questionnaire items and respondent fields, :mod:`~owcf.ingest.personal`
  recognises personal data by heading and by value, and :mod:`~owcf.ingest.answers`
  maps answers to the answer scale;
* :mod:`~owcf.ingest.reconcile` checks every row and accepts it or rejects it with all
  its reasons (respondent ids become pseudonyms, :mod:`~owcf.ingest.pseudonym`), giving
  an :class:`~owcf.ingest.ingested.Ingested` whose accepted rows are a
  :class:`~owcf.ingest.responses.ResponseSet`, what the statistics work on;
* :mod:`~owcf.ingest.write` renders the normalised responses, the rejects file and the
  provenance record; :mod:`~owcf.ingest.suggest` a starter mapping YAML.

Going the other way, each platform module that can also writes the questionnaire file
its platform imports (XLSForm, LimeSurvey's structure, Qualtrics's TXT, owcf's CSV
template), so that what owcf writes and what it reads back stay side by side.

:mod:`~owcf.ingest.pipeline` runs the steps for one file or several. This package may
import :mod:`owcf.model` and the ground (:mod:`owcf.errors`, :mod:`owcf.files`), never
the statistics, publishing, workspace or command-line packages.
"""
