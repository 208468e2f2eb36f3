"""The file to hand to ``spark-submit``: runs ``flashpoint spark`` with the given arguments.

``spark-submit`` runs a Python *file*, not a module, so::

    spark-submit --master yarn \\
        --conf spark.executorEnv.PYSPARK_PYTHON=/opt/flashpoint/bin/python \\
        "$(python -c 'import flashpoint.scale.submit as s; print(s.__file__)')" \\
        --manifest warc.paths --out s3a://bucket/cc-news-2024-01

Without ``--master``/``--remote`` the session comes from ``spark-submit`` (see
``docs/scaling.md``).  Every executor needs flashpoint installed (same version).
"""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> None:
    from flashpoint import cli_scale  # registers the batch commands on ``main``
    from flashpoint.cli import main as cli

    del cli_scale
    cli(["spark", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
