"""Region table: resolution, geographies, display names and ARM's unknown-location error."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from kvcli.core import locations
from kvcli.errors import ExitCode, ServiceError
from kvcli.core.locations import (
    LOCATION_NAMES,
    display_name_of,
    geography_of,
    resolve_location,
)


@pytest.mark.parametrize("text", [
    "eastus", "EastUS", "EASTUS", "East US", "east us", " east us ", "East  US", "\tEast\tUS\n",
])
def test_resolve_name_and_display_name_any_case_and_spacing(text):
    assert resolve_location(text) == "eastus"


@pytest.mark.parametrize("text,name", [
    ("East US 2", "eastus2"),
    ("eastus2", "eastus2"),
    ("West US 3", "westus3"),
    ("UK South", "uksouth"),
    ("uk south", "uksouth"),
    ("Germany West Central", "germanywestcentral"),
    ("Australia Central 2", "australiacentral2"),
    ("South Africa North", "southafricanorth"),
    ("New Zealand North", "newzealandnorth"),
    ("UAE North", "uaenorth"),
])
def test_resolve_other_regions(text, name):
    assert resolve_location(text) == name


@pytest.mark.parametrize("name,geography", [
    ("eastus", "United States"),
    ("westcentralus", "United States"),
    ("westeurope", "Europe"),
    ("northeurope", "Europe"),
    ("eastasia", "Asia Pacific"),
    ("southeastasia", "Asia Pacific"),
    ("uksouth", "United Kingdom"),
    ("canadaeast", "Canada"),
    ("australiacentral2", "Australia"),
    ("japanwest", "Japan"),
    ("koreacentral", "Korea"),
    ("jioindiawest", "India"),
    ("francecentral", "France"),
    ("germanywestcentral", "Germany"),
    ("switzerlandnorth", "Switzerland"),
    ("uaenorth", "UAE"),
    ("southafricanorth", "South Africa"),
    ("qatarcentral", "Qatar"),
    ("austriaeast", "Austria"),
    ("newzealandnorth", "New Zealand"),
])
def test_geography(name, geography):
    assert geography_of(name) == geography


def test_same_geography_pairs_and_different_ones():
    assert geography_of("eastus") == geography_of("westus2")
    assert geography_of("westeurope") == geography_of("northeurope")
    assert geography_of("uksouth") != geography_of("westeurope")
    assert geography_of("eastus") != geography_of("canadacentral")


def test_display_names():
    assert display_name_of("eastus") == "East US"
    assert display_name_of("eastus2") == "East US 2"
    assert display_name_of("uksouth") == "UK South"
    assert display_name_of("southeastasia") == "Southeast Asia"


def test_lookup_helpers_accept_display_name_and_reject_unknown():
    assert geography_of("East US") == "United States"
    with pytest.raises(KeyError):
        geography_of("moon")
    with pytest.raises(KeyError):
        display_name_of("moon")


def test_location_names_sorted_unique_lower_and_complete():
    assert list(LOCATION_NAMES) == sorted(set(LOCATION_NAMES))
    assert all(n == n.lower() and " " not in n for n in LOCATION_NAMES)
    assert 55 <= len(LOCATION_NAMES) <= 70
    for n in ("eastus", "westeurope", "australiaeast", "brazilsouth", "japaneast",
              "koreacentral", "centralindia", "swedencentral", "polandcentral",
              "spaincentral", "mexicocentral", "israelcentral", "italynorth",
              "chilecentral", "indonesiacentral", "malaysiawest", "belgiumcentral"):
        assert n in LOCATION_NAMES
    for n in ("eastus2euap", "centraluseuap", "global", "unitedstates", "chinanorth2",
              "usgovvirginia"):
        assert n not in LOCATION_NAMES


def test_every_name_round_trips_through_its_display_name():
    for n in LOCATION_NAMES:
        assert resolve_location(n) == n
        assert resolve_location(display_name_of(n)) == n
        assert resolve_location(display_name_of(n).upper()) == n
        assert geography_of(n)


def test_restricted_locations_are_known_regions():
    assert locations.RESTRICTED_LOCATIONS <= set(LOCATION_NAMES)


@pytest.mark.parametrize("text", ["Canada", "moon", "east-us", "chinanorth2", ""])
def test_unknown_location_error(text):
    with pytest.raises(ServiceError) as info:
        resolve_location(text)
    err = info.value
    assert err.code == "LocationNotAvailableForResourceGroup"
    assert err.status == 400
    assert err.exit_code == ExitCode.ERROR
    prefix = (f"The provided location '{text}' is not available for resource group. "
              "List of available regions is '")
    assert err.message.startswith(prefix)
    assert err.message.endswith("'.")
    listed = err.message[len(prefix):-2].split(",")
    assert sorted(listed) == list(LOCATION_NAMES)
    # ARM's own order starts with the Asia Pacific pair.
    assert listed[:2] == ["eastasia", "southeastasia"]


def test_unknown_location_renders_like_az():
    with pytest.raises(ServiceError) as info:
        resolve_location("Canada")
    lines = info.value.render()
    assert lines[0].startswith(
        "ERROR: (LocationNotAvailableForResourceGroup) The provided location 'Canada' "
        "is not available for resource group. List of available regions is 'eastasia,")
    assert lines[1] == "Code: LocationNotAvailableForResourceGroup"
    assert lines[2].startswith("Message: The provided location 'Canada'")


def test_import_is_light():
    code = ("import sys; import kvcli.core.locations as l; l.resolve_location('East US'); "
            "print('kvcli.errors' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=Path(__file__).resolve().parents[2]).stdout.strip()
    assert out == "False"
