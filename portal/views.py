"""Small views of the portal app: health check (also the benchmark's framework floor), sign-in, errors."""

from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import get_template
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from .ratelimit import RateLimitedSignIn


def healthz(request):
    """Liveness probe: answers without touching the database. ``make bench`` uses it as the floor."""
    return HttpResponse(b"ok", content_type="text/plain")


class PortalAuthenticationForm(RateLimitedSignIn, AuthenticationForm):
    pass


class PortalLoginView(auth_views.LoginView):
    """Sign-in for officers and staff; editors may also use the Wagtail admin's own sign-in page."""

    authentication_form = PortalAuthenticationForm
    template_name = "portal/login.html"
    redirect_authenticated_user = True
    extra_context = {"title": _("登录")}

    def get_default_redirect_url(self):
        # Unless ?next= says: an officer to the lead workspace, where the day's work is; anyone else (an
        # editor, staff) to the home page — in the language signed in from (/en/… after /en/accounts/login/).
        from cases_exchange.permissions import actor_for_user

        if actor_for_user(self.request.user).works_with_leads:
            return reverse("cases_exchange:lead_list")
        return reverse("wagtail_serve", args=[""])


class PortalLogoutView(auth_views.LogoutView):
    next_page = reverse_lazy("wagtail_serve", args=[""])  # read per request: in that request's language


@never_cache
def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


@never_cache
def server_error(request):
    # No request context: the context processors may need the database that just failed.
    return HttpResponse(get_template("500.html").render({}), status=500)
