#!/usr/bin/env python3
"""Journal copy catch-up test (issue 18, OPS-4), against a real PostgreSQL server
(scripts/test.sh starts one):

1. `harbour serve --demo --store postgres://...` with `--journal-copy-backlog 300`: the copier
   holds at most 300 records for PostgreSQL and the venue buffers 600 outcomes for it (the
   production bounds are 50,000 and 100,000; the behaviour is the same, only smaller).
2. A psql session locks `journal_records` (ACCESS EXCLUSIVE) and holds the lock: every write
   of the copier waits. Signed orders keep being acknowledged meanwhile (the copy is not on
   the order path) until the copy is more than 2,000 records behind — past the copier's
   backlog and the venue's buffer, so the venue drops outcomes for it.
3. The lock is released while orders still arrive. The copier must notice the gap, read the
   missing records from the local journal and follow the venue again without a restart: the
   log says "fell behind the venue at" and "caught up from the local journal", the lag gauge
   in /metrics returns to 0, and `harbour_pg_journal_copy_stopped` stays 0.
4. The copy is whole: count(*) = max(seq) = the journal's last sequence (no gap, no
   duplicate), and after a clean stop `harbour verify DATA --postgres URL` finds it equal to
   the local journal record for record with every audit hash (exit 0, lag 0).

Usage: tests/postgres_catchup_test.py path/to/harbour --postgres URL
"""
import hashlib, hmac, json, os, random, re, shutil, signal, socket, subprocess, sys, tempfile, threading, time
import urllib.request, urllib.error

HARBOUR = sys.argv[1]
PG_URL = sys.argv[sys.argv.index("--postgres") + 1]
SCHEMA = f"catchup_{os.getpid()}_{random.randint(0, 99999)}"
BACKLOG = 300
BEHIND = 2_000  # > backlog (300) + the venue's buffer (600) + a batch: outcomes were dropped
failures = []

def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what, flush=True)

def store_url():
    return f"{PG_URL}{'&' if '?' in PG_URL else '?'}schema={SCHEMA}"

def pg_cli_url():
    return PG_URL.replace("postgres://", "postgresql://")

def psql(sql):
    r = subprocess.run(["psql", pg_cli_url(), "-At", "-v", "ON_ERROR_STOP=1", "-c", sql], capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"psql failed: {r.stderr}")
    return r.stdout.strip()

def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]; s.close()
    return port

def poll(what, condition, timeout):
    """Polls `condition` until it returns a true value (returned) or `timeout` seconds pass (None)."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        v = condition()
        if v:
            return v
        time.sleep(0.05)
    print(f"timed out after {timeout} s waiting for {what}", flush=True)
    return None

class Venue:
    def __init__(self, data, tmp):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.out_path, self.err_path = os.path.join(tmp, "serve.out"), os.path.join(tmp, "serve.err")
        self.out, self.err = open(self.out_path, "w"), open(self.err_path, "w")
        self.proc = subprocess.Popen([HARBOUR, "serve", "--demo", "--data", data, "--port", str(self.port), "--store", store_url(),
                                      "--journal-copy-backlog", str(BACKLOG)], stdout=self.out, stderr=self.err, text=True)
        banner = poll("the demo banner", lambda: self.proc.poll() is not None or "Signed:" in open(self.out_path).read(), 120)
        if self.proc.poll() is not None or not banner:
            raise RuntimeError("server did not start: " + open(self.err_path).read()[-2000:])
        self.keys = {m.group(1): (m.group(2), m.group(3))
                     for m in re.finditer(r"^\s+client\s+(\S+)\s+key=(\S+) secret=(\S+)", open(self.out_path).read(), re.M)}
        if not poll("/v1/ready", self.ready, 60):
            raise RuntimeError("server not ready: " + self.log()[-2000:])

    def ready(self):
        try:
            urllib.request.urlopen(self.url + "/v1/ready", timeout=1).read()
            return True
        except Exception:
            return False

    def log(self):
        return open(self.err_path).read()

    def metric(self, name):
        text = urllib.request.urlopen(self.url + "/metrics", timeout=5).read().decode()
        m = re.search(rf"^{name}(?:{{[^}}]*}})? (\S+)$", text, re.M)
        return float(m.group(1)) if m else None

    def order(self, who, k):
        key, secret = self.keys[who]
        # An IOC buy far below the market: acknowledged, expires at once, nothing accumulates.
        body = json.dumps({"symbol": "BTC-PERP", "side": "buy", "orderType": "limit", "price": "58000", "qty": "0.001",
                           "timeInForce": "IOC", "clientOrderId": f"c-{who}-{k}"})
        ts = str(int(time.time() * 1000))
        sig = hmac.new(secret.encode(), (ts + "POST" + "/v1/orders" + body).encode(), hashlib.sha256).hexdigest()
        req = urllib.request.Request(self.url + "/v1/orders", data=body.encode(), method="POST",
                                     headers={"X-Harbour-Key": key, "X-Harbour-Timestamp": ts, "X-Harbour-Signature": sig,
                                              "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                return r.status
        except urllib.error.HTTPError as e:
            return e.code

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=120)

class Load:
    """Signed orders from a few threads until stopped; counts acknowledgements."""
    def __init__(self, venue, threads=4):
        self.venue, self.stopping, self.lock = venue, threading.Event(), threading.Lock()
        self.acked, self.refused = 0, []
        self.threads = [threading.Thread(target=self.run, args=(w,)) for w in range(threads)]
        for t in self.threads: t.start()

    def run(self, w):
        who, k = ("alice", "bob")[w % 2], 0
        while not self.stopping.is_set():
            k += 1
            status = self.venue.order(who, f"{w}-{k}")
            with self.lock:
                if status == 200: self.acked += 1
                elif status != 429: self.refused.append(status)
            if status == 429:
                time.sleep(0.05)  # the key's rate limit: back off (not synchronisation)

    def count(self):
        with self.lock: return self.acked

    def stop(self):
        self.stopping.set()
        for t in self.threads: t.join()

def main():
    tmp = tempfile.mkdtemp(prefix="harbour-pgcatchup-")
    locker = None
    try:
        data = os.path.join(tmp, "data")
        venue = Venue(data, tmp)
        check(poll("the copy to follow the venue", lambda: venue.metric("harbour_pg_journal_copy_lag_records") == 0, 30),
              "the journal copy never caught up at start")

        # 2. Lock the copy's table in a session that stays open; wait until the lock is held.
        locker = subprocess.Popen(["psql", pg_cli_url(), "-At", "-v", "ON_ERROR_STOP=1"], stdin=subprocess.PIPE,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        locker.stdin.write(f"BEGIN; LOCK TABLE {SCHEMA}.journal_records IN ACCESS EXCLUSIVE MODE;\n")
        locker.stdin.flush()
        held = poll("the lock on journal_records", lambda: psql(
            "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
            f"WHERE c.relname = 'journal_records' AND c.relnamespace = '{SCHEMA}'::regnamespace "
            "AND l.mode = 'AccessExclusiveLock' AND l.granted") == "1", 30)
        check(held, "the psql session never held the lock")
        load = Load(venue)
        # The gauges refresh every second: read the copied sequence once the lag shows the lock.
        check(poll(f"the copy to be {BACKLOG} records behind",
                   lambda: (venue.metric("harbour_pg_journal_copy_lag_records") or 0) > BACKLOG, 300), "the copy never fell behind")
        copied_before = venue.metric("harbour_pg_journal_copied_sequence")
        behind = poll(f"the copy to be {BEHIND} records behind",
                      lambda: (venue.metric("harbour_pg_journal_copy_lag_records") or 0) > BEHIND, 300)
        check(behind, f"the copy never fell {BEHIND} behind while PostgreSQL was locked")
        acked_locked = load.count()
        # More orders acknowledged than the copier may hold: the order path did not wait for PostgreSQL.
        check(acked_locked > BACKLOG, f"only {acked_locked} orders acknowledged while the copy was locked")
        check(venue.metric("harbour_pg_journal_copied_sequence") == copied_before, "records were copied through the lock")
        lag_locked = venue.metric("harbour_pg_journal_copy_lag_records")
        print(f"locked: {acked_locked} orders acknowledged, copy {int(lag_locked)} records behind "
              f"(backlog bound {BACKLOG}, venue buffer {2 * BACKLOG})", flush=True)

        # 3. Release while orders still arrive; then stop the load and wait for lag 0.
        locker.stdin.write("COMMIT;\n")
        locker.stdin.close()
        locker.wait(timeout=30)
        locker = None
        caught = poll("the catch-up log line", lambda: "caught up from the local journal" in venue.log(), 120)
        load.stop()
        check(caught, "the copier never caught up from the local journal")
        check(not load.refused, f"orders refused during the test: {load.refused[:5]}")
        check("fell behind the venue at" in venue.log(), "the copier never logged falling behind")
        zero = poll("lag 0 in /metrics", lambda: venue.metric("harbour_pg_journal_copy_lag_records") == 0, 120)
        check(zero, f"the lag gauge did not return to 0: {venue.metric('harbour_pg_journal_copy_lag_records')}")
        check(venue.metric("harbour_pg_journal_copy_stopped") == 0, "the copier stopped")
        catch_ups = len(re.findall("caught up from the local journal", venue.log()))
        print(f"released: caught up from the local journal {catch_ups} time(s), lag 0, "
              f"{load.count()} orders acknowledged in all", flush=True)

        # 4. Whole, no gap, no duplicate; verify after a clean stop.
        venue.stop()
        last = re.search(r"lastSequence: (\d+)", subprocess.run([HARBOUR, "verify", data], capture_output=True, text=True).stderr)
        last = int(last.group(1)) if last else -1
        copied = psql(f"SELECT count(*) || ' ' || count(DISTINCT seq) || ' ' || COALESCE(max(seq), 0) FROM {SCHEMA}.journal_records")
        check(copied == f"{last} {last} {last}", f"journal copy (count, distinct, max) = {copied}, journal at {last}")
        v = subprocess.run([HARBOUR, "verify", data, "--postgres", store_url()], capture_output=True, text=True)
        check(v.returncode == 0 and "matches the local journal record for record; lag: 0" in v.stderr,
              f"verify --postgres: {v.returncode} {v.stderr[-500:]}")
        print(f"copy whole: {last} records, verify --postgres passes", flush=True)
    finally:
        if locker is not None:
            locker.kill()
        try:
            psql(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")
        except Exception as e:
            print("could not drop the test schema:", e)
        shutil.rmtree(tmp, ignore_errors=True)
    if failures:
        print(f"{len(failures)} failure(s)")
        sys.exit(1)
    print("postgres catch-up test passed")

if __name__ == "__main__":
    main()
