"""Generate `man/kvcli.1` and `completions/*` from the live command tree.

    python -m kvcli.cli.docs                 # rewrite man/, completions/ and the fast table
    python -m kvcli.cli.docs --output-dir D  # write them under D instead
    python -m kvcli.cli.docs --check         # exit 1 when the committed copies are stale

The man page walks the real Typer/Click tree (lazy groups are imported on the way), so
a new command appears in it with its options and examples as soon as it is registered.
The output is byte-stable: no "today" in it; `.TH` carries the date of SOURCE_DATE_EPOCH
when that is set, otherwise the version. The completion files are what
`_KVCLI_COMPLETE=source_<shell> kvcli` prints: shims that call kvcli back on each TAB.
The fast argv path's table (kvcli/cli/fast_table.py) is derived from the same
declarations Typer builds the commands from.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

MAN_PATH = "man/kvcli.1"
COMPLETIONS = {
    "completions/kvcli.bash": "source_bash",
    "completions/_kvcli": "source_zsh",
    "completions/kvcli.fish": "source_fish",
}
FAST_TABLE_PATH = "kvcli/cli/fast_table.py"
REPO_ROOT = Path(__file__).resolve().parents[2]
# The commands scripts call in loops: they run without importing Typer (kvcli/cli/fast.py).
FAST_COMMANDS = tuple(
    [f"keyvault {kind} {verb}" for kind in ("secret", "key", "certificate")
     for verb in ("show", "list", "list-versions", "list-deleted", "show-deleted", "delete",
                  "recover", "purge", "backup", "restore", "set-attributes")]
    + ["keyvault secret set", "keyvault secret download", "keyvault key download",
       "keyvault key create", "keyvault key import", "keyvault key rotate",
       "keyvault key encrypt", "keyvault key decrypt", "keyvault key sign",
       "keyvault key verify", "keyvault certificate create", "keyvault certificate import",
       "keyvault certificate download", "keyvault show", "keyvault list",
       "keyvault list-deleted", "keyvault show-deleted", "clock show"])


# --------------------------------------------------------------------------- the tree

@dataclass
class CommandDoc:
    """One command of the tree as the man page shows it."""

    path: str                      # "kvcli keyvault create"
    help: str
    usage: str                     # "[OPTIONS]" etc.
    is_group: bool
    options: list[tuple[str, str, str]] = field(default_factory=list)  # (panel, term, help)
    examples: list[tuple[str, str]] = field(default_factory=list)      # (title, command)
    global_options: list[tuple[str, str]] = field(default_factory=list)  # (term, help)


def _context(command: Any, name: str, parent: Any) -> Any:
    from typer._click import Context

    return Context(command, info_name=name, parent=parent, **(command.context_settings or {}))


def parse_examples(epilog: str | None) -> list[tuple[str, str]]:
    """`command()`'s epilog ("Examples:", then `\\b` blocks of "Title:" + indented command)."""
    examples = []
    for block in (epilog or "").split("\b\n")[1:]:
        lines = [line for line in block.strip("\n").splitlines() if line.strip()]
        if not lines:
            continue
        title = lines[0].strip().rstrip(":")
        text = " ".join(line.strip() for line in lines[1:])
        examples.append((title, text))
    return examples


def walk(app: Any = None) -> Iterator[CommandDoc]:
    """Every group and command below the root, depth first, in `list_commands` order."""
    import typer

    from kvcli.cli.command import GLOBAL_PANEL

    if app is None:
        from kvcli.cli.typer_build import app

    root = typer.main.get_command(app)

    def visit(command: Any, ctx: Any) -> Iterator[CommandDoc]:
        is_group = hasattr(command, "list_commands")
        doc = CommandDoc(path=ctx.command_path, help=(command.help or "").strip(),
                         usage=" ".join(command.collect_usage_pieces(ctx)), is_group=is_group,
                         examples=parse_examples(command.epilog))
        if not is_group:
            for param in command.get_params(ctx):
                record = param.get_help_record(ctx)
                panel = getattr(param, "rich_help_panel", None) or ""
                if record is None:
                    continue
                if panel == GLOBAL_PANEL or param.name == "help":
                    doc.global_options.append(record)
                    continue
                if not panel and param.param_type_name == "argument":
                    panel = "Positional Arguments"
                doc.options.append((panel, record[0], record[1]))
        if ctx.parent is not None:
            yield doc
        if is_group:
            for name in command.list_commands(ctx):
                child = command.get_command(ctx, name)
                if child is not None and not getattr(child, "hidden", False):
                    yield from visit(child, _context(child, name, ctx))

    yield from visit(root, _context(root, "kvcli", None))


def global_options(app: Any = None) -> list[tuple[str, str]]:
    """az's global arguments, as the first command shows them (they are the same on all)."""
    return next((doc.global_options for doc in walk(app) if not doc.is_group), [])


# --------------------------------------------------------------------------- roff

def roff_escape(text: str) -> str:
    """Text for a roff body line: backslashes, minus signs, leading control characters."""
    text = text.replace("\\", "\\e").replace("-", "\\-")
    return "\n".join(("\\&" + line) if line.startswith((".", "'")) else line
                     for line in text.split("\n"))


def _quoted(text: str) -> str:
    """A macro argument: escaped, in double quotes (a quote itself is \\(dq)."""
    return '"' + roff_escape(text).replace('"', "\\(dq") + '"'


def _term(text: str) -> str:
    """`-n, --name NAME`: option names bold, metavars italic."""
    words = []
    for word in text.split(" "):
        bare = word.rstrip(",")
        comma = "," if word.endswith(",") else ""
        font = "B" if bare.startswith("-") else "I"
        words.append(f"\\f{font}{roff_escape(bare)}\\fR{comma}")
    return " ".join(words)


def _th_date() -> str:
    from kvcli import __version__

    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.strip().isdigit():
        return time.strftime("%Y-%m-%d", time.gmtime(int(epoch)))
    return f"version {__version__}"


ENVIRONMENT = [
    ("KVCLI_HOME", "The state home: one subscription's groups, vaults, objects, keys, clock "
                   "offset and config.toml. Default: $XDG_DATA_HOME/kvcli, i.e. "
                   "~/.local/share/kvcli."),
    ("KVCLI_NOW", "Pin the base time (ISO 8601, e.g. 2030-01-01T00:00:00Z); kvcli clock "
                  "offsets are added to it. Used by tests and labs."),
    ("KVCLI_CORE_OUTPUT, AZURE_CORE_OUTPUT", "Default output format when -o is not given "
                                             "(overrides core.output)."),
    ("KVCLI_CORE_ONLY_SHOW_ERRORS, AZURE_CORE_ONLY_SHOW_ERRORS",
     "When true, warnings are suppressed as with --only-show-errors."),
    ("KVCLI_CORE_NO_COLOR, AZURE_CORE_NO_COLOR", "When true, -o jsonc and yamlc are not "
                                                 "coloured."),
    ("KVCLI_DEFAULTS_GROUP, KVCLI_DEFAULTS_LOCATION, KVCLI_DEFAULTS_VAULT",
     "Defaults for --resource-group, --location and --vault-name (az's AZURE_DEFAULTS_GROUP "
     "and AZURE_DEFAULTS_LOCATION are read too). Every KVCLI_<SECTION>_<KEY> variable is "
     "read before AZURE_<SECTION>_<KEY>, and both before the config file."),
    ("NO_COLOR", "When set and not empty, output is never coloured (https://no-color.org)."),
    ("_KVCLI_COMPLETE", "Set by the shell completion scripts; not for interactive use."),
]
EXIT_STATUS = [
    ("0", "Success."),
    ("1", "Error: a service error (e.g. Conflict, Forbidden), a failed validation, a damaged "
          "state home."),
    ("2", "Usage error: unknown or missing argument, invalid value, misspelled command, bad "
          "--query."),
    ("3", "Resource not found, on show commands and resource-manager commands, as az."),
]
FILES = [
    ("$KVCLI_HOME/config.toml", "Configuration written by kvcli config set (mode 0600)."),
    ("$KVCLI_HOME/home.json", "Format version, subscription and tenant ids, clock offset."),
    ("$KVCLI_HOME/groups/", "One JSON file per resource group."),
    ("$KVCLI_HOME/vaults/", "One directory per vault (active or soft-deleted), one JSON file "
                            "per object; secret values are sealed with AES-256-GCM."),
    ("$KVCLI_HOME/keys/", "Keys kept in the home: data at rest and backup blobs."),
    ("$KVCLI_HOME/.lock", "Inter-process lock taken around every change."),
]


def render_man(app: Any = None) -> str:
    from kvcli import __version__

    out: list[str] = []
    add = out.append
    add(f'.TH KVCLI 1 "{_th_date()}" "kvcli {__version__}" "kvcli manual"')
    add(".nh")
    add(".SH NAME")
    add("kvcli \\- a local, offline twin of az keyvault")
    add(".SH SYNOPSIS")
    add(".B kvcli")
    add("\\fIGROUP\\fR [\\fISUBGROUP\\fR] \\fICOMMAND\\fR [\\fIARGUMENTS\\fR] "
        "[\\fIGLOBAL ARGUMENTS\\fR]")
    add(".br")
    add(".B kvcli")
    add("[\\fB\\-\\-version\\fR] [\\fB\\-h\\fR]")
    add(".SH DESCRIPTION")
    add(roff_escape(
        "kvcli behaves like az keyvault against a state directory instead of Azure: no "
        "subscription, no network. Soft delete, purge protection, retention, recover, purge "
        "and per-object encrypted backup follow Key Vault's rules; results are printed as az "
        "prints them, errors go to standard error as ERROR: lines, and exit codes are az's."))
    add(".PP")
    add(roff_escape(
        "Time is kvcli's own clock (see kvcli clock), so retention periods can be passed "
        "without waiting. One state home is one subscription; set KVCLI_HOME to use another."))
    add(".SH GLOBAL ARGUMENTS")
    add(roff_escape("Accepted by every command after its full name, anywhere among its own "
                    "arguments; as in az, they are refused before the command name."))
    for term, text in global_options(app):
        add(".TP")
        add(_term(term))
        add(roff_escape(text))
    add(".TP")
    add(_term("--version"))
    add(roff_escape("Show the kvcli version and exit (kvcli --version only)."))
    add(".SH COMMANDS")
    for doc in walk(app):
        add(f".SS {_quoted(doc.path)}")
        if doc.is_group:
            add(roff_escape(doc.help))
            continue
        add(f"\\fB{roff_escape(doc.path)}\\fR {roff_escape(doc.usage)}")
        add(".PP")
        add(roff_escape(doc.help))
        panel_shown = ""
        for panel, term, text in doc.options:
            if panel and panel != panel_shown:
                add(".PP")
                add(f"\\fI{roff_escape(panel)}:\\fR")
                panel_shown = panel
            add(".TP")
            add(_term(term))
            add(roff_escape(text))
        if doc.examples:
            add(".PP")
            add("Examples:")
            for title, command in doc.examples:
                add(".PP")
                add(roff_escape(title) + ":")
                add(".RS 4")
                add(".nf")
                add(roff_escape(command))
                add(".fi")
                add(".RE")
    add(".SH CONFIGURATION")
    add(roff_escape(
        "kvcli config set section.key=value writes $KVCLI_HOME/config.toml; kvcli config get "
        "shows each value with its source; kvcli config unset removes keys. Keys: core.output, "
        "core.only_show_errors, core.no_color, defaults.group, defaults.location, "
        "defaults.vault. Precedence: command line, then environment, then the file, then the "
        "built-in default."))
    add(".SH ENVIRONMENT")
    for name, text in ENVIRONMENT:
        add(".TP")
        add(f"\\fB{roff_escape(name)}\\fR")
        add(roff_escape(text))
    add(".SH FILES")
    for name, text in FILES:
        add(".TP")
        add(f"\\fI{roff_escape(name)}\\fR")
        add(roff_escape(text))
    add(".SH EXIT STATUS")
    for code, text in EXIT_STATUS:
        add(".TP")
        add(f"\\fB{code}\\fR")
        add(roff_escape(text))
    add(".SH SEE ALSO")
    add("\\fBaz\\fR(1), "
        + roff_escape("https://learn.microsoft.com/cli/azure/keyvault, and the labs in "
                      "docs/labs/ of the kvcli sources."))
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------- completions

ZSH_REGISTER = "compdef _kvcli_completion kvcli"
# Installed in site-functions, `_kvcli` is autoloaded as the body of a function named
# _kvcli on the first TAB: complete right away then. Sourced, it registers itself as before.
ZSH_AUTOLOAD = """if [ "$funcstack[1]" = "_kvcli" ]; then
  _kvcli_completion "$@"
else
  compdef _kvcli_completion kvcli
fi"""


def completion_script(source: str) -> str:
    """What `_KVCLI_COMPLETE=source_<shell> kvcli` prints, from a real kvcli process.

    Two fixes for installed files: the leading blank line goes (zsh's compinit reads
    `#compdef` only on the first line), and the zsh file also works when autoloaded.
    """
    env = {**os.environ, "_KVCLI_COMPLETE": source}
    proc = subprocess.run([sys.executable, "-m", "kvcli"], env=env, capture_output=True,
                          text=True, check=True, stdin=subprocess.DEVNULL)
    text = proc.stdout.strip() + "\n"
    if source == "source_zsh":
        text = text.replace(ZSH_REGISTER, ZSH_AUTOLOAD)
    return text


# --------------------------------------------------------------------------- fast table

def _module_of(path: str) -> str:
    """The module declaring the command at `path` ("keyvault secret show")."""
    from kvcli.cli.app import COMMAND_TREE

    *groups, _ = path.split(" ")
    tree, module = COMMAND_TREE, "kvcli.cli.root"
    for group in groups:
        module, tree = tree[group].module, tree[group].children
    return module


def _option_row(parameter: Any) -> tuple[list[str], tuple]:
    """(option strings, (parameter, kind, value type)) of one parameter, as Typer reads it."""
    from typing import Optional, get_args

    from kvcli.cli import declare, fast, params
    from kvcli.cli.typer_build import declarations

    declared = declarations(parameter)
    if len(declared) != 1 or isinstance(declared[0], declare.Argument):
        raise ValueError(f"{parameter.name}: the fast path reads named options only")
    option = declared[0]
    base = get_args(parameter.annotation)[0]
    value_type = option.settings.get("click_type")
    if "/" in "".join(option.param_decls) or set(option.settings) & {"callback", "is_flag"}:
        kind = "unsupported"
    elif value_type is not None:
        kind = fast.VALUE if isinstance(value_type, params.ValueType) else "unsupported"
    elif base is bool:
        kind = fast.FLAG
    else:
        kind = fast.VALUE if base in (str, Optional[str]) else "unsupported"
    spec = (type(value_type).__name__, value_type.arguments()) \
        if kind == fast.VALUE and value_type is not None else None
    return list(option.names), (parameter.name, kind, spec)


def _options(parameters: Any) -> tuple[dict, tuple, dict]:
    """({option string: (parameter, kind, value type)}, required parameters,
    {parameter: (configured key, required, exclusive with)}) of some parameters."""
    from inspect import Parameter

    from kvcli.cli.typer_build import declarations

    options, required, configured = {}, [], {}
    for parameter in parameters:
        names, row = _option_row(parameter)
        options.update(dict.fromkeys(names, row))
        setting = declarations(parameter)[0].configured
        if setting is not None:
            configured[parameter.name] = setting
        if (parameter.default is Parameter.empty and setting is None) \
                or (setting is not None and setting[1]):
            required.append(parameter.name)
    return options, tuple(required), configured


def fast_table() -> dict[str, Any]:
    """The fast path's table: each command's own options (with whether az's policy
    arguments apply), and az's global and policy options once."""
    from importlib import import_module

    from kvcli.cli.command import GLOBAL_OPTIONS, POLICY_OPTIONS
    from kvcli.cli.typer_build import global_parameters, own_signature

    global_rows = _options(global_parameters(GLOBAL_OPTIONS))[0]
    policy_rows = _options(global_parameters(POLICY_OPTIONS))[0]
    commands = {}
    for path in FAST_COMMANDS:
        module = _module_of(path)
        run = import_module(module).app.find(path.rsplit(" ", 1)[-1]).run
        own, required, configured = _options(own_signature(run).parameters.values())
        if set(own) & (set(global_rows) | set(policy_rows)):
            raise ValueError(f"{path} declares a global option itself: keep it off the fast path")
        commands[path] = (module, own, required, configured, run.kvcli_policy)
    return {"COMMANDS": commands, "GLOBAL_OPTIONS": global_rows,
            "POLICY_OPTIONS": policy_rows}


def render_fast_table() -> str:
    import pprint

    text = ('"""Generated by `python -m kvcli.cli.docs` from the command declarations: the '
            'fast argv\npath\'s view of the everyday commands (see kvcli/cli/fast.py). Do not '
            'edit."""\n')
    for name, value in fast_table().items():
        text += f"\n{name} = {pprint.pformat(value, width=99, sort_dicts=True)}\n"
    return text


def generate() -> dict[str, str]:
    """Relative path -> content of every generated file."""
    files = {MAN_PATH: render_man(), FAST_TABLE_PATH: render_fast_table()}
    for path, source in COMPLETIONS.items():
        files[path] = completion_script(source)
    return files


def write(root: Path, files: dict[str, str]) -> None:
    for relative, content in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")


def stale(root: Path, files: dict[str, str]) -> list[str]:
    """The generated files whose copy under `root` differs (or is missing)."""
    out = []
    for relative, content in files.items():
        path = root / relative
        if not path.is_file() or path.read_text(encoding="utf-8") != content:
            out.append(relative)
    return out


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m kvcli.cli.docs",
                                     description="Write man/kvcli.1 and completions/*.")
    parser.add_argument("--output-dir", type=Path, default=REPO_ROOT,
                        help="Where man/ and completions/ go (default: the checkout).")
    parser.add_argument("--check", action="store_true",
                        help="Write nothing; exit 1 if any file under --output-dir is stale.")
    options = parser.parse_args(argv)
    files = generate()
    if options.check:
        outdated = stale(options.output_dir, files)
        for relative in outdated:
            sys.stderr.write(f"stale: {relative} (run: python -m kvcli.cli.docs)\n")
        return 1 if outdated else 0
    write(options.output_dir, files)
    for relative in files:
        sys.stdout.write(f"wrote {options.output_dir / relative}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
