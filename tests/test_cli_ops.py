"""The command line as an operator meets it (issue 14), each through the
real ``cobuild`` command: shell completion, ``serve`` on a busy port,
``--as-of`` in a roster date cell's forms, ``token create --street``
against the data source, ``NEO4J_USERNAME``, and what ``analyze --db``
says its scope is."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from api_kit import AS_OF, demo_roster, write_demo

from api.auth import TokenStore
from graph import store


def _cobuild(home: Path, *args: str, extra_env: dict | None = None,
             timeout: int = 300) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEO4J_", "COBUILD_"))}
    env["COBUILD_HOME"] = str(home)
    env.update(extra_env or {})
    return subprocess.run([sys.executable, "-m", "cli.main", *args], env=env, cwd=home,
                          capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory):
    return write_demo(tmp_path_factory.mktemp("roster"))


# -- completion ----------------------------------------------------------------


def _bash_complete(script: Path, words: list[str]) -> list[str]:
    """What bash offers after ``words`` (the last one being completed),
    using the generated script's own completion function."""
    line = " ".join(words)
    probe = f"""
source {script}
COMP_WORDS=({' '.join(repr(w) if w else "''" for w in words)})
COMP_CWORD={len(words) - 1}
COMP_LINE={line!r}
COMP_POINT={len(line)}
fn=$(complete -p cobuild | sed -E 's/.*-F ([^ ]+).*/\\1/')
$fn cobuild "${{COMP_WORDS[COMP_CWORD]}}" "${{COMP_WORDS[COMP_CWORD-1]}}"
printf '%s\\n' "${{COMPREPLY[@]}}"
"""
    out = subprocess.run(["bash", "-c", probe], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return [w.strip() for w in out.stdout.splitlines() if w.strip()]


def test_bash_completion_knows_the_commands_options_and_choices(tmp_path):
    p = _cobuild(tmp_path, "completion", "bash")
    assert p.returncode == 0, p.stderr
    script = tmp_path / "cobuild.bash"
    script.write_text(p.stdout)
    commands = _bash_complete(script, ["cobuild", ""])
    assert {"serve", "token", "analyze", "import", "completion", "neo4j"} <= set(commands)
    assert _bash_complete(script, ["cobuild", "se"]) == ["serve"]
    assert "--cors-origin" in _bash_complete(script, ["cobuild", "serve", "--"])
    assert set(_bash_complete(script, ["cobuild", "token", "create", "--role", ""])) == {
        "reader", "planner", "admin"}
    assert set(_bash_complete(script, ["cobuild", "completion", ""])) == {"bash", "zsh"}


def test_zsh_completion_is_a_completion_function_for_every_command(tmp_path):
    p = _cobuild(tmp_path, "completion", "zsh")
    assert p.returncode == 0, p.stderr
    assert p.stdout.startswith("#compdef cobuild")
    for word in ("serve", "token", "analyze", "--cors-origin", "--as-of", "reader", "planner"):
        assert word in p.stdout
    zsh = shutil.which("zsh")
    if zsh:  # the script is valid zsh where zsh is installed
        script = tmp_path / "_cobuild"
        script.write_text(p.stdout)
        assert subprocess.run([zsh, "-n", str(script)], capture_output=True).returncode == 0
    assert _cobuild(tmp_path, "completion", "fish").returncode == 2


# -- serve on a busy port ------------------------------------------------------------


def test_serve_on_a_busy_port_says_so_in_both_languages_and_exits_3(tmp_path, demo_file):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        p = _cobuild(tmp_path, "serve", "--roster", str(demo_file), "--port", str(port))
    assert p.returncode == 3, p.stderr
    assert f"端口 {port} 已被占用" in p.stderr and f"port {port} is already in use" in p.stderr
    assert "http://" not in p.stderr, "no address it will never serve"
    assert "Traceback" not in p.stderr and "Errno" not in p.stderr
    help_text = _cobuild(tmp_path, "serve", "--help").stdout
    assert "退出码 Exit codes" in help_text and "3  无法在该地址监听" in help_text


# -- --as-of ---------------------------------------------------------------------


def test_as_of_takes_the_forms_of_a_roster_date_cell(tmp_path, demo_file):
    def findings(as_of):
        p = _cobuild(tmp_path, "analyze", str(demo_file), "--as-of", as_of, "--format", "json",
                     "-q")
        assert p.returncode == 0, p.stderr
        return json.loads(p.stdout)

    iso = findings(AS_OF.isoformat())
    assert iso["as_of"] == AS_OF.isoformat()
    for form in ("2025/6/30", "2025年6月30日", "20250630"):
        assert findings(form) == iso, form
    bad = _cobuild(tmp_path, "analyze", str(demo_file), "--as-of", "2025-02-29")
    assert bad.returncode == 2
    assert "28" in bad.stderr and "2025-02" in bad.stderr  # says why, in both languages
    assert "日期不存在" in bad.stderr and "no such date" in bad.stderr


# -- token create --street ----------------------------------------------------------


def test_token_street_is_checked_against_the_roster(tmp_path, demo_file):
    street = demo_roster().rows("streets")[0]["code"]
    bad = _cobuild(tmp_path, "token", "create", "--role", "reader", "--street", "S99",
                   "--roster", str(demo_file))
    assert bad.returncode == 2, bad.stderr
    assert "没有街道 S99" in bad.stderr and "has no street S99" in bad.stderr
    assert street in bad.stderr, "names the streets there are"
    assert TokenStore(tmp_path / "tokens.json").records() == []
    ok = _cobuild(tmp_path, "token", "create", "--role", "reader", "--street", street,
                  "--roster", str(demo_file))
    assert ok.returncode == 0, ok.stderr
    assert [r.street for r in TokenStore(tmp_path / "tokens.json").records()] == [street]


def test_token_street_without_a_data_source_is_made_with_a_warning(tmp_path):
    p = _cobuild(tmp_path, "token", "create", "--role", "reader", "--street", "S99")
    assert p.returncode == 0, p.stderr
    assert "无法核对街道 S99" in p.stderr and "cannot check that street S99 exists" in p.stderr
    assert p.stdout.splitlines()[-1].startswith("cbt_")


@pytest.fixture
def stored_demo(neo4j_db, neo4j_server):
    store.import_roster(neo4j_db, demo_roster())
    return neo4j_server


def test_token_street_is_checked_against_neo4j(tmp_path, stored_demo):
    street = demo_roster().rows("streets")[0]["code"]
    env = stored_demo.env()
    bad = _cobuild(tmp_path, "token", "create", "--role", "planner", "--street", "S99",
                   extra_env=env)
    assert bad.returncode == 2 and "has no street S99" in bad.stderr, bad.stderr
    assert "Neo4j" in bad.stderr
    ok = _cobuild(tmp_path, "token", "create", "--role", "planner", "--street", street,
                  extra_env=env)
    assert ok.returncode == 0, ok.stderr


# -- NEO4J_USERNAME, and the scope of analyze --db ----------------------------------


@pytest.fixture
def second_user(neo4j_db):
    """A Neo4j user other than the default ``neo4j``: reached only when the
    user name is read from the environment."""
    name, password = "cobuild_planner", "planner-secret-1"
    with neo4j_db.driver.session(database="system") as s:
        s.run("CREATE OR REPLACE USER $name SET PLAINTEXT PASSWORD $password "
              "CHANGE NOT REQUIRED", name=name, password=password).consume()
    yield name, password
    with neo4j_db.driver.session(database="system") as s:
        s.run("DROP USER $name IF EXISTS", name=name).consume()


def test_neo4j_username_is_read_and_analyze_db_names_its_scope(tmp_path, stored_demo,
                                                               second_user):
    name, password = second_user
    env = {"NEO4J_URI": stored_demo.uri, "NEO4J_USERNAME": name, "NEO4J_PASSWORD": password}
    if stored_demo.settings.neo4j_database:
        env["NEO4J_DATABASE"] = stored_demo.settings.neo4j_database
    p = _cobuild(tmp_path, "analyze", "--db", "--as-of", AS_OF.isoformat(), "-q", extra_env=env)
    assert p.returncode == 0, p.stderr
    assert "范围 Scope: 全部 everything stored in the database" in p.stdout
    assert "everything in the roster" not in p.stdout
    # the same with NEO4J_USER is the same user; a wrong user name is refused
    env_user = {**env, "NEO4J_USER": name}
    del env_user["NEO4J_USERNAME"]
    assert _cobuild(tmp_path, "analyze", "--db", "-q", extra_env=env_user).returncode == 0
    wrong = _cobuild(tmp_path, "analyze", "--db", "-q",
                     extra_env={**env, "NEO4J_USERNAME": "nobody"})
    assert wrong.returncode == 2 and "NEO4J_USERNAME" in wrong.stderr
    html = tmp_path / "r.html"
    p = _cobuild(tmp_path, "analyze", "--db", "--out", str(html), "-q", extra_env=env)
    assert p.returncode == 0, p.stderr
    assert "全部 everything stored in the database" in html.read_text(encoding="utf-8")
