#!/usr/bin/env python3
"""Projection and journal-copy lag under a sustained order load (docs/PERFORMANCE.md, OPS-4).

Starts `harbour serve --demo --store URL` on a fresh data directory, runs `harbour load`
against it for SECONDS at RATE orders/s, samples /metrics every 0.25 s (the read-model lag
`harbour_readmodel_lag_records` and the journal-copy lag `harbour_pg_journal_copy_lag_records`),
and prints the peak and mean lag under load and how long both took to reach 0 afterwards.

Usage: scripts/postgres-lag.py path/to/harbour postgres://...?schema=NAME [--rate 2000] [--seconds 20]
"""
import re, socket, subprocess, sys, tempfile, threading, time, urllib.request

harbour, store = sys.argv[1], sys.argv[2]
def arg(name, default):
    return sys.argv[sys.argv.index(name) + 1] if name in sys.argv else default
rate, seconds = int(arg("--rate", "2000")), float(arg("--seconds", "20"))
s = socket.socket(); s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]; s.close()
data = tempfile.mkdtemp(prefix="harbour-lag-")
server = subprocess.Popen([harbour, "serve", "--demo", "--data", data, "--port", str(port), "--store", store],
                          stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
key = secret = None
while key is None:
    line = server.stdout.readline()
    if not line:
        sys.exit("server exited")
    m = re.match(r"\s+(\w+)\s+(\S+)\s+key=(\S+) secret=(\S+)", line)
    if m and m.group(2) == "loadtest":
        key, secret = m.group(3), m.group(4)
threading.Thread(target=lambda: [None for _ in server.stdout], daemon=True).start()

def gauges():
    text = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5).read().decode()
    def g(name):
        m = re.search(rf"^{name}(?:{{[^}}]*}})? (\S+)$", text, re.M)
        return float(m.group(1)) if m else float("nan")
    return g("harbour_readmodel_lag_records"), g("harbour_pg_journal_copy_lag_records")

ready_by = time.time() + 60
while True:  # the banner comes before the listener: poll /metrics with a deadline
    try:
        gauges(); break
    except OSError:
        if time.time() > ready_by: sys.exit("no /metrics after 60 s")
        time.sleep(0.1)
samples, stop = [], threading.Event()
def sample():
    while not stop.is_set():
        samples.append((time.time(), *gauges()))
        time.sleep(0.25)  # a sampling interval, not synchronisation
t = threading.Thread(target=sample); t.start()
load = subprocess.run([harbour, "load", "--address", f"127.0.0.1:{port}", "--key", key, "--secret", secret, "--mode", "rest",
                       "--connections", "16", "--rate", str(rate), "--seconds", str(seconds)], capture_output=True, text=True)
end = time.time()
deadline = end + 120
while time.time() < deadline and not (samples and samples[-1][0] > end and samples[-1][1] == 0 and samples[-1][2] == 0):
    time.sleep(0.25)
stop.set(); t.join()
under = [x for x in samples if x[0] <= end]
zero = next((x[0] for x in samples if x[0] > end and x[1] == 0 and x[2] == 0), None)
print(load.stdout.strip())
for i, name in ((1, "read-model projection"), (2, "journal copy")):
    v = [x[i] for x in under]
    print(f"{name} lag under load: peak {max(v):.0f} records, mean {sum(v) / len(v):.1f} records ({len(v)} samples)")
print(f"both lags 0 {zero - end:.2f} s after the load ended" if zero else "lag still above 0 after 120 s")
server.terminate(); server.wait()
