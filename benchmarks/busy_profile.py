"""Where the web workers' CPU goes under the counter load: py-spy's samples of the gunicorn workers (taken only
while a worker holds the GIL, so waiting on PostgreSQL or on the socket is not counted), summed over the
workers. Prints the functions with the most samples of their own, and the framework's and the application's
parts by the samples under them.

    bash benchmarks/counter_load/run.sh with PYSPY=1      # records var/counter-bench/spy-<pid>.txt and runs this
    python benchmarks/busy_profile.py var/counter-bench/spy-*.txt
"""

import re
import sys
from collections import Counter

# Parts of a request, by a frame under which a sample falls (a sample counts once per part). py-spy names a frame
# "function (file:line)", some versions "Class.function (file:line)".
PARTS = {
    "ORM: compiling SQL (the compilers' as_sql)": r"(^|\.)as_sql \(django/db/models/sql/compiler\.py",
    "ORM: building querysets (filter, exclude, get)": r"(^|\.)_filter_or_exclude \(django/db/models/query\.py",
    "ORM: making model instances": r"(^|\.)(from_db|__init__) \(django/db/models/base\.py",
    "ORM: saving model instances": r"(^|\.)save_base \(django/db/models/base\.py",
    "DRF: serializers (validation, fields)": r"(^|\.)(is_valid|fields) \(rest_framework/serializers\.py",
    "DRF: the view, authentication included (dispatch)": r"(^|\.)dispatch \(rest_framework/views\.py",
    "DRF: token authentication": r"(^|\.)_authenticate \(rest_framework/request\.py",
    "Django: URL resolving": r"(^|\.)resolve_request \(django/core/handlers/base\.py",
    "audit rows": r"(^|\.)audit_record \(boss/audit\.py",
}
OUTSIDE = "DRF: the view, authentication included (dispatch)"


def main(paths: list[str]) -> None:
    own, under, total = Counter(), Counter(), 0
    for path in paths:
        for line in open(path, encoding="utf-8"):
            stack, _, count = line.rstrip("\n").rpartition(" ")
            if not count.isdigit():
                continue
            n = int(count)
            total += n
            frames = [re.sub(r":\d+\)$", ")", frame) for frame in stack.split(";")]
            own[frames[-1]] += n
            for part, pattern in PARTS.items():
                if any(re.search(pattern, frame) for frame in frames):
                    under[part] += n
    if not total:
        raise SystemExit("no samples")
    print(f"{total} samples with the GIL held, over {len(paths)} workers")
    print("by part (a sample may fall in several):")
    for part in PARTS:
        print(f"  {100 * under[part] / total:5.1f} %  {part}")
    print(f"  {100 * (total - under[OUTSIDE]) / total:5.1f} %  outside the view: gunicorn, Django, the middleware")
    print("functions with the most samples of their own:")
    for frame, n in own.most_common(25):
        print(f"  {100 * n / total:5.1f} %  {frame[:130]}")


if __name__ == "__main__":
    main(sys.argv[1:])
