#!/usr/bin/env python3
"""Operator console browser test (OPS-2): headless Chromium from Debian, driven by Playwright's
Python package (from PyPI, `executable_path`; no `playwright install`), against a real
`harbour serve --demo` on a free loopback port with a temporary data directory.

It signs in as each demo staff member (olivia operations, raj risk, maya compliance, sam
supervisor) and checks the views their role allows are on the page and the others are not (nor
their data), that the API refuses the other roles' routes through the session cookie, that the
cookie is HttpOnly and SameSite=Strict and the page never holds the key; that a client key
cannot sign in; that a POST through the cookie without the CSRF token is refused; that a
signed-out session is dead on the server; it watches the mark price update live over the
WebSocket, approves a four-eyes request (made by maya through the API) as checker chen, and
closes a surveillance alert (a spoof by alice through the API) in the console. Every request
the pages make goes to the venue itself (no CDN, works offline) and the dashboard's DOM is
ready in under a second. Screenshots of the main views go to .build/console-screenshots/.

Like tests/ccxt_test.py it makes (or reuses) a virtualenv under .build/console-venv and re-runs
itself inside it; when no package index can be reached it prints SKIP and exits 0. Chromium:
$HARBOUR_CHROMIUM, else /usr/lib/chromium/chromium or /usr/bin/chromium (scripts/test.sh
installs Debian's `chromium`); missing, the test fails.
Usage: tests/console_test.py [path/to/harbour]
"""
import hashlib, hmac, json, os, re, socket, subprocess, sys, tempfile, time, urllib.error, urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VENV = os.path.join(ROOT, ".build", "console-venv")
SHOTS = os.path.join(ROOT, ".build", "console-screenshots")
PLAYWRIGHT_SPEC = "playwright>=1.50,<2"
IDLE = 20  # seconds a console session may stay unused (--console-session-idle)


def venv_python():
    py = os.path.join(VENV, "bin", "python")
    if os.path.exists(py):
        if subprocess.run([py, "-c", "import playwright.sync_api"], capture_output=True).returncode == 0:
            return py, None
    v = subprocess.run([sys.executable, "-m", "venv", "--clear", VENV], capture_output=True, text=True)
    if v.returncode != 0:
        return None, "cannot create a virtualenv: " + v.stderr.strip()[-200:]
    r = subprocess.run([py, "-m", "pip", "install", "-q", "--disable-pip-version-check", "--timeout", "20", "--retries", "2",
                        PLAYWRIGHT_SPEC], capture_output=True, text=True, timeout=600)
    if r.returncode != 0:
        return None, "cannot install playwright from a package index: " + r.stderr.strip()[-300:]
    return py, None


def chromium():
    for path in [os.environ.get("HARBOUR_CHROMIUM"), "/usr/lib/chromium/chromium", "/usr/bin/chromium"]:
        if path and os.path.exists(path):
            return path
    return None


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def start(harbour, data, port, log):
    # Sessions expire after IDLE s unused, so the test can watch one expire (the pages poll every 3 s).
    p = subprocess.Popen([harbour, "serve", "--demo", "--data", data, "--port", str(port), "--console-session-idle", f"{IDLE}s"],
                         stdout=subprocess.PIPE, stderr=log, text=True)
    keys = {}
    while True:  # the banner is printed once the venue is ready
        line = p.stdout.readline()
        if not line:
            raise RuntimeError("harbour serve exited before printing its banner")
        m = re.match(r"\s+(client|marketMaker|operations|risk|compliance|supervisor)\s+(\S+)\s+key=(\S+) secret=(\S+)", line)
        if m:
            keys[m.group(2)] = {"role": m.group(1), "key": m.group(3), "secret": m.group(4)}
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


def outer():
    harbour = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, ".build", "debug", "harbour")
    chrome = chromium()
    if chrome is None:
        print("FAIL: no Chromium (apt-get install chromium, or set HARBOUR_CHROMIUM)")
        return 1
    py, why = venv_python()
    if py is None:
        print(f"SKIP: console test not run: {why}")
        return 0
    with tempfile.TemporaryDirectory(prefix="harbour-console-") as data:
        port = free_port()
        log_path = os.path.join(data, "server.log")
        with open(log_path, "w") as log:
            server, keys = start(harbour, os.path.join(data, "venue"), port, log)
            try:
                env = dict(os.environ, HARBOUR_URL=f"http://127.0.0.1:{port}", HARBOUR_KEYS=json.dumps(keys), HARBOUR_CHROMIUM=chrome)
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

class Venue:
    """Signed API calls (X-Harbour-* HMAC, as scripts/hcurl) for the test's own setup and checks."""
    last = 0

    def __init__(self, url, keys):
        self.url, self.keys = url, keys

    def call(self, who, method, target, body=None):
        Venue.last = max(int(time.time() * 1000), Venue.last + 1)
        ts = str(Venue.last)
        raw = json.dumps(body).encode() if body is not None else b""
        k = self.keys[who]
        sig = hmac.new(k["secret"].encode(), (ts + method + target).encode() + raw, hashlib.sha256).hexdigest()
        req = urllib.request.Request(self.url + target, data=raw if body is not None else None, method=method,
                                     headers={"X-Harbour-Key": k["key"], "X-Harbour-Timestamp": ts, "X-Harbour-Signature": sig,
                                              "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                return r.status, json.loads(r.read() or b"null")
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read() or b"null")


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


OPEN_CONTEXTS = []
ALL_VIEWS = {"health", "book", "mark", "oi", "fund", "atrisk", "alerts", "stress", "financing", "surveillance", "obligations", "pi",
             "approvals", "accounts"}
COMMON = {"health", "book", "mark", "oi", "fund", "financing", "accounts"}
VIEWS = {
    "operations": COMMON | {"approvals"},
    "risk": COMMON | {"atrisk", "alerts", "stress", "approvals"},
    "compliance": COMMON | {"surveillance", "obligations", "pi", "approvals"},
    "supervisor": ALL_VIEWS,
}


def inner():
    from playwright.sync_api import expect, sync_playwright
    url = os.environ["HARBOUR_URL"]
    keys = json.loads(os.environ["HARBOUR_KEYS"])
    venue = Venue(url, keys)
    staff = {name: k for name, k in keys.items() if k["role"] in VIEWS}
    for name, role in [("olivia", "operations"), ("raj", "risk"), ("maya", "compliance"), ("chen", "compliance"), ("sam", "supervisor")]:
        assert staff.get(name, {}).get("role") == role, f"demo staff {name} should be {role}: {keys.get(name)}"
    os.makedirs(SHOTS, exist_ok=True)
    checks = []

    def ok(what):
        checks.append(what)
        print(f"  ok: {what}", flush=True)

    # Four-eyes request by maya and a spoofing alert by alice, made through the API.
    status, reply = venue.call("maya", "POST", "/v1/compliance/leverage-caps",
                               {"requestId": "console-lc-1", "account": "bob", "symbol": "BTC-PERP", "leverage": 20,
                                "reason": "console test: cap bob at 20x"})
    assert status == 200, (status, reply)
    best_bid = until("a bid in the demo book", lambda: venue.call("alice", "GET", "/v1/book/BTC-PERP")[1]["bids"])[0][0]
    status, reply = venue.call("alice", "POST", "/v1/orders", {"symbol": "BTC-PERP", "side": "buy", "orderType": "limit",
                                                               "price": best_bid, "qty": "10", "clientOrderId": "spoof-1"})
    assert status == 200, (status, reply)
    status, reply = venue.call("alice", "DELETE", "/v1/orders?symbol=BTC-PERP&clientOrderId=spoof-1")
    assert status == 200, (status, reply)
    alert = until("alice's spoofing alert", lambda: [a for a in venue.call("maya", "GET", "/v1/compliance/surveillance/alerts")[1]
                                                     if a["rule"] == "spoofing" and "alice" in a["accounts"]])[0]
    # A large withdrawal proposed by operations (olivia), for a risk or another operations officer to check.
    status, reply = venue.call("olivia", "POST", "/v1/admin/withdrawal-requests",
                               {"requestId": "console-wd-1", "account": "bob", "asset": "USD", "amount": "1000000",
                                "reason": "console test: client instruction"})
    assert status == 200, (status, reply)
    # A market maker's key, made by operations; it must not sign in to the console.
    status, reply = venue.call("olivia", "POST", "/v1/admin/api-keys", {"account": "demo-mm", "role": "marketMaker", "permissions": ["read"]})
    assert status == 200 and reply.get("key") and reply.get("secret"), (status, reply)
    keys["demo-mm-console"] = {"role": "marketMaker", "key": reply["key"], "secret": reply["secret"]}
    ok(f"setup: four-eyes requests console-lc-1 by maya and console-wd-1 by olivia, spoofing alert {alert['id']} on alice, an MM key")

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=os.environ["HARBOUR_CHROMIUM"], headless=True,
                                    args=["--no-sandbox", "--disable-dev-shm-usage"])
        try:
            foreign = []

            def new_page():
                context = browser.new_context(viewport={"width": 1400, "height": 1000})
                OPEN_CONTEXTS.append(context)
                page = context.new_page()
                page.on("request", lambda r: None if r.url.startswith(url) or r.url.startswith(url.replace("http", "ws", 1))
                        else foreign.append(r.url))
                page.set_default_timeout(10_000)
                return context, page

            def sign_in(page, name, keyboard=False):
                page.goto(url + "/console")
                if keyboard:  # keyboard only: labels, tab order, Enter submits
                    page.get_by_label("API key").focus()
                    page.keyboard.type(keys[name]["key"])
                    page.keyboard.press("Tab")
                    page.keyboard.type(keys[name]["secret"])
                    page.keyboard.press("Enter")
                else:
                    page.get_by_label("API key").fill(keys[name]["key"])
                    page.get_by_label("Secret").fill(keys[name]["secret"])
                    page.get_by_role("button", name="Sign in").click()

            # A client key cannot sign in; no session cookie is set.
            context, page = new_page()
            sign_in(page, "alice")
            expect(page.locator("#signin-error")).to_contain_text("FORBIDDEN_ROLE")
            assert not [c for c in context.cookies() if c["name"] == "harbour_console"], context.cookies()
            page.get_by_label("API key").fill(keys["olivia"]["key"])
            page.get_by_label("Secret").fill("0" * 64)
            page.get_by_role("button", name="Sign in").click()
            expect(page.locator("#signin-error")).to_contain_text("INVALID_CREDENTIALS")
            sign_in(page, "demo-mm-console")
            expect(page.locator("#signin-error")).to_contain_text("INFORMATION_BARRIER")
            assert not [c for c in context.cookies() if c["name"] == "harbour_console"], context.cookies()
            status, barrier = venue.call("maya", "GET", "/v1/compliance/barrier-events")
            assert status == 200 and any(b.get("account") == "demo-mm" for b in barrier), (status, barrier)
            context.close()
            ok("a client key (FORBIDDEN_ROLE), a market maker's key (INFORMATION_BARRIER, logged for compliance) and a wrong secret "
               "(INVALID_CREDENTIALS) cannot sign in; no cookie")

            # A session left unused: signed in, then its page closed (nothing polls); checked at the end.
            # Two: one asked through the API, one through the dashboard (an expired session is then gone).
            idle_contexts = []
            for _ in range(2):
                idle_context, idle_page = new_page()
                sign_in(idle_page, "olivia")
                expect(idle_page).to_have_url(url + "/console/home")
                idle_page.close()
                idle_contexts.append(idle_context)
            idle_since = time.monotonic()

            pages = {}
            for name in ["olivia", "raj", "maya", "sam"]:
                role = staff[name]["role"]
                context, page = new_page()
                started = time.monotonic()
                sign_in(page, name, keyboard=(name == "sam"))
                expect(page).to_have_url(url + "/console/home")
                expect(page.locator("#staff-role")).to_have_text(role)
                expect(page.locator("#staff-name")).to_have_text(name)
                ready = page.evaluate("performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd")
                assert ready < 1000, f"{role}: DOM ready after {ready} ms"
                # Loads in under a second: the first figures from the API are on the page within 1 s of navigation.
                # (expect, not wait_for_function: the page's CSP forbids the eval a string predicate needs.)
                expect(page.locator("#fund-balance")).to_be_attached()
                expect(page.locator("#mark-price")).not_to_have_text("—")
                first = page.evaluate("performance.now()")
                assert first < 1000, f"{role}: first figures after {first:.0f} ms"
                shown = set(page.eval_on_selector_all("section[data-view]", "s => s.map(x => x.dataset.view)"))
                assert shown == VIEWS[role], f"{role} sees {sorted(shown)}, expected {sorted(VIEWS[role])}"
                html = page.content()
                for view in ALL_VIEWS - VIEWS[role]:
                    assert f'data-view="{view}"' not in html, f"{role}'s page has view {view}"
                assert keys[name]["key"] not in html and keys[name]["secret"] not in html, f"{role}'s page holds the key"
                # Every view filled from the API (none left loading); the fund shows the API's exact string.
                expect(page.locator("#fund-balance")).to_have_text(re.compile(r"^\d+(\.\d+)? USD$"))
                expect(page.locator(".loading")).to_have_count(0)
                expect(page.locator("#venue-ready")).to_have_text("ready")
                took = time.monotonic() - started
                cookie = [c for c in context.cookies() if c["name"] == "harbour_console"]
                assert len(cookie) == 1 and cookie[0]["httpOnly"] and cookie[0]["sameSite"] == "Strict", cookie
                assert "harbour_console" not in page.evaluate("document.cookie"), "the session cookie is readable by scripts"
                # The API's own rule through the cookie: other roles' routes are refused.
                for route, allowed in [("/v1/risk/alerts", {"risk", "supervisor"}), ("/v1/compliance/barrier-events", {"compliance", "supervisor"}),
                                       ("/v1/compliance/surveillance/alerts", {"compliance", "supervisor"}),
                                       ("/v1/risk/liquidation-watch", {"risk", "supervisor"})]:
                    status = page.evaluate("r => fetch(r).then(x => x.status)", route)
                    assert (status == 403) == (role not in allowed), f"{role} GET {route}: {status}"
                # The risk stream over the cookie is for risk and the supervisor only.
                if role in {"risk", "supervisor"}:
                    expect(page.locator("#risk-stream")).to_contain_text("risk stream live")
                else:
                    assert page.locator("#risk-stream").inner_text() == "", f"{role} follows the risk stream"
                # No other role's data in the page: compliance's request and alert, risk's views.
                text = page.inner_text("main")
                if role not in {"compliance", "supervisor"}:
                    assert "console-lc-1" not in text and alert["evidence"] not in text, f"{role} sees compliance data"
                # Each role sees the four-eyes requests it decides: operations and risk the withdrawal.
                expect(page.locator("#approvals-content")).to_contain_text("console-wd-1")
                if role not in {"risk", "supervisor"}:
                    assert "Closest to liquidation" not in html and "Stress-test coverage" not in html, f"{role} sees risk views"
                page.screenshot(path=os.path.join(SHOTS, f"{role}.png"), full_page=True)
                pages[name] = (context, page)
                ok(f"{name} ({role}) signed in{' by keyboard' if name == 'sam' else ''}: views {sorted(shown)}, other roles' routes 403, "
                   f"HttpOnly SameSite=Strict cookie, DOM ready {ready:.0f} ms, first figures {first:.0f} ms, every view filled {took:.2f} s after sign-in began")

            # Inputs are labelled (accessibility).
            context, page = pages["sam"]
            unlabeled = page.evaluate("[...document.querySelectorAll('input, select')].filter(i => i.type !== 'hidden' && !i.labels.length).length")
            assert unlabeled == 0, f"{unlabeled} unlabeled inputs"
            ok("every input and select has a label")

            # The mark price updates live over the WebSocket (risk's page).
            context, page = pages["raj"]
            expect(page.locator("#connection")).to_have_text("live")
            # The session cookie authenticated the WebSocket for the venue-wide risk channel.
            expect(page.locator("#risk-stream")).to_contain_text("risk stream live")
            mark_time = page.locator("#mark-time")
            expect(mark_time).not_to_have_text("—", timeout=15_000)
            first_time, first_price = mark_time.inner_text(), page.locator("#mark-price").inner_text()
            expect(mark_time).not_to_have_text(first_time, timeout=15_000)
            assert re.fullmatch(r"\d+(\.\d)?", page.locator("#mark-price").inner_text()), page.locator("#mark-price").inner_text()
            expect(page.locator("#mark-chart polyline")).to_have_count(1)
            expect(page.locator("[data-testid=bids] tbody tr").first).to_be_visible()
            expect(page.locator("[data-testid=adl]")).to_be_visible()
            page.screenshot(path=os.path.join(SHOTS, "risk-live.png"), full_page=True)
            ok(f"risk watched the mark update live: {first_price} at {first_time}, then {page.locator('#mark-price').inner_text()} "
               f"at {mark_time.inner_text()}; book, chart and ADL queues shown")

            # Four-eyes: raj (risk) checks olivia's large withdrawal in the console; bob is paid.
            context, page = pages["raj"]
            status, before = venue.call("bob", "GET", "/v1/balances")
            approve = page.get_by_role("button", name="Approve console-wd-1")
            expect(approve).to_be_visible()
            assert page.get_by_role("button", name="Approve console-lc-1").count() == 0, "risk offered compliance's request"
            approve.click()
            expect(page.locator("#approvals-content")).not_to_contain_text("console-wd-1")
            status, after = venue.call("bob", "GET", "/v1/balances")
            assert status == 200 and before["cash"] != after["cash"], (before, after)
            ok(f"raj (risk) approved console-wd-1 (made by olivia) in the console: bob's cash {before['cash']} -> {after['cash']}")

            # Four-eyes: chen (compliance, not the maker) approves maya's request in the console.
            context, page = new_page()
            sign_in(page, "chen")
            approve = page.get_by_role("button", name="Approve console-lc-1")
            expect(approve).to_be_visible()
            page.screenshot(path=os.path.join(SHOTS, "compliance-approvals.png"), full_page=True)
            approve.click()
            expect(page.locator("#approvals-content")).to_contain_text("Nothing waits for a checker.")
            status, pending = venue.call("maya", "GET", "/v1/compliance/requests")
            assert status == 200 and not [r for r in pending if r["requestId"] == "console-lc-1"], pending
            status, client = venue.call("maya", "GET", "/v1/compliance/clients/bob")
            cap = [p for p in client["products"] if p["symbol"] == "BTC-PERP"][0]["leverageCap"]
            assert cap == 20, client
            ok("chen approved console-lc-1 (made by maya) as checker in the console; bob's BTC-PERP leverage cap is 20")

            # Surveillance: chen takes alice's spoofing alert, reviews it and closes it with a comment.
            row = page.locator("[data-testid=surveillance] tbody tr").filter(has_text=alert["evidence"])
            row.get_by_role("button", name=f"Assign alert {alert['id']} to me").click()
            expect(row).to_contain_text("assigned")
            row.get_by_role("button", name=f"Start review of alert {alert['id']}").click()
            expect(row).to_contain_text("underReview")
            row.get_by_label("Closing comment").fill("reviewed in the console test: demo spoof")
            # Two refresh rounds pass while the comment is typed: it must still be there (a
            # redraw used to wipe it, and the close then went out without a comment).
            rounds = int(page.locator("main").get_attribute("data-refresh-rounds") or "0")
            page.wait_for_function("n => Number(document.getElementById('main').dataset.refreshRounds) >= n", arg=rounds + 2, timeout=15000)
            expect(row.get_by_label("Closing comment")).to_have_value("reviewed in the console test: demo spoof")
            row.get_by_role("button", name=f"Close alert {alert['id']}").click()
            expect(row).to_contain_text("closed")
            status, alerts = venue.call("maya", "GET", "/v1/compliance/surveillance/alerts?status=closed")
            closed = [a for a in alerts if a["id"] == alert["id"]]
            assert closed and closed[0]["history"][-1]["actor"] == "chen" and closed[0]["history"][-1].get("comment"), alerts
            page.screenshot(path=os.path.join(SHOTS, "compliance-surveillance.png"), full_page=True)
            ok(f"chen closed surveillance alert {alert['id']} in the console; the history names chen")

            # CSRF: a POST through the cookie without the token is refused, and with a wrong one.
            r = context.request.post(url + f"/v1/compliance/surveillance/alerts/{alert['id']}/review")
            assert r.status == 403 and r.json()["code"] == "CSRF_TOKEN_MISSING", (r.status, r.text())
            r = context.request.post(url + "/v1/compliance/leverage-caps", headers={"X-CSRF-Token": "f" * 64},
                                     data=json.dumps({"requestId": "csrf-1", "account": "bob", "symbol": "BTC-PERP", "leverage": 2, "reason": "x"}))
            assert r.status == 403 and r.json()["code"] == "CSRF_TOKEN_INVALID", (r.status, r.text())
            assert not [x for x in venue.call("maya", "GET", "/v1/compliance/requests")[1] if x["requestId"] == "csrf-1"]
            ok("POSTs through the session cookie without the CSRF token (or with a wrong one) are refused 403 and change nothing")

            # Sign-out ends the session on the server: the old cookie is refused.
            session = [c for c in context.cookies() if c["name"] == "harbour_console"][0]["value"]
            page.get_by_role("button", name="Sign out").click()
            expect(page).to_have_url(url + "/console?reason=SIGNED_OUT")
            req = urllib.request.Request(url + "/v1/admin/accounts", headers={"Cookie": "harbour_console=" + session})
            try:
                urllib.request.urlopen(req, timeout=5)
                raise AssertionError("a signed-out session still works")
            except urllib.error.HTTPError as e:
                assert e.code == 401 and json.loads(e.read())["code"] == "SESSION_UNKNOWN"
            page.goto(url + "/console/home")
            expect(page).to_have_url(re.compile(r"/console\?reason=SESSION_UNKNOWN$"))
            ok("sign-out ends the session on the server (SESSION_UNKNOWN); the dashboard then asks to sign in")

            # The unused session expires after IDLE seconds; its dashboard then asks to sign in again.
            idle_cookie = [c for c in idle_contexts[0].cookies() if c["name"] == "harbour_console"][0]["value"]

            def expired():
                req = urllib.request.Request(url + "/v1/admin/accounts", headers={"Cookie": "harbour_console=" + idle_cookie})
                try:
                    urllib.request.urlopen(req, timeout=5)
                    raise AssertionError("the session answered after its idle time: the request itself keeps it alive")
                except urllib.error.HTTPError as e:
                    return e.code == 401 and json.loads(e.read())["code"]
            # Probing would itself keep the session alive: wait until it is due, then ask once.
            until("the session's idle time to pass", lambda: time.monotonic() - idle_since > IDLE + 0.5, timeout=IDLE + 5)
            code = expired()
            waited = time.monotonic() - idle_since
            assert code == "SESSION_EXPIRED", (code, waited)
            assert expired() == "SESSION_EXPIRED", "a second use of the expired cookie no longer says why"
            page = idle_contexts[1].new_page()
            page.goto(url + "/console/home")
            expect(page).to_have_url(url + "/console?reason=SESSION_EXPIRED")
            expect(page.get_by_role("status")).to_contain_text("Your session expired")
            ok(f"an unused session expired (--console-session-idle {IDLE}s; asked after {waited:.0f} s): API 401 SESSION_EXPIRED twice, "
               f"dashboard back to sign-in")

            assert not foreign, f"requests outside the venue: {foreign[:5]}"
            ok("every request the pages made went to the venue itself (no CDN; works offline)")
            browser.close()
        except Exception:  # say where each page was, so a failure is diagnosable from the CI log
            for context in OPEN_CONTEXTS:
                for page in context.pages:
                    try:
                        print(f"  page {page.url}: problem {page.locator('#problem').all_inner_texts()!r}", flush=True)
                    except Exception:
                        pass
            raise
    print(f"console test: {len(checks)} checks passed; screenshots in {os.path.relpath(SHOTS, ROOT)}/", flush=True)
    return 0


if __name__ == "__main__":
    if "--inner" in sys.argv:
        sys.exit(inner())
    sys.exit(outer())
