#!/usr/bin/env python3
"""Regulatory reports in a browser (REG-3, issue 16 item 3): every report's HTML page, fetched by
a compliance key from a real `harbour serve --demo` (free loopback port, temporary data
directory) after a trade, renders in headless Chromium from Debian (Playwright's Python package
from PyPI, `executable_path`; no `playwright install`) with no console error, no page error and
no request leaving the page (inline SVG charts, no script, no CDN); the pages that chart
(insurance fund, positions) have their `<svg>`. The JSON of each report is checked for
exact-decimal totals (the fees report's totals are the sums of its rows), and `harbour report`
on the same data directory gives the API's figures. A screenshot of each page goes to
.build/report-screenshots/ (the CI artifact).

Like tests/console_test.py it uses (or makes) the virtualenv .build/console-venv and re-runs
itself inside it; when no package index can be reached it prints SKIP and exits 0. Chromium:
$HARBOUR_CHROMIUM, else /usr/lib/chromium/chromium or /usr/bin/chromium; missing, the test fails.
Usage: tests/report_html_test.py [path/to/harbour]
"""
import json, os, re, subprocess, sys, tempfile, time
from decimal import Decimal

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import console_test as ct  # noqa: E402  (venv, Chromium, server start, signed calls)

ROOT = ct.ROOT
SHOTS = os.path.join(ROOT, ".build", "report-screenshots")
CHARTED = {"insurance-fund", "positions", "margin-financing", "mm-obligations"}


def outer():
    harbour = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, ".build", "debug", "harbour")
    chrome = ct.chromium()
    if chrome is None:
        print("FAIL: no Chromium (apt-get install chromium, or set HARBOUR_CHROMIUM)")
        return 1
    py, why = ct.venv_python()
    if py is None:
        print(f"SKIP: report HTML test not run: {why}")
        return 0
    with tempfile.TemporaryDirectory(prefix="harbour-reports-") as data:
        port = ct.free_port()
        log_path = os.path.join(data, "server.log")
        venue_dir = os.path.join(data, "venue")
        with open(log_path, "w") as log:
            server, keys = ct.start(harbour, venue_dir, port, log)
            try:
                env = dict(os.environ, HARBOUR_URL=f"http://127.0.0.1:{port}", HARBOUR_KEYS=json.dumps(keys),
                           HARBOUR_CHROMIUM=chrome, HARBOUR_BIN=os.path.abspath(harbour), HARBOUR_DATA=venue_dir)
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


def get_text(venue, who, target):
    """A signed GET answering text (CSV/HTML): (status, body)."""
    import hashlib, hmac, urllib.error, urllib.request
    ct.Venue.last = max(int(time.time() * 1000), ct.Venue.last + 1)
    ts = str(ct.Venue.last)
    k = venue.keys[who]
    sig = hmac.new(k["secret"].encode(), (ts + "GET" + target).encode(), hashlib.sha256).hexdigest()
    req = urllib.request.Request(venue.url + target, headers={"X-Harbour-Key": k["key"], "X-Harbour-Timestamp": ts,
                                                              "X-Harbour-Signature": sig})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def inner():
    from playwright.sync_api import sync_playwright
    venue = ct.Venue(os.environ["HARBOUR_URL"], json.loads(os.environ["HARBOUR_KEYS"]))
    os.makedirs(SHOTS, exist_ok=True)
    today = time.strftime("%Y-%m-%d", time.gmtime(time.time() + 8 * 3600))  # the Hong Kong business day

    # The list of reports, from the route's own 404 (so a new report is rendered here without a new line).
    status, reply = venue.call("maya", "GET", f"/v1/reports/no-such-report?date={today}")
    assert status == 404, (status, reply)
    names = re.search(r"reports: (.*)$", reply["message"]).group(1).split(", ")
    assert {"fees", "insurance-fund", "liquidations", "funding", "positions", "large-exposures", "client-statement",
            "margin-financing"} <= set(names), names
    print(f"  ok: {len(names)} reports: {', '.join(names)}", flush=True)

    # A trade today: alice lifts the demo market maker's best ask for 0.01 BTC.
    ask = ct.until("an ask in the demo book", lambda: venue.call("alice", "GET", "/v1/book/BTC-PERP")[1]["asks"])[0][0]
    status, reply = venue.call("alice", "POST", "/v1/orders", {"symbol": "BTC-PERP", "side": "buy", "orderType": "limit",
                                                               "timeInForce": "IOC", "price": ask, "qty": "0.01"})
    assert status == 200, (status, reply)
    fees = ct.until("the trade in the fees report",
                    lambda: (lambda r: r if r[0] == 200 and r[1]["rows"] else None)(venue.call("maya", "GET", f"/v1/reports/fees?date={today}")))[1]
    rows = fees["rows"]
    for col in ["makerFees", "takerFees", "totalFees"]:
        assert sum(Decimal(r[col]) for r in rows) == Decimal(fees["summary"][col]), (col, fees)
    assert Decimal(fees["summary"]["totalFees"]) > 0, fees
    alice = [r for r in rows if r["account"] == "alice"]
    assert alice and Decimal(alice[0]["takerFees"]) > 0, rows
    print(f"  ok: fees report: {len(rows)} accounts, total {fees['summary']['totalFees']} = the sum of the rows", flush=True)

    # Every report as JSON (the supervisor too) and as HTML in Chromium.
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=os.environ["HARBOUR_CHROMIUM"], headless=True,
                                    args=["--no-sandbox", "--disable-dev-shm-usage"])
        try:
            with tempfile.TemporaryDirectory(prefix="harbour-report-pages-") as pages:
                for name in names:
                    status, body = venue.call("sam", "GET", f"/v1/reports/{name}?date={today}")
                    assert status == 200 and body["report"] == name and body["date"] == today, (name, status, body)
                    status, html = get_text(venue, "maya", f"/v1/reports/{name}?date={today}&format=html")
                    assert status == 200 and html.startswith("<!DOCTYPE html>"), (name, status, html[:200])
                    path = os.path.join(pages, f"{name}.html")
                    with open(path, "w") as f:
                        f.write(html)
                    page = browser.new_page(viewport={"width": 1100, "height": 800})
                    problems = []
                    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type in ("error", "warning") else None)
                    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
                    page.on("request", lambda r: problems.append(f"request {r.url}") if not r.url.startswith("file://") else None)
                    page.goto("file://" + path)
                    page.wait_for_load_state("load")
                    assert page.locator("h1").inner_text().strip(), name
                    assert page.locator("table").count() >= 2, name
                    svgs = page.locator("svg").count()
                    if name in CHARTED:
                        assert svgs >= 1, f"{name}: no chart"
                        box = page.locator("svg").first.bounding_box()
                        assert box and box["width"] > 100 and box["height"] > 100, (name, box)
                    assert "NaN" not in html and "undefined" not in html, name
                    shot = os.path.join(SHOTS, f"{name}.png")
                    page.screenshot(path=shot, full_page=True)
                    page.close()
                    assert not problems, (name, problems)
                    print(f"  ok: {name}: renders in Chromium, {svgs} chart(s), no console error, no request; {shot}", flush=True)
        finally:
            browser.close()

    # The command line reads the same read model and gives the API's figures.
    # (Positions are compared by account, symbol and size: the demo's marks move between the two reads.)
    def held(report):
        return [(r["account"], r["symbol"], r["size"]) for r in report["rows"]]
    # (alice's statement only: the demo market maker's cash moves with its quotes between the two reads.)
    for name in ["fees", "positions", "client-statement"]:
        extra = ["--account", "alice"] if name == "client-statement" else []
        out = subprocess.run([os.environ["HARBOUR_BIN"], "report", name, "--date", today, "--format", "json",
                              "--data", os.environ["HARBOUR_DATA"]] + extra, capture_output=True, text=True, timeout=60)
        assert out.returncode == 0, (name, out.stderr)
        cli = json.loads(out.stdout)
        status, api = venue.call("maya", "GET", f"/v1/reports/{name}?date={today}" + ("&account=alice" if extra else ""))
        assert status == 200, (name, status, api)
        if name == "positions":
            assert held(cli) == held(api) and ("alice", "BTC-PERP", "0.01") in held(api), (cli, api)
        else:
            assert cli["summary"] == api["summary"] and cli["rows"] == api["rows"], (name, cli, api)
    print("  ok: harbour report prints the API's figures (fees, positions, client-statement)", flush=True)
    # The venue reports: the command line replays the running venue's journal read-only. Classifications do not
    # move between the two reads; presence does, so mm-obligations is compared by market maker and contract.
    def cli_report(name, *extra):
        out = subprocess.run([os.environ["HARBOUR_BIN"], "report", name, "--date", today, "--format", "json",
                              "--data", os.environ["HARBOUR_DATA"]] + list(extra), capture_output=True, text=True, timeout=60)
        assert out.returncode == 0, (name, out.stderr)
        return json.loads(out.stdout)
    cli = cli_report("pi-expiring", "--days", "400")
    status, api = venue.call("maya", "GET", f"/v1/reports/pi-expiring?date={today}&days=400")
    assert status == 200 and cli["rows"] == api["rows"] and cli["summary"] == api["summary"], (cli, api)
    assert any(r["account"] == "alice" and r["state"] == "expiring" for r in api["rows"]), api
    cli = cli_report("mm-obligations")
    status, api = venue.call("sam", "GET", f"/v1/reports/mm-obligations?date={today}")
    makers = [(r["date"], r["account"], r["symbol"]) for r in api["rows"]]
    assert status == 200 and [(r["date"], r["account"], r["symbol"]) for r in cli["rows"]] == makers, (cli, api)
    assert (today, "demo-mm", "BTC-PERP") in makers, makers
    print("  ok: harbour report prints the API's venue reports (pi-expiring, mm-obligations)", flush=True)
    status, week = venue.call("maya", "GET", f"/v1/reports/fees?from={today}&to={today}")
    assert status == 200 and week["toDate"] == today and int(week["summary"]["trades"]) >= int(fees["summary"]["trades"]), week
    print("report HTML test passed", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(inner() if "--inner" in sys.argv else outer())
