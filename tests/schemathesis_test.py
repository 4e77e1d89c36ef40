#!/usr/bin/env python3
"""Schemathesis test: docs/openapi.yaml against a real `harbour serve --demo`.

Property-based API testing with schemathesis (from PyPI): for every operation of
docs/openapi.yaml — public, signed /v1 (client and staff routes: operations, risk,
compliance, supervisor) and
Binance-signed /fapi — it generates requests that fit the schema (positive) and requests
that do not (negative), sends them to a real server on a free loopback port with a
temporary data directory, and checks each response with schemathesis' own checks:

  not_a_server_error           no 5xx, ever (a refusal is a 4xx naming what was wrong)
  status_code_conformance      the status code is documented for the operation
  response_schema_conformance  the body matches the documented schema

Signing: a requests auth hook signs every request exactly as sent (the prepared request's
path?query and body bytes) the way Sources/Gateway/RequestAuthenticator.swift checks it
(X-Harbour-Key / -Timestamp / -Signature = hex HMAC-SHA256(secret, ts + METHOD + target +
body), the same as scripts/hcurl), and /fapi requests Binance-style (timestamp and
signature parameters, X-MBX-APIKEY). Staff routes use unthrottled keys made by the demo
operations key (olivia) for the role each route is for (DECISIONS 32); client
routes use the demo `loadtest` key (not throttled); public routes are paced under the
per-IP limit so that they are tested rather than answered 429.

Bounded: HARBOUR_ST_EXAMPLES examples per operation and mode (default 40) and a wall-clock
budget of HARBOUR_ST_BUDGET seconds (default 240) for the whole run; it prints how many
requests it sent, by status class, and every failure with the request that caused it.
Exit status 1 on any failure, on a budget overrun that left operations untested, or when
the server died; 0 otherwise. Like tests/ccxt_test.py it makes (or reuses) a virtualenv
under .build/schemathesis-venv and re-runs itself inside it; when no package index can be
reached it prints SKIP and exits 0.

Usage: tests/schemathesis_test.py [path/to/harbour]
"""
import hashlib, hmac, json, os, re, socket, subprocess, sys, tempfile, time, urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VENV = os.path.join(ROOT, ".build", "schemathesis-venv")
SPEC_FILE = os.environ.get("HARBOUR_ST_SPEC", os.path.join(ROOT, "docs", "openapi.yaml"))  # override: to check the test can fail
SCHEMATHESIS_SPEC = "schemathesis>=4.32,<5"


def venv_python():
    py = os.path.join(VENV, "bin", "python")
    if os.path.exists(py):
        ok = subprocess.run([py, "-c", "import schemathesis"], capture_output=True).returncode == 0
        if ok:
            return py, None
    v = subprocess.run([sys.executable, "-m", "venv", "--clear", VENV], capture_output=True, text=True)
    if v.returncode != 0:
        return None, "cannot create a virtualenv: " + v.stderr.strip()[-200:]
    r = subprocess.run([py, "-m", "pip", "install", "-q", "--disable-pip-version-check", "--timeout", "20", "--retries", "2",
                        SCHEMATHESIS_SPEC], capture_output=True, text=True, timeout=900)
    if r.returncode != 0:
        return None, "cannot install schemathesis from a package index: " + r.stderr.strip()[-300:]
    return py, None


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def start(harbour, data, port, log):
    p = subprocess.Popen([harbour, "serve", "--demo", "--data", data, "--port", str(port)],
                         stdout=subprocess.PIPE, stderr=log, text=True)
    keys = {}
    while True:  # the banner is printed once the venue is ready
        line = p.stdout.readline()
        if not line:
            raise RuntimeError("harbour serve exited before printing its banner")
        # "  role  account-or-staff-name  key=... secret=..." (staff keys: the person's name)
        m = re.match(r"\s+(client|marketMaker|operations|risk|compliance|supervisor)\s+(\S+)\s+key=(\S+) secret=(\S+)", line)
        if m:
            keys[m.group(1) + ":" + m.group(2)] = (m.group(3), m.group(4))
        if "Signed:" in line:
            break
    deadline = time.monotonic() + 10
    while True:  # bounded: until the listener answers
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/v1/ready", timeout=1).read()
            break
        except Exception:
            if time.monotonic() > deadline:
                raise RuntimeError("harbour serve did not answer /v1/ready within 10 s")
            time.sleep(0.05)
    return p, keys


def outer():
    harbour = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, ".build", "debug", "harbour")
    py, why = venv_python()
    if py is None:
        print(f"SKIP: schemathesis test not run: {why}")
        return 0
    with tempfile.TemporaryDirectory(prefix="harbour-schemathesis-") as data:
        port = free_port()
        log_path = os.path.join(data, "server.log")
        with open(log_path, "w") as log:
            server, keys = start(harbour, os.path.join(data, "venue"), port, log)
            try:
                env = dict(os.environ, HARBOUR_URL=f"http://127.0.0.1:{port}", HARBOUR_KEYS=json.dumps(keys))
                r = subprocess.run([py, os.path.abspath(__file__), "--inner"], env=env, timeout=600)
                alive = server.poll() is None
            finally:
                server.terminate()
                server.wait(timeout=60)
        if not alive:
            print("FAIL: the server died during the run; its log:")
            print(open(log_path).read()[-4000:])
            return 1
        return r.returncode


# ---------------------------------------------------------------- inside the venv

class Clock:
    """Strictly increasing millisecond timestamps, so no two requests share a signature."""
    last = 0

    @classmethod
    def next(cls):
        cls.last = max(int(time.time() * 1000), cls.last + 1)
        return str(cls.last)


def body_bytes(r):
    if r.body is None:
        return b""
    return r.body if isinstance(r.body, bytes) else r.body.encode("utf-8")


def harbour_auth(key, secret):
    import requests

    class HarbourAuth(requests.auth.AuthBase):
        """X-Harbour-* headers over the request exactly as it goes on the wire."""
        def __call__(self, r):
            ts = Clock.next()
            payload = (ts + r.method.upper() + r.path_url).encode("utf-8") + body_bytes(r)
            r.headers["X-Harbour-Key"] = key
            r.headers["X-Harbour-Timestamp"] = ts
            r.headers["X-Harbour-Signature"] = hmac.new(secret.encode(), payload, hashlib.sha256).hexdigest()
            return r
    return HarbourAuth()


def binance_auth(key, secret):
    import requests
    from urllib.parse import urlsplit, urlunsplit

    class BinanceAuth(requests.auth.AuthBase):
        """Binance signing: timestamp appended to the query, signature over query + form body."""
        def __call__(self, r):
            u = urlsplit(r.url)
            query = (u.query + "&" if u.query else "") + "timestamp=" + Clock.next()
            sig = hmac.new(secret.encode(), query.encode("utf-8") + body_bytes(r), hashlib.sha256).hexdigest()
            r.url = urlunsplit((u.scheme, u.netloc, u.path, query + "&signature=" + sig, ""))
            r.headers["X-MBX-APIKEY"] = key
            return r
    return BinanceAuth()


def paced(per_second):
    import requests

    class Paced(requests.auth.AuthBase):
        """Keeps public requests under the per-IP rate limit (rate pacing, not synchronisation)."""
        next_at = 0.0

        def __call__(self, r):
            now = time.monotonic()
            if Paced.next_at > now:
                time.sleep(Paced.next_at - now)
            Paced.next_at = max(now, Paced.next_at) + 1.0 / per_second
            return r
    return Paced()


def seed(url, keys):
    """A little real activity so the history routes answer rows, not only empty lists; and
    staff keys of every staff role without the demo keys' 20 requests/s limit (made through
    the API by the demo operations key), so that the staff routes are tested rather than 429."""
    import requests
    admin = requests.Session()
    admin.auth = harbour_auth(*keys["operations:olivia"])
    for role, permissions in (("operations", ["read", "trade"]), ("risk", ["read", "trade"]),
                              ("compliance", ["read", "trade"]), ("supervisor", ["read"])):
        r = admin.post(url + "/v1/admin/api-keys", timeout=10,
                       json={"role": role, "staff": "st-" + role, "permissions": permissions,
                             "rateLimit": {"requests": 100000, "perSeconds": 1}})
        if r.status_code != 200:
            raise RuntimeError(f"cannot create an unthrottled {role} key: {r.status_code} {r.text}")
        keys[role + ":st"] = (r.json()["key"], r.json()["secret"])
    s = requests.Session()
    s.auth = harbour_auth(*keys["client:loadtest"])
    book = requests.get(url + "/v1/book/BTC-PERP?depth=1", timeout=10).json()
    for side in ("buy", "sell"):
        r = s.post(url + "/v1/orders", json={"symbol": "BTC-PERP", "side": side, "orderType": "market", "qty": "0.01"}, timeout=10)
        print(f"  seed market {side}: {r.status_code}", flush=True)
    if book.get("bids"):
        far = str(round(float(book["bids"][0][0]) * 0.98, 1))
        r = s.post(url + "/v1/orders", json={"symbol": "BTC-PERP", "side": "buy", "orderType": "limit", "price": far,
                                             "qty": "0.01", "clientOrderId": "st-seed-1"}, timeout=10)
        print(f"  seed resting limit: {r.status_code}", flush=True)


STEERED = [0]


def steer(case, binance):
    """Three positive cases in four name a real instrument (a random string is nearly always an
    unknown symbol, which would leave the order, position and history paths untested)."""
    STEERED[0] += 1
    if STEERED[0] % 4 == 0:
        return
    symbol = "BTCUSDT" if binance else "BTC-PERP"
    if isinstance(case.body, dict) and "symbol" in case.body:
        case.body["symbol"] = symbol
    if case.query and "symbol" in case.query:
        case.query["symbol"] = symbol
    if case.path_parameters and "symbol" in case.path_parameters:
        case.path_parameters["symbol"] = symbol


def inner():
    import requests
    import schemathesis
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis.errors import Unsatisfiable
    from schemathesis import GenerationMode
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

    url = os.environ["HARBOUR_URL"]
    keys = json.loads(os.environ["HARBOUR_KEYS"])
    examples = int(os.environ.get("HARBOUR_ST_EXAMPLES", "40"))
    budget = float(os.environ.get("HARBOUR_ST_BUDGET", "240"))
    started = time.monotonic()
    deadline = started + budget
    print(f"schemathesis {schemathesis.__version__} against {url}: {examples} examples per operation and mode, budget {budget:.0f} s",
          flush=True)
    seed(url, keys)

    sessions = {}

    def session(kind):
        if kind not in sessions:
            s = requests.Session()
            s.auth = {
                "public": lambda: paced(40),
                "client": lambda: harbour_auth(*keys["client:loadtest"]),
                "operations": lambda: harbour_auth(*keys["operations:st"]),
                "risk": lambda: harbour_auth(*keys["risk:st"]),
                "compliance": lambda: harbour_auth(*keys["compliance:st"]),
                "supervisor": lambda: harbour_auth(*keys["supervisor:st"]),
                "binance": lambda: binance_auth(*keys["client:loadtest"]),
            }[kind]()
            sessions[kind] = s
        return sessions[kind]

    def kind_of(op):
        security = op.definition.raw.get("security") or []
        names = {n for req in security for n in req}
        tags = set(op.definition.raw.get("tags") or [])
        if "binanceKey" in names:
            return "binance"
        if "harbourKey" in names:
            # The role each staff route is for (docs/OPERATOR.md's table).
            if "admin" in tags:
                return "risk" if "risk" in tags else "operations"
            if "compliance" in tags:
                return "compliance"
            if "risk" in tags and "private" not in tags:
                return "supervisor"
            return "client"
        return "public"

    checks = [not_a_server_error, status_code_conformance, response_schema_conformance]
    statuses = {}
    failures = []
    sent = [0]
    untested = []
    operations = [r.ok() for r in schema_operations(schemathesis)]
    for op in operations:
        label = f"{op.method.upper()} {op.path}"
        if op.path == "/v1/ws":
            continue  # a WebSocket upgrade, not a request/response operation
        kind = kind_of(op)
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            if time.monotonic() > deadline:
                untested.append(f"{label} ({mode.value})")
                continue
            try:
                strategy = op.as_strategy(generation_mode=mode)
            except Exception as e:  # schemathesis cannot build negative data for some operations
                print(f"  {label} {mode.value}: no strategy ({type(e).__name__})", flush=True)
                continue
            seen = []

            @settings(max_examples=examples, deadline=None, database=None, derandomize=True,
                      phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
            @given(case=strategy)
            def run(case):
                if time.monotonic() > deadline:
                    return
                if mode == GenerationMode.POSITIVE:
                    steer(case, op.path.startswith("/fapi"))
                try:
                    response = case.call(base_url=url, session=session(kind), timeout=10)
                except (requests.exceptions.InvalidHeader, requests.exceptions.InvalidURL, UnicodeError, ValueError):
                    return  # data requests itself refuses to send (negative mode)
                except requests.exceptions.RequestException as e:
                    failures.append((label, mode.value, f"no response: {type(e).__name__}: {e}", case))
                    return
                sent[0] += 1
                status_class = f"{response.status_code // 100}xx"
                statuses[status_class] = statuses.get(status_class, 0) + 1
                seen.append(response.status_code)
                try:
                    case.validate_response(response, checks=checks)
                except (Exception, BaseExceptionGroup) as e:  # schemathesis raises a FailureGroup
                    failures.append((label, mode.value, f"{response.status_code} {response.text[:300]!r}: {str(e)[:600]}", case))

            try:
                run()
            except Unsatisfiable:
                pass  # nothing to generate in this mode (e.g. negative data for an operation without inputs)
            except Exception as e:  # the generator itself failed: report it, do not hide the operation
                failures.append((label, mode.value, f"generation failed: {type(e).__name__}: {str(e)[:300]}", None))
            print(f"  {label} [{kind}] {mode.value}: {len(seen)} requests, statuses {sorted(set(seen))}", flush=True)

    took = time.monotonic() - started
    print(f"schemathesis test: {sent[0]} requests in {took:.0f} s, by status {dict(sorted(statuses.items()))}, "
          f"{len(failures)} failures, {len(untested)} operation-modes left untested by the budget", flush=True)
    shown = set()
    for label, mode, what, case in failures:
        key = (label, what[:80])
        if key in shown:
            continue
        shown.add(key)
        request = f"path={case.path_parameters} query={case.query} body={case.body!r}" if case is not None else "-"
        print(f"FAIL: {label} ({mode}): {what}\n      request: {request}"[:1500], flush=True)
    if untested:
        print("FAIL: budget exhausted before: " + ", ".join(untested[:20]), flush=True)
    return 1 if failures or untested else 0


def schema_operations(schemathesis):
    schema = schemathesis.openapi.from_path(SPEC_FILE)
    return list(schema.get_all_operations())


if __name__ == "__main__":
    if "--inner" in sys.argv:
        sys.exit(inner())
    sys.exit(outer())
