"""The fault campaign's network between the components and PostgreSQL
(tests/campaign/campaign.py, fault postgres-unreachable): a TCP proxy on
loopback that can drop everything, as a network does, and heal."""

import socket
import threading


class PgProxy:
    """The network between the components and PostgreSQL: a TCP proxy on
    loopback. black_hole() stops forwarding, both ways, on every open
    connection, and takes new ones without connecting them anywhere (no
    refusal, no reset, no answer: the bytes go nowhere, as on a dropped
    network); heal() lets what was held through and connects the held
    connections. A connection PostgreSQL closes (a restart) is closed to
    the client; one PostgreSQL refuses is closed at once. The harness's own
    queries go to PostgreSQL directly."""

    def __init__(self, upstream_port):
        self.upstream = upstream_port
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(128)
        self.port = self.listener.getsockname()[1]
        self.flowing = threading.Event()
        self.flowing.set()
        self.lock = threading.Lock()
        self.held = []  # connections taken while black-holed
        self.sockets = set()
        threading.Thread(target=self.accept, daemon=True).start()

    def accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return  # closed
            with self.lock:
                self.sockets.add(client)
                if not self.flowing.is_set():
                    self.held.append(client)
                    continue
            threading.Thread(target=self.connect, args=(client,), daemon=True).start()

    def connect(self, client):
        try:
            server = socket.create_connection(("127.0.0.1", self.upstream), timeout=5)
        except OSError:
            self.close(client)  # PostgreSQL is down: the client's connection ends at once
            return
        server.settimeout(None)
        with self.lock:
            self.sockets.add(server)
        for src, dst in ((client, server), (server, client)):
            threading.Thread(target=self.pump, args=(src, dst), daemon=True).start()

    def pump(self, src, dst):
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                self.flowing.wait()  # black-holed: held until healed
                dst.sendall(data)
        except OSError:
            pass
        for sock in (src, dst):
            try:
                sock.shutdown(socket.SHUT_RDWR)  # the other direction's pump ends too
            except OSError:
                pass
        self.close(src)

    def close(self, sock):
        with self.lock:
            self.sockets.discard(sock)
        sock.close()

    def black_hole(self):
        self.flowing.clear()

    def heal(self):
        with self.lock:
            held, self.held = self.held, []
            self.flowing.set()
        for client in held:
            threading.Thread(target=self.connect, args=(client,), daemon=True).start()

    def stop(self):
        self.listener.close()
        self.flowing.set()
        with self.lock:
            sockets, self.sockets = list(self.sockets), set()
        for sock in sockets:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
