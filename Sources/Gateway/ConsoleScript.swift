/// The operator console's script (OPS-2), served at `/console/assets/console.js` by Harbour
/// itself: no build step, no CDN. It fills the views the server rendered for the role from
/// the public API (cookie-authenticated, the same routes and role checks as a signed
/// client), follows the public WebSocket channels `book.X`, `trades.X` and `mark.X` live,
/// and refreshes the other views every few seconds. Every number is shown as the decimal
/// string the API sent; the only arithmetic is the chart's pixel position and the
/// ordering of book levels, done on the strings. Data goes into the page with
/// `textContent` only, never as HTML. State changes send the session's CSRF token.
enum ConsoleScript {
    static let source = #"""
"use strict";
(function () {
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const main = document.getElementById("main");
  const symbolSelect = document.getElementById("symbol");
  const problem = document.getElementById("problem");
  const views = {};
  document.querySelectorAll("section[data-view]").forEach(s => { views[s.dataset.view] = s; });
  const can = (view, action) => views[view] && views[view].dataset.actions.split(" ").includes(action);

  class ApiFailure extends Error {
    constructor(status, code, message) { super(code + ": " + message); this.status = status; this.code = code; }
  }
  // Set once sign-out begins: a poll still in flight then meets 401 SESSION_UNKNOWN, and must not
  // race the sign-out's own navigation to "?reason=SIGNED_OUT".
  let signingOut = false;
  async function api(method, path, body) {
    const headers = {};
    if (method !== "GET") { headers["X-CSRF-Token"] = csrf; headers["Content-Type"] = "application/json"; }
    const r = await fetch(path, { method, headers, credentials: "same-origin", cache: "no-store",
                                  body: body === undefined ? undefined : JSON.stringify(body) });
    let json = null;
    try { json = await r.json(); } catch (e) { json = null; }
    if (!r.ok) {
      const code = json && json.code ? json.code : "HTTP_" + r.status;
      if (r.status === 401 && !signingOut) { window.location.assign("/console?reason=" + encodeURIComponent(code === "SESSION_EXPIRED" ? code : "SESSION_UNKNOWN")); }
      throw new ApiFailure(r.status, code, json && json.message ? json.message : r.statusText);
    }
    return json;
  }
  function showProblem(e) { problem.hidden = false; problem.textContent = e.message; }
  function clearProblem() { problem.hidden = true; problem.textContent = ""; }

  function el(tag, attrs, children) {
    const n = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "text") n.textContent = v; else if (k.startsWith("on")) n.addEventListener(k.slice(2), v); else n.setAttribute(k, v);
    }
    for (const c of children || []) n.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    return n;
  }
  const show = v => v === null || v === undefined ? "—" : (typeof v === "object" ? JSON.stringify(v) : String(v));
  function time(ms) { return typeof ms === "number" ? new Date(ms).toISOString().replace("T", " ").replace(/\.\d+Z$/, "Z") : show(ms); }
  function table(caption, columns, rows, testid) {
    const head = el("tr", {}, columns.map(c => el("th", { scope: "col", text: c[0] })));
    const body = rows.map(r => el("tr", {}, columns.map(c => {
      const v = c[1](r);
      return el("td", {}, [v instanceof Node ? v : show(v)]);
    })));
    return el("table", testid ? { "data-testid": testid } : {}, [el("caption", { text: caption }), el("thead", {}, [head]), el("tbody", {}, body)]);
  }
  // A periodic refresh never wipes what an operator is typing (a closing comment, say): a
  // view with a focused or edited field waits for the next round; the refresh after the
  // operator's own action (`act`) always redraws.
  let redrawAll = false;
  function fill(view, ...nodes) {
    const c = document.getElementById(view + "-content");
    if (!c) return;
    const typing = [...c.querySelectorAll("input, textarea")].some(i => i === document.activeElement || i.value !== i.defaultValue);
    if (typing && !redrawAll) return;
    c.replaceChildren(...nodes);
  }
  function empty(text) { return el("p", { class: "empty", text }); }

  // Decimal strings compared exactly (book order), never through floating point.
  function cmpDecimal(a, b) {
    const neg = s => s.startsWith("-");
    if (neg(a) !== neg(b)) return neg(a) ? -1 : 1;
    const sign = neg(a) ? -1 : 1;
    const [ai, af = ""] = a.replace("-", "").split("."), [bi, bf = ""] = b.replace("-", "").split(".");
    const i1 = ai.replace(/^0+(?=\d)/, ""), i2 = bi.replace(/^0+(?=\d)/, "");
    if (i1.length !== i2.length) return sign * (i1.length < i2.length ? -1 : 1);
    if (i1 !== i2) return sign * (i1 < i2 ? -1 : 1);
    const n = Math.max(af.length, bf.length), f1 = af.padEnd(n, "0"), f2 = bf.padEnd(n, "0");
    return f1 === f2 ? 0 : sign * (f1 < f2 ? -1 : 1);
  }
  const isZero = s => /^-?0*(\.0*)?$/.test(s);

  // ---- live market data over the public WebSocket
  const market = { symbol: symbolSelect.value, bids: new Map(), asks: new Map(), trades: [], marks: [], socket: null };
  function renderBook() {
    if (!views.book) return;
    const bids = [...market.bids.entries()].sort((x, y) => cmpDecimal(y[0], x[0])).slice(0, 10);
    const asks = [...market.asks.entries()].sort((x, y) => cmpDecimal(x[0], y[0])).slice(0, 10);
    const trades = market.trades.slice(-15).reverse();
    fill("book",
      el("div", { class: "columns" }, [
        table("Bids (" + market.symbol + ")", [["Price", r => r[0]], ["Size", r => r[1]]], bids, "bids"),
        table("Asks (" + market.symbol + ")", [["Price", r => r[0]], ["Size", r => r[1]]], asks, "asks"),
        table("Latest trades", [["Time", t => time(t.timestamp)], ["Side", t => t.side], ["Price", t => t.price], ["Size", t => t.qty]],
              trades, "trades")]));
  }
  const markState = { mark: null, index: null, funding: null, at: null };
  function renderMark() {
    if (!views.mark) return;
    const f = markState.funding || {};
    const dl = el("dl", { class: "figures" }, [
      el("dt", { text: "Mark price" }), el("dd", { id: "mark-price", text: show(markState.mark) }),
      el("dt", { text: "Index price" }), el("dd", { id: "index-price", text: show(markState.index) }),
      el("dt", { text: "Predicted funding rate" }), el("dd", { id: "funding-rate", text: show(f.predictedFundingRate) }),
      el("dt", { text: "Next funding" }), el("dd", { text: time(f.nextFundingTime) }),
      el("dt", { text: "Mark updated" }), el("dd", { id: "mark-time", text: time(markState.at) })]);
    fill("mark", dl, chart());
  }
  function chart() {
    // Pixel positions only: the figures shown are the API's strings (above).
    const w = 600, h = 160, pts = market.marks;
    const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
    svg.setAttribute("viewBox", "0 0 " + w + " " + h); svg.setAttribute("role", "img"); svg.setAttribute("id", "mark-chart");
    svg.setAttribute("aria-label", "Mark price of " + market.symbol + ", last " + pts.length + " updates" +
                     (pts.length ? ", from " + pts[0] + " to " + pts[pts.length - 1] : ""));
    if (pts.length > 1) {
      const ys = pts.map(Number), lo = Math.min(...ys), hi = Math.max(...ys), span = hi - lo || 1;
      const line = document.createElementNS("http://www.w3.org/2000/svg", "polyline");
      line.setAttribute("points", ys.map((y, i) => (i * w / (ys.length - 1)).toFixed(1) + "," + (h - 8 - (y - lo) * (h - 16) / span).toFixed(1)).join(" "));
      line.setAttribute("class", "line");
      svg.appendChild(line);
      for (const [y, label] of [[10, pts.reduce((a, b) => cmpDecimal(a, b) >= 0 ? a : b)], [h - 2, pts.reduce((a, b) => cmpDecimal(a, b) <= 0 ? a : b)]]) {
        const t = document.createElementNS("http://www.w3.org/2000/svg", "text");
        t.setAttribute("x", "4"); t.setAttribute("y", String(y)); t.textContent = label; svg.appendChild(t);
      }
    }
    return svg;
  }
  const riskStatus = document.getElementById("risk-stream");
  let riskEvents = 0, pending = null;
  // A risk event refreshes the views it touches from REST (the source of truth), at most every 250 ms.
  function soon(names) {
    if (pending) return;
    pending = setTimeout(() => {
      pending = null;
      names.filter(v => views[v]).forEach(v => loaders[v]().catch(() => {}));
    }, 250);
  }
  function connect() {
    const status = document.getElementById("connection");
    const ws = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/v1/ws");
    market.socket = ws;
    ws.onopen = () => {
      status.textContent = "live";
      ws.send(JSON.stringify({ op: "subscribe", channels: ["book." + market.symbol, "trades." + market.symbol, "mark." + market.symbol] }));
      // The venue-wide risk stream for the roles that have it (the session cookie authenticated the socket).
      if (views.alerts) ws.send(JSON.stringify({ op: "subscribe", channels: ["risk"] }));
    };
    ws.onmessage = ev => {
      let m; try { m = JSON.parse(ev.data); } catch (e) { return; }
      if (m.op === "error") { status.textContent = "stream error: " + m.code; return; }
      if (m.op === "subscribed" && m.channels.includes("risk")) { riskStatus.textContent = "risk stream live"; return; }
      if (m.channel === "risk") { riskEvents += 1; riskStatus.textContent = "risk stream live, " + riskEvents + " events"; soon(["alerts", "stress", "atrisk", "oi", "fund", "financing"]); return; }
      if (!m.channel || !m.channel.endsWith("." + market.symbol)) return;
      if (m.channel.startsWith("book.")) {
        if (m.type === "snapshot") { market.bids.clear(); market.asks.clear(); }
        for (const [p, q] of m.bids || []) { if (isZero(q)) market.bids.delete(p); else market.bids.set(p, q); }
        for (const [p, q] of m.asks || []) { if (isZero(q)) market.asks.delete(p); else market.asks.set(p, q); }
        renderBook();
      } else if (m.channel.startsWith("trades.")) {
        market.trades.push(...(m.data || [])); market.trades = market.trades.slice(-50); renderBook();
      } else if (m.channel.startsWith("mark.")) {
        markState.mark = m.markPrice; markState.at = m.timestamp;
        market.marks.push(m.markPrice); market.marks = market.marks.slice(-120); renderMark();
      }
    };
    ws.onclose = () => {
      status.textContent = "disconnected; reconnecting";
      if (market.socket === ws) setTimeout(connect, 2000);
    };
  }
  symbolSelect.addEventListener("change", () => {
    market.symbol = symbolSelect.value; market.bids.clear(); market.asks.clear(); market.trades = []; market.marks = [];
    markState.mark = null; markState.index = null; markState.funding = null;
    const old = market.socket; market.socket = null; if (old) old.close();
    connect(); refresh();
  });

  // ---- views refreshed from REST
  // Prometheus text: the value of an unlabelled sample, as printed.
  function sample(text, name) {
    const line = text.split("\n").find(l => l.startsWith(name + " "));
    return line ? line.slice(name.length + 1).trim() : null;
  }
  const loaders = {
    async health() {
      let ready;
      try { const r = await api("GET", "/v1/ready"); ready = r.status || "ready"; } catch (e) { ready = e.message; }
      const r = await fetch("/metrics", { credentials: "same-origin", cache: "no-store" });
      const text = r.ok ? await r.text() : "";
      const names = [["Sequencer queue depth", "harbour_sequencer_queue_depth"], ["Trades", "harbour_trades_total"],
        ["Liquidation steps", "harbour_liquidations_total"], ["Risk alerts raised", "harbour_risk_alerts_raised_total"],
        ["Slow WebSocket consumers closed", "harbour_ws_slow_consumers_closed_total"],
        ["Information-barrier events", "harbour_information_barrier_events_total"],
        ["Console sign-ins", "harbour_console_signins_total"], ["Console sign-ins refused", "harbour_console_signin_refusals_total"]];
      const items = [el("dt", { text: "Ready" }), el("dd", { id: "venue-ready", text: show(ready) })];
      for (const [label, name] of names) items.push(el("dt", { text: label }), el("dd", { text: show(sample(text, name)) }));
      fill("health", el("dl", { class: "figures" }, items));
    },
    async mark() {
      const [m, f] = await Promise.all([api("GET", "/v1/mark/" + market.symbol), api("GET", "/v1/funding/" + market.symbol)]);
      if (markState.mark === null) markState.mark = m.markPrice;
      markState.index = m.indexPrice; markState.funding = f; renderMark();
    },
    async book() {
      if (market.bids.size || market.asks.size) return;
      const [b, t] = await Promise.all([api("GET", "/v1/book/" + market.symbol), api("GET", "/v1/trades/" + market.symbol)]);
      if (!market.bids.size && !market.asks.size) {
        for (const [p, q] of b.bids || []) market.bids.set(p, q);
        for (const [p, q] of b.asks || []) market.asks.set(p, q);
      }
      if (!market.trades.length && Array.isArray(t)) market.trades = t.slice(-50);
      renderBook();
    },
    async financing() {
      const b = await api("GET", "/v1/financing/loans");
      if (!b.enabled) { fill("financing", empty("This venue offers no margin financing.")); return; }
      const calls = b.items.filter(l => l.call || l.pendingForcedSales.length || l.zone !== "healthy");
      fill("financing",
        el("dl", { class: "figures" }, [el("dt", { text: "Loan book" }), el("dd", { id: "loan-book", text: b.loanBook + " USD" }),
          el("dt", { text: "Broker capital" }), el("dd", { text: b.capital + " USD" }),
          el("dt", { text: "Loans" }), el("dd", { text: show(b.loans) }), el("dt", { text: "Open calls" }), el("dd", { text: show(b.openCalls) }),
          el("dt", { text: "FIN-3 limits breached" }), el("dd", { text: b.breaches.length ? b.breaches.map(x => x.code).join(", ") : "none" })]),
        calls.length ? table("Loans warned, called or in forced sale", [["Loan", r => r.loan], ["Account", r => r.account], ["Owed", r => r.owed],
          ["Margin value", r => r.marginValue], ["Ratio", r => show(r.marginRatio)], ["Zone", r => r.zone],
          ["Call deadline", r => r.call ? time(r.call.deadline) : "—"], ["Forced sales", r => r.pendingForcedSales.map(s => s.qty + " " + s.asset).join(", ") || "—"]],
          calls, "financing") : empty("No loan is warned, called or being sold."));
    },
    async oi() {
      const rows = await api("GET", "/v1/risk/metrics");
      fill("oi", rows.length ? table("Open interest by instrument", [["Instrument", r => r.symbol], ["Open interest", r => r.openInterest],
        ["Volatility", r => r.volatility], ["Margin add-on", r => r.marginAddOn], ["Samples", r => r.samples]], rows, "oi")
        : empty("No risk metrics yet."));
    },
    async fund() {
      const f = await api("GET", "/v1/insurance-fund");
      fill("fund", el("dl", { class: "figures" }, [el("dt", { text: "Balance" }), el("dd", { id: "fund-balance", text: f.balance + " " + f.asset }),
        el("dt", { text: "As of command" }), el("dd", { text: show(f.sequence) })]));
    },
    async atrisk() {
      const w = await api("GET", "/v1/risk/liquidation-watch?limit=10");
      fill("atrisk",
        w.accounts.length ? table("Positions nearest their liquidation trigger", [["Account", r => r.account], ["Instrument", r => r.symbol],
          ["Side", r => r.side], ["Trigger price", r => r.triggerPrice], ["Mark price", r => r.markPrice], ["Distance (bps)", r => r.distanceBps]],
          w.accounts, "atrisk") : empty("No open positions."),
        table("Auto-deleveraging queues", [["Instrument", r => r.symbol], ["Longs in line", r => r.longs], ["Shorts in line", r => r.shorts]],
          w.adlQueues, "adl"));
    },
    async alerts() {
      const rows = await api("GET", "/v1/risk/alerts?limit=50");
      const base = new Set(["kind", "state", "symbol", "account", "threshold", "value", "sequence", "timestamp"]);
      fill("alerts", rows.length ? table("Risk alerts, newest first", [["Time", r => time(r.timestamp)], ["Kind", r => r.kind], ["State", r => r.state],
        ["Instrument", r => r.symbol], ["Account", r => r.account], ["Value", r => r.value], ["Threshold", r => r.threshold],
        ["Evidence", r => Object.entries(r).filter(([k]) => !base.has(k)).map(([k, v]) => k + " " + show(v)).join("; ")]], rows, "alerts")
        : empty("No risk alerts."));
    },
    async stress() {
      const rows = await api("GET", "/v1/risk/stress");
      fill("stress", rows.length ? table("Latest stress scenarios", [["Scenario", r => r.scenario], ["Shortfall", r => r.shortfall],
        ["Insurance fund", r => r.insuranceFund], ["Uncovered", r => r.uncovered], ["Accounts in shortfall", r => r.accountsInShortfall],
        ["Time", r => time(r.timestamp)]], rows, "stress") : empty("No stress test has run yet."));
    },
    async surveillance() {
      const rows = await api("GET", "/v1/compliance/surveillance/alerts");
      // The workflow (docs/SURVEILLANCE.md): open → assigned → underReview → closed; review
      // and close are the assignee's. The server checks all of it; the buttons only follow it.
      const me = document.getElementById("staff-name").textContent;
      const actions = r => {
        const box = el("div", { class: "actions" });
        const path = "/v1/compliance/surveillance/alerts/" + r.id + "/";
        if (r.status === "open" && can("surveillance", "assign")) {
          box.appendChild(el("button", { type: "button", "data-action": "assign", onclick: () => act("POST", path + "assign", { assignee: me }) },
                             ["Assign alert " + r.id + " to me"]));
        }
        if (r.status === "assigned" && r.assignee === me && can("surveillance", "review")) {
          box.appendChild(el("button", { type: "button", "data-action": "review", onclick: () => act("POST", path + "review") },
                             ["Start review of alert " + r.id]));
        }
        if (r.status === "underReview" && r.assignee === me && can("surveillance", "close")) {
          const id = "close-comment-" + r.id;
          const input = el("input", { id, name: "comment", required: "required" });
          box.appendChild(el("form", { class: "inline", "data-alert": String(r.id), onsubmit: ev => {
            ev.preventDefault(); act("POST", path + "close", { comment: input.value });
          } }, [el("label", { for: id, text: "Closing comment" }), input, el("button", { type: "submit", "data-action": "close" }, ["Close alert " + r.id])]));
        }
        return box.childNodes.length ? box : "—";
      };
      fill("surveillance", rows.length ? table("Surveillance alerts", [["Id", r => r.id], ["Rule", r => r.rule], ["Instrument", r => r.symbol],
        ["Accounts", r => r.accounts.join(", ")], ["Raised", r => time(r.raisedAt)], ["Evidence", r => r.evidence],
        ["Status", r => r.status], ["Assignee", r => r.assignee], ["Action", actions]], rows.slice().reverse(), "surveillance") : empty("No surveillance alerts."));
    },
    async obligations() {
      const date = new Date().toISOString().slice(0, 10);
      const rows = await api("GET", "/v1/compliance/market-makers/obligations?date=" + date);
      fill("obligations", rows.length ? table("Presence on " + date + " (UTC)", [["Market maker", r => r.account], ["Instrument", r => r.symbol],
        ["Presence (bps)", r => r.presenceBps], ["Minimum (bps)", r => r.minPresenceBps], ["Met", r => r.met ? "yes" : "no"],
        ["Present ms", r => r.presentMs], ["Trading ms", r => r.tradingMs], ["Interruptions", r => r.interruptions],
        ["Re-quotes met / missed", r => r.requotesMet + " / " + r.requotesMissed],
        ["Worst re-quote ms", r => r.worstRequoteMs === null ? "" : r.worstRequoteMs]], rows, "obligations")
        : empty("No market-maker report for " + date + " yet."));
    },
    async pi() {
      const accounts = await api("GET", "/v1/admin/accounts");
      const records = [];
      for (const a of accounts.slice(0, 50)) {
        const c = await api("GET", "/v1/compliance/clients/" + encodeURIComponent(a.account));
        if (c.classification) records.push({ account: a.account, ...c.classification });
      }
      records.sort((x, y) => x.expiresAt - y.expiresAt);
      fill("pi", records.length ? table("Classifications, soonest expiry first", [["Account", r => r.account], ["Kind", r => r.investorKind],
        ["Expires", r => time(r.expiresAt)], ["Current", r => r.current ? "yes" : "no"], ["Proposed by", r => r.proposedBy],
        ["Approved by", r => r.approvedBy]], records, "pi") : empty("No classified clients."));
    },
    async approvals() {
      const rows = await api("GET", "/v1/compliance/requests");
      const role = document.getElementById("staff-role").textContent;
      const actions = r => {
        const box = el("div", { class: "actions" });
        if (!(r.deciders || []).includes(role)) return "decided by " + (r.deciders || []).join(" or ");
        if (can("approvals", "approve")) box.appendChild(el("button", { type: "button", "data-action": "approve", "data-request": r.requestId,
          onclick: () => act("POST", "/v1/compliance/requests/" + encodeURIComponent(r.requestId) + "/approve") }, ["Approve " + r.requestId]));
        if (can("approvals", "reject")) {
          const id = "reject-reason-" + r.requestId, input = el("input", { id, name: "reason", required: "required" });
          box.appendChild(el("form", { class: "inline", onsubmit: ev => { ev.preventDefault();
            act("POST", "/v1/compliance/requests/" + encodeURIComponent(r.requestId) + "/reject", { reason: input.value }); } },
            [el("label", { for: id, text: "Reason" }), input, el("button", { type: "submit", "data-action": "reject" }, ["Reject"])]));
        }
        return box.childNodes.length ? box : "—";
      };
      fill("approvals", rows.length ? table("Requests waiting for a checker", [["Request", r => r.requestId], ["Kind", r => r.kind],
        ["Account", r => r.account], ["Maker", r => r.maker], ["Made", r => time(r.madeAt)], ["Reason", r => r.reason], ["Action", actions]],
        rows, "approvals") : empty("Nothing waits for a checker."));
    },
    async accounts() {
      const rows = await api("GET", "/v1/admin/accounts");
      fill("accounts", table("Accounts", [["Account", r => r.account], ["Cash", r => r.cash], ["Equity", r => r.equity],
        ["Initial margin", r => r.initialMargin], ["Maintenance margin", r => r.maintenanceMargin], ["Available", r => r.available]], rows, "accounts"));
    },
  };
  // The slow views (one request per client) refresh every fifth round, starting with the
  // second (a second after the first), so the page stays inside the key's rate limit.
  const slow = new Set(["pi", "accounts"]);
  let ticks = 0;
  async function refresh() {
    const jobs = Object.keys(loaders).filter(v => views[v] && (!slow.has(v) || ticks % 5 === 1)).map(v => loaders[v]().catch(e => {
      if (e instanceof ApiFailure) fill(v, el("p", { class: "error", text: e.message })); else throw e;
    }));
    ticks += 1;
    await Promise.allSettled(jobs);
    main.dataset.refreshRounds = String(ticks);   // for the browser test: a round has been drawn
  }
  async function act(method, path, body) {
    try {
      clearProblem();
      await api(method, path, body);
      main.dataset.lastAction = method + " " + path;
      redrawAll = true;
      try { await refresh(); } finally { redrawAll = false; }
    } catch (e) { showProblem(e); }
  }
  document.getElementById("signout-form").addEventListener("submit", async ev => {
    ev.preventDefault();
    signingOut = true;
    try { await api("POST", "/console/session/end"); } catch (e) { /* already ended */ }
    window.location.assign("/console?reason=SIGNED_OUT");
  });
  connect();
  refresh();
  setTimeout(() => { refresh(); setInterval(refresh, 3000); }, 1000);
})();
"""#

    /// The console's style sheet, served at `/console/assets/console.css`.
    static let style = #"""
:root { color-scheme: light dark; --fg: #111; --bg: #fff; --muted: #555; --line: #ccc; --accent: #0b5cad; --bad: #a40000; }
@media (prefers-color-scheme: dark) { :root { --fg: #eee; --bg: #121212; --muted: #aaa; --line: #444; --accent: #7fb3ff; --bad: #ff8a80; } }
* { box-sizing: border-box; }
body { font: 14px/1.4 system-ui, sans-serif; color: var(--fg); background: var(--bg); margin: 0 1rem 2rem; }
.skip { position: absolute; left: -999px; } .skip:focus { left: 1rem; top: 1rem; background: var(--bg); padding: .5rem; }
header { border-bottom: 1px solid var(--line); padding-bottom: .5rem; }
h1 { font-size: 1.3rem; } h2 { font-size: 1.05rem; margin: .2rem 0; }
nav ul { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: .3rem 1rem; }
a { color: var(--accent); }
a:focus, button:focus, input:focus, select:focus { outline: 3px solid var(--accent); outline-offset: 1px; }
main { display: grid; grid-template-columns: repeat(auto-fill, minmax(520px, 1fr)); gap: 1rem; }
main.signin, .signin { display: block; max-width: 30rem; }
#surveillance, #alerts, #approvals, #atrisk { grid-column: 1 / -1; }
.view { border: 1px solid var(--line); border-radius: 4px; padding: .5rem .8rem; overflow-x: auto; }
.summary { color: var(--muted); margin: 0 0 .4rem; }
table { border-collapse: collapse; margin: .3rem 0; font-variant-numeric: tabular-nums; }
caption { text-align: left; font-weight: 600; }
th, td { border-bottom: 1px solid var(--line); padding: .15rem .5rem; text-align: left; vertical-align: top; }
.columns { display: flex; flex-wrap: wrap; gap: 1rem; }
dl.figures { display: grid; grid-template-columns: max-content 1fr; gap: .1rem 1rem; }
dl.figures dd { margin: 0; font-variant-numeric: tabular-nums; }
svg { width: 100%; max-width: 600px; height: 160px; border: 1px solid var(--line); }
svg .line { fill: none; stroke: var(--accent); stroke-width: 2; } svg text { font-size: 11px; fill: var(--muted); }
.error { color: var(--bad); } .na, .empty, .loading { color: var(--muted); }
form.inline { display: inline-flex; gap: .3rem; align-items: center; margin: .1rem 0; }
button { font: inherit; padding: .15rem .6rem; }
input, select { font: inherit; }
"""#
}
