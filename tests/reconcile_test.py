#!/usr/bin/env python3
"""`harbour reconcile DIR` (issue 16 item 4) against a real data directory.

A demo venue runs until its market maker has traded, then stops cleanly. The directory must
reconcile (exit 0, RECONCILED); a copy with one read-model row broken must not (exit 2, the
row named by table and key); a custody balance one unit short is named by asset; a custody
file naming an unknown asset is refused with its stable code before anything runs, and no
byte of the directory changes in any of these runs.
"""
import hashlib, json, os, random, shutil, signal, sqlite3, subprocess, sys, tempfile, time, urllib.request

HARBOUR = sys.argv[1] if len(sys.argv) > 1 else ".build/debug/harbour"
PORT = 19000 + random.randint(0, 999)
failures = []

def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what, flush=True)

def get(path):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{PORT}{path}", timeout=5) as r:
            return r.status, json.loads(r.read() or b"null")
    except Exception:
        return None, None

def fingerprint(d):
    h = hashlib.sha256()
    for root, _, files in sorted(os.walk(d)):
        for f in sorted(files):
            p = os.path.join(root, f)
            h.update(p.encode()); h.update(open(p, "rb").read())
    return h.hexdigest()

def reconcile(d, *extra):
    return subprocess.run([HARBOUR, "reconcile", d, *extra], capture_output=True, text=True, timeout=300)

work = tempfile.mkdtemp(prefix="harbour-reconcile-")
data = os.path.join(work, "data")
server = subprocess.Popen([HARBOUR, "serve", "--demo", "--data", data, "--port", str(PORT)],
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
deadline = time.time() + 120
quoted = False
while time.time() < deadline and not quoted:
    status, book = get("/v1/book/BTC-PERP?depth=5")
    quoted = status == 200 and isinstance(book, dict) and len(book.get("bids") or []) >= 1 and len(book.get("asks") or []) >= 1
    if not quoted: time.sleep(0.2)  # polling a condition with a deadline, not a sync
check(quoted, "the demo market maker did not quote within 120 s")
server.send_signal(signal.SIGTERM)
server.communicate(timeout=60)

before = fingerprint(data)
r = reconcile(data)
check(r.returncode == 0 and "RECONCILED" in r.stdout and "checkpoint at" in r.stdout and "checked" in r.stdout,
      f"clean directory: exit {r.returncode}: {r.stdout[-600:]}{r.stderr[-300:]}")
j = reconcile(data, "--json")
report = json.loads(j.stdout)
check(j.returncode == 0 and report["reconciled"] is True and report["findings"] == [], f"--json: {j.stdout[-300:]}")
usd = next(a for a in report["assets"] if a["asset"] == "USD")
check(usd["sum"] == "0.000000", f"USD books do not sum to zero: {usd}")
check(fingerprint(data) == before, "reconcile changed the data directory")

# One read-model row broken: found, and named by table and key.
broken = os.path.join(work, "broken")
shutil.copytree(data, broken)
db = sqlite3.connect(os.path.join(broken, "readmodel.sqlite"))
(order_id,) = db.execute("SELECT order_id FROM orders ORDER BY order_id LIMIT 1").fetchone()
db.execute("UPDATE orders SET price = '1' WHERE order_id = ?", (order_id,))
db.commit(); db.close()
r = reconcile(broken)
check(r.returncode == 2 and f"DIFFERS: row orders(order_id={order_id})" in r.stdout and "NOT RECONCILED: 1 difference" in r.stdout,
      f"broken row: exit {r.returncode}: {r.stdout[-600:]}")

# Custody one cent short of the client books: named by asset.
custody = os.path.join(work, "custody.json")
short = f"{int(usd['clientBooks'].split('.')[0]) - 1}.{usd['clientBooks'].split('.')[1]}" if not usd["clientBooks"].startswith("-") else "0"
json.dump({"USD": short}, open(custody, "w"))
r = reconcile(data, "--custody", custody)
check(r.returncode == 2 and f"DIFFERS: custody USD: expected {short}, found {usd['clientBooks']}" in r.stdout,
      f"custody: exit {r.returncode}: {r.stdout[-400:]}")
json.dump({"USD": usd["clientBooks"]}, open(custody, "w"))
r = reconcile(data, "--custody", custody)
check(r.returncode == 0 and "RECONCILED" in r.stdout, f"custody equal: exit {r.returncode}: {r.stdout[-400:]}")
json.dump({"DOGE": "1"}, open(custody, "w"))
r = reconcile(data, "--custody", custody)
check(r.returncode == 64 and "CUSTODY_UNKNOWN_ASSET" in r.stderr, f"unknown custody asset: exit {r.returncode}: {r.stderr[-300:]}")
check(fingerprint(data) == before, "reconcile changed the data directory")

shutil.rmtree(work, ignore_errors=True)
if failures:
    print(f"{len(failures)} failure(s)"); sys.exit(1)
print("reconcile: clean directory reconciled; a broken order row, short custody and a bad custody file each found and named")
