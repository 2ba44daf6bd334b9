#!/usr/bin/env python3
"""bench_dashboard.py: how long the dashboard takes to be complete in a real
browser, on a store you give it.

    bench/bench_dashboard.py --store DIR [--runs 5] [--query 'range=all&tz=UTC'] ...

Starts `usage-agent serve --store DIR` (local mode) and Debian's chromedriver
with headless chromium, loads the page `--runs` times per query (each in a
fresh navigation, after one warm-up), and prints, as JSON, the median time
from the start of navigation until the page says it is complete (every
card, chart and table drawn from its ten API calls: body[data-ready-ms]).
Fill a store first, e.g. `build/bench/bench_read --dir /tmp/b1m --runs 1`.
Needs chromium and chromium-driver (apt-get install chromium chromium-driver).
"""
import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def call(base, method, path, body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(base + path, data=data, method=method,
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=60) as r:
        return json.load(r)["value"]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--store", required=True, help="a store folder (sqlite) or postgresql:// URI")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--query", action="append", help="the page's URL query (repeatable)")
    ap.add_argument("--agent", default=os.path.join(ROOT, "build/agent/usage-agent"))
    ap.add_argument("--chromium", default="/usr/bin/chromium")
    ap.add_argument("--chromedriver", default="/usr/bin/chromedriver")
    args = ap.parse_args()
    queries = args.query or ["range=all&tz=UTC", "range=30d&tz=UTC"]

    serve = subprocess.Popen([args.agent, "serve", "--store", args.store, "--listen", "127.0.0.1:0"],
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    url = serve.stdout.readline().strip().removeprefix("listening on ")
    port = free_port()
    driver = subprocess.Popen([args.chromedriver, "--port=%d" % port], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    base = "http://127.0.0.1:%d" % port
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/status", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        caps = {"capabilities": {"alwaysMatch": {"browserName": "chrome", "goog:chromeOptions": {
            "binary": args.chromium,
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1440,1200"]}}}}
        session = call(base, "POST", "/session", caps)["sessionId"]
        s = "/session/" + session

        def script(text):
            return call(base, "POST", s + "/execute/sync", {"script": text, "args": []})

        results = {}
        for query in queries:
            times = []
            for run in range(args.runs + 1):
                call(base, "POST", s + "/url", {"url": url + "/?" + query})
                deadline = time.time() + 60
                while time.time() < deadline:
                    state = script("return document.body.dataset.state || '';")
                    if state in ("ready", "error"):
                        break
                    time.sleep(0.01)
                if state != "ready":
                    raise SystemExit("bench_dashboard: %s: the page ended in state %r" % (query, state))
                if run > 0:  # the first load warms the caches
                    times.append(int(script("return document.body.dataset.readyMs;")))
            results[query] = {"median_ms": statistics.median(times), "min_ms": min(times), "max_ms": max(times)}
        json.dump({"store": args.store, "runs": args.runs, "page_complete": results}, sys.stdout, indent=2)
        print()
    finally:
        try:
            urllib.request.urlopen(base + "/shutdown", timeout=10)
        except OSError:
            pass
        driver.wait(timeout=10)
        serve.terminate()
        serve.wait(timeout=30)


if __name__ == "__main__":
    main()
