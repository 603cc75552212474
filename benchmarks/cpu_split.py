"""Where a benchmark's CPU went, by kind of process: the web workers (gunicorn), the Celery worker,
PostgreSQL, the load generator (locust) and the rest of the machine.

    python benchmarks/cpu_split.py snapshot FILE     # before the run
    python benchmarks/cpu_split.py report FILE       # after it: CPU seconds and share of each kind

It reads utime + stime of every process in /proc, and for PostgreSQL also the postmaster's cutime + cstime (the
backends and workers that exited during the run). A process that exited during the run and is not PostgreSQL's
is counted through its parent's children's time (PostgreSQL's postmaster, gunicorn's master, the shell), less what
it had spent before the run; a process reaped by a parent that did not live through the run is not counted.
"""

import json
import os
import sys
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")
# A load generator that has exited by the report (locust at the end of its run) is in "other": its shell reaped it.
KINDS = ("web (gunicorn)", "Celery worker", "PostgreSQL", "load generator (running)", "other")


def _kind(pid: str) -> str:
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return "other"
    if "gunicorn" in cmdline:
        return KINDS[0]
    if "celery" in cmdline:
        return KINDS[1]
    if cmdline.startswith("postgres") or "/postgres " in cmdline or cmdline.startswith("/usr/lib/postgresql"):
        return KINDS[2]
    if "locust" in cmdline:
        return KINDS[3]
    return KINDS[4]


def _stat(pid: str) -> tuple[int, int, int] | None:
    """(own CPU ticks, waited-for children's CPU ticks, own system (kernel) ticks)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return int(fields[11]) + int(fields[12]), int(fields[13]) + int(fields[14]), int(fields[12])


def snapshot() -> dict:
    processes = {}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        stat = _stat(pid)
        if stat is not None:
            processes[pid] = {"kind": _kind(pid), "cpu": stat[0], "children": stat[1], "system": stat[2]}
    fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:9]
    values = list(map(int, fields))
    return {"processes": processes, "machine_all": sum(values), "machine_idle": values[3] + values[4]}


def report(before: dict, after: dict) -> str:
    seconds = dict.fromkeys(KINDS, 0.0)
    system = dict.fromkeys(KINDS, 0.0)
    for pid, now in after["processes"].items():
        was = before["processes"].get(pid)
        own = now["cpu"] - (was["cpu"] if was else 0)
        # Exited children of a long-lived parent (PostgreSQL's backends, gunicorn's or Celery's children).
        children = now["children"] - (was["children"] if was else 0) if was else 0
        kind = now["kind"] if was is None or was["kind"] == now["kind"] else was["kind"]
        seconds[kind] += (own + children) / TICKS
        system[kind] += (now["system"] - (was["system"] if was else 0)) / TICKS
    for pid, was in before["processes"].items():
        if pid not in after["processes"]:  # exited: its parent's children's time holds its whole life
            seconds[was["kind"]] -= (was["cpu"] + was["children"]) / TICKS
    total = (after["machine_all"] - before["machine_all"]) / TICKS
    busy = total - (after["machine_idle"] - before["machine_idle"]) / TICKS
    counted = sum(seconds.values())
    lines = [f"CPU by kind of process: {busy:.1f} CPU-s busy of {total:.1f} ({100 * busy / total:.1f} %)"]
    for kind in KINDS:
        lines.append(f"  {kind:26} {seconds[kind]:7.1f} CPU-s  {100 * seconds[kind] / total:5.1f} % of the machine"
                     f"  (kernel {system[kind]:.1f} s in the processes that lived through the run)")
    lines.append(f"  {'not seen (exited, kernel)':26} {busy - counted:7.1f} CPU-s  "
                 f"{100 * (busy - counted) / total:5.1f} % of the machine")
    return "\n".join(lines)


def main() -> None:
    command, file = sys.argv[1], Path(sys.argv[2])
    if command == "snapshot":
        file.write_text(json.dumps(snapshot()))
    elif command == "report":
        print(report(json.loads(file.read_text()), snapshot()))
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main()
