"""A small web app that counts its visits in Redis: the sample dev stack's web service."""
import os
import signal
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import redis

store = redis.Redis(host=os.environ.get("REDIS_HOST", "redis"), port=6379, socket_timeout=2)


class Visits(BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path == "/health":
            return self.reply(200, "ok\n")
        try:
            count = store.incr("visits")
        except redis.RedisError as e:
            return self.reply(503, f"redis is not reachable: {e}\n")
        self.reply(200, f"Hello from boxcompose! This page has been visited {count} times.\n")

    def reply(self, code, text):
        body = text.encode()
        self.send_response(code)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, fmt, *args):
        print(f"{self.address_string()} {fmt % args}", flush=True)


def main():
    port = int(os.environ.get("PORT", "8000"))
    server = ThreadingHTTPServer(("0.0.0.0", port), Visits)
    # SIGTERM (boxcompose stop) ends the server cleanly, as Ctrl-C would.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print(f"listening on :{port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
