"""`kvcli role assignment ...`: who holds which role at which scope."""

from __future__ import annotations

from typing import Annotated, List, Optional

from kvcli.cli.app import new_app
from kvcli.cli.command import command
from kvcli.cli.context import open_home
from kvcli.cli.declare import Option
from kvcli.cli.params import choice

app = new_app()

Assignee = Annotated[Optional[str], Option(
    "--assignee", metavar="ASSIGNEE",
    help="Represent a user or service principal. Supported format: object id, user sign-in "
         "name, or service principal name.")]
Role = Annotated[Optional[str], Option("--role", metavar="ROLE",
                                       help="Role name or id.")]
Scope = Annotated[Optional[str], Option(
    "--scope", metavar="SCOPE",
    help="Scope at which the role assignment applies: the subscription (the default), a "
         "resource group, a vault, or one object in it; e.g. the id printed by "
         "`kvcli keyvault show`, with /secrets/NAME appended for one secret.")]


Group = Annotated[Optional[str], Option(
    "--resource-group", "-g", metavar="NAME",
    help="Use it only if the role or assignment was added at the level of a resource group.")]
Inherited = Annotated[bool, Option(
    "--include-inherited", help="Include assignments applied on parent scopes.")]


def _access():
    from kvcli.core import access

    return access


def _table(result):
    rows = result if isinstance(result, list) else [result]
    return [{"Principal": r.get("principalName", r["principalId"]),
             "Role": r.get("roleDefinitionName", r["roleDefinitionId"].rsplit("/", 1)[-1]),
             "Scope": r["scope"]} for r in rows]


@command(app, "create", help="Create a new role assignment for a user or service principal. "
         "Only callers holding Microsoft.Authorization/roleAssignments/write at the scope may.",
         examples=("Let Alice read and write the secrets of one vault:\n"
                   "    kvcli role assignment create --assignee alice@contoso.com --role "
                   "\"Key Vault Secrets Officer\" --scope $(kvcli keyvault show -n MyVault "
                   "--query id -o tsv)",),
         table=_table)
def create_assignment(role: Annotated[str, Option(
                          "--role", metavar="ROLE", help="Role name or id.")],
                      assignee: Assignee = None,
                      assignee_object_id: Annotated[Optional[str], Option(
                          "--assignee-object-id", metavar="GUID",
                          help="Use this parameter instead of '--assignee' to bypass the "
                               "directory lookup.")] = None,
                      assignee_principal_type: Annotated[Optional[str], Option(
                          "--assignee-principal-type",
                          click_type=choice("ForeignGroup", "Group", "ServicePrincipal",
                                            "User"),
                          metavar="{ForeignGroup, Group, ServicePrincipal, User}",
                          help="Use with --assignee-object-id.")] = None,
                      scope: Scope = None, resource_group: Group = None):
    from kvcli.errors import KvError

    if (assignee is None) == (assignee_object_id is None):
        raise KvError("usage error: --assignee STRING | --assignee-object-id GUID")
    home = open_home()
    return _access().create_assignment(
        home, role, _access().role_scope(home, resource_group, scope), assignee=assignee,
        assignee_object_id=assignee_object_id, assignee_principal_type=assignee_principal_type)


@command(app, "list", help="List role assignments. By default only assignments scoped to the "
         "subscription are shown; use --all for every scope.",
         examples=("List Alice's assignments at every scope:\n"
                   "    kvcli role assignment list --assignee alice@contoso.com --all -o table",),
         table=_table)
def list_assignments(assignee: Assignee = None, role: Role = None, scope: Scope = None,
                     resource_group: Group = None,
                     all: Annotated[bool, Option(
                         "--all", help="Show all assignments under the current "
                                       "subscription.")] = False,
                     include_inherited: Inherited = False):
    from kvcli.errors import KvError

    home = open_home()
    if all and (scope or resource_group):
        raise KvError("group or scope are not required when --all is used")
    return _access().list_assignments(
        home, assignee=assignee, role=role,
        scope=None if all else _access().role_scope(home, resource_group, scope),
        include_inherited=include_inherited)


@command(app, "delete", help="Delete role assignments.",
         examples=("Remove Alice's Secrets Officer role on a vault:\n"
                   "    kvcli role assignment delete --assignee alice@contoso.com --role "
                   "\"Key Vault Secrets Officer\" --scope VAULT_ID",))
def delete_assignments(ids: Annotated[Optional[List[str]], Option(
                           "--ids", metavar="ID",
                           help="Full id of a role assignment (repeat for several).")] = None,
                       assignee: Assignee = None, role: Role = None, scope: Scope = None,
                       resource_group: Group = None, include_inherited: Inherited = False,
                       yes: Annotated[bool, Option(
                           "--yes", "-y", help="Accepted for az compatibility.")] = False):
    from kvcli.errors import KvError

    home = open_home()
    if ids and any([scope, assignee, role, include_inherited, resource_group]):
        raise KvError("When assignment ids are used, other parameter values are not required")
    _access().delete_assignments(home, ids=ids, assignee=assignee, role=role,
                                 scope=_access().role_scope(home, resource_group, scope),
                                 include_inherited=include_inherited)
