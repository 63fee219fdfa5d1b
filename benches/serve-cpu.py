#!/usr/bin/env python3
"""Server processor time per TQL request, the gallery sent one query at a time (15 rounds),
for comparing two builds on a busy machine: benches/serve-cpu.py BINARY [PORT]. Linux only."""

import glob, json, subprocess, sys, time, urllib.request
binary = sys.argv[1]
port = sys.argv[2] if len(sys.argv) > 2 else "7992"
p = subprocess.Popen([binary, "--memory", "serve", "--port", port], stderr=subprocess.PIPE, stdout=subprocess.DEVNULL)
p.stderr.readline()
queries = [open(f).read() for f in sorted(glob.glob("queries/*.tq"))]
def cpu():
    f = open(f"/proc/{p.pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(f[11]) + int(f[12])) / 100
for q in queries[:3]:  # warm
    urllib.request.urlopen(urllib.request.Request(f"http://127.0.0.1:{port}/api/query", data=json.dumps({"query": q, "params": {"country": "Ukraine"}}).encode(), headers={"Content-Type": "application/json"})).read()
start = cpu(); n = 0; t = time.time()
for round in range(15):
    for q in queries:
        urllib.request.urlopen(urllib.request.Request(f"http://127.0.0.1:{port}/api/query", data=json.dumps({"query": q, "params": {"country": "Ukraine"}}).encode(), headers={"Content-Type": "application/json"})).read()
        n += 1
used = cpu() - start
print(f"{binary}: {n} TQL requests, server CPU {used:.2f} s, {used*1000/n:.2f} ms per request, wall {time.time()-t:.1f} s")
p.terminate(); p.wait()
