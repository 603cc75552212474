"""Hold N simultaneous requests against a running server (issue 20: `make run` holds 100 without a dropped
connection). N threads, each with its own connection, are released together by a barrier and each sends
ROUNDS requests one after the other; every answer other than the expected status, and every connection
reset or refused, is counted. Prints one line of figures.

    make run &                                      # or any server
    .venv/bin/python benchmarks/concurrent_requests.py --url http://127.0.0.1:8000/login/ --clients 100
"""

import argparse
import http.client
import statistics
import threading
import time
from urllib.parse import urlsplit


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", default="http://127.0.0.1:8000/login/")
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=3, help="requests per client, one after the other")
    parser.add_argument("--status", type=int, default=200)
    parser.add_argument("--timeout", type=float, default=60)
    args = parser.parse_args()
    url = urlsplit(args.url)
    path = url.path + (f"?{url.query}" if url.query else "")
    barrier = threading.Barrier(args.clients)
    latencies: list[float] = []
    failures: list[str] = []
    lock = threading.Lock()

    def client() -> None:
        barrier.wait()
        for _ in range(args.rounds):
            start = time.perf_counter()
            try:
                conn = http.client.HTTPConnection(url.hostname, url.port or 80, timeout=args.timeout)
                conn.request("GET", path, headers={"Connection": "close"})
                response = conn.getresponse()
                response.read()
                conn.close()
                outcome = None if response.status == args.status else f"status {response.status}"
            except OSError as exc:  # connection reset / refused / timed out
                outcome = type(exc).__name__
            with lock:
                if outcome:
                    failures.append(outcome)
                else:
                    latencies.append(time.perf_counter() - start)

    threads = [threading.Thread(target=client) for _ in range(args.clients)]
    began = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - began
    total = args.clients * args.rounds
    lat = sorted(latencies)
    p95 = lat[int(0.95 * (len(lat) - 1))] * 1000 if lat else 0
    print(f"{args.clients} simultaneous clients x {args.rounds} requests on {args.url}: {len(latencies)}/{total} "
          f"answered {args.status}, {len(failures)} failed {sorted(set(failures)) or ''}; "
          f"median {statistics.median(lat) * 1000 if lat else 0:.0f} ms, p95 {p95:.0f} ms, "
          f"max {lat[-1] * 1000 if lat else 0:.0f} ms; {total / elapsed:.0f} requests/s")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
