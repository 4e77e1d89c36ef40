#!/usr/bin/env python3
"""Configuration versions at start (PERP-1, DECISIONS 52) on a real `harbour serve`.

A first start records version 1. The file is then edited (BTC-PERP maxLeverage 50 -> 40): a
start refuses it with CONFIG_CHANGED naming the changed path, writes nothing and serves
nothing; a start with --accept-config-change records version 2 (its file and its reason) and
serves the new maximum; a later start on the same file needs no flag.
"""
import json, os, random, shutil, signal, subprocess, sys, tempfile, time, urllib.request

HARBOUR = sys.argv[1] if len(sys.argv) > 1 else ".build/debug/harbour"
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
failures = []


def check(cond, what):
    print(("ok:   " if cond else "FAIL: ") + what, flush=True)
    if not cond:
        failures.append(what)


def serve(data, config, port, *extra):
    return subprocess.Popen([HARBOUR, "serve", "--data", data, "--config", config, "--port", str(port), *extra],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def ready(p, port, timeout=60):
    """Polls /v1/ready until it answers or the process exits (a condition with a deadline)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if p.poll() is not None:
            return False
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/v1/ready", timeout=1).read()
            return True
        except Exception:
            time.sleep(0.1)
    return False


def stop(p):
    p.send_signal(signal.SIGTERM)
    _, err = p.communicate(timeout=60)
    return p.returncode, err


def btc_leverage(port):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/v1/instruments", timeout=5) as r:
        return next(i for i in json.loads(r.read()) if i["symbol"] == "BTC-PERP")["maxLeverage"]


def versions(data):
    path = os.path.join(data, "config", "versions.jsonl")
    return [json.loads(line) for line in open(path)] if os.path.exists(path) else []


def main():
    work = tempfile.mkdtemp(prefix="harbour-config-")
    data, config = os.path.join(work, "data"), os.path.join(work, "venue.json")
    shutil.copy(os.path.join(ROOT, "config", "venue.json"), config)
    port = 21000 + random.randint(0, 999)

    p = serve(data, config, port)
    check(ready(p, port), "first start serves")
    code, _ = stop(p)
    check(code == 0 and len(versions(data)) == 1, f"version 1 recorded at the first start (exit {code}, {len(versions(data))} version(s))")

    venue = json.load(open(config))
    next(i for i in venue["instruments"] if i["symbol"] == "BTC-PERP")["maxLeverage"] = 40
    json.dump(venue, open(config, "w"), indent=2)
    p = serve(data, config, port)
    try:
        _, err = p.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        p.kill()
        _, err = p.communicate()
    check(p.returncode not in (0, None) and "CONFIG_CHANGED" in err and "maxLeverage" in err and "50 → 40" in err,
          f"an edited file is refused naming the path (exit {p.returncode}): {err[-400:]}")
    check(len(versions(data)) == 1, "the refusal records nothing")

    p = serve(data, config, port, "--accept-config-change", "risk committee: BTC-PERP to 40x")
    check(ready(p, port), "a start that accepts the change serves")
    check(btc_leverage(port) == "40", "the accepted version is in force")
    stop(p)
    vs = versions(data)
    check(len(vs) == 2 and "risk committee" in json.dumps(vs[-1]) and os.path.exists(os.path.join(data, "config", "v2.json")),
          f"version 2 recorded with its file and reason: {vs[-1] if vs else None}")

    p = serve(data, config, port)
    check(ready(p, port), "the same file starts again without the flag")
    stop(p)
    check(len(versions(data)) == 2, "an unchanged start records no new version")
    shutil.rmtree(work, ignore_errors=True)
    if failures:
        print(f"{len(failures)} check(s) failed")
        return 1
    print("config change test passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
