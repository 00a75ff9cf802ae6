"""Azure public-cloud regions: name, display name and geography.

The table mirrors `az account list-locations` for the physical, generally available
regions of the public cloud (no EUAP/stage/logical entries such as `eastus2euap`,
`eastusstg`, `global`, `unitedstates`): `name` is the ARM name, `display_name` the
`displayName`, `geography` the `metadata.geography` field, which is the data-residency
boundary Key Vault uses for backup/restore ("a backup can only be restored into a
subscription in the same geography", e.g. `United States`, `Europe`, `Asia Pacific`).

Sources (stored public copies): the Microsoft Learn `Subscriptions - List Locations`
sample (`"geography": "United States"` for `eastus`), region tables built from
`az account list-locations` and the Learn regions list, and the order ARM prints in its
`LocationNotAvailableForResourceGroup` error (2024 text, see the error below).

Rows are kept in the order ARM lists regions in that error, then the regions opened
since, then the access-restricted regions (see `RESTRICTED_LOCATIONS`).

Imports nothing: the errors module is imported only on the error path.
"""

from __future__ import annotations

from typing import NamedTuple


class Region(NamedTuple):
    name: str
    display_name: str
    geography: str


_REGIONS: tuple[Region, ...] = (
    # The order of ARM's "List of available regions is '...'" (2024).
    Region("eastasia", "East Asia", "Asia Pacific"),
    Region("southeastasia", "Southeast Asia", "Asia Pacific"),
    Region("australiaeast", "Australia East", "Australia"),
    Region("australiasoutheast", "Australia Southeast", "Australia"),
    Region("brazilsouth", "Brazil South", "Brazil"),
    Region("canadacentral", "Canada Central", "Canada"),
    Region("canadaeast", "Canada East", "Canada"),
    Region("switzerlandnorth", "Switzerland North", "Switzerland"),
    Region("germanywestcentral", "Germany West Central", "Germany"),
    Region("eastus2", "East US 2", "United States"),
    Region("eastus", "East US", "United States"),
    Region("centralus", "Central US", "United States"),
    Region("northcentralus", "North Central US", "United States"),
    Region("francecentral", "France Central", "France"),
    Region("uksouth", "UK South", "United Kingdom"),
    Region("ukwest", "UK West", "United Kingdom"),
    Region("centralindia", "Central India", "India"),
    Region("southindia", "South India", "India"),
    Region("jioindiawest", "Jio India West", "India"),
    Region("italynorth", "Italy North", "Italy"),
    Region("japaneast", "Japan East", "Japan"),
    Region("japanwest", "Japan West", "Japan"),
    Region("koreacentral", "Korea Central", "Korea"),
    Region("koreasouth", "Korea South", "Korea"),
    Region("mexicocentral", "Mexico Central", "Mexico"),
    Region("northeurope", "North Europe", "Europe"),
    Region("norwayeast", "Norway East", "Norway"),
    Region("polandcentral", "Poland Central", "Poland"),
    Region("qatarcentral", "Qatar Central", "Qatar"),
    Region("spaincentral", "Spain Central", "Spain"),
    Region("swedencentral", "Sweden Central", "Sweden"),
    Region("uaenorth", "UAE North", "UAE"),
    Region("westcentralus", "West Central US", "United States"),
    Region("westeurope", "West Europe", "Europe"),
    Region("westus2", "West US 2", "United States"),
    Region("westus", "West US", "United States"),
    Region("southcentralus", "South Central US", "United States"),
    Region("westus3", "West US 3", "United States"),
    Region("southafricanorth", "South Africa North", "South Africa"),
    Region("australiacentral", "Australia Central", "Australia"),
    Region("australiacentral2", "Australia Central 2", "Australia"),
    Region("israelcentral", "Israel Central", "Israel"),
    Region("westindia", "West India", "India"),
    # Opened after that error text was recorded.
    Region("newzealandnorth", "New Zealand North", "New Zealand"),
    Region("indonesiacentral", "Indonesia Central", "Indonesia"),
    Region("malaysiawest", "Malaysia West", "Malaysia"),
    Region("chilecentral", "Chile Central", "Chile"),
    Region("austriaeast", "Austria East", "Austria"),
    Region("belgiumcentral", "Belgium Central", "Belgium"),
    Region("denmarkeast", "Denmark East", "Denmark"),
    # Access-restricted regions: listed by `az account list-locations`, absent from
    # ARM's resource-group list (real ARM refuses `az group create` there).
    Region("brazilsoutheast", "Brazil Southeast", "Brazil"),
    Region("francesouth", "France South", "France"),
    Region("germanynorth", "Germany North", "Germany"),
    Region("norwaywest", "Norway West", "Norway"),
    Region("switzerlandwest", "Switzerland West", "Switzerland"),
    Region("swedensouth", "Sweden South", "Sweden"),
    Region("uaecentral", "UAE Central", "UAE"),
    Region("southafricawest", "South Africa West", "South Africa"),
    Region("jioindiacentral", "Jio India Central", "India"),
)

#: Regions real ARM does not offer for resource groups (kvcli accepts them everywhere).
RESTRICTED_LOCATIONS: frozenset[str] = frozenset({
    "brazilsoutheast", "francesouth", "germanynorth", "norwaywest", "switzerlandwest",
    "swedensouth", "uaecentral", "southafricawest", "jioindiacentral",
})

_BY_NAME: dict[str, Region] = {r.name: r for r in _REGIONS}


def _key(text: str) -> str:
    """ARM's normalisation: case and all whitespace are ignored (`East US` == `eastus`)."""
    return "".join(text.split()).lower()


_LOOKUP: dict[str, str] = {}
for _r in _REGIONS:
    _LOOKUP[_key(_r.name)] = _r.name
    _LOOKUP.setdefault(_key(_r.display_name), _r.name)
del _r

#: All region names, sorted, for shell completion and help text.
LOCATION_NAMES: tuple[str, ...] = tuple(sorted(_BY_NAME))


def resolve_location(text: str) -> str:
    """The lower-case region name for a name or display name in any case and spacing.

    Unknown text raises the error ARM answers `az group create` with (HTTP 400):
    `(LocationNotAvailableForResourceGroup) The provided location 'X' is not available
    for resource group. List of available regions is 'a,b,...'.`
    """
    name = _LOOKUP.get(_key(text or ""))
    if name is not None:
        return name
    from kvcli.errors import ServiceError

    available = ",".join(r.name for r in _REGIONS)
    raise ServiceError(
        "LocationNotAvailableForResourceGroup",
        f"The provided location '{text}' is not available for resource group. "
        f"List of available regions is '{available}'.",
        status=400,
    )


def _region(name: str) -> Region:
    region = _BY_NAME.get(name) or _BY_NAME.get(_LOOKUP.get(_key(name or ""), ""))
    if region is None:
        raise KeyError(name)
    return region


def geography_of(name: str) -> str:
    """The data-residency geography (`metadata.geography`) of a region; KeyError if unknown."""
    return _region(name).geography


def display_name_of(name: str) -> str:
    """The display name (`displayName`) of a region; KeyError if unknown."""
    return _region(name).display_name
