"""The coach app: athletes upload sets, the server analyses them, coaches review them.

A face like the CLI: routes parse and authorize, jobs call ``formcheck.pipeline.analyze_path``.
Its parts sit behind small interfaces (storage, queue, database URL) so the embedded defaults
(local folder, huey on SQLite, SQLite) can be swapped for S3, Redis and PostgreSQL.
"""
