"""``newscms serve``'s refusals, and the demo's last line: the command that browses it.

The server itself runs under uvicorn in tests/browser, driven by a real browser.
"""

import re
import socket
from pathlib import Path

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from newscms import Store
from newscms.cli import cli
from newscms.integrations.site import create_app, reference_site

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _serve(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["serve", *args])
    return result.exit_code, result.output


def test_serve_refuses_a_database_without_the_schema(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    code, output = _serve("--db", url, "--port", "0")
    assert code == 1
    assert output.startswith(
        "error: this database has no newscms tables yet; run `newscms migrate`"
    )
    assert output.count("\n") == 1


def test_serve_says_in_one_line_that_the_port_is_taken(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'news.db'}"
    Store(url).migrate()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        code, output = _serve("--db", url, "--port", str(port))
    assert code == 1
    assert output == (
        f"error: port {port} on 127.0.0.1 is already in use; stop what uses it or pass --port\n"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--port", "70000"], "70000 is not in the range 0<=x<=65535"),
        (["--page-size", "0"], "0 is not in the range 1<=x<=200"),
        (["--host", "no such host.invalid"], "error: cannot listen on no such host.invalid"),
    ],
)
def test_serve_refuses_bad_options(tmp_path: Path, args: list[str], message: str) -> None:
    url = f"sqlite:///{tmp_path / 'news.db'}"
    Store(url).migrate()
    code, output = _serve("--db", url, *args)
    assert code in (1, 2)
    assert message in output


def test_the_demo_ends_with_the_command_that_browses_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(EXAMPLES.parent)  # as `make demo` runs it, from the repository root
    result = CliRunner().invoke(cli, ["demo", "--output", str(tmp_path / "demo")])
    assert result.exit_code == 0, result.output
    database = (tmp_path / "demo" / "newscms-demo.db").resolve()
    url = f"sqlite:///{database}"
    media = tmp_path / "demo" / "media"
    last = result.output.rstrip("\n").splitlines()[-1]
    assert last == (
        "Browse it at http://127.0.0.1:8000/ after running: "
        f"newscms serve --db {url} --media-dir {media}"
    )
    store = Store(url)  # what that command opens: the demo's stories, ready to serve
    site = reference_site("http://testserver/")
    client = TestClient(create_app(store, site=site, media_dir=media))
    home = client.get("/en/")
    assert home.status_code == 200
    assert "Beijing &#34;does not want to help Pyongyang in its arms race&#34;" in home.text
    picture = re.search(r'<img src="http://127\.0\.0\.1:8000(/media/[^"]+)"', home.text)
    assert picture is not None, "the demo's lead images are on the home page"
    served = client.get(picture.group(1))  # and the pictures are served with the pages
    assert (served.status_code, served.headers["content-type"]) == (200, "image/jpeg")
    assert client.get("/media/../newscms-demo.db").status_code == 404
    store.dispose()
