"""Real subprocesses: exit codes, stderr, no tracebacks, parallel writers, damaged state."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor


def test_exit_codes_and_streams_through_a_real_process(kv_process):
    ok = kv_process("group", "create", "-n", "prg", "-l", "eastus")
    assert ok.exit_code == 0 and json.loads(ok.stdout)["name"] == "prg"
    missing = kv_process("group", "show", "-n", "nope")
    assert (missing.exit_code, missing.stdout) == (3, "")
    assert missing.stderr.startswith("ERROR: (ResourceGroupNotFound)")
    usage = kv_process("keyvault", "list", "--bogus")
    assert usage.exit_code == 2
    assert "Traceback" not in usage.stderr
    error = kv_process("keyvault", "show", "-n", "nosuchvault")
    assert error.exit_code == 1


def test_parallel_processes_lose_nothing(kv_process, kv):
    kv("group", "create", "-n", "par", "-l", "eastus")
    kv("keyvault", "create", "-n", "parvault", "-g", "par")
    names = [f"pv{i:02d}" for i in range(8)]

    def create(name):
        vault = kv_process("keyvault", "create", "-n", name, "-g", "par", "-o", "none")
        secret = kv_process("keyvault", "secret", "set", "--vault-name", "parvault",
                            "-n", f"s-{name}", "--value", name, "-o", "none")
        return vault.exit_code, secret.exit_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(create, names))
    assert results == [(0, 0)] * len(names)
    listed = {v["name"] for v in kv("keyvault", "list").json}
    assert listed == {*names, "parvault"}
    secrets = {s["name"] for s in kv("keyvault", "secret", "list", "--vault-name",
                                     "parvault").json}
    assert secrets == {f"s-{n}" for n in names}


def test_parallel_versions_of_one_secret_are_all_kept(kv_process, kv):
    kv("group", "create", "-n", "par", "-l", "eastus")
    kv("keyvault", "create", "-n", "parvault", "-g", "par")
    with ThreadPoolExecutor(max_workers=6) as pool:
        codes = list(pool.map(lambda i: kv_process(
            "keyvault", "secret", "set", "--vault-name", "parvault", "-n", "shared",
            "--value", str(i), "-o", "none").exit_code, range(6)))
    assert codes == [0] * 6
    versions = kv("keyvault", "secret", "list-versions", "--vault-name", "parvault",
                  "-n", "shared").json
    assert len(versions) == 6


def test_damaged_state_file_is_named_and_left_alone(kv, kv_process, home):
    kv("group", "create", "-n", "rg1", "-l", "eastus")
    kv("keyvault", "create", "-n", "broken1", "-g", "rg1")
    vault_file = home / "vaults" / "broken1" / "vault.json"
    vault_file.write_text("{ not json")
    result = kv_process("keyvault", "show", "-n", "broken1")
    assert result.exit_code == 1
    assert f"ERROR: The state file '{vault_file}' is damaged" in result.stderr
    assert "Traceback" not in result.stderr
    again = kv_process("keyvault", "create", "-n", "broken1", "-g", "rg1")
    assert again.exit_code == 1
    assert vault_file.read_text() == "{ not json"


def test_newer_format_home_is_refused(kv, home):
    kv("group", "create", "-n", "rg1", "-l", "eastus")
    meta_file = home / "home.json"
    meta = json.loads(meta_file.read_text())
    meta["format"] = 99
    meta_file.write_text(json.dumps(meta))
    result = kv("group", "list")
    assert result.exit_code == 1
    assert "written by a newer kvcli (format 99" in result.stderr
    assert json.loads(meta_file.read_text())["format"] == 99


def test_python_dash_m_matches_console_name(home):
    proc = subprocess.run([sys.executable, "-m", "kvcli", "keyvault", "nope"],
                          capture_output=True, text=True, env=os.environ.copy())
    assert proc.returncode == 2
    assert proc.stderr.startswith("ERROR: 'nope' is misspelled")


def test_kill_during_writes_leaves_last_good_state(kv, home):
    """A writer killed at random instants never leaves a half-written state file."""
    kv("group", "create", "-n", "rg1", "-l", "eastus")
    kv("keyvault", "create", "-n", "killvault", "-g", "rg1")
    script = ("from kvcli.cli.app import main\n"
              "i = 0\n"
              "while True:\n"
              "    i += 1\n"
              "    try:\n"
              "        main(['keyvault', 'secret', 'set', '--vault-name', 'killvault', '-n',"
              " 'spin', '--value', str(i), '-o', 'none'])\n"
              "    except SystemExit:\n"
              "        pass\n")
    import signal
    import time

    for delay in (0.3, 0.45, 0.6):
        proc = subprocess.Popen([sys.executable, "-c", script], env=os.environ.copy())
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        result = kv("keyvault", "secret", "show", "--vault-name", "killvault", "-n", "spin")
        if result.exit_code == 3:  # killed before the first write finished: nothing there
            continue
        assert result.exit_code == 0, result.stderr
        assert result.json["value"].isdigit()
    # a kill between write and rename may leave a hidden temp file, never a damaged state file
    for path in (home / "vaults" / "killvault" / "secrets").glob("*.json"):
        json.loads(path.read_text())
