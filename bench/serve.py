"""Edit-to-reload time of ``publisher serve``: from the write of one condition's YAML to the
reload event for one of its HTML pages on the page's event stream. Target: under 1 s for
1,000 reviews.

    python bench/serve.py [COMPOUNDS] [CONDITIONS] [--format LIST]   (default 20 x 50, every format)

The server starts on a synthetic catalog; after its initial HTML build, one condition is
renamed 5 times, 3 s apart (the PDF build it restarts in the background keeps running
meanwhile, as it would for a writer); the median of the 5 is the result.
"""

from __future__ import annotations

import http.client
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from synthetic import make_catalog  # noqa: E402


def get(port: int, path: str) -> tuple[int, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    connection.request("GET", path)
    response = connection.getresponse()
    body = response.read().decode()
    connection.close()
    return response.status, body


def main(compounds: int = 20, conditions: int = 50, formats: str | None = None) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        catalog = make_catalog(Path(tmp) / "catalog", compounds, conditions)
        compound = sorted(catalog.glob("compounds/*.yaml"))[0].stem
        condition_file = sorted(catalog.glob("conditions/*.yaml"))[conditions // 2]
        page = f"/html/{compound}/{compound}--{condition_file.stem}.html"
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        server = subprocess.Popen([sys.executable, "-m", "publisher", "serve", "--catalog", str(catalog),
                                   "--port", str(port), *(["--format", formats] if formats else [])],
                                  cwd=HERE.parent, stdout=subprocess.PIPE, text=True)
        try:
            started = time.perf_counter()
            server.stdout.readline()  # "serving ... at ...": it is listening
            while not re.search(r"since=[1-9]", get(port, page)[1]):  # the initial HTML build is done
                time.sleep(0.2)
            print(f"{compounds * conditions:,} reviews: first HTML page served after "
                  f"{time.perf_counter() - started:.1f} s; editing {condition_file.name}, watching {page}")
            times = []
            for n in range(5):
                time.sleep(3)
                since = re.search(r"since=(\d+)", get(port, page)[1])[1]
                stream = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
                stream.request("GET", f"/_publisher/events?since={since}&path={page}")
                events = stream.getresponse()
                events.fp.readline()  # the stream's opening comment: it is listening
                text = condition_file.read_text(encoding="utf-8")
                written = time.perf_counter()
                condition_file.write_text(re.sub(r"^name: (.*)$", rf"name: \1 (edit {n + 1})", text, count=1,
                                                 flags=re.M), encoding="utf-8")
                while events.fp.readline().strip() != b"event: reload":
                    pass
                times.append(time.perf_counter() - written)
                stream.close()
                assert f"(edit {n + 1})" in get(port, page)[1]
            print(f"edit to reload event: {', '.join(f'{t:.2f}' for t in times)} s; "
                  f"median {statistics.median(times):.2f} s")
        finally:
            server.send_signal(signal.SIGINT)
            server.wait(timeout=30)


if __name__ == "__main__":
    args = sys.argv[1:]
    chosen = None
    if "--format" in args:
        at = args.index("--format")
        chosen = args[at + 1]
        del args[at:at + 2]
    main(*(int(a) for a in args[:2]), formats=chosen)
