"""Tag limits, checked where tags enter the core so every face (CLI, REST) obeys them.

Key Vault objects (secrets, keys, certificates) take at most 15 tags; ARM resources
(resource groups, vaults) at most 50. Everywhere a tag name is 1-512 characters and a
value at most 256.
"""

from __future__ import annotations

from kvcli.core import messages

OBJECT_TAG_LIMIT = 15
RESOURCE_TAG_LIMIT = 50
MAX_NAME_LENGTH = 512
MAX_VALUE_LENGTH = 256


def _check(tags: dict | None, limit: int, refuse) -> dict | None:
    if tags is None:
        return None
    if len(tags) > limit:
        raise refuse(f"Too many tags: {len(tags)} were given; at most {limit} are allowed.")
    for name, value in tags.items():
        if not name:
            raise refuse("A tag name cannot be empty.")
        if len(name) > MAX_NAME_LENGTH:
            raise refuse(f"The tag name '{name[:40]}...' is {len(name)} characters long; at most "
                         f"{MAX_NAME_LENGTH} are allowed.")
        if len(value) > MAX_VALUE_LENGTH:
            raise refuse(f"The value of tag '{name}' is {len(value)} characters long; at most "
                         f"{MAX_VALUE_LENGTH} are allowed.")
    return tags


def object_tags(tags: dict | None) -> dict | None:
    """Tags of a Key Vault object, or Key Vault's 400."""
    return _check(tags, OBJECT_TAG_LIMIT, messages.object_tags_invalid)


def resource_tags(tags: dict | None) -> dict | None:
    """Tags of an ARM resource (group, vault), or ARM's 400."""
    return _check(tags, RESOURCE_TAG_LIMIT, messages.resource_tags_invalid)
