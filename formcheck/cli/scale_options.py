"""The options shared by ``serve``, ``worker`` and ``submit`` to reach the scale-out parts.

Each also reads its environment variable, so a container sets them once for every command.
Left out, each part stays on its embedded default in the data folder.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Optional

import typer

DATA_OPT = typer.Option(None, "--data", envvar="FORMCHECK_DATA",
                        help="The app's data folder (embedded database, queue, files; S3 cache). "
                             "Default: a per-user folder.")
DB_OPT = typer.Option(None, "--db", envvar="FORMCHECK_DB",
                      help="Database URL, e.g. postgresql://user:pw@host/db (default: SQLite in the data folder).")
QUEUE_OPT = typer.Option(None, "--queue", envvar="FORMCHECK_QUEUE",
                         help="Job queue URL, e.g. redis://host:6379/0 (default: SQLite in the data folder).")
STORAGE_OPT = typer.Option(None, "--storage", envvar="FORMCHECK_STORAGE",
                           help="Where uploads and results live: s3://BUCKET, s3://BUCKET/PREFIX or a folder "
                                "(default: files/ in the data folder).")
S3_ENDPOINT_OPT = typer.Option(None, "--s3-endpoint-url", envvar="FORMCHECK_S3_ENDPOINT_URL",
                               help="An S3-compatible store's URL (MinIO...); default: AWS. "
                                    "Credentials come from the usual AWS_* variables.")


def scale_settings(data: Optional[Path], db: Optional[str], queue: Optional[str], storage: Optional[str],
                   s3_endpoint_url: Optional[str], **kw: object):
    """Settings from the command line (or the environment), each part on its default if unset."""
    from formcheck.web.config import Settings, default_data_dir

    return Settings(data_dir=(data or default_data_dir()).expanduser().resolve(), db_url=db or "",
                    queue_url=queue or "", storage_url=storage or "", s3_endpoint_url=s3_endpoint_url or "",
                    s3_public_url=os.environ.get("FORMCHECK_S3_PUBLIC_URL", ""), **kw)
