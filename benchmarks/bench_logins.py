"""Concurrent failed logins against a real server: peak memory, answers, and whether the right password
gets in afterwards (issue 9, defect 9).

    .venv/bin/python benchmarks/bench_logins.py [--attempts 40] [--port 8765]

Starts ``jixiao serve`` (uvicorn, production argon2 parameters: 64 MiB per hash) on 127.0.0.1 with a
fresh SQLite database and one account, then sends ``--attempts`` wrong-password logins at once through
the login form (each client gets its own CSRF token first; ``--spread``: each for another user name),
then one with the right password. Prints
the server's resident memory before and its peak (``VmHWM``), the status codes, and the time taken.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import httpx

PASSWORD = "bench-pass-2026"


def _rss(pid: int) -> dict[str, int]:
    out = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(("VmRSS", "VmHWM")):
            key, value = line.split(":", 1)
            out[key] = int(value.split()[0]) // 1024  # MiB
    return out


def _client(base: str) -> tuple[httpx.Client, str]:
    c = httpx.Client(base_url=base, timeout=120)
    token = re.search(r'name="csrf_token" value="([^"]+)"', c.get("/login").text).group(1)
    return c, token


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--attempts", type=int, default=40)
    ap.add_argument("--port", type=int, default=8765)
    ap.add_argument("--spread", action="store_true",
                    help="每次尝试使用不同的用户名（账号限次不起作用，只有地址限次和散列并发上限）")
    args = ap.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="jixiao-bench-logins-"))
    url = f"sqlite:///{folder / 'jixiao.db'}"
    jixiao = [str(Path(sys.executable).with_name("jixiao"))]
    subprocess.run([*jixiao, "user", "add", "admin", "--role", "admin", "--password", PASSWORD, "--db", url],
                   check=True, capture_output=True)
    server = subprocess.Popen([*jixiao, "serve", "--db", url, "--port", str(args.port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{args.port}"
    try:
        for _ in range(100):
            try:
                httpx.get(base + "/login", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.2)
        before = _rss(server.pid)
        clients = [_client(base) for _ in range(args.attempts)]
        codes: list[int] = []
        lock = threading.Lock()

        def attempt(i: int, c: httpx.Client, token: str) -> None:
            name = f"guess{i}" if args.spread else "admin"
            r = c.post("/login", data={"username": name, "password": "wrong-password", "csrf_token": token})
            with lock:
                codes.append(r.status_code)

        threads = [threading.Thread(target=attempt, args=(i, *ct)) for i, ct in enumerate(clients)]
        t0 = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        took = time.perf_counter() - t0
        after = _rss(server.pid)
        c, token = _client(base)
        right = c.post("/login", data={"username": "admin", "password": PASSWORD, "csrf_token": token},
                       follow_redirects=False)
        print(f"{args.attempts} concurrent failed logins in {took:.1f} s: {dict(Counter(codes))}")
        print(f"server memory: {before.get('VmRSS')} MiB before, peak {after.get('VmHWM')} MiB")
        print(f"then the right password: HTTP {right.status_code}"
              + (" (logged in)" if right.status_code == 303 else " (refused)"))
    finally:
        server.terminate()
        server.wait(10)
        for p in folder.iterdir():
            p.unlink()
        os.rmdir(folder)


if __name__ == "__main__":
    main()
