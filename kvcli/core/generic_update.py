"""az's generic update (`--set`, `--add`, `--remove`, `--force-string`) over a JSON document.

Every ARM `update` command of az accepts these arguments and applies them, in the order
given, to the resource as the service returned it, before sending it back. This module does
the same to the JSON view of any resource, so a later resource kind reuses it unchanged.
The path syntax and the error texts follow azure-cli-core (`commands/arm.py`):

* paths are dotted (`properties.sku.name`), `[N]` indexes a list, `[key=value]` picks the
  one list item whose `key` equals `value`;
* values are parsed as JSON (then as a Python literal) unless `--force-string`, and stay
  text when they parse as neither;
* the objects of the service model ("models") are matched by property name in any of its
  spellings (`enablePurgeProtection`, `enable_purge_protection`), and a property the model
  does not have is sent as an "additional property" with a warning (the service ignores
  it); free-form maps such as `tags` take any key as given.
"""

from __future__ import annotations

import json
import re
from typing import Any, Callable, Iterable, NamedTuple

from kvcli.errors import KvError

SET_USAGE = "`--set property1.property2=<value>`"
ADD_USAGE = "`--add property.listProperty <key=value, string or JSON string>`"
REMOVE_USAGE = "`--remove property.list <indexToRemove>` OR `--remove propertyToRemove`"

_INDEX = re.compile(r"\[(.*)\]")
_SEGMENT = re.compile(r"(\[.*?\])|([^.]+)")
_SNAKE_1 = re.compile("(.)([A-Z][a-z]+)")
_SNAKE_2 = re.compile("([a-z0-9])([A-Z])")
# The models of an Azure SDK carry this attribute; az lists it among the options.
_ADDITIONAL = "additionalProperties"


class Operation(NamedTuple):
    """One `--set`, `--add` or `--remove` occurrence with its words, in command-line order."""

    kind: str  # "set" | "add" | "remove"
    values: tuple[str, ...]


class _Syntax(Exception):
    """Raised where az raises a bare ValueError: reported as `invalid syntax: <usage>`."""


def apply(document: dict, operations: Iterable[Operation], *, force_string: bool = False,
          free_form: Iterable[str] = ("tags",),
          warn: Callable[[str], None] = lambda message: None) -> None:
    """Apply the operations to `document` in place, as az applies them to the resource.

    `free_form` names the properties whose values are plain maps rather than models.
    """
    update = _Update(document, frozenset(free_form), force_string, warn)
    usage = {"set": SET_USAGE, "add": ADD_USAGE, "remove": REMOVE_USAGE}
    for operation in operations:
        try:
            if operation.kind == "set":
                for expression in operation.values:
                    update.set(document, expression)
            elif operation.kind == "add":
                update.add(document, list(operation.values))
            else:
                update.remove(document, list(operation.values))
        except _Syntax:
            raise KvError(f"invalid syntax: {usage[operation.kind]}") from None


def parse_value(text: str) -> Any:
    """az's `shell_safe_json_parse`: JSON, else a Python literal, else the text itself."""
    try:
        return json.loads(text)
    except ValueError:
        pass
    import ast

    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return text


def snake_case(name: Any) -> Any:
    if not isinstance(name, str):
        return name
    return _SNAKE_2.sub(r"\1_\2", _SNAKE_1.sub(r"\1_\2", name)).lower()


def camel_case(name: str) -> str:
    parts = name.split("_")
    if len(parts) == 1:
        return name
    return parts[0].lower() + "".join(part.capitalize() for part in parts[1:])


def split_path(path: str) -> list[str]:
    """`a.b[0].c` -> ['a', 'b', '[0]', 'c'] (az's `_get_internal_path`)."""
    path = path.replace(".[", "[").replace("[", ".[")
    return [index or name for index, name in _SEGMENT.findall(path)]


def split_key_value(expression: str) -> tuple[str, str]:
    """Split at the first `=` outside brackets (`a[k=v].b=c` -> `a[k=v].b`, `c`)."""
    if expression.count("=") == 1:
        key, value = expression.split("=", 1)
        return key, value
    key: list[str] = []
    brackets = False
    for position, char in enumerate(expression):
        if char == "=" and not brackets:
            return "".join(key), expression[position + 1:]
        if char == "[":
            brackets = True
        elif char == "]" and brackets:
            brackets = False
        key.append(char)
    return "".join(key), ""


class _Update:
    def __init__(self, document: dict, free_form: frozenset[str], force_string: bool,
                 warn: Callable[[str], None]) -> None:
        self.force_string = force_string
        self.warn = warn
        # Objects of the resource's own shape are models; maps the user sends are plain.
        self.models: set[int] = set()
        self._mark_models(document, free_form)

    def _mark_models(self, value: Any, free_form: frozenset[str]) -> None:
        if isinstance(value, dict):
            self.models.add(id(value))
            for key, child in value.items():
                if key not in free_form:
                    self._mark_models(child, free_form)
        elif isinstance(value, list):
            for child in value:
                self._mark_models(child, free_form)

    def _is_model(self, value: Any) -> bool:
        return isinstance(value, dict) and id(value) in self.models

    def _model_key(self, model: dict, name: str) -> str | None:
        """The model's own spelling of `name`, matched as az matches attributes."""
        wanted = snake_case(name)
        for key in model:
            if snake_case(key) == wanted:
                return key
        return None

    # --- reading a path ----------------------------------------------------------------
    def find(self, instance: Any, path: list[str]) -> Any:
        for part in path:
            instance = self._step(instance, part, path)
        return instance

    def _step(self, instance: Any, part: str, path: list[str]) -> Any:
        index = _INDEX.match(part)
        if index and not isinstance(instance, list):
            _not_found(instance, part, path, self._is_model(instance))
        if index and "=" in index.group(1):
            return self._pick(instance, *index.group(1).split("=", 1), path=path)
        if index:
            try:
                position = int(index.group(1))
            except ValueError:
                raise _Syntax() from None
            try:
                return instance[position]
            except IndexError:
                raise KvError(f"index {position} doesn't exist on {path[-2]}") from None
        if self._is_model(instance):
            key = self._model_key(instance, part)
            if key is not None:
                return instance[key]
        elif isinstance(instance, dict) and part in instance:
            return instance[part]
        _not_found(instance, part, path, self._is_model(instance))

    def _pick(self, items: list, key: str, text: str, *, path: list[str]) -> Any:
        wanted = parse_value(text)
        matches = [item for item in items
                   if isinstance(item, dict) and self._lookup(item, key) == wanted]
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            raise KvError(f"non-unique key '{key}' found multiple matches on {path[-2]}. "
                          "Key must be unique.")
        raise KvError(f"item with value '{wanted}' doesn't exist for key '{key}' on "
                      f"{path[-2]}")

    def _lookup(self, item: dict, key: str) -> Any:
        if self._is_model(item):
            found = self._model_key(item, key)
            return item[found] if found is not None else None
        return item.get(key)

    # --- the three operations ----------------------------------------------------------
    def set(self, root: Any, expression: str) -> None:
        key, text = split_key_value(expression)
        if key is None or key.strip() == "":
            raise KvError("usage error: Empty key in --set. Correct syntax: --set KEY=VALUE "
                          "[KEY=VALUE ...]")
        value = text if self.force_string else parse_value(text)
        path = split_path(key)
        if not path:
            raise _Syntax()  # az fails with a traceback on a key of dots only
        name = path.pop()
        parent_name = path[-1] if path else "root"
        instance = self.find(root, path)
        if instance is None:
            self.set(self.find(root, path[:-1]), f"{parent_name}={{}}")
            instance = self.find(root, path)
        index = _INDEX.match(name)
        if index is not None:
            self._set_index(instance, name, index.group(1), value, key)
        elif self._is_model(instance):
            existing = self._model_key(instance, name)
            if existing is None:
                self.warn(f"Property '{name}' not found on {parent_name}. Send it as an "
                          "additional property .")
                existing = name
            instance[existing] = value
        elif isinstance(instance, dict):
            instance[name] = value
        else:
            _not_found(instance, name, key.split("."), False)

    def _set_index(self, instance: Any, name: str, index: str, value: Any, key: str) -> None:
        try:
            position = int(index)
        except ValueError:
            raise _Syntax() from None
        if not isinstance(instance, list):
            _not_found(instance, name, key.split("."), self._is_model(instance))
        try:
            instance[position] = value
        except IndexError:
            raise KvError(f"index {position} doesn't exist on {name}") from None

    def add(self, root: Any, words: list[str]) -> None:
        """Append to the list at the path: JSON values, or consecutive key=value words
        gathered into one object per run."""
        path = split_path(words.pop(0))
        target = self.find(root, path)
        if target is None:
            self.set(self.find(root, path[:-1]), f"{path[-1]}=[]")
            target = self.find(root, path)
        if not isinstance(target, list):
            raise _Syntax()
        entry: dict[str, str] = {}
        for word in words:
            if "=" in word:
                key, value = word.split("=", 1)
                entry[key] = value
                continue
            if entry:
                target.append(entry)
                entry = {}
            target.append(word if self.force_string else parse_value(word))
        if entry:
            target.append(entry)

    def remove(self, root: Any, words: list[str]) -> None:
        """Remove a property (a model's is reset to null, or [] for a list) or a list item."""
        path = split_path(words.pop(0))
        index = words.pop(0) if words else None
        if not path:
            raise _Syntax()
        if not index:
            value = self.find(root, path)
            parent = self.find(root, path[:-1])
            if self._is_model(parent):
                parent[self._model_key(parent, path[-1])] = [] if isinstance(value, list) else None
            elif isinstance(parent, dict):
                del parent[path[-1]]
            else:
                raise _Syntax()
            return
        target = self.find(root, path)
        try:
            position = int(index)
        except ValueError:
            raise _Syntax() from None
        if not isinstance(target, list):
            raise KvError(f"{path[-1]} doesn't exist")
        try:
            target.pop(position)
        except IndexError:
            raise KvError(f"index {index} doesn't exist on {path[-1]}") from None


def _not_found(instance: Any, part: str, path: list[str], is_model: bool) -> None:
    """az's `throw_and_show_options`: name the missing part and what could be used."""
    parent = ".".join(path[:-1]).replace(".[", "[")
    message = f"Couldn't find '{part}' in '{parent}'."
    if isinstance(instance, dict):
        options = [camel_case(str(key)) for key in instance]
        if is_model:
            options.append(_ADDITIONAL)
        message = f"{message} Available options: {sorted(options)}"
    elif isinstance(instance, list):
        message = (f"{message} Available options: index into the collection '{parent}' with "
                   "[<index>] or [<key=value>]")
    else:
        message = f"{message} '{parent}' does not support further indexing."
    raise KvError(message)
