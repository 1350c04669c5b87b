#!/usr/bin/python3
"""Lunar vs Redis: PUBLISH fan-out, MULTI/EXEC throughput, and a stalled subscriber's cost
(run by `make bench` after bench.py).

  publish_N   redis-benchmark PUBLISH to one channel with N subscribers (1, 10, 100) that a
              separate process drains as fast as it can; requests per second.
  multi_10    transactions of 10 SETs (MULTI, 10 x SET, EXEC) sent pipelined by --conns
              connections; transactions per second.
  stalled     a subscriber that never reads while --stall-mb MB are published to it in 1 MB
              messages: the server's peak RSS (VmHWM) and whether the subscriber was dropped by
              client-output-buffer-limit (pubsub 32mb 8mb 60 by default).

    /usr/bin/python3 tests/bench/bench_pubsub_tx.py --build build
    /usr/bin/python3 tests/bench/bench_pubsub_tx.py --build build --stall-mb 1024
"""

import argparse
import csv
import io
import os
import socket
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration"))
import harness  # noqa: E402

# A subscriber process: N connections subscribed to one channel, drained until killed.
DRAIN = r"""
import selectors, socket, sys
port, n, ch = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3].encode()
sel = selectors.DefaultSelector()
req = b"*2\r\n$9\r\nSUBSCRIBE\r\n$%d\r\n%s\r\n" % (len(ch), ch)
for _ in range(n):
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(req)
    s.recv(100)
    s.setblocking(False)
    sel.register(s, selectors.EVENT_READ)
print("ready", flush=True)
while True:
    for key, _ in sel.select():
        try:
            if not key.fileobj.recv(1 << 20):
                sel.unregister(key.fileobj)
        except BlockingIOError:
            pass
"""


def redis_benchmark(port, args, cmd, pipeline):
    argv = ["redis-benchmark", "-p", str(port), "-c", "50", "-n", str(args.n), "--csv",
            "-P", str(pipeline)] + cmd
    p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=300)
    rows = [r for r in csv.DictReader(io.StringIO(p.stdout.decode())) if r.get("rps")]
    return float(rows[-1]["rps"]) if rows else 0.0


def publish_rps(server, args, subscribers, pipeline):
    drain = subprocess.Popen([sys.executable, "-c", DRAIN, str(server.port), str(subscribers),
                              "bench"], stdout=subprocess.PIPE)
    try:
        drain.stdout.readline()
        return redis_benchmark(server.port, args, ["PUBLISH", "bench", "x" * 64], pipeline)
    finally:
        drain.kill()
        drain.wait()


def encode(*args):
    out = b"*%d\r\n" % len(args)
    for a in args:
        a = a if isinstance(a, bytes) else str(a).encode()
        out += b"$%d\r\n%s\r\n" % (len(a), a)
    return out


def multi_tps(server, args):
    """Transactions per second: each connection sends batches of transactions and reads the
    exact reply bytes back."""
    tx = encode("MULTI") + b"".join(encode("SET", f"k{i}", "v") for i in range(10)) + \
        encode("EXEC")
    reply_len = len(b"+OK\r\n" + b"+QUEUED\r\n" * 10 + b"*10\r\n" + b"+OK\r\n" * 10)
    batch = 50
    per_conn = args.tx // args.conns
    payload = tx * batch

    def worker():
        s = socket.create_connection(("127.0.0.1", server.port))
        for _ in range(per_conn // batch):
            s.sendall(payload)
            want = reply_len * batch
            while want:
                want -= len(s.recv(min(want, 1 << 20)))
        s.close()

    threads = [threading.Thread(target=worker) for _ in range(args.conns)]
    t0 = time.time()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return per_conn // batch * batch * args.conns / (time.time() - t0)


def peak_rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def stalled_subscriber(server, args):
    """Publishes args.stall_mb MB to a subscriber that never reads; returns (peak RSS MB,
    receivers of the last PUBLISH)."""
    sub = socket.socket()
    sub.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sub.connect(("127.0.0.1", server.port))
    sub.sendall(encode("SUBSCRIBE", "stall"))
    time.sleep(0.2)
    pub = socket.create_connection(("127.0.0.1", server.port))
    msg = encode("PUBLISH", "stall", b"z" * (1 << 20))
    last = None
    for _ in range(args.stall_mb // 8):
        pub.sendall(msg * 8)
        got = b""
        while got.count(b"\r\n") < 8:
            got += pub.recv(4096)
        last = got.split(b"\r\n")[-2]
    sub.close()
    pub.close()
    return peak_rss_kb(server.proc.pid) / 1024, last.decode()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--build", default=os.environ.get("LUNAR_BUILD", "build"))
    ap.add_argument("-n", type=int, default=200000, help="PUBLISH requests per run")
    ap.add_argument("--tx", type=int, default=100000, help="transactions per multi_10 run")
    ap.add_argument("--conns", type=int, default=4, help="connections for multi_10")
    ap.add_argument("--stall-mb", type=int, default=1024, help="MB published to a stalled "
                    "subscriber (0 skips)")
    args = ap.parse_args()
    os.environ.setdefault("LUNAR_SERVER_BIN",
                          os.path.join(os.path.abspath(args.build), "bin", "lunar-server"))
    results = {}
    for label, start in (("lunar", harness.start_lunar), ("redis", harness.start_redis)):
        server = start()
        try:
            r = {}
            for subs in (1, 10, 100):
                for pipeline in (1, 16):
                    r[(f"publish_{subs}", pipeline)] = publish_rps(server, args, subs, pipeline)
                    print(f"  {label} publish_{subs} P={pipeline} "
                          f"{r[(f'publish_{subs}', pipeline)]:,.0f}", file=sys.stderr)
            r[("multi_10", 50)] = multi_tps(server, args)
            if args.stall_mb:
                r["stalled"] = stalled_subscriber(server, args)
            results[label] = r
        finally:
            server.stop()
    print(f"{'workload':12}{'pipeline':>9}{'lunar':>14}{'redis':>14}{'ratio':>8}")
    for key in results["lunar"]:
        if key == "stalled":
            continue
        lv, rv = results["lunar"][key], results["redis"][key]
        print(f"{key[0]:12}{key[1]:>9}{lv:>14,.0f}{rv:>14,.0f}{lv / rv if rv else 0:>8.2f}")
    if args.stall_mb:
        for label in ("lunar", "redis"):
            rss, last = results[label]["stalled"]
            print(f"stalled subscriber, {args.stall_mb} MB published: {label} peak RSS "
                  f"{rss:.0f} MB, receivers of the last PUBLISH {last}")


if __name__ == "__main__":
    main()
