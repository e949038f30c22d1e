"""Admin menu adjustments of the portal app."""

from wagtail import hooks


@hooks.register("construct_help_menu")
def keep_help_that_works_offline(request, menu_items):
    """Wagtail's help menu links to its guide and release notes on the internet, which government networks
    do not reach (the update check is off for the same reason): only the keyboard shortcuts stay."""
    menu_items[:] = [
        item for item in menu_items if item.name != "editor-guide" and not item.name.startswith("whats-new-")
    ]
