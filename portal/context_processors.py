"""Template context every public page needs: the other language's URL for the language switch."""

from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language


def portal(request):
    current = get_language() or settings.LANGUAGE_CODE
    switches = []
    for code, label in settings.LANGUAGES:
        if code == current:
            continue
        switches.append({"code": code, "label": label, "url": _translated_path(request, code)})
    context = {"language_switches": switches, "current_language": current}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        from django.db.models import Count, Max, Q

        from cases_exchange.models import Notification
        from cases_exchange.notifications import readable
        from cases_exchange.permissions import actor_for_user

        summary = Notification.objects.filter(recipient=user).aggregate(
            unread=Count("id", filter=Q(read_at__isnull=True) & readable(user)), last_id=Max("id")
        )
        context["unread_notifications"] = summary["unread"]
        context["last_notification_id"] = summary["last_id"] or 0
        context["works_with_leads"] = actor_for_user(user).works_with_leads
    return context


def _translated_path(request, code: str) -> str:
    path = request.get_full_path()
    translated = translate_url(path, code)
    if translated != path:
        return translated
    # translate_url cannot reverse Wagtail's catch-all route with a query string; do it by prefix.
    prefix = f"/{get_language()}/"
    bare = path[len(prefix) - 1 :] if path.startswith(prefix) else path
    # One leading slash: "/en//evil.example/x" must not become "//evil.example/x", a link off the site.
    bare = "/" + bare.lstrip("/")
    return bare if code == settings.LANGUAGE_CODE else f"/{code}{bare}"
