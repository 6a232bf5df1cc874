#!/usr/bin/env python3
"""A bounded loopback image server for bench/http-vs-local.sh: serves DIR on 127.0.0.1:PORT with
LATENCY ms before every answer, answers 503 to the first request for every tenth file, and exits
by itself after MAX_SECONDS. Usage: DIR PORT LATENCY_MS MAX_SECONDS"""
import os, sys, threading, time
from http.server import ThreadingHTTPServer, BaseHTTPRequestHandler

root, port, latency, max_seconds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]) / 1000.0, float(sys.argv[4])
failed_once, lock = set(), threading.Lock()

class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        time.sleep(latency)
        name = os.path.basename(self.path)
        digits = "".join(c for c in name if c.isdigit())
        with lock:
            first = name not in failed_once
            failed_once.add(name)
        if digits and int(digits) % 10 == 0 and first:
            self.send_response(503); self.send_header("Content-Length", "0"); self.end_headers(); return
        path = os.path.join(root, name)
        if not os.path.isfile(path):
            self.send_response(404); self.send_header("Content-Length", "0"); self.end_headers(); return
        with open(path, "rb") as f:
            body = f.read()
        self.send_response(200); self.send_header("Content-Length", str(len(body))); self.end_headers()
        self.wfile.write(body)

server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
server.daemon_threads = True
threading.Timer(max_seconds, server.shutdown).start()
server.serve_forever()
