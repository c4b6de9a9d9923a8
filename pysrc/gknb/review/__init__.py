"""Reviewer mode: a whole folder of reports checked into one summary workbook (`gknb review`).

`batch.review` runs it; `run` checks files in a process pool; `agencies` pairs an agency's
consecutive years; `summary` writes the workbook. Nothing here is imported on the
single-workbook 校验 path.
"""
