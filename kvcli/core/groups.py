"""Resource groups: the containers vaults live in, as `az group` shows them."""

from __future__ import annotations

import re

from kvcli.core import access, messages
from kvcli.core.locations import resolve_location
from kvcli.store import files, paths
from kvcli.store.home import Home

_GROUP_NAME = re.compile(r"^[-\w._()]{1,90}$")


def group_view(home: Home, record: dict) -> dict:
    return {
        "id": f"/subscriptions/{home.subscription_id}/resourceGroups/{record['name']}",
        "location": record["location"],
        "managedBy": None,
        "name": record["name"],
        "properties": {"provisioningState": "Succeeded"},
        "tags": record.get("tags"),
        "type": "Microsoft.Resources/resourceGroups",
    }


def validate_group_name(name: str) -> None:
    if not name or len(name) > 90 or name.endswith("."):
        raise messages.group_name_bad_shape(name)
    if not _GROUP_NAME.match(name):
        raise messages.group_name_invalid(name)


def load_group(home: Home, name: str) -> dict:
    """The stored group, or ARM's ResourceGroupNotFound (exit 3)."""
    record = files.read_json(paths.group_file(home.root, name))
    if record is None:
        raise messages.group_not_found(name)
    return record


def create_group(home: Home, name: str, location: str, tags: dict | None) -> dict:
    """Create or update a group; ARM refuses to move an existing group to another region."""
    validate_group_name(name)
    location = resolve_location(location)
    with access.guard(home, access.GROUP_WRITE, access.group_scope(home, name)):
        path = paths.group_file(home.root, name)
        record = files.read_json(path)
        if record is not None and record["location"] != location:
            raise messages.group_location_conflict(record["name"], record["location"], location)
        record = {"name": record["name"] if record else name, "location": location, "tags": tags}
        files.write_json(path, record)
    return group_view(home, record)


def show_group(home: Home, name: str) -> dict:
    with access.guard(home, access.GROUP_READ, access.group_scope(home, name)):
        return group_view(home, load_group(home, name))


def group_exists(home: Home, name: str) -> bool:
    with access.guard(home, access.GROUP_READ, access.group_scope(home, name)):
        return paths.group_file(home.root, name).is_file()


def list_groups(home: Home) -> list[dict]:
    directory = paths.groups_dir(home.root)
    if not directory.is_dir():
        return []
    records = [files.read_json(p) for p in sorted(directory.glob("*.json"))]
    return [group_view(home, r) for r in records if r is not None
            and access.permits(home, access.GROUP_READ, access.group_scope(home, r["name"]))]


def delete_group(home: Home, name: str) -> None:
    """Delete the group; its vaults go to the soft-deleted state and the role assignments
    at its scope and below are deleted, as in Azure."""
    from kvcli.core import vaults

    with access.guard(home, access.GROUP_DELETE, access.group_scope(home, name)):
        record = load_group(home, name)
        vaults.soft_delete_vaults_of_group(home, record["name"])
        access.drop_assignments_under(home, access.group_scope(home, record["name"]))
        files.remove(paths.group_file(home.root, name))
