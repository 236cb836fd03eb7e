#!/usr/bin/env python3
"""A programmable loopback HTTP(S) server for Sluice's integration tests.

Usage:
    python3 fakeapi.py [--tls-cert PEM --tls-key PEM] [--client-ca PEM]
                       [--require-token TOKEN]

Binds 127.0.0.1 on an ephemeral port, prints one line ``{"port": N}`` to
stdout, then serves until stdin reaches EOF (so a crashed test never leaves
it running). Control commands arrive on stdin as JSON lines; each gets exactly
one JSON line in reply on stdout, in order:

    {"op":"script","method":"GET","path":"/version","responses":[R, ...]}
        -> {"ok":true}   responses are used in order, the last one repeats.
    {"op":"requests"}  -> {"requests":[{method,path,query,headers,body,
                                        client_cn,time}, ...]}
    {"op":"reset"}     -> {"ok":true}   clears scripts and the request log.
    {"op":"set_token","token":"..."} -> {"ok":true}   (null disables the check)

Response object R (every field optional):
    status   int, default 200
    headers  object; Content-Type defaults to application/json
    body     string sent as-is, or any other JSON value, serialized compactly
    chunks   [{"data": "...", "delay": seconds-before-this-chunk}], sent with
             Transfer-Encoding: chunked, one HTTP chunk each, flushed at once
    hold     seconds of silence after the last chunk before the terminating
             chunk (without chunks: silence between the headers and the body)
    close    true: drop the connection after the chunks/hold without the
             terminating chunk (without chunks: after the body, with no
             "Connection: close" warning)
    delay    seconds to wait before sending the status line

Set FAKEAPI_VERBOSE=1 to get access logs and errors on stderr.
"""

import argparse
import json
import os
import socket
import socketserver
import ssl
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

VERBOSE = os.environ.get("FAKEAPI_VERBOSE") == "1"
HANDSHAKE_TIMEOUT = 30.0

NOT_FOUND_BODY = json.dumps(
    {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": "the server could not find the requested resource",
        "reason": "NotFound",
        "details": {},
        "code": 404,
    },
    separators=(",", ":"),
)

UNAUTHORIZED_BODY = json.dumps(
    {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": "Unauthorized",
        "reason": "Unauthorized",
        "code": 401,
    },
    separators=(",", ":"),
)


def vlog(msg):
    if VERBOSE:
        sys.stderr.write("fakeapi: %s\n" % msg)
        sys.stderr.flush()


class State:
    """Scripts, request log and token; shared by handler threads and the control thread."""

    def __init__(self, token):
        self.lock = threading.Lock()
        self.scripts = {}  # (method, path) -> {"responses": [...], "next": int}
        self.log = []
        self.token = token

    def next_response(self, method, path):
        with self.lock:
            script = self.scripts.get((method, path))
            if script is None:
                return None
            responses = script["responses"]
            index = min(script["next"], len(responses) - 1)
            script["next"] += 1
            return responses[index]


STATE = State(None)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def version_string(self):
        return "fakeapi/1"

    # --- plumbing -----------------------------------------------------------

    def setup(self):
        super().setup()
        self.client_cn = None
        self.has_client_cert = False
        if isinstance(self.connection, ssl.SSLSocket):
            try:
                cert = self.connection.getpeercert()
            except (ValueError, OSError):
                cert = None
            if cert:  # only non-empty when verified against --client-ca
                self.has_client_cert = True
                for rdn in cert.get("subject", ()):
                    for key, value in rdn:
                        if key == "commonName":
                            self.client_cn = value

    def log_message(self, format, *args):
        if VERBOSE:
            super().log_message(format, *args)

    def handle(self):
        try:
            super().handle()
        except (ConnectionError, ssl.SSLError, socket.timeout, OSError) as e:
            vlog("connection from %s ended: %r" % (self.client_address, e))

    def _read_body(self):
        te = (self.headers.get("Transfer-Encoding") or "").lower()
        if "chunked" in te:
            data = bytearray()
            while True:
                line = self.rfile.readline(65537)
                if not line:
                    break
                size = int(line.split(b";", 1)[0].strip() or b"0", 16)
                if size == 0:
                    # trailers, up to the empty line
                    while True:
                        trailer = self.rfile.readline(65537)
                        if trailer in (b"\r\n", b"\n", b""):
                            break
                    break
                data += self.rfile.read(size)
                self.rfile.readline(65537)  # CRLF after the chunk
            return bytes(data)
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    # --- request handling ---------------------------------------------------

    def _serve(self):
        body = self._read_body()
        path, _, query = self.path.partition("?")
        headers = {}
        for name, value in self.headers.items():
            key = name.lower()
            headers[key] = headers[key] + ", " + value if key in headers else value
        with STATE.lock:
            STATE.log.append(
                {
                    "method": self.command,
                    "path": path,
                    "query": query,
                    "headers": headers,
                    "body": body.decode("utf-8", errors="replace"),
                    "client_cn": self.client_cn,
                    "time": time.time(),
                }
            )
            token = STATE.token

        if token is not None and not self.has_client_cert:
            if headers.get("authorization") != "Bearer " + token:
                self._send({"status": 401, "body": UNAUTHORIZED_BODY})
                return

        response = STATE.next_response(self.command, path)
        if response is None:
            response = {"status": 404, "body": NOT_FOUND_BODY}
        self._send(response)

    def _send(self, r):
        delay = float(r.get("delay") or 0)
        if delay > 0:
            time.sleep(delay)
        status = int(r.get("status", 200))
        headers = dict(r.get("headers") or {})
        lower = {k.lower() for k in headers}
        chunks = r.get("chunks")
        hold = float(r.get("hold") or 0)
        close = bool(r.get("close"))
        is_head = self.command == "HEAD"

        self.send_response(status)
        if "content-type" not in lower:
            self.send_header("Content-Type", "application/json")
        for name, value in headers.items():
            self.send_header(name, str(value))

        if chunks is not None:
            if "transfer-encoding" not in lower:
                self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            if not is_head:
                for chunk in chunks:
                    d = float(chunk.get("delay") or 0)
                    if d > 0:
                        time.sleep(d)
                    data = chunk.get("data", "")
                    if not isinstance(data, str):
                        data = json.dumps(data, separators=(",", ":"))
                    raw = data.encode("utf-8")
                    if not raw:
                        continue  # a zero-length chunk would end the body
                    self.wfile.write(b"%x\r\n" % len(raw) + raw + b"\r\n")
                    self.wfile.flush()
                if hold > 0:
                    time.sleep(hold)
                if close:
                    self._drop()
                    return
                self.wfile.write(b"0\r\n\r\n")
                self.wfile.flush()
            return

        body = r.get("body", "")
        if body is None:
            body = ""
        if not isinstance(body, str):
            body = json.dumps(body, separators=(",", ":"))
        raw = body.encode("utf-8")
        if "content-length" not in lower:
            self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        if hold > 0:
            time.sleep(hold)
        if not is_head and raw:
            self.wfile.write(raw)
            self.wfile.flush()
        if close:
            self._drop()

    def _drop(self):
        """Abruptly end the connection: no terminating chunk, no TLS close_notify."""
        self.close_connection = True
        try:
            self.wfile.flush()
        except OSError:
            pass
        try:
            # SSLSocket.shutdown drops the TLS layer without sending close_notify.
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _serve


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, address, handler, ssl_context):
        self.ssl_context = ssl_context
        super().__init__(address, handler)

    def server_bind(self):
        # Skip HTTPServer.server_bind's getfqdn(), which can stall on DNS.
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name = host
        self.server_port = port

    def finish_request(self, request, client_address):
        # Runs in the per-connection thread (ThreadingMixIn.process_request_thread),
        # so a slow or failing TLS handshake only ever blocks its own thread.
        conn = request
        if self.ssl_context is not None:
            try:
                request.settimeout(HANDSHAKE_TIMEOUT)
                conn = self.ssl_context.wrap_socket(
                    request, server_side=True, do_handshake_on_connect=False
                )
                conn.do_handshake()
                conn.settimeout(None)
            except (OSError, ValueError) as e:
                vlog("TLS handshake with %s failed: %r" % (client_address, e))
                try:
                    conn.close()
                except OSError:
                    pass
                return
        try:
            self.RequestHandlerClass(conn, client_address, self)
        finally:
            if conn is not request:
                # wrap_socket detached `request`; close the TLS socket ourselves.
                self.shutdown_request(conn)

    def handle_error(self, request, client_address):
        if VERBOSE:
            super().handle_error(request, client_address)


# --- control protocol ---------------------------------------------------------

OUT_LOCK = threading.Lock()


def emit(obj):
    line = json.dumps(obj, separators=(",", ":"))
    with OUT_LOCK:
        sys.stdout.write(line + "\n")
        sys.stdout.flush()


def command(cmd):
    if not isinstance(cmd, dict):
        return {"ok": False, "error": "command must be a JSON object"}
    op = cmd.get("op")
    if op == "script":
        method, path, responses = cmd.get("method"), cmd.get("path"), cmd.get("responses")
        if not isinstance(method, str) or not isinstance(path, str):
            return {"ok": False, "error": "script needs string method and path"}
        if not isinstance(responses, list) or not responses:
            return {"ok": False, "error": "script needs a non-empty responses list"}
        if not all(isinstance(r, dict) for r in responses):
            return {"ok": False, "error": "each response must be an object"}
        with STATE.lock:
            STATE.scripts[(method.upper(), path)] = {"responses": responses, "next": 0}
        return {"ok": True}
    if op == "requests":
        with STATE.lock:
            return {"requests": list(STATE.log)}
    if op == "reset":
        with STATE.lock:
            STATE.scripts.clear()
            STATE.log.clear()
        return {"ok": True}
    if op == "set_token":
        token = cmd.get("token")
        if token is not None and not isinstance(token, str):
            return {"ok": False, "error": "token must be a string or null"}
        with STATE.lock:
            STATE.token = token
        return {"ok": True}
    return {"ok": False, "error": "unknown op: %r" % (op,)}


def control_loop():
    try:
        for line in sys.stdin:
            line = line.strip()
            if not line:
                continue
            try:
                reply = command(json.loads(line))
            except Exception as e:  # noqa: BLE001 - always answer one line
                reply = {"ok": False, "error": "%s: %s" % (type(e).__name__, e)}
            emit(reply)
    finally:
        # stdin closed (test finished or crashed): exit now, whatever is in flight.
        try:
            sys.stdout.flush()
        except Exception:  # noqa: BLE001
            pass
        os._exit(0)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tls-cert")
    parser.add_argument("--tls-key")
    parser.add_argument("--client-ca")
    parser.add_argument("--require-token")
    args = parser.parse_args()

    if bool(args.tls_cert) != bool(args.tls_key):
        parser.error("--tls-cert and --tls-key go together")
    if args.client_ca and not args.tls_cert:
        parser.error("--client-ca needs --tls-cert/--tls-key")

    context = None
    if args.tls_cert:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(args.tls_cert, args.tls_key)
        context.set_alpn_protocols(["http/1.1"])
        if args.client_ca:
            context.verify_mode = ssl.CERT_OPTIONAL
            context.load_verify_locations(cafile=args.client_ca)

    STATE.token = args.require_token
    server = Server(("127.0.0.1", 0), Handler, context)
    with OUT_LOCK:
        sys.stdout.write(json.dumps({"port": server.server_address[1]}) + "\n")
        sys.stdout.flush()
    threading.Thread(target=control_loop, name="control", daemon=True).start()
    server.serve_forever(poll_interval=0.2)


if __name__ == "__main__":
    main()
