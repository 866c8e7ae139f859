#!/usr/bin/env python3
"""fakehub.py - a hub that misbehaves, for e2e_hostile_hub.sh.

Serves HTTPS on 127.0.0.1:PORT with a real hub's TLS certificate and key (so
the laptop's pinned CA still verifies it) and answers from PLAN, a JSON file
read again at every request, so the test changes the answers between syncs:
  {"pull": {"status": 200, "body_file": F | "body": S, "cursor": N | "step": K,
            "more": 0|1, "ctype": ...},
   "enroll": {...same keys...}}
"step": K answers Maiam-Cursor = after + K (a hub that always has more).
Every request is appended to LOG as "METHOD PATH". Stops on SIGTERM.
usage: fakehub.py PORT CERT KEY PLAN LOG
"""
import http.server
import json
import signal
import ssl
import sys
import urllib.parse

PORT, CERT, KEY, PLAN, LOG = sys.argv[1:6]


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def answer(self, kind):
        with open(LOG, "a") as f:
            f.write(f"{self.command} {self.path}\n")
        with open(PLAN) as f:
            plan = json.load(f).get(kind)
        if plan is None:
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if "body_file" in plan:
            with open(plan["body_file"], "rb") as f:
                body = f.read()
        else:
            body = plan.get("body", "").encode()
        self.send_response(plan.get("status", 200))
        if kind == "pull":
            q = urllib.parse.parse_qs(urllib.parse.urlparse(self.path).query)
            after = int(q.get("after", ["0"])[0])
            cursor = after + plan["step"] if "step" in plan else plan.get("cursor", after)
            self.send_header("Maiam-Cursor", str(cursor))
            self.send_header("Maiam-More", str(plan.get("more", 0)))
        if body:
            self.send_header("Content-Type", plan.get("ctype", "application/json"))
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        if self.path.startswith("/v1/pull"):
            self.answer("pull")
        else:
            self.answer("feedback" if self.path.startswith("/v1/feedback") else "other")

    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        self.rfile.read(n)
        self.answer("enroll" if self.path.startswith("/v1/enroll") else "other")


def main():
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", int(PORT)), Handler)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(CERT, KEY)
    srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    signal.signal(signal.SIGTERM, lambda *a: sys.exit(0))
    print("listening", flush=True)
    srv.serve_forever()


main()
