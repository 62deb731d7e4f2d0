#!/usr/bin/python3
"""Alertmanager's webhook receiver for the monitoring end-to-end test.

Listens on 127.0.0.1 (a free port), and appends each POSTed notification
to --out as one JSON line, {"path": ..., "body": <the notification>},
flushed before answering 200. Prints exactly "port=N" once listening, then
serves until SIGTERM.
"""

import argparse
import http.server
import json
import signal
import sys
import threading


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--out", required=True)
    args = p.parse_args()
    lock = threading.Lock()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers.get("Content-Length", "0"))
            body = json.loads(self.rfile.read(length) or b"{}")
            with lock, open(args.out, "a") as f:
                f.write(json.dumps({"path": self.path, "body": body}) + "\n")
                f.flush()
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *a):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown).start())
    print("port=%d" % server.server_address[1], flush=True)
    server.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
