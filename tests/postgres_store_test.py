#!/usr/bin/env python3
"""PostgreSQL store test (OPS-4), against a real PostgreSQL server (scripts/test.sh starts one):

1. `harbour serve --demo --store postgres://...` runs the demo; alice and bob trade through
   the signed API. Every history answer (orders, trades, ledger, statement, liquidations,
   funding) is read from PostgreSQL.
2. The same data directory served from SQLite (a copy, read models rebuilt from the
   journal) gives byte-identical answers for the same window: the gateway cannot tell the
   stores apart.
3. Restore onto a "fresh machine": `harbour verify --postgres` finds the journal copy
   complete; the data directory is deleted; `harbour restore --from postgres://...` writes
   a new one whose state hash is the lost one's; `harbour serve` starts from it on the same
   PostgreSQL store and answers as before.
4. A copy changed in PostgreSQL (a payload byte, an audit hash, a missing row) is refused by
   restore and verify, naming the record.

Usage: tests/postgres_store_test.py path/to/harbour --postgres URL
"""
import hashlib, hmac, json, os, random, re, shutil, signal, subprocess, sys, tempfile, time, urllib.request, urllib.error

HARBOUR = sys.argv[1]
PG_URL = sys.argv[sys.argv.index("--postgres") + 1]
SCHEMA = f"store_{os.getpid()}_{random.randint(0, 99999)}"
failures = []

def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what, flush=True)

def store_url(schema=SCHEMA):
    return f"{PG_URL}{'&' if '?' in PG_URL else '?'}schema={schema}"

def psql(sql):
    r = subprocess.run(["psql", PG_URL.replace("postgres://", "postgresql://"), "-At", "-v", "ON_ERROR_STOP=1", "-c", sql],
                       capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"psql failed: {r.stderr}")
    return r.stdout.strip()

def free_port():
    import socket
    s = socket.socket(); s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]; s.close()
    return port

class Server:
    def __init__(self, data, store=None, demo=True):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        args = [HARBOUR, "serve", "--data", data, "--port", str(self.port)] + (["--demo"] if demo else [])
        args += ["--store", store] if store else []
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.keys = {}
        if demo:
            while True:
                line = self.proc.stdout.readline()
                if not line:
                    raise RuntimeError("server exited: " + self.proc.stderr.read())
                m = re.match(r"\s+(\w+)\s+(\S+)\s+key=(\S+) secret=(\S+)", line)
                if m:
                    self.keys[m.group(2)] = (m.group(3), m.group(4))
                if "Signed:" in line:
                    break
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                urllib.request.urlopen(self.url + "/v1/ready", timeout=1).read()
                return
            except Exception:
                if self.proc.poll() is not None:
                    raise RuntimeError("server exited: " + self.proc.stderr.read())
                time.sleep(0.05)
        raise RuntimeError("server not ready within 60 s")

    def call(self, who, method, path, body="", keys=None):
        key, secret = (keys or self.keys)[who]
        ts = str(int(time.time() * 1000))
        sig = hmac.new(secret.encode(), (ts + method + path + body).encode(), hashlib.sha256).hexdigest()
        req = urllib.request.Request(self.url + path, data=body.encode() if body else None, method=method,
                                     headers={"X-Harbour-Key": key, "X-Harbour-Timestamp": ts, "X-Harbour-Signature": sig,
                                              "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                return r.status, r.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode()

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        _, err = self.proc.communicate(timeout=90)
        return err

def order(server, who, side, qty, **extra):
    body = {"symbol": "BTC-PERP", "side": side, "orderType": "market", "qty": qty}
    body.update(extra)
    return server.call(who, "POST", "/v1/orders", json.dumps(body))

def answers(server, keys, to):
    """Every history route of alice and bob up to `to`: what must not depend on the store."""
    out = {}
    for who in ("alice", "bob"):
        for path in (f"/v1/orders/history?to={to}&limit=1000", f"/v1/trades/history?to={to}&limit=1000",
                     f"/v1/ledger?to={to}&limit=1000", f"/v1/statement?from=0&to={to}", f"/v1/liquidations?to={to}",
                     "/v1/trades/history?afterSequence=0&limit=5"):
            status, text = server.call(who, "GET", path, keys=keys)
            out[f"{who} {path}"] = (status, text)
    status, text = server.call("alice", "GET", "/v1/funding/BTC-PERP/history", keys=keys)
    out["funding"] = (status, text)
    # REG-3 reports of the Hong Kong day of `to`, by a compliance key: built from the same rows on
    # either store. A report covers whole days, so only what nothing after `to` changes: not the
    # marks, nor the demo market maker's cash (its quotes lock and release funds while it runs).
    day = time.strftime("%Y-%m-%d", time.gmtime(to / 1000 + 8 * 3600))
    for name in ("fees", "liquidations", "client-statement&account=alice", "client-statement&account=bob"):
        for query in (f"date={day}", f"from={day}&to={day}&format=csv"):
            report, _, extra = name.partition("&")
            status, text = server.call("maya", "GET", f"/v1/reports/{report}?{query}" + (f"&{extra}" if extra else ""), keys=keys)
            out[f"report {name} {query}"] = (status, text)
    return out

def verify(data):
    v = subprocess.run([HARBOUR, "verify", data], capture_output=True, text=True)
    h, last = re.search(r"^stateHash: (\S+)", v.stderr, re.M), re.search(r"^lastSequence: (\d+)", v.stderr, re.M)
    return v.returncode, (h.group(1) if h else None), (int(last.group(1)) if last else None), v.stderr

def main():
    tmp = tempfile.mkdtemp(prefix="harbour-pgstore-")
    try:
        data = os.path.join(tmp, "data")
        # 1. The demo on PostgreSQL, with trades of alice and bob.
        server = Server(data, store=store_url())
        keys = server.keys
        for k in range(6):
            s1, r1 = order(server, "alice", "buy" if k % 2 else "sell", "0.01", clientOrderId=f"a-{k}")
            s2, r2 = order(server, "bob", "sell" if k % 2 else "buy", "0.02", clientOrderId=f"b-{k}")
            check(s1 == 200 and s2 == 200, f"orders refused: {s1} {r1[:200]} {s2} {r2[:200]}")
        s, r = server.call("alice", "POST", "/v1/orders", json.dumps(
            {"symbol": "BTC-PERP", "side": "buy", "orderType": "limit", "price": "57100", "qty": "0.001", "clientOrderId": "resting"}))
        check(s == 200, f"resting order refused: {s} {r[:200]}")
        # The history answers once PostgreSQL has projected the last order (polled, bounded).
        deadline = time.time() + 30
        while time.time() < deadline:
            s, text = server.call("alice", "GET", "/v1/orders/history?limit=1000")
            if s == 200 and "resting" in text:
                break
            time.sleep(0.05)
        check("resting" in text, "the PostgreSQL read models never showed alice's last order")
        to = int(time.time() * 1000)
        time.sleep(0.01)  # the window ends strictly before anything that follows
        on_postgres = answers(server, keys, to)
        check(all(s == 200 for s, _ in on_postgres.values()), f"a history route failed on PostgreSQL: "
              f"{[(k, v) for k, v in on_postgres.items() if v[0] != 200][:3]}")
        check(any('"liquidity"' in t for _, t in on_postgres.values()), "no trades in the history (the test traded nothing)")
        fees = json.loads(next(t for k, (_, t) in on_postgres.items() if k.startswith("report fees date=")))
        check([r for r in fees["rows"] if r["account"] == "alice" and int(r["trades"]) >= 6],
              f"the fees report on PostgreSQL does not show alice's six trades: {fees}")
        metrics = urllib.request.urlopen(server.url + "/metrics", timeout=5).read().decode()
        check("harbour_pg_journal_copy_lag_records" in metrics and "harbour_readmodel_lag_records" in metrics,
              "the store lag gauges are not in /metrics")
        server.stop()
        code, state_hash, last, err = verify(data)
        check(code == 0 and state_hash, f"verify after a clean stop failed: {err[-300:]}")
        print(f"demo on PostgreSQL: {len(on_postgres)} history answers, journal at {last}, stateHash {state_hash[:16]}...", flush=True)

        # 2. The same directory on SQLite answers identically.
        copy = os.path.join(tmp, "sqlite-copy")
        shutil.copytree(data, copy)
        server = Server(copy, demo=False)
        on_sqlite = answers(server, keys, to)
        server.stop()
        differing = [k for k in on_postgres if on_postgres[k] != on_sqlite[k]]
        check(not differing, f"PostgreSQL and SQLite answer differently: {differing[:3]} e.g. "
              + (f"{on_postgres[differing[0]][1][:300]} vs {on_sqlite[differing[0]][1][:300]}" if differing else ""))
        print(f"SQLite answers the same {len(on_sqlite)} history requests byte for byte", flush=True)

        # 3. Restore onto a fresh machine from the PostgreSQL journal copy.
        v = subprocess.run([HARBOUR, "verify", data, "--postgres", store_url()], capture_output=True, text=True)
        check(v.returncode == 0 and "lag: 0 records" in v.stderr and f"postgresCopy stateHash: {state_hash}" in v.stderr,
              f"verify --postgres: {v.stderr[-400:]}")
        secrets = os.path.join(tmp, "secrets")   # what the operator backs up apart from the journal
        os.makedirs(secrets)
        for f in ("apikeys.json", "master.key"):
            shutil.copy(os.path.join(data, f), secrets)
        shutil.rmtree(data)
        fresh = os.path.join(tmp, "fresh")
        r = subprocess.run([HARBOUR, "restore", fresh, "--from", store_url()], capture_output=True, text=True)
        check(r.returncode == 0 and f"stateHash: {state_hash}" in r.stderr and f"lastSequence: {last}" in r.stderr,
              f"restore: {r.returncode} {r.stderr[-400:]}")
        code, restored_hash, restored_last, err = verify(fresh)
        check(code == 0 and restored_hash == state_hash and restored_last == last,
              f"the restored directory verifies to {restored_hash} at {restored_last}, not {state_hash} at {last}")
        for f in ("apikeys.json", "master.key"):
            shutil.copy(os.path.join(secrets, f), fresh)
        server = Server(fresh, store=store_url(), demo=False)
        after_restore = answers(server, keys, to)
        err = server.stop()
        check(f"stateHash={state_hash}" in err.replace('"', '') or state_hash in err, "the restored venue did not recover the lost state hash")
        differing = [k for k in on_postgres if on_postgres[k] != after_restore[k]]
        check(not differing, f"the restored venue answers differently: {differing[:3]}")
        print(f"restored from PostgreSQL: {last} records, stateHash equal, the venue serves the same history", flush=True)

        # 4. A changed copy is refused, naming the record.
        n = max(2, last // 2)
        for what, change, expect in [
            ("payload", f"UPDATE {SCHEMA}.journal_records SET payload = payload || '\\x00'::bytea WHERE seq = {n}", f"record {n} fails its CRC"),
            ("audit hash", f"UPDATE {SCHEMA}.journal_records SET audit_hash = repeat('0', 64) WHERE seq = {n}", f"record {n} has audit hash"),
            ("missing row", f"DELETE FROM {SCHEMA}.journal_records WHERE seq = {n}", f"record {n + 1} where {n} was expected"),
        ]:
            psql(f"DROP TABLE IF EXISTS {SCHEMA}.saved; CREATE TABLE {SCHEMA}.saved AS TABLE {SCHEMA}.journal_records")
            psql(change)
            target = os.path.join(tmp, f"tampered-{what.replace(' ', '-')}")
            r = subprocess.run([HARBOUR, "restore", target, "--from", store_url()], capture_output=True, text=True)
            check(r.returncode == 2 and expect in r.stderr, f"restore of a copy with a changed {what}: {r.returncode} {r.stderr[-300:]}")
            v = subprocess.run([HARBOUR, "verify", "--postgres", store_url()], capture_output=True, text=True)
            check(v.returncode == 2 and expect in v.stderr, f"verify of a copy with a changed {what}: {v.returncode} {v.stderr[-300:]}")
            psql(f"TRUNCATE {SCHEMA}.journal_records; INSERT INTO {SCHEMA}.journal_records SELECT * FROM {SCHEMA}.saved")
            print(f"a copy with a changed {what} is refused: {expect}", flush=True)
    finally:
        try:
            psql(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")
        except Exception as e:
            print("cleanup:", e)
        shutil.rmtree(tmp, ignore_errors=True)
    if failures:
        print(f"postgres store test: {len(failures)} failed")
        sys.exit(1)
    print("postgres store test passed: demo on PostgreSQL, same answers as SQLite, restore to the same state hash, tampering refused")

main()
