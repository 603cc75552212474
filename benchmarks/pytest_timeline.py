"""Where a test run's time goes, per worker: a pytest plugin that writes every test's start and end, its
worker's CPU and its child processes' CPU (rusage of the children waited for) to var/timeline/<worker>.jsonl,
and a summary of those files (issue 20: the suite's time budget).

    PYTHONPATH=benchmarks .venv/bin/pytest -n 2 --dist worksteal -p pytest_timeline -q
    .venv/bin/python benchmarks/pytest_timeline.py          # per worker: collection, end, CPU; per file: wall vs CPU

A file whose wall time is far above its CPU waits: on PostgreSQL (whose CPU is not counted here), on a browser
(chromium's CPU is counted only when it exits), on a sleep or a lock. A worker that ends long before the
other is badly balanced."""

import collections
import json
import os
import resource
import sys
import time
from pathlib import Path

OUT = Path(os.environ.get("TIMELINE_DIR", "var/timeline"))
_started: dict[str, tuple[float, float, float]] = {}
_file = None


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _write(row: dict) -> None:
    global _file
    if _file is None:
        OUT.mkdir(parents=True, exist_ok=True)
        _file = open(OUT / f"{os.environ.get('PYTEST_XDIST_WORKER', 'main')}.jsonl", "w")
    _file.write(json.dumps(row) + "\n")
    _file.flush()


def pytest_sessionstart(session):
    _write({"event": "start", "t": time.time(), "cpu": time.process_time()})


def pytest_collection_finish(session):
    _write({"event": "collected", "t": time.time(), "cpu": time.process_time()})


def pytest_runtest_logstart(nodeid, location):
    _started[nodeid] = (time.time(), time.process_time(), _children_cpu())


def pytest_runtest_logfinish(nodeid, location):
    if nodeid not in _started:  # xdist's controller: a test a worker took back (worksteal) was never started here
        return
    t0, cpu0, children0 = _started.pop(nodeid)
    _write({"id": nodeid, "t0": t0, "t1": time.time(), "cpu": time.process_time() - cpu0,
            "child": _children_cpu() - children0})


def pytest_sessionfinish(session):
    _write({"event": "end", "t": time.time(), "cpu": time.process_time()})


def summary(folder: Path = OUT, top: int = 30) -> None:
    wall: collections.Counter = collections.Counter()
    cpu: collections.Counter = collections.Counter()
    count: collections.Counter = collections.Counter()
    for path in sorted(folder.glob("*.jsonl")):
        rows = [json.loads(line) for line in path.open()]
        events = {r["event"]: r for r in rows if "event" in r}
        if "collected" not in events:  # xdist's controller: its rows repeat the workers' tests
            continue
        tests = [r for r in rows if "id" in r]
        start = events["start"]["t"]
        end = events["end"]["t"] - start if "end" in events else float("nan")
        print(f"{path.stem}: collected at {events['collected']['t'] - start:.1f} s, ended at {end:.1f} s, "
              f"{len(tests)} tests, {sum(r['t1'] - r['t0'] for r in tests):.0f} s of tests, "
              f"{sum(r['cpu'] for r in tests):.0f} s CPU, {sum(r['child'] for r in tests):.0f} s children's CPU")
        for r in tests:
            module = r["id"].split("::")[0]
            wall[module] += r["t1"] - r["t0"]
            cpu[module] += r["cpu"] + r["child"]
            count[module] += 1
    print(f"\n{'wall s':>8} {'CPU s':>8} {'tests':>6}  file")
    for module, seconds in wall.most_common(top):
        print(f"{seconds:8.1f} {cpu[module]:8.1f} {count[module]:6d}  {module}")


if __name__ == "__main__":
    summary(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT)
