"""Latency of a normal GET on the hookspec-mock binary before, while N idle connections are open, and after.

Usage: python3 scripts/idle_connections.py PORT N SERVER_PID (Linux: reads the server's /proc entries).
Start the server with: target/release/hookspec-mock --port 0 --quiet [--max-connections M]
"""
import os, socket, sys, time, statistics, resource, errno, select
resource.setrlimit(resource.RLIMIT_NOFILE, (8192, 8192))
host, port, n, pid = "127.0.0.1", int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
REQ = b"GET /orgs/octocat/hooks HTTP/1.1\r\nHost: fake\r\nAuthorization: Bearer t\r\nConnection: close\r\n\r\n"

def rss():
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS"): return line.split()[1] + " kB"

def get():
    t = time.perf_counter()
    s = socket.create_connection((host, port), timeout=120)
    s.sendall(REQ)
    data = b""
    while True:
        chunk = s.recv(65536)
        if not chunk: break
        data += chunk
    s.close()
    assert data.startswith(b"HTTP/1.1 200"), data[:50]
    return (time.perf_counter() - t) * 1000

def sample(label, k):
    xs = [get() for _ in range(k)]
    print(f"{label}: median {statistics.median(xs):.3f} ms, max {max(xs):.3f} ms ({k} GETs); server RSS {rss()}", flush=True)

sample("before", 50)
t0 = time.perf_counter()
idle = []
for _ in range(n):
    s = socket.create_connection((host, port)); s.setblocking(False)
    idle.append(s)
# Every connect issued; wait until each is established (writable) or 30 s.
poller = select.poll()
for s in idle: poller.register(s, select.POLLOUT)
left = {s.fileno() for s in idle}; deadline = time.time() + 30
while left and time.time() < deadline:
    for fd, _ in poller.poll(1000):
        if fd in left: left.discard(fd); poller.unregister(fd)
print(f"{n} idle connects issued; {n-len(left)} established (kernel handshake done) in {(time.perf_counter()-t0)*1000:.0f} ms", flush=True)
fds = lambda: len(os.listdir(f"/proc/{pid}/fd"))
print(f"server holds {fds()} descriptors", flush=True)
sample("first GET with the idle connections open", 1)
sample("next GETs", 20)
t = time.perf_counter()
while fds() > 20 and time.perf_counter() - t < 60: time.sleep(0.1)
print(f"server back to {fds()} descriptors {time.perf_counter()-t0:.1f} s after the idle connects", flush=True)
for s_ in idle: s_.close()
sample("after", 50)
