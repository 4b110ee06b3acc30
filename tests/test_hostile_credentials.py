"""The hostile catalogue (``../shared/reference/hostile-catalogue.md``), section 6 for ``push``
and ``query --endpoint``, and rows 27 of section 5: passwords come from a prompt, a file or
``CITYNET_PASSWORD``, never from the command line, are never echoed, and are masked in every
URL and store answer citynet prints (issue 15, cause 7).

Catalogue row → test:

- ``push … --password S3CRET`` visible in ``ps`` → test_a_password_on_the_command_line_is_refused_before_any_request,
  test_no_password_is_on_the_command_line_of_a_running_push
- the password in citynet's messages (401, 500, unreachable) and a store that echoes headers →
  test_a_store_that_echoes_the_request_does_not_show_the_password
- credentials in the endpoint URL → test_a_password_in_the_endpoint_url_is_sent_but_never_shown
- malformed endpoint ``http://[::1/store`` → tests/test_hostile_cli.py::test_an_invalid_endpoint_url_is_exit_2_naming_it
- a redirect from the store → test_a_redirect_from_the_store_is_not_followed
- Basic credentials over plain ``http://`` → test_basic_authentication_over_plain_http_is_warned_about
- 27 a store answering 500 or 401 → test_a_store_that_echoes_the_request_does_not_show_the_password
  (exit 2, the status and the start of the store's answer)
"""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

from citynet.scale.remote import Endpoint, parse_endpoint, readable_on_the_way, redact_url
from tests.hostile import citynet, fake_store
from tests.server_harness import Listener, free_port

SECRET = "S3CRET-pw-123"  # noqa: S105 (a made-up password, sent only to the fake store)
GRAPH = ["--graph", "https://example.org/g"]


def push(url: str) -> list[str]:
    return ["push", "--endpoint", url, *GRAPH]


def clean_failure(result: subprocess.CompletedProcess[str], *words: str) -> bool:
    return (result.returncode == 2 and all(word in result.stderr for word in words)
            and "Traceback" not in result.stderr)


def test_a_password_on_the_command_line_is_refused_before_any_request():
    with fake_store() as store:
        for command in (push(f"{store.url}/store"), ["query", "class-counts", "--endpoint", f"{store.url}/q"]):
            result = citynet(*command, "--user", "alice", "--password", SECRET)
            assert clean_failure(result, "--password is not accepted", "--password-file", "CITYNET_PASSWORD")
            assert SECRET not in result.stderr + result.stdout
        assert store.received == []


def test_a_password_comes_from_a_file_or_the_environment(tmp_path):
    secret_file = tmp_path / "password"
    secret_file.write_text(f"{SECRET}\nsecond line ignored\n")
    secret_file.chmod(0o600)
    with fake_store() as store:
        by_file = citynet(*push(f"{store.url}/store"), "--user", "alice", "--password-file", str(secret_file))
        assert by_file.returncode == 0 and by_file.stderr == "", by_file.stderr
        by_stdin = citynet(*push(f"{store.url}/store"), "--user", "alice", "--password-file", "-", stdin=SECRET)
        assert by_stdin.returncode == 0, by_stdin.stderr
        by_environment = citynet(*push(f"{store.url}/store"), "--user", "alice", env={"CITYNET_PASSWORD": SECRET})
        assert by_environment.returncode == 0, by_environment.stderr
        assert len(store.received) >= 3 and store.authorization() == [f"alice:{SECRET}"] * len(store.received)
        for result in (by_file, by_stdin, by_environment):
            assert SECRET not in result.stdout + result.stderr


def test_a_password_file_others_may_read_is_warned_about(tmp_path):
    secret_file = tmp_path / "password"
    secret_file.write_text(SECRET)
    secret_file.chmod(0o644)
    with fake_store() as store:
        result = citynet(*push(f"{store.url}/store"), "--user", "alice", "--password-file", str(secret_file))
    assert result.returncode == 0
    assert "other users may read this password file (mode 0644)" in result.stderr and SECRET not in result.stderr


def test_a_user_without_a_password_and_no_terminal_is_a_clear_error():
    with fake_store() as store:
        result = citynet(*push(f"{store.url}/store"), "--user", "alice")
        assert clean_failure(result, "no password for alice", "no terminal to ask for it on")
        assert store.received == []


def test_the_prompt_does_not_echo_the_password(tmp_path):
    """On a terminal, citynet asks; what is typed is neither shown nor printed, and is sent."""
    with fake_store() as store:
        pid, terminal = pty.fork()
        if pid == 0:  # the child: citynet on the terminal's other side
            environment = {k: v for k, v in os.environ.items() if k != "CITYNET_PASSWORD"}
            os.execve(sys.executable, [sys.executable, "-m", "citynet", *push(f"{store.url}/store"),  # noqa: S606
                                       "--user", "alice"], environment)
        screen = _read_until(terminal, b"Password for alice at ")
        assert f"{store.url}/store".encode() in screen
        os.write(terminal, f"{SECRET}\n".encode())
        screen += _read_until(terminal, b"replaced <https://example.org/g>")
        _, status = os.waitpid(pid, 0)
        os.close(terminal)
    assert os.waitstatus_to_exitcode(status) == 0, screen
    assert SECRET.encode() not in screen
    assert store.received and store.authorization() == [f"alice:{SECRET}"] * len(store.received)


def _read_until(terminal: int, wanted: bytes, seconds: float = 120) -> bytes:
    seen = b""
    deadline = time.monotonic() + seconds
    while wanted not in seen and time.monotonic() < deadline:
        ready, _, _ = select.select([terminal], [], [], 0.5)
        if ready:
            try:
                chunk = os.read(terminal, 4096)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
    assert wanted in seen, seen
    return seen


def test_no_password_is_on_the_command_line_of_a_running_push(tmp_path):
    secret_file = tmp_path / "password"
    secret_file.write_text(SECRET)
    secret_file.chmod(0o600)
    with fake_store() as store:
        store.hold.clear()  # the store keeps the push waiting while its command line is read
        ways = ((["--password-file", str(secret_file)], {}), ([], {"CITYNET_PASSWORD": SECRET}))
        for number, (options, env) in enumerate(ways, start=1):
            running = subprocess.Popen([sys.executable, "-m", "citynet", *push(f"{store.url}/store"),
                                        "--user", "alice", *options], env={**os.environ, **env},
                                       stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                       stderr=subprocess.DEVNULL)
            try:
                deadline = time.monotonic() + 120
                while len(store.received) < number and time.monotonic() < deadline:
                    time.sleep(0.1)  # until the push is sending: it has its password by then
                assert len(store.received) == number
                command_line = Path(f"/proc/{running.pid}/cmdline").read_bytes()
                assert b"citynet" in command_line and SECRET.encode() not in command_line
            finally:
                running.kill()
                running.wait(timeout=30)
        assert store.authorization() == [f"alice:{SECRET}"] * len(store.received)


def test_a_password_in_the_endpoint_url_is_sent_but_never_shown():
    with fake_store() as store:
        with_password = store.url.replace("http://", f"http://alice:{SECRET}@")
        sent = citynet(*push(f"{with_password}/store"))
        assert sent.returncode == 0, sent.stderr
        assert store.received and store.authorization() == [f"alice:{SECRET}"] * len(store.received)
        assert all(SECRET not in r.path and "alice" not in r.path for r in store.received)  # nor the request line
        assert any(r.path.startswith("/store?graph=") for r in store.received)
        assert f"at http://alice:***@127.0.0.1:{store.url.rsplit(':', 1)[1]}/store" in sent.stdout
        assert SECRET not in sent.stdout + sent.stderr
    closed = f"http://alice:{SECRET}@127.0.0.1:{free_port()}"
    for command in (push(f"{closed}/store"), ["query", "class-counts", "--endpoint", f"{closed}/query"]):
        refused = citynet(*command)
        assert clean_failure(refused, "cannot connect to http://alice:***@127.0.0.1:"), refused.stderr
        assert SECRET not in refused.stderr


@pytest.mark.parametrize("status, words", [(500, ["answered HTTP 500"]), (401, ["refused the credentials (HTTP 401)"])])
def test_a_store_that_echoes_the_request_does_not_show_the_password(status, words):
    with fake_store(status=status, echo=True) as store:
        result = citynet(*push(f"{store.url}/store"), "--user", "alice", "--retries", "0",
                         env={"CITYNET_PASSWORD": SECRET})
        assert clean_failure(result, *words), result.stderr
        assert len(store.received) == 1  # the first request (a count), not sent again: --retries 0
    assert SECRET not in result.stderr
    assert "YWxpY2U6UzNDUkVULXB3LTEyMw" not in result.stderr  # base64 of alice:S3CRET-pw-123
    if status == 500:
        assert "Authorization: Basic ***" in result.stderr  # the store's answer, its secret masked


def test_a_redirect_from_the_store_is_not_followed():
    listener = Listener()
    try:
        with fake_store(status=307, headers={"Location": f"{listener.url}/store"}) as store:
            result = citynet(*push(f"{store.url}/store"), "--user", "alice", env={"CITYNET_PASSWORD": SECRET})
            assert clean_failure(result, "answered HTTP 307"), result.stderr
            assert len(store.received) == 1
        time.sleep(0.3)
        assert listener.received == []  # neither the graph nor the credentials went there
    finally:
        listener.close()


def test_basic_authentication_over_plain_http_is_warned_about():
    def endpoint(url: str) -> Endpoint:
        return parse_endpoint(url)

    assert readable_on_the_way(endpoint("http://store.example.org/store"), "basic")
    assert readable_on_the_way(endpoint("http://10.1.2.3:7878/store"), "basic")
    assert not readable_on_the_way(endpoint("https://store.example.org/store"), "basic")
    assert not readable_on_the_way(endpoint("http://store.example.org/store"), "digest")
    for local in ("http://127.0.0.1:7878/store", "http://localhost/store", "http://[::1]:7878/store"):
        assert not readable_on_the_way(endpoint(local), "basic")
    with fake_store() as store:  # on loopback: no warning
        result = citynet(*push(f"{store.url}/store"), "--user", "alice", env={"CITYNET_PASSWORD": SECRET})
        assert result.returncode == 0 and "warning" not in result.stderr


def test_urls_are_shown_without_their_password():
    assert redact_url("cannot connect to http://alice:pw@host:1/x: refused") == \
        "cannot connect to http://alice:***@host:1/x: refused"
    assert redact_url("http://alice@host/x") == "http://alice@host/x"
    assert parse_endpoint("https://bob:p%40ss@h.example/store").password == "p@ss"  # noqa: S105
    assert parse_endpoint("https://bob:p%40ss@h.example/store").url == "https://h.example/store"
