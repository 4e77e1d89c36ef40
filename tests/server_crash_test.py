#!/usr/bin/env python3
"""Server crash test (OPS-4): signed orders against a real `harbour serve`, kill -9 at a
random moment, restart, and check that every order the server acknowledged is in the
recovered state, that the recovered state hash equals a fresh replay of the journal
(`harbour verify`), and that the ledger sums to zero. Several rounds, different moments.
Then the journal is damaged as a disk would (one bit of a record's length in the middle
of the newest segment): `harbour serve` must refuse naming the segment and change no byte,
`harbour verify` must exit 2; and a genuine torn tail is shown and cut by
`harbour verify --repair-torn-tail`, after which the venue starts (issue 12).

With `--postgres URL` (scripts/test.sh passes its throw-away server) the same rounds run
with `harbour serve --store postgres://...` (OPS-4): after each restart the PostgreSQL read
models must equal, table for table and row for row, a rebuild from the journal (no
duplicate, no missing row), and `harbour verify --postgres` must find the journal copy
complete and equal to the local journal. The damage rounds are journal-only and run once,
without it.

Usage: tests/server_crash_test.py path/to/harbour [--postgres URL]
"""
import hashlib, hmac, json, os, random, re, signal, subprocess, sys, tempfile, threading, time, urllib.request, urllib.error

HARBOUR = sys.argv[1] if len(sys.argv) > 1 and not sys.argv[1].startswith("--") else ".build/debug/harbour"
PG_URL = sys.argv[sys.argv.index("--postgres") + 1] if "--postgres" in sys.argv else None
PG_SCHEMA = f"crash_{os.getpid()}_{random.randint(0, 99999)}"
PORT = 18000 + random.randint(0, 999)
URL = f"http://127.0.0.1:{PORT}"
failures = []

def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what, flush=True)

def store_url(schema):
    sep = "&" if "?" in PG_URL else "?"
    return f"{PG_URL}{sep}schema={schema}"

def psql(sql):
    """One query on the test server (psql does not take the schema parameter: names are qualified)."""
    r = subprocess.run(["psql", PG_URL.replace("postgres://", "postgresql://"), "-At", "-v", "ON_ERROR_STOP=1", "-c", sql],
                       capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"psql failed: {r.stderr}")
    return r.stdout.strip()

READ_MODEL_TABLES = ["accounts", "orders", "trades", "postings", "positions", "balances", "balance_history", "marks",
                     "rejections", "settings", "instruments", "funding", "liquidations", "insurance_payouts", "adl_fills",
                     "adl_ranks", "risk_alerts", "risk_alert_latest", "stress_tests", "stress_test_latest", "risk_metrics",
                     "risk_metrics_latest", "insurance_fund", "book_balances", "market_makers", "meta"]

def check_postgres(data, n, last_sequence):
    """The live-projected PostgreSQL read models equal a rebuild from the journal, and the journal copy is whole."""
    ref = f"{PG_SCHEMA}_ref{n}"
    r = subprocess.run([HARBOUR, "rebuild", data, "--store", store_url(ref)], capture_output=True, text=True)
    check(r.returncode == 0, f"round {n}: rebuild into PostgreSQL failed: {r.stderr[-300:]}")
    differing = []
    for t in READ_MODEL_TABLES:
        live, rebuilt = psql(f"SELECT count(*) FROM {PG_SCHEMA}.{t}"), psql(f"SELECT count(*) FROM {ref}.{t}")
        extra = psql(f"SELECT count(*) FROM (TABLE {PG_SCHEMA}.{t} EXCEPT ALL TABLE {ref}.{t}) d")
        missing = psql(f"SELECT count(*) FROM (TABLE {ref}.{t} EXCEPT ALL TABLE {PG_SCHEMA}.{t}) d")
        if live != rebuilt or extra != "0" or missing != "0":
            differing.append(f"{t}: {live} rows live, {rebuilt} rebuilt, {extra} extra, {missing} missing")
    check(not differing, f"round {n}: PostgreSQL read models differ from a rebuild: {differing}")
    projected = psql(f"SELECT last_sequence FROM {PG_SCHEMA}.meta")
    check(projected == str(last_sequence), f"round {n}: PostgreSQL projection at {projected}, journal at {last_sequence}")
    copied = psql(f"SELECT count(*) || ' ' || COALESCE(max(seq), 0) FROM {PG_SCHEMA}.journal_records")
    check(copied == f"{last_sequence} {last_sequence}", f"round {n}: journal copy holds (count, max) {copied}, journal at {last_sequence}")
    v = subprocess.run([HARBOUR, "verify", data, "--postgres", store_url(PG_SCHEMA)], capture_output=True, text=True)
    check(v.returncode == 0 and "matches the local journal record for record; lag: 0" in v.stderr,
          f"round {n}: verify --postgres failed: {v.stderr[-400:]}")
    local = re.search(r"^stateHash: (\S+)", v.stderr, re.M)
    copy = re.search(r"postgresCopy stateHash: (\S+)", v.stderr)
    check(local and copy and local.group(1) == copy.group(1), f"round {n}: the PostgreSQL copy's state hash differs from the journal's")
    psql(f"DROP SCHEMA {ref} CASCADE")
    print(f"round {n}: PostgreSQL read models equal a rebuild ({len(READ_MODEL_TABLES)} tables), journal copy complete "
          f"({last_sequence} records, state hash equal)", flush=True)

def start(data):
    store = ["--store", store_url(PG_SCHEMA)] if PG_URL else []
    p = subprocess.Popen([HARBOUR, "serve", "--demo", "--data", data, "--port", str(PORT)] + store,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    keys, banner, log = {}, [], []
    # Read the banner (printed once the venue is ready) to get the demo keys.
    while True:
        line = p.stdout.readline()
        if not line:
            raise RuntimeError("server exited: " + p.stderr.read())
        banner.append(line)
        m = re.match(r"\s+client\s+(\S+)\s+key=(\S+) secret=(\S+)", line)
        if m:
            keys[m.group(1)] = (m.group(2), m.group(3))
        if "Signed:" in line:
            break
    # Wait until the HTTP listener answers (event: readiness endpoint), bounded.
    for _ in range(200):
        try:
            urllib.request.urlopen(URL + "/v1/ready", timeout=1).read()
            break
        except Exception:
            time.sleep(0.05)
    return p, keys

def signed(key, secret, method, path, body=""):
    ts = str(int(time.time() * 1000))
    sig = hmac.new(secret.encode(), (ts + method + path + body).encode(), hashlib.sha256).hexdigest()
    req = urllib.request.Request(URL + path, data=body.encode() if body else None, method=method,
                                 headers={"X-Harbour-Key": key, "X-Harbour-Timestamp": ts, "X-Harbour-Signature": sig,
                                          "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"{}")

def round_(data, n):
    server, keys = start(data)
    key, secret = keys["alice"]
    acked, stop = [], threading.Event()
    lock = threading.Lock()
    def writer(w):
        k = 0
        while not stop.is_set():
            k += 1
            # Buys far below the market rest without trading: each ack must survive.
            body = json.dumps({"symbol": "BTC-PERP", "side": "buy", "orderType": "limit", "price": str(57100 + (k * 7 + w) % 2000),
                               "qty": "0.001", "clientOrderId": f"r{n}-w{w}-{k}"})
            try:
                status, reply = signed(key, secret, "POST", "/v1/orders", body)
            except Exception:
                return  # the server died
            if status == 200 and reply.get("status") in ("new", "open", "accepted", "resting", "partiallyFilled") or (status == 200 and "orderId" in reply):
                with lock:
                    acked.append(int(reply["orderId"]))
            elif status == 422 and reply.get("code") == "TOO_MANY_OPEN_ORDERS":
                stop.set()
    threads = [threading.Thread(target=writer, args=(w,)) for w in range(8)]
    for t in threads: t.start()
    # Kill after a random number of acknowledgements (the moment is random, not a sleep).
    target = random.randint(20, 150)
    deadline = time.time() + 60
    while len(acked) < target and time.time() < deadline and not stop.is_set():
        time.sleep(0.005)
    server.send_signal(signal.SIGKILL)
    server.wait()
    stop.set()
    for t in threads: t.join()
    with lock:
        got = list(acked)
    check(len(got) >= min(target, 20), f"round {n}: only {len(got)} acknowledgements before the kill")
    os.remove(os.path.join(data, "checkpoint.txt")) if os.path.exists(os.path.join(data, "checkpoint.txt")) else None
    # Restart: every acknowledged order must be open (or filled) after recovery.
    server, keys = start(data)
    key, secret = keys["alice"]
    status, open_orders = signed(key, secret, "GET", "/v1/orders/open?symbol=BTC-PERP")
    check(status == 200, f"round {n}: open orders status {status}")
    ids = {int(o["orderId"]) for o in open_orders} if isinstance(open_orders, list) else set()
    missing = [i for i in got if i not in ids]
    check(not missing, f"round {n}: {len(missing)} acknowledged orders lost after kill -9, e.g. {missing[:5]}")
    # Clean stop, then prove the directory: replay == recovered state, ledger sums to zero.
    server.send_signal(signal.SIGTERM)
    _, err = server.communicate(timeout=60)
    recovered = re.search(r"recovered.*", err)
    v = subprocess.run([HARBOUR, "verify", data], capture_output=True, text=True)
    check(v.returncode == 0, f"round {n}: harbour verify failed: {v.stderr[-300:]}")
    check("checkpoint at" in v.stderr and "verified" in v.stderr, f"round {n}: clean-stop checkpoint not verified by replay")
    check("ledgerSum: 0" in v.stderr, f"round {n}: ledger does not sum to zero")
    # The audit trail (REG-2) was caught up after the kill and equals a replay of the journal.
    a = subprocess.run([HARBOUR, "audit", "verify", "--journal", data], capture_output=True, text=True)
    last = re.search(r"lastSequence: (\d+)", v.stderr)
    check(a.returncode == 0 and "every record equals the replay" in a.stderr, f"round {n}: audit verify failed: {a.stderr[-300:]}")
    check(last is not None and f"lastSequence: {last.group(1)}" in a.stderr, f"round {n}: the audit trail does not reach the journal's end")
    print(f"round {n}: killed after {len(got)} acks, all present after recovery; verify: "
          + " ".join(l for l in v.stderr.splitlines() if l.startswith(("records", "stateHash"))), flush=True)
    if PG_URL and last is not None:
        check_postgres(data, n, int(last.group(1)))

def fingerprint(root):
    out = {}
    for d, _, files in os.walk(root):
        for f in files:
            with open(os.path.join(d, f), "rb") as fh:
                out[os.path.relpath(os.path.join(d, f), root)] = hashlib.sha256(fh.read()).hexdigest()
    return out

def newest_segment(data):
    j = os.path.join(data, "journal")
    segs = sorted(f for f in os.listdir(j) if f.startswith("journal-") and os.path.getsize(os.path.join(j, f)) > 0)
    return os.path.join(j, segs[-1])

def record_offsets(path):
    """Offsets of the records of a format-2 segment (docs/JOURNAL.md)."""
    b = open(path, "rb").read()
    off, recs = 32, []
    while off < len(b):
        if b[off:off + 4] == b"HRC1":
            off += 32
        else:
            recs.append(off)
            off += 28 + int.from_bytes(b[off + 4:off + 8], "little")
    return recs

def damage_rounds(data):
    import shutil
    # 1. One flipped bit in a record's length, in the middle of the newest segment.
    bad = data + "-damaged"
    shutil.copytree(data, bad)
    seg = newest_segment(bad)
    recs = record_offsets(seg)
    check(len(recs) > 10, f"damage: newest segment has only {len(recs)} records")
    with open(seg, "r+b") as fh:
        fh.seek(recs[len(recs) // 2] + 6)
        byte = fh.read(1)[0]
        fh.seek(recs[len(recs) // 2] + 6)
        fh.write(bytes([byte ^ 0x01]))
    before = fingerprint(bad)
    p = subprocess.run([HARBOUR, "serve", "--data", bad, "--port", str(PORT)], capture_output=True, text=True, timeout=60)
    name = os.path.basename(seg)
    check(p.returncode != 0, "damage: serve started on a damaged journal")
    check(name in p.stderr and "offset" in p.stderr and "sequence" in p.stderr, f"damage: serve's refusal does not name the place: {p.stderr[-300:]}")
    check(fingerprint(bad) == before, "damage: the refusal changed bytes on disk")
    v = subprocess.run([HARBOUR, "verify", bad], capture_output=True, text=True)
    check(v.returncode == 2 and name in v.stderr, f"damage: verify exit {v.returncode}: {v.stderr[-300:]}")
    v = subprocess.run([HARBOUR, "verify", "--repair-torn-tail", bad], capture_output=True, text=True)
    check(v.returncode == 2, "damage: --repair-torn-tail accepted damage")
    check(fingerprint(bad) == before, "damage: verify changed bytes on disk")
    print(f"damage: serve refused ({p.stderr.strip().splitlines()[-1][:160]}...), verify exit 2, no byte changed", flush=True)
    shutil.rmtree(bad)
    # 2. A genuine torn tail (half a record after the last commit marker): shown, then cut.
    torn = data + "-torn"
    shutil.copytree(data, torn)
    os.remove(os.path.join(torn, "checkpoint.txt"))
    seg = newest_segment(torn)
    size = os.path.getsize(seg)
    with open(seg, "ab") as fh:
        fh.write(b"HRJ1" + (200).to_bytes(4, "little") + b"\x07" * 30)
    v = subprocess.run([HARBOUR, "verify", torn], capture_output=True, text=True)
    check(v.returncode == 0 and "tornTail: 38 bytes" in v.stderr, f"torn: verify exit {v.returncode}: {v.stderr[-300:]}")
    check(os.path.getsize(seg) == size + 38, "torn: verify without --repair-torn-tail changed the segment")
    v = subprocess.run([HARBOUR, "verify", "--repair-torn-tail", torn], capture_output=True, text=True)
    check(v.returncode == 0 and "cut 38 bytes" in v.stderr, f"torn: repair exit {v.returncode}: {v.stderr[-300:]}")
    check(os.path.getsize(seg) == size, "torn: repair did not cut exactly the tail")
    server, _ = start(torn)
    server.send_signal(signal.SIGTERM)
    _, err = server.communicate(timeout=60)
    check("tornTailBytes=0" in err.replace('"', '') or "tornTailBytes: 0" in err, f"torn: serve after repair still cut a tail: {err[:300]}")
    print("torn tail: verify showed 38 bytes, --repair-torn-tail cut exactly them, serve started", flush=True)
    shutil.rmtree(torn)

def main():
    with tempfile.TemporaryDirectory(prefix="harbour-crash-") as data:
        for n in range(3):
            round_(data, n)
        if PG_URL:
            psql(f"DROP SCHEMA IF EXISTS {PG_SCHEMA} CASCADE")
        else:
            damage_rounds(data)
    if failures:
        print(f"0 passed, {len(failures)} failed")
        sys.exit(1)
    print("server crash test (PostgreSQL store): 3 crash rounds passed, projection and journal copy equal the journal"
          if PG_URL else "server crash test: 3 crash rounds and 2 damage rounds passed")

main()
