#!/usr/bin/env python3
"""Live risk-limit changes (PERP-1, REG-4, issue 14 items 4 and 5) against a real `harbour serve --demo`.

rita (risk) proposes BTC-PERP max leverage 50 -> 40 with a tighter first tier; she cannot approve
it herself, maya (compliance) may not decide a risk request, raj (risk) approves. From then on:
/v1/instruments, the risk-limit history, /fapi exchangeInfo and leverageBracket show version 1;
the contract's disclosure is regenerated and republished as the next version, so a client who
has not acknowledged it is refused DISCLOSURE_NOT_ACKNOWLEDGED for a risk-increasing order until
it does (the demo market maker acknowledges at once and keeps quoting); leverage above 40 is refused. Unsound figures are refused with
INVALID_RISK_LIMITS and change nothing. After a restart the limits are still version 1 and the
disclosure does not move again (it is generated from the recovered engine, not the file).
"""
import hashlib, hmac, json, os, random, re, signal, subprocess, sys, tempfile, time, urllib.error, urllib.request

HARBOUR = sys.argv[1] if len(sys.argv) > 1 else ".build/debug/harbour"
failures = []


def check(cond, what):
    print(("ok:   " if cond else "FAIL: ") + what, flush=True)
    if not cond:
        failures.append(what)


def start(data, port):
    p = subprocess.Popen([HARBOUR, "serve", "--demo", "--data", data, "--port", str(port)],
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    keys = {}
    while True:  # the banner is printed once the venue is ready
        line = p.stdout.readline()
        if not line:
            raise RuntimeError("harbour serve exited before printing its banner")
        m = re.match(r"\s+(client|marketMaker|operations|risk|compliance|supervisor)\s+(\S+)\s+key=(\S+) secret=(\S+)", line)
        if m:
            keys[m.group(2)] = (m.group(3), m.group(4))
        if "Signed:" in line:
            break
    deadline = time.monotonic() + 10
    while True:  # bounded: until the listener answers
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/v1/ready", timeout=1).read()
            return p, keys
        except Exception:
            if time.monotonic() > deadline:
                raise RuntimeError("harbour serve did not answer /v1/ready within 10 s")
            time.sleep(0.05)


class Venue:
    def __init__(self, port, keys):
        self.url, self.keys = f"http://127.0.0.1:{port}", keys

    def call(self, who, method, target, body=None):
        raw = json.dumps(body).encode() if body is not None else b""
        headers = {"Content-Type": "application/json"}
        if who is not None:
            key, secret = self.keys[who]
            ts, nonce = str(int(time.time() * 1000)), os.urandom(8).hex()
            sig = hmac.new(secret.encode(), (nonce + ":" + ts + method + target).encode() + raw, hashlib.sha256).hexdigest()
            headers.update({"X-Harbour-Key": key, "X-Harbour-Timestamp": ts, "X-Harbour-Nonce": nonce, "X-Harbour-Signature": sig})
        req = urllib.request.Request(self.url + target, data=raw if body is not None else None, method=method, headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                return r.status, json.loads(r.read() or b"null")
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read() or b"null")

    def btc(self):
        _, instruments = self.call(None, "GET", "/v1/instruments")
        return next(i for i in instruments if i["symbol"] == "BTC-PERP")

    def disclosure_version(self):
        _, d = self.call(None, "GET", "/v1/disclosures/BTC-PERP")
        return d["version"]


def until(what, f, timeout=15):
    """Polls f until it returns something truthy (a condition with a deadline, not a sleep-as-sync)."""
    deadline = time.monotonic() + timeout
    while True:
        v = f()
        if v:
            return v
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


def order(v, who):
    """A small resting buy 1% under the mark (inside the price band), on the 0.1 tick."""
    _, mark = v.call(None, "GET", "/v1/mark/BTC-PERP")
    price = int(float(mark["markPrice"]) * 0.99)
    body = {"symbol": "BTC-PERP", "side": "buy", "orderType": "limit", "timeInForce": "GTC", "price": str(price), "qty": "0.001"}
    status, out = v.call(who, "POST", "/v1/orders", body)
    if status != 200:
        print("   order refused:", status, out)
    return status, out


def first_phase(v):
    btc = v.btc()
    check(btc["maxLeverage"] == "50" and btc["riskLimitVersion"] == 0, f"BTC-PERP starts at 50x, version 0: {btc['maxLeverage']} v{btc['riskLimitVersion']}")
    before = v.disclosure_version()
    status, _ = order(v, "alice")
    check(status == 200, f"alice trades before the change ({status})")

    # Unsound figures: refused with the figure named, nothing changes.
    status, err = v.call("rita", "POST", "/v1/risk/instruments/BTC-PERP/limit-requests",
                         {"requestId": "bad-tiers", "tiers": "250000:0.005:50;50000:0.004:50", "reason": "typo"})
    check(status == 422 and err["code"] == "INVALID_RISK_LIMITS" and "notional caps must ascend" in err["message"],
          f"descending tier caps refused INVALID_RISK_LIMITS: {status} {err}")
    status, err = v.call("alice", "POST", "/v1/risk/instruments/BTC-PERP/limit-requests",
                         {"requestId": "client-try", "maxLeverage": 100, "reason": "more"})
    check(status == 403, f"a client key cannot propose risk limits ({status} {err})")

    status, out = v.call("rita", "POST", "/v1/risk/instruments/BTC-PERP/limit-requests",
                         {"requestId": "btc-40x", "maxLeverage": 40, "tiers": "50000:0.005:40;250000:0.006:40;3000000:0.01:40;15000000:0.025:20;30000000:0.05:10;80000000:0.1:5",
                          "reason": "risk committee: lower leverage"})
    findings = next((e.get("findings", []) for e in (out or {}).get("events", []) if e.get("type") == "requestProposed"), [])
    check(status == 200 and "maxLeverage 50x → 40x" in findings, f"rita proposes 40x; findings name the change: {status} {findings}")
    check(v.btc()["maxLeverage"] == "50", "nothing changes before approval")
    status, err = v.call("rita", "POST", "/v1/compliance/requests/btc-40x/approve")
    check(status in (403, 409, 422) and err["code"] == "SAME_MAKER_AND_CHECKER", f"the maker cannot approve: {status} {err}")
    status, err = v.call("maya", "POST", "/v1/compliance/requests/btc-40x/approve")
    check(status == 403, f"compliance does not decide a risk-limit request: {status} {err}")
    status, out = v.call("raj", "POST", "/v1/compliance/requests/btc-40x/approve")
    set_event = next((e for e in (out or {}).get("events", []) if e.get("type") == "riskParametersSet"), None)
    check(status == 200 and set_event is not None and set_event["version"] == 1 and set_event["maxLeverage"] == 40,
          f"raj approves: riskParametersSet version 1: {status} {set_event}")

    btc = v.btc()
    check(btc["maxLeverage"] == "40" and btc["riskLimitVersion"] == 1 and btc["riskTiers"][0]["maintenanceRate"] == "0.005",
          f"/v1/instruments shows version 1: {btc['maxLeverage']} v{btc['riskLimitVersion']} {btc['riskTiers'][0]}")
    _, limits = v.call(None, "GET", "/v1/instruments/BTC-PERP/risk-limits")
    check(limits["version"] == 1 and [h["version"] for h in limits["history"]] == [0, 1] and limits["history"][0]["maxLeverage"] == 50,
          f"the history keeps version 0 (the configuration's) and 1: {limits['history'][:1]}")
    _, info = v.call(None, "GET", "/fapi/v1/exchangeInfo")
    sym = next(s for s in info["symbols"] if s["symbol"] == "BTCUSDT")
    check(float(sym["requiredMarginPercent"]) == 2.5, f"exchangeInfo follows the new maximum: {sym.get('requiredMarginPercent')}")

    # The disclosure is regenerated and republished as the next version.
    after = until("the disclosure republished", lambda: (lambda x: x if x > before else None)(v.disclosure_version()))
    check(after == before + 1, f"disclosure version {before} -> {after}")
    _, diff = v.call(None, "GET", f"/v1/disclosures/BTC-PERP/diff?from={before}&to={after}")
    check(any("40x" in line for line in diff.get("changes", diff.get("lines", []))) if isinstance(diff, dict) else False,
          f"the diff names the new maximum: {str(diff)[:300]}")
    # alice acknowledged the old version only: risk-increasing orders are refused until she
    # acknowledges the new one (the demo market maker acknowledges at once and keeps quoting).
    status, elig = v.call("alice", "GET", "/v1/account/eligibility")
    row = next(p for p in elig["products"] if p["symbol"] == "BTC-PERP")
    check(row["disclosureVersion"] == after and not row["eligible"] and row.get("code") == "DISCLOSURE_NOT_ACKNOWLEDGED",
          f"alice's eligibility names the unacknowledged version {after}: {row}")
    status, err = order(v, "alice")
    check(status == 403 and err["code"] == "DISCLOSURE_NOT_ACKNOWLEDGED", f"alice's buy refused until she acknowledges: {status} {err}")
    status, _ = v.call("alice", "POST", "/v1/disclosures/BTC-PERP/acknowledge", {"version": after})
    check(status == 200, f"alice acknowledges version {after} ({status})")
    status, _ = order(v, "alice")
    check(status == 200, f"then her buy is accepted ({status})")
    mm = until("the demo market maker acknowledges", lambda: (lambda r: r if r["eligible"] else None)(next(
        p for p in v.call("maya", "GET", "/v1/compliance/clients/demo-mm")[1]["products"] if p["symbol"] == "BTC-PERP")))
    check(mm["acknowledgedVersion"] == after, f"the demo market maker is on version {after}: {mm}")
    status, err = v.call("alice", "POST", "/v1/leverage", {"symbol": "BTC-PERP", "leverage": 45})
    check(status == 422 and err["code"] == "LEVERAGE_OUT_OF_RANGE" and "between 1 and 40" in err["message"], f"45x refused: {status} {err}")
    return after


def main():
    work = tempfile.mkdtemp(prefix="harbour-risk-limits-")
    data = os.path.join(work, "data")
    port = 20000 + random.randint(0, 999)
    server, keys = start(data, port)
    try:
        v = Venue(port, keys)
        version = first_phase(v)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
    server, keys = start(data, port)
    try:
        v = Venue(port, keys)
        btc = v.btc()
        check(btc["maxLeverage"] == "40" and btc["riskLimitVersion"] == 1, f"after a restart the limits are still version 1: {btc['maxLeverage']} v{btc['riskLimitVersion']}")
        check(v.disclosure_version() == version, f"after a restart the disclosure stays at version {version} (built from the recovered engine)")
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
    if failures:
        print(f"{len(failures)} check(s) failed")
        return 1
    print("risk limits test passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
