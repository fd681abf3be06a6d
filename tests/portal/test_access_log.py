"""The real server's access log never prints the secret of a one-time link."""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

PORTAL = str(Path(sys.executable).with_name("portal"))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_the_access_log_hides_one_time_links(tmp_path):
    env = {**os.environ, "PORTAL_DATABASE_URL": f"sqlite:///{tmp_path}/portal.db",
           "PORTAL_DATA_DIR": str(tmp_path / "data"), "PORTAL_SCHEDULER": "off",
           "PORTAL_SECURE_COOKIES": "false"}
    subprocess.run([PORTAL, "migrate"], env=env, check=True, capture_output=True)
    port = _free_port()
    log_path = tmp_path / "server.log"
    with log_path.open("w") as log:
        server = subprocess.Popen([PORTAL, "serve", "--port", str(port)], env=env, stdout=log,
                                  stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                if _get(f"{base}/healthz") == 200:
                    break
            except OSError:
                time.sleep(0.1)
        secret = "Secret-Du-Lien-0123456789abcdef"
        assert _get(f"{base}/compte/lien/{secret}") == 410
        assert _get(f"{base}/compte/lien/{secret}?x=1") == 410
    finally:
        server.terminate()
        server.wait(timeout=10)
    output = log_path.read_text()
    assert '"GET /healthz HTTP/1.1" 200' in output  # the access log is on
    assert output.count('"GET /compte/lien/[masqué]') == 2
    assert secret not in output
