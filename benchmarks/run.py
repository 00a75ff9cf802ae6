#!/usr/bin/env python3
"""kvcli start-up and scaling benchmark (issues 6 and 15). Standard library only.

    python benchmarks/run.py [--quick] [--large] [--sizes 10,1000,10000] [--rounds N]
                             [--markdown] [--write FILE]

Every figure is the wall-clock time of a whole process (what a user waits for), timed
with `time.perf_counter` around spawn-and-reap: one warm-up, then N rounds, median kept.
The rounds of all cases are interleaved (round 1 of every case, then round 2, ...) so
that a change in machine load during the run hits every case alike and the ratios stay
fair. Baselines measured in the same run and with the same interpreter:

* bare        `python -c pass`
* min-typer   a two-command Typer app (one option each) of the installed Typer release,
              running one command: the floor any Typer CLI pays.

kvcli is run through its console script next to the interpreter (the headline: it is
what users run) and as `python -m kvcli`. Every case gets a fresh KVCLI_HOME holding
resource group `bench-rg` and vault `benchvault`; KVCLI_NOW is unset.

The scaling part fills one vault per size in-process (one helper process importing
kvcli's core API; fsync is disabled for the fill only), then times secret
set/show/list/list-deleted as whole processes at every size. `--large` adds the size
100000 (filling it takes minutes). Peak memory is the child's own ru_maxrss, read with
os.wait4 for each run.

The bulk part fills one vault with 10000 secrets and times `backup-all` into a new
directory and `restore-all` of that directory into a new empty vault, each round.

The machine (CPU model, cores, memory, load) is stated at the top of the report. Every
target of issues 6 and 15 is a ratio or a limit checked in `build_targets` on this run.

The key-generation part times `key create` (RSA 2048, RSA 4096, EC P-256) as whole
processes beside the bare `cryptography` generation of the same key, timed inside one
process that only imports cryptography and generates the key (minus bare python), in the
same interleaved rounds: kvcli's cost is bounded by 1.3x (min-typer + generation).
"""

from __future__ import annotations

import argparse
import datetime as _dt
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

PY = sys.executable
VAULT = "benchvault"
GROUP = "bench-rg"
SECRET = "bench-secret"
KEY = "bench-key"
CERT = "bench-cert"

MINI_TYPER_APP = '''\
import typer

app = typer.Typer()


@app.command()
def hello(name: str = typer.Option("world", "--name")) -> None:
    print(f"hello {name}")


@app.command()
def bye(name: str = typer.Option("world", "--name")) -> None:
    print(f"bye {name}")


if __name__ == "__main__":
    app(prog_name="mini")
'''

# Runs inside ONE helper process: fills a vault with `count` active secrets plus
# count // 10 soft-deleted ones through kvcli's core API (the CLI's own fallback below).
FILL_HELPER = '''\
import io, os, sys
os.fsync = lambda fd: None          # setup only: durability is not what is measured here
vault, count, deleted = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
names = [f"s-{i:06d}" for i in range(count)] + [f"gone-{i:06d}" for i in range(deleted)]
try:
    from kvcli.core import secrets
    from kvcli.store.home import Home
    home = Home.open()
    for name in names:
        secrets.set_secret(home, vault, name, "value-" + name)
    for name in names[count:]:
        secrets.delete_secret(home, vault, name)
    print("core")
except (ImportError, AttributeError, TypeError):
    from kvcli.cli.app import main
    real = sys.stdout
    def run(args):
        sys.stdout = io.StringIO()
        try:
            main(args)
        except SystemExit as done:
            if done.code not in (0, None):
                raise RuntimeError(f"{args}: exit {done.code}")
        finally:
            sys.stdout = real
    for name in names:
        run(["keyvault", "secret", "set", "--vault-name", vault, "-n", name, "--value", "v"])
    for name in names[count:]:
        run(["keyvault", "secret", "delete", "--vault-name", vault, "-n", name])
    print("cli")
'''

# The bare `cryptography` generation of one key, as a whole process: the floor under
# `kvcli keyvault key create` is min-typer plus (this process - bare python), that is the
# cost of importing cryptography's key modules and generating the key.
GEN_ONE = '''\
import sys
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
kind, size = sys.argv[1].split()
if kind == "RSA":
    rsa.generate_private_key(public_exponent=65537, key_size=int(size))
else:
    ec.generate_private_key(ec.SECP256R1())
'''
LARGE_SIZE = 100_000
BULK_SIZE = 10_000  # backup-all + restore-all of this many secrets: < 10 s together
KEY_CREATE_ARGS = {"RSA 2048": ["--kty", "RSA", "--size", "2048"],
                   "RSA 4096": ["--kty", "RSA", "--size", "4096"],
                   "EC P-256": ["--kty", "EC", "--curve", "P-256"]}


# --- running one process ------------------------------------------------------------------
@dataclass
class Run:
    seconds: float
    code: int
    maxrss_kb: int
    stderr: str


def run_once(argv: list[str], env: dict[str, str]) -> Run:
    """Spawn, wait, and time one process; its own peak RSS comes from wait4()."""
    with tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(argv, env=env, stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
        err.seek(0)
        text = err.read().decode(errors="replace")
    return Run(elapsed, proc.returncode, usage.ru_maxrss, text)


def check_output(argv: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(argv, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} -> exit {done.returncode}: {done.stderr.strip()}")
    return done.stdout


@dataclass
class Case:
    """One command line timed over rounds; `argv_for(i)` may vary per round (e.g. new names)."""

    label: str
    argv_for: object  # callable(round_index) -> list[str]
    env: dict[str, str]
    runs: list[Run] = field(default_factory=list)
    error: str | None = None

    def step(self, index: int, keep: bool) -> None:
        if self.error:
            return
        result = run_once(self.argv_for(index), self.env)
        if result.code != 0:
            self.error = f"exit {result.code}: {result.stderr.strip().splitlines()[-1:]}"
            return
        if keep:
            self.runs.append(result)

    @property
    def median(self) -> float | None:
        return statistics.median(r.seconds for r in self.runs) if self.runs and not self.error \
            else None

    @property
    def peak_kb(self) -> int | None:
        return max(r.maxrss_kb for r in self.runs) if self.runs and not self.error else None


def interleave(cases: list[Case], rounds: int, progress: str) -> None:
    """One warm-up of every case, then `rounds` rounds, each running every case once."""
    for case in cases:
        case.step(-1, keep=False)
    for index in range(rounds):
        log(f"  {progress}: round {index + 1}/{rounds}")
        for case in cases:
            case.step(index, keep=True)


# --- environment --------------------------------------------------------------------------
def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


BYTECODE_CACHE: str | None = None  # set in main(): a private PYTHONPYCACHEPREFIX


def base_env() -> dict[str, str]:
    """The caller's environment without anything that changes kvcli's behaviour.

    Bytecode caching is forced on, into a private cache filled by the warm-up runs: with
    PYTHONDONTWRITEBYTECODE set (common in dev shells and CI) every module without a .pyc
    would be recompiled on every run, which no installed kvcli does.
    """
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("KVCLI_", "AZURE_CORE_", "_KVCLI_", "COMP_"))
           and k not in ("PYTHONDONTWRITEBYTECODE", "PYTHONPYCACHEPREFIX",
                         "PYTHONPROFILEIMPORTTIME", "PYTHONTRACEMALLOC", "PYTHONDEVMODE",
                         "PYTHONWARNINGS")}
    if BYTECODE_CACHE:
        env["PYTHONPYCACHEPREFIX"] = BYTECODE_CACHE
    return env


class Kvcli:
    """How to start kvcli: console script (headline) and `python -m kvcli`."""

    def __init__(self) -> None:
        script = Path(PY).parent / "kvcli"
        self.script = [str(script)] if script.is_file() and os.access(script, os.X_OK) else None
        self.module = [PY, "-m", "kvcli"]

    @property
    def best(self) -> list[str]:
        return self.script or self.module


class Workdir:
    """Temporary homes, removed at the end."""

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="kvcli-bench-"))
        self.count = 0

    def home(self, kv: Kvcli, extra_setup: list[list[str]] = ()) -> dict[str, str]:
        self.count += 1
        home = self.root / f"home{self.count}"
        env = base_env()
        env["KVCLI_HOME"] = str(home)
        for words in (["group", "create", "-n", GROUP, "-l", "eastus"],
                      ["keyvault", "create", "-n", VAULT, "-g", GROUP], *extra_setup):
            check_output(kv.best + words, env)
        return env

    def cleanup(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


def command_exists(kv: Kvcli, env: dict[str, str], *words: str) -> bool:
    return subprocess.run(kv.best + [*words, "--help"], env=env, stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL).returncode == 0


# --- the start-up part --------------------------------------------------------------------
@dataclass
class StartupRow:
    label: str
    script: Case | None
    module: Case | None
    note: str | None = None  # "n/a (not built)" and the like


def startup_cases(kv: Kvcli, work: Workdir, probe_env: dict[str, str]) -> list[StartupRow]:
    secret_args = ["--vault-name", VAULT, "-n", SECRET]
    have_secrets = all(command_exists(kv, probe_env, "keyvault", "secret", verb)
                       for verb in ("set", "show", "list"))
    specs: list[tuple[str, object, list[list[str]], dict[str, str], str | None]] = [
        ("kvcli --version", lambda i: ["--version"], [], {}, None),
        ("kvcli --help", lambda i: ["--help"], [], {}, None),
        ("kvcli keyvault show -n V", lambda i: ["keyvault", "show", "-n", VAULT], [], {}, None),
    ]
    set_secret = ["keyvault", "secret", "set", *secret_args, "--value", "x"]
    not_built = None if have_secrets else "n/a (not built)"
    specs += [
        ("kvcli keyvault secret show", lambda i: ["keyvault", "secret", "show", *secret_args],
         [set_secret], {}, not_built),
        ("kvcli keyvault secret set",
         lambda i: ["keyvault", "secret", "set", "--vault-name", VAULT, "-n", f"new-{i + 1}",
                    "--value", "x"], [], {}, not_built),
        ("kvcli keyvault secret list", lambda i: ["keyvault", "secret", "list",
                                                  "--vault-name", VAULT],
         [set_secret], {}, not_built),
        ("completion `kvcli keyvault sh<TAB>`", lambda i: [], [],
         {"_KVCLI_COMPLETE": "complete_bash", "COMP_WORDS": "kvcli keyvault sh",
          "COMP_CWORD": "2"}, None),
    ]
    # keys and certificates: only if built (az syntax).
    have_keys = command_exists(kv, probe_env, "keyvault", "key", "list-deleted")
    key_setup = [["keyvault", "key", "create", "--vault-name", VAULT, "-n", KEY],
                 ["keyvault", "key", "create", "--vault-name", VAULT, "-n", "gone-key"],
                 ["keyvault", "key", "delete", "--vault-name", VAULT, "-n", "gone-key"]]
    for verb, extra in (("show", ["-n", KEY]), ("list", []), ("list-deleted", [])):
        specs.append((f"kvcli keyvault key {verb}",
                      lambda i, verb=verb, extra=extra: ["keyvault", "key", verb,
                                                         "--vault-name", VAULT, *extra],
                      key_setup, {}, None if have_keys else "n/a (not built)"))
    have_sign = command_exists(kv, probe_env, "keyvault", "key", "sign")
    digest = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="  # base64 sha256("")
    specs.append(("kvcli keyvault key sign",
                  lambda i: ["keyvault", "key", "sign", "--vault-name", VAULT, "-n", KEY,
                             "-a", "RS256", "--digest", digest],
                  [["keyvault", "key", "create", "--vault-name", VAULT, "-n", KEY]], {},
                  None if have_sign else "n/a (not built)"))
    have_cert = command_exists(kv, probe_env, "keyvault", "certificate", "show")
    cert_setup: list[list[str]] = []
    if have_cert:
        try:
            policy = check_output(kv.best + ["keyvault", "certificate", "get-default-policy"],
                                  probe_env)
            cert_setup = [["keyvault", "certificate", "create", "--vault-name", VAULT,
                           "-n", CERT, "-p", policy]]
        except RuntimeError:
            cert_setup = [["keyvault", "certificate", "create", "--vault-name", VAULT,
                           "-n", CERT]]
    specs.append(("kvcli keyvault certificate show",
                  lambda i: ["keyvault", "certificate", "show", "--vault-name", VAULT,
                             "-n", CERT], cert_setup, {},
                  None if have_cert else "n/a (not built)"))

    rows = []
    for label, argv_for, setup, extra_env, note in specs:
        if note:
            rows.append(StartupRow(label, None, None, note))
            continue
        try:
            env = {**work.home(kv, setup), **extra_env}
        except RuntimeError as error:
            rows.append(StartupRow(label, None, None, f"n/a (setup failed: {error})"))
            continue

        def make(prefix: list[str], argv_for=argv_for, env=env) -> Case:
            return Case(label, lambda i: prefix + argv_for(i), env)

        rows.append(StartupRow(label, make(kv.script) if kv.script else None, make(kv.module)))
    return rows


# --- the scaling part ---------------------------------------------------------------------
def fill_vault(env: dict[str, str], size: int, deleted: int | None = None) -> str:
    deleted = size // 10 if deleted is None else deleted
    started = time.perf_counter()
    how = check_output([PY, "-c", FILL_HELPER, VAULT, str(size), str(deleted)], env).strip()
    log(f"  filled {size} + {deleted} deleted secrets in {time.perf_counter() - started:.1f} s"
        f" (via {how} API)")
    return how


def scaling_cases(kv: Kvcli, work: Workdir, sizes: list[int]) -> dict[int, dict[str, Case]]:
    table: dict[int, dict[str, Case]] = {}
    for size in sizes:
        env = work.home(kv)
        fill_vault(env, size)
        vault = ["--vault-name", VAULT]
        table[size] = {
            "set": Case(f"set@{size}", lambda i: kv.best + [
                "keyvault", "secret", "set", *vault, "-n", f"bench-new-{i + 1}", "--value", "x"],
                env),
            "show": Case(f"show@{size}", lambda i: kv.best + [
                "keyvault", "secret", "show", *vault, "-n", "s-000000"], env),
            "list": Case(f"list@{size}", lambda i: kv.best + [
                "keyvault", "secret", "list", *vault], env),
            "list-deleted": Case(f"list-deleted@{size}", lambda i: kv.best + [
                "keyvault", "secret", "list-deleted", *vault], env),
        }
    return table


def bulk_cases(kv: Kvcli, work: Workdir, rounds: int) -> tuple[Case, Case]:
    """(`backup-all`, `restore-all`) of a vault of BULK_SIZE secrets: round i backs up into
    its own new directory and restores it into its own new, empty vault (made beforehand;
    the warm-up is round -1). The backup case must run before the restore case."""
    env = work.home(kv)
    fill_vault(env, BULK_SIZE, deleted=0)
    for index in range(-1, rounds):
        check_output(kv.best + ["keyvault", "create", "-n", f"restore{index + 2}",
                                "-g", GROUP], env)
    folder = lambda i: str(work.root / f"bulk-backup-{i + 2}")  # noqa: E731
    return (Case("backup-all", lambda i: kv.best + ["keyvault", "backup-all", "--vault-name",
                                                    VAULT, "--dir", folder(i),
                                                    "-o", "none"], env),
            Case("restore-all", lambda i: kv.best + ["keyvault", "restore-all", "--vault-name",
                                                     f"restore{i + 2}", "--dir", folder(i),
                                                     "-o", "none"], env))


def keygen_cases(kv: Kvcli, work: Workdir) -> dict[str, tuple[Case, Case]]:
    """(`key create`, bare generation) of each kind; a new key name each round."""
    env = work.home(kv)
    return {label: (Case(f"key create {label}",
                         lambda i, label=label, args=args: kv.best + [
                             "keyvault", "key", "create", "--vault-name", VAULT,
                             "-n", f"gen-{label.replace(' ', '-').lower()}-{i + 1}", *args],
                         env),
                    Case(f"generation {label}", lambda i, label=label: [PY, "-c", GEN_ONE,
                                                                       label], base_env()))
            for label, args in KEY_CREATE_ARGS.items()}


# --- report -------------------------------------------------------------------------------
def ms(seconds: float | None) -> str:
    return "—" if seconds is None else f"{seconds * 1000:.0f} ms"


def ratio(value: float | None, base: float | None) -> str:
    return "—" if value is None or not base else f"{value / base:.2f}x"


@dataclass
class Target:
    name: str
    measured: str
    bound: str
    ok: bool | None  # None: not measurable in this run

    @property
    def verdict(self) -> str:
        return {True: "PASS", False: "FAIL", None: "n/a"}[self.ok]


@dataclass
class Report:
    meta: dict[str, str]
    bare: Case
    mini: Case
    mini_complete: Case
    startup: list[StartupRow]
    scaling: dict[int, dict[str, Case]]
    az: Case | None
    keygen: dict[str, tuple[Case, Case]]
    bulk: tuple[Case, Case] | None
    targets: list[Target]


def startup_figure(row: StartupRow) -> float | None:
    case = row.script or row.module
    return case.median if case else None


def build_targets(report: Report) -> list[Target]:
    """Every bound of issues 6 and 15 checked on this run's figures; n/a when a case was
    not measured (not built, or a size not in this run)."""
    bare, mini = report.bare.median, report.mini.median
    rows = {row.label: row for row in report.startup}
    targets: list[Target] = []

    def startup(label: str, name: str, times_bare: float, times_mini: float) -> None:
        value = startup_figure(rows[label]) if label in rows else None
        note = rows[label].note if label in rows else None
        targets.append(Target(f"{name} ≤ {times_bare:g}x bare python",
                              note or ratio(value, bare), f"≤ {times_bare:g}x",
                              None if value is None else value <= times_bare * bare))
        targets.append(Target(f"{name} ≤ {times_mini:g}x minimal Typer app",
                              note or ratio(value, mini), f"≤ {times_mini:g}x",
                              None if value is None else value <= times_mini * mini))

    for verb in ("secret show", "secret set", "key show", "certificate show"):
        startup(f"kvcli keyvault {verb}", f"`{verb}`", 5, 0.8)  # issue 15
    startup("completion `kvcli keyvault sh<TAB>`", "completion request", 10, 1.3)  # issue 6
    for label, (case, generation) in report.keygen.items():
        floor = generation_floor(report, generation)
        value = case.median
        targets.append(Target(f"`key create` {label} ≤ 1.3x (min-typer + generation)",
                              ratio(value, floor), "≤ 1.3x",
                              None if value is None or floor is None else value <= 1.3 * floor))
    scaling = report.scaling
    small = min(scaling) if scaling else None
    for op in ("set", "show"):
        lo = scaling[small][op].median if small == 10 else None
        hi = scaling[LARGE_SIZE][op].median if LARGE_SIZE in scaling else None
        targets.append(Target(f"`secret {op}` at {LARGE_SIZE} ≤ 1.1x at 10", ratio(hi, lo),
                              "≤ 1.1x", None if lo is None or hi is None else hi <= 1.1 * lo))
    for size, limit in ((10_000, 0.3), (LARGE_SIZE, 2.0)):
        seconds = scaling[size]["list"].median if size in scaling else None
        targets.append(Target(f"`secret list` at {size} < {limit:g} s", ms(seconds),
                              f"< {limit:g} s", None if seconds is None else seconds < limit))
    peak = scaling[LARGE_SIZE]["list"].peak_kb if LARGE_SIZE in scaling else None
    targets.append(Target(f"`secret list` at {LARGE_SIZE} < 100 MB peak RSS",
                          "—" if peak is None else f"{peak / 1024:.1f} MB", "< 100 MB",
                          None if peak is None else peak < 100 * 1024))
    backup, restore = report.bulk or (None, None)
    together = None if backup is None or None in (backup.median, restore.median) \
        else backup.median + restore.median
    targets.append(Target(f"`backup-all` + `restore-all` of {BULK_SIZE} secrets < 10 s",
                          "—" if together is None else f"{together:.2f} s", "< 10 s",
                          None if together is None else together < 10))
    return targets


def generation_floor(report: Report, generation: Case) -> float | None:
    """min-typer plus what importing cryptography and generating costs a bare process."""
    if None in (report.mini.median, report.bare.median, generation.median):
        return None
    return report.mini.median + generation.median - report.bare.median


def table_lines(headers: list[str], rows: list[list[str]], markdown: bool) -> list[str]:
    if markdown:
        out = ["| " + " | ".join(headers) + " |",
               "|" + "|".join("---" if i == 0 else "---:" for i in range(len(headers))) + "|"]
        out += ["| " + " | ".join(r) + " |" for r in rows]
        return out
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    fmt = lambda r: "  ".join(c.ljust(w) if i == 0 else c.rjust(w)  # noqa: E731
                              for i, (c, w) in enumerate(zip(r, widths)))
    return [fmt(headers), "  ".join("-" * w for w in widths), *(fmt(r) for r in rows)]


def render(report: Report, markdown: bool) -> str:
    bare, mini = report.bare.median, report.mini.median
    lines: list[str] = []
    head = "### " if markdown else ""
    m = report.meta
    if markdown:
        lines += [f"{head}kvcli performance ({m['date']})", "",
                  f"Machine: {m['cpu']} (`{m['machine']}`), {m['nproc']} CPUs, {m['memory']} "
                  f"memory, load average at start {m['load']}; Python {m['python']}, "
                  f"Typer {m['typer']}, kvcli {m['kvcli']}. Wall clock of whole processes, "
                  f"median of {m['rounds']} round(s) after one warm-up, rounds of all cases "
                  f"interleaved. Headline: the `kvcli` console script; `python -m kvcli` "
                  f"alongside.", ""]
    else:
        lines += [f"kvcli benchmark — {m['date']} — {m['cpu']} ({m['machine']}), "
                  f"{m['nproc']} CPUs, {m['memory']} memory, load {m['load']}",
                  f"Python {m['python']} ({PY}), Typer {m['typer']}, kvcli {m['kvcli']}; "
                  f"median of {m['rounds']} round(s) after one warm-up", ""]
    # start-up
    lines.append(f"{head}Start-up" if markdown else "Start-up (whole process, wall clock; "
                 "kvcli rows: median = console script)")
    if markdown:
        lines.append("")
    rows = [["bare `python -c pass`" if markdown else "bare python -c pass", ms(bare), "1.00x",
             ratio(bare, mini), "", ""],
            ["minimal Typer app (2 commands), one command", ms(mini), ratio(mini, bare),
             "1.00x", "", ""],
            ["minimal Typer app, completion request", ms(report.mini_complete.median),
             ratio(report.mini_complete.median, bare), ratio(report.mini_complete.median, mini),
             "", ""]]
    for row in report.startup:
        if row.note:
            rows.append([row.label, row.note, "", "", "", ""])
            continue
        s, mo = row.script, row.module
        err = (s and s.error) or (mo and mo.error)
        if err:
            rows.append([row.label, f"error: {err}"[:60], "", "", "", ""])
            continue
        sv = s.median if s else None
        rows.append([row.label, ms(sv), ratio(sv, bare), ratio(sv, mini),
                     ms(mo.median), ratio(mo.median, bare)])
    if report.az is not None:
        av = report.az.median if not report.az.error else None
        rows.append(["`az version`" if markdown else "az version",
                     ms(av) if av else f"error: {report.az.error}", ratio(av, bare),
                     ratio(av, mini), "", ""])
    lines += table_lines(["case", "median", "x bare", "x min-typer", "python -m kvcli",
                          "x bare"], rows, markdown)
    if report.az is None:
        lines += ["", "az: not installed"]
    # scaling
    if report.scaling:
        lines += ["", f"{head}Scaling (secrets in the vault, plus 10% soft-deleted)"
                  if markdown else "Scaling (N active secrets + N/10 soft-deleted; "
                                   "console script)"]
        if markdown:
            lines.append("")
        sizes = sorted(report.scaling)
        rows = []
        for op in ("set", "show", "list", "list-deleted"):
            cells = [f"`secret {op}`" if markdown else f"secret {op}"]
            for size in sizes:
                case = report.scaling[size][op]
                cells.append(f"error: {case.error}"[:40] if case.error else ms(case.median))
            lo, hi = report.scaling[sizes[0]][op].median, report.scaling[sizes[-1]][op].median
            cells.append(ratio(hi, lo))
            rows.append(cells)
        peaks = ["peak RSS of `secret list`" if markdown else "peak RSS of secret list"]
        for size in sizes:
            kb = report.scaling[size]["list"].peak_kb
            peaks.append("—" if kb is None else f"{kb / 1024:.1f} MB")
        peaks.append("")
        rows.append(peaks)
        lines += table_lines(["command", *(f"N={s}" for s in sizes),
                              f"N={sizes[-1]} / N={sizes[0]}"], rows, markdown)
        lines += ["", "set: a new secret name each round; show: one existing secret (value "
                      "decrypted); list, list-deleted: the whole vault as JSON to /dev/null; "
                      "peak RSS: the child's own ru_maxrss (wait4)."]
    # bulk
    if report.bulk:
        backup, restore = report.bulk
        lines += ["", f"{head}Bulk ({BULK_SIZE} secrets)" if markdown
                  else f"Bulk ({BULK_SIZE} secrets; console script)"]
        if markdown:
            lines.append("")
        together = None if None in (backup.median, restore.median) \
            else backup.median + restore.median
        rows = [[f"`{case.label}`" if markdown else case.label,
                 f"error: {case.error}"[:40] if case.error else ms(case.median)]
                for case in (backup, restore)]
        rows.append(["together", ms(together)])
        lines += table_lines(["command", "median"], rows, markdown)
        lines += ["", "backup-all: into a new directory each round; restore-all: that "
                      "directory into a new, empty vault."]
    # key generation
    if report.keygen:
        lines += ["", f"{head}Key generation" if markdown else "Key generation (console "
                                                              "script)"]
        if markdown:
            lines.append("")
        rows = []
        for label, (case, generation) in report.keygen.items():
            floor = generation_floor(report, generation)
            gen = None if floor is None else floor - report.mini.median
            rows.append([f"`key create` {label}" if markdown else f"key create {label}",
                         f"error: {case.error}"[:40] if case.error else ms(case.median),
                         ms(gen), ms(floor), ratio(case.median, floor)])
        lines += table_lines(["command", "median", "bare generation", "min-typer + generation",
                              "x (min-typer + generation)"], rows, markdown)
        lines += ["", "bare generation: a process that imports cryptography's key modules and "
                      "generates one key, minus bare python."]
    # targets
    lines += ["", f"{head}Targets" if markdown else "Targets"]
    if markdown:
        lines.append("")
    lines += table_lines(["target", "measured", "bound", "result"],
                         [[t.name, t.measured, t.bound, t.verdict] for t in report.targets],
                         markdown)
    return "\n".join(lines) + "\n"


# --- main ---------------------------------------------------------------------------------
def package_version(name: str) -> str:
    from importlib import metadata

    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def machine_facts() -> tuple[str, str]:
    """(CPU model, memory) as /proc states them; "unknown" where it does not."""
    cpu = memory = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.0f} GB"
                break
    except OSError:
        pass
    return cpu, memory


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true",
                        help="3 rounds, sizes 10,1000 (unless given), no bulk part")
    parser.add_argument("--sizes", help="comma-separated vault sizes (default 10,1000,10000; "
                                        "--quick: 10,1000); 0 or '' skips the scaling part")
    parser.add_argument("--large", action="store_true",
                        help=f"add the size {LARGE_SIZE} to the scaling part (slow to fill)")
    parser.add_argument("--rounds", type=int, help="timed rounds per case (default 7; --quick 3)")
    parser.add_argument("--markdown", action="store_true",
                        help="print the report as Markdown (for the README)")
    parser.add_argument("--write", metavar="FILE", help="also write the Markdown report to FILE")
    args = parser.parse_args(argv)
    rounds = args.rounds or (3 if args.quick else 7)
    if args.sizes is None:
        sizes = [10, 1000] if args.quick else [10, 1000, 10000]
    else:
        sizes = sorted({int(s) for s in args.sizes.split(",") if s.strip() and int(s) > 0})
    if args.large and LARGE_SIZE not in sizes:
        sizes.append(LARGE_SIZE)
    if rounds < 1:
        parser.error("--rounds must be at least 1")

    kv = Kvcli()
    cpu, memory = machine_facts()
    meta = {
        "date": _dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        "machine": platform.machine(),
        "cpu": cpu,
        "memory": memory,
        "nproc": str(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
                     else os.cpu_count()),
        "load": " ".join(f"{x:.2f}" for x in os.getloadavg()),
        "python": platform.python_version(),
        "typer": package_version("typer"),
        "kvcli": package_version("kvcli"),
        "rounds": str(rounds),
    }
    if kv.script is None:
        log(f"note: no kvcli console script next to {PY}; timing `python -m kvcli` only")
    work = Workdir()
    global BYTECODE_CACHE
    BYTECODE_CACHE = str(work.root / "pycache")
    try:
        mini_file = work.root / "mini_typer_app.py"
        mini_file.write_text(MINI_TYPER_APP)
        plain = base_env()
        bare = Case("bare", lambda i: [PY, "-c", "pass"], plain)
        mini = Case("mini", lambda i: [PY, str(mini_file), "hello", "--name", "x"], plain)
        mini_complete = Case("mini-complete", lambda i: [PY, str(mini_file)],
                             {**plain, "_MINI_COMPLETE": "complete_bash",
                              "COMP_WORDS": "mini he", "COMP_CWORD": "1"})
        log("setting up start-up cases")
        probe_env = work.home(kv)
        startup = startup_cases(kv, work, probe_env)
        az_path = shutil.which("az")
        az = Case("az", lambda i: [az_path, "version"], plain) if az_path else None
        cases = [bare, mini, mini_complete]
        for row in startup:
            cases += [c for c in (row.script, row.module) if c is not None]
        if az:
            cases.append(az)
        log(f"timing {len(cases)} start-up cases, {rounds} rounds")
        interleave(cases, rounds, "start-up")

        scaling: dict[int, dict[str, Case]] = {}
        if sizes:
            log(f"filling vaults for sizes {sizes}")
            if command_exists(kv, probe_env, "keyvault", "secret", "list-deleted"):
                scaling = scaling_cases(kv, work, sizes)
                flat = [c for by_op in scaling.values() for c in by_op.values()]
                interleave(flat, rounds, "scaling")
            else:
                log("secret commands not built yet: scaling part skipped")
        keygen: dict[str, tuple[Case, Case]] = {}
        if command_exists(kv, probe_env, "keyvault", "key", "create"):
            log("timing key generation")
            keygen = keygen_cases(kv, work)
            interleave([c for pair in keygen.values() for c in pair], rounds, "key create")
        bulk = None
        if command_exists(kv, probe_env, "keyvault", "restore-all") and not args.quick:
            log(f"filling a vault of {BULK_SIZE} secrets for backup-all / restore-all")
            bulk = bulk_cases(kv, work, rounds)
            interleave(list(bulk), rounds, "bulk")
        report = Report(meta, bare, mini, mini_complete, startup, scaling, az, keygen, bulk,
                        [])
        report.targets = build_targets(report)
    finally:
        work.cleanup()

    print(render(report, args.markdown), end="")
    if args.write:
        Path(args.write).write_text(render(report, markdown=True))
        log(f"wrote {args.write}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
