"""Writes for accounts and roles (HackSoftware style: ``<entity>_<action>``, keyword-only, atomic)."""

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from .models import AGENCY_ROLES, Role, User

#: The group each role puts a user in. Editors and reviewers reuse Wagtail's own page-permission groups
#: (created by Wagtail's migrations as "Editors" and "Moderators", renamed here), so the default
#: moderation workflow — reviewers approve what editors submit — works without further setup.
ROLE_GROUPS = {
    Role.EDITOR: "编辑",
    Role.REVIEWER: "审核",
    Role.SECRETARIAT: "联盟秘书处",
    Role.CREDIT_OFFICER: "信用监管",
}
_WAGTAIL_GROUP_NAMES = {"编辑": "Editors", "审核": "Moderators"}

#: Model permissions of the role groups beyond Wagtail's page permissions: ``app_label.codename``.
ROLE_PERMISSIONS = {
    "编辑": ["wagtailadmin.access_admin"],
    "审核": ["wagtailadmin.access_admin"],
    "联盟秘书处": [
        "wagtailadmin.access_admin",
        "alliances.change_alliance",
        "alliances.view_alliance",
        "alliances.add_agency",
        "alliances.change_agency",
        "alliances.view_agency",
        "cases_exchange.add_calendarday",
        "cases_exchange.change_calendarday",
        "cases_exchange.delete_calendarday",
        "cases_exchange.view_calendarday",
    ],
    "信用监管": ["wagtailadmin.access_admin"],
}


#: Permissions an earlier version gave a role and it no longer has: taken away by ``role_groups_ensure``.
#: Alliances are founded by their members' agreement and created by the platform's administrators.
ROLE_PERMISSIONS_WITHDRAWN = {"联盟秘书处": ["alliances.add_alliance"]}


@transaction.atomic
def role_groups_ensure() -> dict[str, Group]:
    """Create the role groups (idempotent; run after every ``migrate``) and give them their permissions."""
    groups = {}
    for name, permissions in ROLE_PERMISSIONS.items():
        group = Group.objects.filter(name=name).first()
        if group is None and name in _WAGTAIL_GROUP_NAMES:
            group = Group.objects.filter(name=_WAGTAIL_GROUP_NAMES[name]).first()
            if group is not None:
                group.name = name
                group.save(update_fields=["name"])
        if group is None:
            group = Group.objects.create(name=name)
        for dotted in permissions:
            app_label, codename = dotted.split(".")
            permission = Permission.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).first()
            if permission is not None:
                group.permissions.add(permission)
        for dotted in ROLE_PERMISSIONS_WITHDRAWN.get(name, ()):
            app_label, codename = dotted.split(".")
            group.permissions.remove(
                *Permission.objects.filter(content_type__app_label=app_label, codename=codename)
            )
        groups[name] = group
    return groups


#: Names Wagtail's migrations give its default data, in English whatever the language: the tree's root
#: page (shown to administrators in the page explorer) and the default moderation workflow and its task
#: (shown on editors' "提交给…" button, on dashboards and in notification e-mails).
_WAGTAIL_DEFAULT_NAMES = {"root": "Root", "workflow": "Moderators approval", "task": "Moderators approval"}
WAGTAIL_DEFAULT_NAMES_ZH = {"root": "根目录", "workflow": "内容审核", "task": "审核人审批"}


def wagtail_defaults_localise() -> None:
    """Give Wagtail's default root page, workflow and task Chinese names (idempotent; after ``migrate``).

    Only names still equal to Wagtail's English defaults are changed, so names an administrator chose
    are kept. ``update()`` writes the names without creating revisions or log entries.
    """
    from wagtail.models import Page, Task, Workflow

    english, chinese = _WAGTAIL_DEFAULT_NAMES, WAGTAIL_DEFAULT_NAMES_ZH
    Page.objects.filter(depth=1, title=english["root"]).update(title=chinese["root"])
    Page.objects.filter(depth=1, draft_title=english["root"]).update(draft_title=chinese["root"])
    Workflow.objects.filter(name=english["workflow"]).update(name=chinese["workflow"])
    Task.objects.filter(name=english["task"]).update(name=chinese["task"])


def _managed_group_ids() -> set[int]:
    """Groups whose membership follows from agency and role, never from ticking a box."""
    from alliances.models import Agency

    ids = set(Group.objects.filter(name__in=ROLE_GROUPS.values()).values_list("id", flat=True))
    ids |= set(Agency.objects.values_list("group_id", flat=True))
    return ids


@transaction.atomic
def user_sync_groups(*, user: User) -> None:
    """Put ``user`` in exactly the agency group and role group their agency and role call for.

    Other groups (added by an administrator for special cases) are left as they are.
    """
    wanted = set()
    if user.agency_id:
        wanted.add(user.agency.group_id)
    role_group = ROLE_GROUPS.get(user.role)
    if role_group:
        wanted.add(Group.objects.get_or_create(name=role_group)[0].id)
    managed = _managed_group_ids()
    current = set(user.groups.values_list("id", flat=True))
    to_remove = (current & managed) - wanted
    to_add = wanted - current
    if to_remove:
        user.groups.remove(*to_remove)
    if to_add:
        user.groups.add(*to_add)


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str | None,
    full_name: str = "",
    email: str = "",
    role: str = "",
    agency=None,
    job_title: str = "",
    is_superuser: bool = False,
) -> User:
    """Create an account with its role and agency and the groups they imply."""
    user = User(
        username=username,
        full_name=full_name,
        email=email,
        role=role,
        agency=agency,
        job_title=job_title,
        is_superuser=is_superuser,
        is_staff=is_superuser,
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    user_sync_groups(user=user)
    return user


def role_needs_agency(role: str) -> bool:
    return role in AGENCY_ROLES
