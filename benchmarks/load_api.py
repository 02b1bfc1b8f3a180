"""Load on the community lookup: N concurrent clients for T seconds.

By default the script sets everything up privately and takes it down after:
a Neo4j server in a temporary COBUILD_HOME (``cobuild.localserver.start``), the
demo county imported into it, a reader token, and ``cobuild serve`` in its
own process (``--workers``, default 2: one per core). Then ``--clients``
clients (default 50), each on its own keep-alive connection, ask
``GET /api/v1/communities/{code}`` in turn over every community for
``--duration`` seconds (default 30), and the script prints throughput,
p50/p95/p99 latency and the CPU each process spent per request. It asserts
nothing.

    .venv/bin/python benchmarks/load_api.py
    .venv/bin/python benchmarks/load_api.py --clients 50 --duration 30
    .venv/bin/python benchmarks/load_api.py --workers 1
    .venv/bin/python benchmarks/load_api.py --url http://127.0.0.1:8000 --token cbt_...

The clients speak HTTP/1.1 over asyncio streams directly (a few lines, no
client library) so that the figures measure the server, not the client.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path


def _say(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get_json(url: str, token: str):
    req = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(req, timeout=60) as r:
        return json.loads(r.read())


class Setup:
    """A private Neo4j with the demo county, and ``cobuild serve`` on it."""

    def __init__(self, seed: int, scale: float, dist_dir: str | None, workers: int = 1) -> None:
        self.workers = workers
        self.home = Path(tempfile.mkdtemp(prefix="cobuild-load-"))
        self.seed, self.scale, self.dist_dir = seed, scale, dist_dir
        self.proc: subprocess.Popen | None = None

    def __enter__(self) -> tuple[str, str]:
        try:
            return self._start()
        except BaseException:
            self.__exit__()
            raise

    def _start(self) -> tuple[str, str]:
        from api.auth import TokenStore
        from cobuild import localserver as server
        from graph import store
        from cobuild.database import connect
        from graph.settings import Settings
        from loaders.demo import generate

        _say(f"启动私有 Neo4j starting a private Neo4j in {self.home}")
        info, _ = server.start(self.home, dist_dir=self.dist_dir)
        settings = Settings(cobuild_home=self.home)
        roster = generate(seed=self.seed, scale=self.scale)
        _say(f"导入演示县 importing the demo county ({sum(roster.counts().values())} rows)")
        with connect(settings) as db:
            store.import_roster(db, roster)
        token = TokenStore(self.home / "tokens.json").create("reader", name="load")[1]
        port = _free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith("NEO4J_")}
        env["COBUILD_HOME"] = str(self.home)
        _say(f"启动接口 starting cobuild serve on port {port}")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "cli.main", "serve", "--port", str(port),
             "--workers", str(self.workers), "--log-level", "warning"],
            env=env, stdout=subprocess.DEVNULL)
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(url + "/healthz", timeout=2).read()
                break
            except OSError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit("cobuild serve did not start")
                time.sleep(0.2)
        self.pids = {"api server": self.proc.pid, "neo4j": info.pid}
        if self.workers > 1:  # the workers are the server's children
            kids = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children")
            self.pids["api workers"] = [int(p) for p in kids.read_text().split()] \
                if kids.exists() else []
        return url, token

    def __exit__(self, *exc) -> None:
        from cobuild import localserver as server

        if self.proc is not None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        server.stop(self.home, timeout=30)
        shutil.rmtree(self.home, ignore_errors=True)


async def _client(host: str, port: int, paths: list[str], token: str, start: int,
                  stop_at: float, latencies: list[float], errors: dict) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    i = start
    try:
        while time.perf_counter() < stop_at:
            path = paths[i % len(paths)]
            i += 1
            t0 = time.perf_counter()
            writer.write((f"GET {path} HTTP/1.1\r\nHost: {host}\r\n"
                          f"Authorization: Bearer {token}\r\nAccept: application/json\r\n\r\n")
                         .encode())
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head.split(b" ", 2)[1])
            length = 0
            for line in head.split(b"\r\n"):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":", 1)[1])
            await reader.readexactly(length)
            latencies.append(time.perf_counter() - t0)
            if status != 200:
                errors[status] = errors.get(status, 0) + 1
    finally:
        writer.close()


async def _load(url: str, token: str, paths: list[str], clients: int, duration: float):
    from urllib.parse import urlsplit

    u = urlsplit(url)
    latencies: list[float] = []
    errors: dict[int, int] = {}
    t0 = time.perf_counter()
    stop_at = t0 + duration
    await asyncio.gather(*(_client(u.hostname, u.port, paths, token, k, stop_at, latencies,
                                   errors) for k in range(clients)))
    return latencies, errors, time.perf_counter() - t0


def _pct(sorted_values: list[float], p: float) -> float:
    k = min(len(sorted_values) - 1, max(0, round(p / 100 * len(sorted_values)) - 1))
    return sorted_values[k]


def _cpu_seconds(pid) -> float:
    """User + system CPU seconds of a process, or of a list of them (Linux
    /proc)."""
    if isinstance(pid, list):
        return sum(_cpu_seconds(p) for p in pid)
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run(url: str, token: str, clients: int, duration: float, as_of: str | None,
        pids: dict | None = None) -> None:
    communities = []
    offset = 0
    while True:
        page = _get_json(f"{url}/api/v1/communities?limit=1000&offset={offset}", token)
        communities += [c["code"] for c in page["items"]]
        offset += 1000
        if offset >= page["total"]:
            break
    query = f"?as_of={as_of}" if as_of else ""
    paths = [f"/api/v1/communities/{c}{query}" for c in communities]
    _say(f"{len(paths)} 个社区 communities; 预热 warming up")
    for p in paths:
        _get_json(url + p, token)
    size = len(json.dumps(_get_json(url + paths[0], token), ensure_ascii=False).encode())
    _say(f"压测 load: {clients} 个并发客户端 concurrent clients, {duration:g} s")
    pids = {"load client": os.getpid(), **(pids or {})}
    cpu0 = {k: _cpu_seconds(p) for k, p in pids.items()}
    latencies, errors, elapsed = asyncio.run(_load(url, token, paths, clients, duration))
    cpu = {k: _cpu_seconds(p) - cpu0[k] for k, p in pids.items()}
    lat = sorted(x * 1000 for x in latencies)
    n = len(lat)
    print(f"community lookup  GET /api/v1/communities/{{code}}  ({len(paths)} communities, "
          f"~{size / 1024:.0f} KB per answer)")
    print(f"clients {clients}   duration {elapsed:.1f} s   requests {n}   "
          f"non-200 {sum(errors.values())} {errors if errors else ''}")
    print(f"throughput {n / elapsed:8.1f} req/s")
    print(f"latency ms  p50 {_pct(lat, 50):7.1f}   p95 {_pct(lat, 95):7.1f}   "
          f"p99 {_pct(lat, 99):7.1f}   max {lat[-1]:7.1f}   mean {statistics.fmean(lat):7.1f}")
    print("cpu per request  " + "   ".join(f"{k} {v / max(n, 1) * 1000:.2f} ms"
                                          for k, v in cpu.items()))
    print(f"cpu cores {os.cpu_count()}   load average {os.getloadavg()[0]:.2f} (1 min, at end)")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--clients", type=int, default=50, help="concurrent clients (default 50)")
    ap.add_argument("--duration", type=float, default=30.0, help="seconds (default 30)")
    ap.add_argument("--url", help="an already running API (then --token is needed)")
    ap.add_argument("--token", help="a bearer token for --url")
    ap.add_argument("--as-of", help="as-of date to ask for (default: the server's today)")
    ap.add_argument("--seed", type=int, default=2024, help="demo county seed")
    ap.add_argument("--scale", type=float, default=1.0, help="demo county scale (1 = article)")
    ap.add_argument("--workers", type=int, default=2,
                    help="cobuild serve --workers (default 2: one per core of the 2-core target)")
    ap.add_argument("--dist-dir", help="Neo4j class-path folder to reuse (cobuild.localserver.start)")
    args = ap.parse_args()
    if args.url:
        if not args.token:
            ap.error("--url needs --token")
        run(args.url.rstrip("/"), args.token, args.clients, args.duration, args.as_of)
        return 0
    setup = Setup(args.seed, args.scale, args.dist_dir, args.workers)
    with setup as (url, token):
        run(url, token, args.clients, args.duration, args.as_of, setup.pids)
    return 0


if __name__ == "__main__":
    sys.exit(main())
