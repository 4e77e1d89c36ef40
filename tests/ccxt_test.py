#!/usr/bin/env python3
"""ccxt compatibility test: unmodified Python ccxt (`ccxt.binanceusdm`, from PyPI) trades on a
real `harbour serve --demo` through the Binance-compatible /fapi routes, with only its URLs
and a few options changed (the constructor documented in README.md, "Using ccxt").

It starts the server on a free loopback port with a temporary data directory, makes (or
reuses) a virtualenv with ccxt under .build/ccxt-venv, and re-runs itself inside it. When no
package index can be reached it prints SKIP and exits 0.

Usage: tests/ccxt_test.py [path/to/harbour]
"""
import json, os, re, socket, subprocess, sys, tempfile, time, urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VENV = os.path.join(ROOT, ".build", "ccxt-venv")
CCXT_SPEC = "ccxt>=4.5,<5"


def venv_python():
    py = os.path.join(VENV, "bin", "python")
    if os.path.exists(py):
        ok = subprocess.run([py, "-c", "import ccxt"], capture_output=True).returncode == 0
        if ok:
            return py, None
    v = subprocess.run([sys.executable, "-m", "venv", "--clear", VENV], capture_output=True, text=True)
    if v.returncode != 0:
        return None, "cannot create a virtualenv: " + v.stderr.strip()[-200:]
    r = subprocess.run([py, "-m", "pip", "install", "-q", "--disable-pip-version-check", "--timeout", "20", "--retries", "2", CCXT_SPEC],
                       capture_output=True, text=True, timeout=600)
    if r.returncode != 0:
        return None, "cannot install ccxt from a package index: " + r.stderr.strip()[-300:]
    return py, None


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def start(harbour, data, port):
    p = subprocess.Popen([harbour, "serve", "--demo", "--data", data, "--port", str(port)],
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    keys = {}
    while True:  # the banner is printed once the venue is ready
        line = p.stdout.readline()
        if not line:
            raise RuntimeError("harbour serve exited before printing its banner")
        m = re.match(r"\s+client\s+(\S+)\s+key=(\S+) secret=(\S+)", line)
        if m:
            keys[m.group(1)] = (m.group(2), m.group(3))
        if "Signed:" in line:
            break
    for _ in range(200):  # bounded: until the listener answers
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/v1/ready", timeout=1).read()
            break
        except Exception:
            time.sleep(0.05)
    return p, keys


def outer():
    harbour = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, ".build", "debug", "harbour")
    py, why = venv_python()
    if py is None:
        print(f"SKIP: ccxt test not run: {why}")
        return 0
    with tempfile.TemporaryDirectory(prefix="harbour-ccxt-") as data:
        state = os.path.join(data, "ccxt-state.json")
        # Phase 1 trades; phase 2 runs after a restart, when what happened before comes
        # from the recovered engine and the read model rather than from memory.
        for phase in ("--inner", "--after-restart"):
            port = free_port()
            server, keys = start(harbour, data, port)
            try:
                key, secret = keys["alice"]
                retail_key, retail_secret = keys["carol"]
                env = dict(os.environ, HARBOUR_URL=f"http://127.0.0.1:{port}", HARBOUR_KEY=key, HARBOUR_SECRET=secret,
                           HARBOUR_STATE=state, HARBOUR_RETAIL_KEY=retail_key, HARBOUR_RETAIL_SECRET=retail_secret)
                r = subprocess.run([py, os.path.abspath(__file__), phase], env=env, timeout=300)
                if r.returncode != 0:
                    return r.returncode
            finally:
                server.terminate()
                server.wait(timeout=60)
        return 0


# ---------------------------------------------------------------- inside the venv

def exchange(url, key, secret):
    import ccxt
    # The constructor a user needs (README.md, "Using ccxt").
    return ccxt.binanceusdm({
        "apiKey": key,
        "secret": secret,
        "urls": {"api": {
            "fapiPublic": url + "/fapi/v1", "fapiPublicV2": url + "/fapi/v2", "fapiPublicV3": url + "/fapi/v3",
            "fapiPrivate": url + "/fapi/v1", "fapiPrivateV2": url + "/fapi/v2", "fapiPrivateV3": url + "/fapi/v3",
        }},
        "options": {"fetchMarkets": {"types": ["linear"]}, "fetchCurrencies": False},
    })


def inner():
    import ccxt
    url, key, secret = os.environ["HARBOUR_URL"], os.environ["HARBOUR_KEY"], os.environ["HARBOUR_SECRET"]
    ex = exchange(url, key, secret)
    sym = "BTC/USDT:USDT"
    passed, failed = [0], []

    def check(cond, what):
        if cond:
            passed[0] += 1
        else:
            failed.append(what)
            print("FAIL:", what, flush=True)

    def raises(cls, what, fn):
        try:
            fn()
        except cls as e:
            passed[0] += 1
            print(f"  {what}: {type(e).__name__}: {str(e)[:140]}", flush=True)
            return
        except Exception as e:
            failed.append(f"{what}: expected {cls.__name__}, got {type(e).__name__}: {e}")
            print("FAIL:", failed[-1], flush=True)
            return
        failed.append(f"{what}: expected {cls.__name__}, nothing raised")
        print("FAIL:", failed[-1], flush=True)

    print("ccxt", ccxt.__version__, "against", url, flush=True)
    markets = ex.load_markets()
    m = markets.get(sym)
    check(m is not None and m["id"] == "BTCUSDT" and m["swap"] and m["linear"] and m["settle"] == "USDT",
          f"load_markets has {sym} as a linear swap: {m and (m['id'], m['type'], m['settle'])}")
    check(m["precision"]["price"] == 0.1 and m["precision"]["amount"] == 0.001 and m["limits"]["amount"]["min"] == 0.001,
          f"tick 0.1, lot 0.001: {m['precision']}")
    check(abs(ex.fetch_time() - time.time() * 1000) < 5000, "fetch_time is the server clock")

    book = ex.fetch_order_book(sym, 5)
    check(len(book["bids"]) > 0 and len(book["asks"]) > 0 and book["bids"][0][0] < book["asks"][0][0],
          f"order book has both sides, not crossed: {book['bids'][:1]} {book['asks'][:1]}")
    best_bid, best_ask = book["bids"][0][0], book["asks"][0][0]
    ticker = ex.fetch_ticker(sym)
    check(ticker["symbol"] == sym and ticker["bid"] is not None and ticker["ask"] is not None, f"ticker has bid/ask: {ticker['bid']} {ticker['ask']}")
    funding = ex.fetch_funding_rate(sym)
    check(funding["symbol"] == sym and funding["markPrice"] and funding["markPrice"] > 0, f"funding rate with mark: {funding.get('markPrice')}")

    bal = ex.fetch_balance()
    check(bal["USDT"]["total"] == 1000000 and bal["USDT"]["free"] == 1000000, f"demo balance 1,000,000: {bal.get('USDT')}")

    # A limit order away from the market rests; it shows in open orders; cancel it.
    far = float(ex.price_to_precision(sym, best_bid * 0.97))
    o = ex.create_order(sym, "limit", "buy", 0.01, far, {"timeInForce": "GTC", "clientOrderId": "ccxt-rest-1"})
    check(o["status"] == "open" and o["clientOrderId"] == "ccxt-rest-1" and o["price"] == far and o["amount"] == 0.01,
          f"resting limit order: {o['status']} {o['clientOrderId']} {o['price']} {o['amount']}")
    opened = ex.fetch_open_orders(sym)
    check([x["id"] for x in opened] == [o["id"]], f"open orders show it: {[x['id'] for x in opened]}")
    got = ex.fetch_order(o["id"], sym)
    check(got["status"] == "open" and got["remaining"] == 0.01, f"fetch_order open: {got['status']}")
    c = ex.cancel_order(o["id"], sym)
    check(c["status"] == "canceled" and c["id"] == o["id"], f"cancel: {c['status']}")
    check(ex.fetch_open_orders(sym) == [], "no open orders after cancel")
    check(ex.fetch_order(o["id"], sym)["status"] == "canceled", "fetch_order after cancel says canceled")
    raises(ccxt.OrderNotFound, "cancel of a canceled order", lambda: ex.cancel_order(o["id"], sym))
    raises(ccxt.OrderNotFound, "fetch of an unknown order", lambda: ex.fetch_order("987654321", sym))

    # Post-only that would take is refused; IOC far away expires.
    # (1% through the ask, so the market maker moving its quotes cannot make it rest.)
    raises(ccxt.InvalidOrder, "post-only buy through the ask",
           lambda: ex.create_order(sym, "limit", "buy", 0.01, float(ex.price_to_precision(sym, best_ask * 1.01)), {"postOnly": True}))
    ioc = ex.create_order(sym, "limit", "buy", 0.01, far, {"timeInForce": "IOC"})
    check(ioc["status"] == "expired" and ioc["filled"] == 0, f"IOC away from the market expires: {ioc['status']}")

    # Leverage, then a market order trades against the demo market maker.
    lev = ex.set_leverage(5, sym)
    check(lev.get("leverage") == 5, f"set_leverage: {lev}")
    mkt = ex.create_order(sym, "market", "buy", 0.01)
    check(mkt["status"] == "closed" and mkt["filled"] == 0.01 and mkt["average"] and best_bid * 0.95 < mkt["average"] < best_ask * 1.05,
          f"market buy filled: {mkt['status']} {mkt['filled']} avg {mkt['average']}")
    trades = ex.fetch_my_trades(sym)
    mine = [t for t in trades if t["order"] == mkt["id"]]
    check(abs(sum(t["amount"] for t in mine) - 0.01) < 1e-12 and all(t["side"] == "buy" and t["takerOrMaker"] == "taker" for t in mine)
          and all(t["fee"]["currency"] == "USDT" and t["fee"]["cost"] > 0 for t in mine),
          f"my trades show the fill: {[(t['amount'], t['side'], t['takerOrMaker'], t['fee']) for t in mine]}")
    pos = ex.fetch_positions([sym])
    check(len(pos) == 1 and pos[0]["contracts"] == 0.01 and pos[0]["side"] == "long" and pos[0]["leverage"] == 5,
          f"position long 0.01 at 5x: {[(p['contracts'], p['side'], p['leverage']) for p in pos]}")
    public = ex.fetch_trades(sym)
    check(len(public) > 0, "public trades")
    bal2 = ex.fetch_balance()
    check(bal2["USDT"]["used"] > 0 and bal2["USDT"]["total"] < 1000000, f"balance shows margin in use and the fee: {bal2['USDT']}")

    # Close with reduce-only; a second reduce-only close would open a position and is refused.
    close = ex.create_order(sym, "market", "sell", 0.01, None, {"reduceOnly": True})
    check(close["status"] == "closed" and close["filled"] == 0.01 and close["reduceOnly"], f"reduce-only close: {close['status']}")
    check(ex.fetch_positions([sym]) == [], "flat after the close")
    raises(ccxt.InvalidOrder, "reduce-only with no position", lambda: ex.create_order(sym, "market", "sell", 0.01, None, {"reduceOnly": True}))

    # Refusals map to ccxt's exception classes.
    raises(ccxt.InvalidOrder, "quantity above the maximum", lambda: ex.create_order(sym, "limit", "buy", 1000, far))
    raises(ccxt.InvalidOrder, "price outside the band", lambda: ex.create_order(sym, "limit", "buy", 0.01, float(ex.price_to_precision(sym, best_bid * 0.5))))
    ex.set_leverage(1, sym)
    raises(ccxt.InsufficientFunds, "order needing more margin than the account has",
           lambda: ex.create_order(sym, "limit", "buy", 30, far))
    raises(ccxt.BadSymbol, "unknown symbol at the server", lambda: ex.fapiPublicGetDepth({"symbol": "NOPEUSDT"}))
    raises(ccxt.AuthenticationError, "wrong secret", lambda: exchange(url, key, "0" * 64).fetch_balance())
    raises(ccxt.AuthenticationError, "unknown key", lambda: exchange(url, "hk_nope", secret).fetch_balance())
    # PI-3: the demo's retail client (carol, never classified) may read but not add risk.
    retail = exchange(url, os.environ["HARBOUR_RETAIL_KEY"], os.environ["HARBOUR_RETAIL_SECRET"])
    retail.load_markets()
    check(retail.fetch_balance()["USDT"]["total"] > 0, "a retail client can read its balance")
    raises(ccxt.PermissionDenied, "a retail client's opening order", lambda: retail.create_order(sym, "market", "buy", 0.01))
    raises(ccxt.PermissionDenied, "a retail client's resting order", lambda: retail.create_order(sym, "limit", "buy", 0.01, far))
    try:
        retail.create_order(sym, "market", "buy", 0.01)
        check(False, "a retail client's order was accepted")
    except Exception as e:
        check(isinstance(e, ccxt.PermissionDenied) and "NOT_PROFESSIONAL_INVESTOR" in str(e), f"the refusal names the rule: {e}")
    check(retail.fetch_open_orders(sym) == [] and retail.fetch_positions([sym]) == [], "the refusals left nothing")
    check(ex.fetch_open_orders(sym) == [], "no refused order left anything open")
    bal3 = ex.fetch_balance()
    check(bal3["USDT"]["used"] == 0, f"no margin in use at the end: {bal3['USDT']}")
    with open(os.environ["HARBOUR_STATE"], "w") as f:
        json.dump({"rest": o["id"], "market": mkt["id"], "close": close["id"], "total": bal3["USDT"]["total"]}, f)

    print(f"ccxt test: {passed[0]} passed, {len(failed)} failed", flush=True)
    return 1 if failed else 0


def after_restart():
    import ccxt
    url, key, secret = os.environ["HARBOUR_URL"], os.environ["HARBOUR_KEY"], os.environ["HARBOUR_SECRET"]
    with open(os.environ["HARBOUR_STATE"]) as f:
        before = json.load(f)
    ex = exchange(url, key, secret)
    sym = "BTC/USDT:USDT"
    ex.load_markets()
    failed = []
    def check(cond, what):
        if not cond:
            failed.append(what)
            print("FAIL:", what, flush=True)
    n = 0
    for cond, what in [
        (lambda: ex.fetch_balance()["USDT"]["total"] == before["total"], "balance survives the restart"),
        (lambda: ex.fetch_order(before["market"], sym)["status"] == "closed", "market order is closed after the restart"),
        (lambda: ex.fetch_order(before["rest"], sym)["status"] == "canceled", "canceled order is canceled after the restart"),
        (lambda: abs(sum(t["amount"] for t in ex.fetch_my_trades(sym) if t["order"] == before["market"]) - 0.01) < 1e-12,
         "the market order's fills are in my trades after the restart"),
        (lambda: {before["rest"], before["market"], before["close"]} <= {x["id"] for x in ex.fetch_orders(sym)}, "order history after the restart"),
        (lambda: ex.fetch_positions([sym]) == [] and ex.fetch_open_orders(sym) == [], "flat, nothing open after the restart"),
    ]:
        n += 1
        try:
            check(cond(), what)
        except Exception as e:
            check(False, f"{what}: {type(e).__name__}: {e}")
    print(f"ccxt test after restart: {n - len(failed)} passed, {len(failed)} failed", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    if "--inner" in sys.argv:
        sys.exit(inner())
    if "--after-restart" in sys.argv:
        sys.exit(after_restart())
    sys.exit(outer())
