"""Resource groups: the containers vaults live in, as `az group` shows them."""

from __future__ import annotations

from kvcli.core import messages
from kvcli.core.locations import resolve_location
from kvcli.core.tags import resource_tags
from kvcli.store import paths, schema
from kvcli.store.home import Home


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
    if paths.is_valid("group", name):
        return
    if any(not (c.isalnum() or c in "-._()") for c in name):
        raise messages.group_name_invalid(name)
    raise messages.group_name_bad_shape(name)


def read_group(home: Home, name: str) -> dict | None:
    """The stored group; None for a name that no group can have (it never touches the disk)."""
    if not paths.is_valid("group", name):
        return None
    return home.read(paths.group_file(home.root, name), schema.GROUP, name)


def load_group(home: Home, name: str) -> dict:
    """The stored group, or ARM's ResourceGroupNotFound (exit 3)."""
    record = read_group(home, name)
    if record is None:
        raise messages.group_not_found(name)
    return record


def create_group(home: Home, name: str, location: str, tags: dict | None) -> dict:
    """Create or update a group; ARM refuses to move an existing group to another region."""
    validate_group_name(name)
    resource_tags(tags)
    location = resolve_location(location)
    with home.locked():
        record = read_group(home, name)
        if record is not None and record["location"] != location:
            raise messages.group_location_conflict(record["name"], record["location"], location)
        record = {"name": record["name"] if record else name, "location": location, "tags": tags}
        home.write(paths.group_file(home.root, name), record)
    return group_view(home, record)


def show_group(home: Home, name: str) -> dict:
    return group_view(home, load_group(home, name))


def group_exists(home: Home, name: str) -> bool:
    return read_group(home, name) is not None


def list_groups(home: Home) -> list[dict]:
    records = []
    for entry in home.entries(paths.groups_dir(home.root)):
        name = entry.removesuffix(".json")
        if entry.endswith(".json") and paths.is_valid("group", name):
            record = read_group(home, name)
            if record is not None:
                records.append(record)
    return [group_view(home, r) for r in records]


def delete_group(home: Home, name: str) -> None:
    """Delete the group; its vaults go to the soft-deleted state, as in Azure."""
    from kvcli.core import vaults

    with home.locked():
        record = load_group(home, name)
        vaults.soft_delete_vaults_of_group(home, record["name"])
        home.remove(paths.group_file(home.root, name))
