"""Request-to-last-byte time of ``publisher desk``: one patient's handout, posted as the page
posts it, over HTTP to a desk process on the shipped catalog. Target: a median of at most
300 ms once warm, on 2 cores.

    python bench/desk.py [COUNT] [--edition standard|large-print]   (default 50, standard)

The desk starts as ``publisher desk --port 0`` (it typesets one handout for no one as it
starts); 3 more handouts warm it, then COUNT are timed one after another, each for another
review of the catalog in turn. Prints the median and the 90th percentile.
"""

from __future__ import annotations

import argparse
import http.client
import re
import signal
import statistics
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def post(host: str, port: int, body: bytes) -> tuple[int, int, float]:
    """(status, bytes, seconds from sending the request to its last byte)."""
    connection = http.client.HTTPConnection(host, port, timeout=120)
    started = time.perf_counter()
    connection.request("POST", "/", body, {"Content-Type": "application/x-www-form-urlencoded"})
    answer = connection.getresponse()
    data = answer.read()
    took = time.perf_counter() - started
    connection.close()
    return answer.status, len(data), took


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", nargs="?", type=int, default=50)
    parser.add_argument("--edition", default="standard")
    args = parser.parse_args()
    server = subprocess.Popen([sys.executable, "-m", "publisher", "desk", "--catalog", str(ROOT / "catalog"),
                               "--port", "0"], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        started = time.perf_counter()
        said = server.stdout.readline()
        found = re.search(r"http://([\d.]+):(\d+)/", said)
        if not found:
            sys.exit(f"the desk did not start: {said!r}")
        host, port = found[1], int(found[2])
        connection = http.client.HTTPConnection(host, port, timeout=120)
        connection.request("GET", "/")
        page = connection.getresponse().read().decode()
        print(f"started and warm in {time.perf_counter() - started:.2f} s")
        token = re.search(r'name="token" value="([^"]+)"', page)[1]
        reviews = re.findall(r'<option value="([^"]+/[^"]+)"', page)

        def body(n: int) -> bytes:
            return urllib.parse.urlencode({
                "token": token, "review": reviews[n % len(reviews)], "language": "en", "edition": args.edition,
                "patient": "Ana Pérez", "clinician": "Dr. Lee", "given": "2026-12-01",
                "notes": "Take it at night\nCall us if you feel dizzy", "teach_back": "yes"}).encode()

        for n in range(3):
            post(host, port, body(n))
        times = []
        for n in range(args.count):
            status, size, took = post(host, port, body(n))
            if status != 200:
                sys.exit(f"request {n}: status {status}")
            times.append(took)
        times.sort()
        p90 = times[min(len(times) - 1, round(0.9 * len(times)) - 1)]
        print(f"{args.count} handouts ({args.edition}), {size:,} bytes the last: median "
              f"{statistics.median(times) * 1000:.0f} ms, p90 {p90 * 1000:.0f} ms, "
              f"min {times[0] * 1000:.0f} ms, max {times[-1] * 1000:.0f} ms")
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
