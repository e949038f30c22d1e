from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path, re_path
from django.views.static import serve
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from . import views
from .api import api

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("api/v1/", api.urls),
    path("healthz", views.healthz, name="healthz"),
    # Wagtail's images and their renditions, which a page shows to everyone (a proxy may serve these two
    # directories itself, faster). Nothing else under MEDIA_ROOT: documents go through Wagtail's privacy
    # check at /documents/, and lead evidence is not under MEDIA_ROOT at all.
    re_path(
        r"^media/(?P<path>(?:images|original_images)/[^/]+)$",
        serve,
        {"document_root": settings.MEDIA_ROOT},
        name="image_file",
    ),
]

# Chinese pages live at /, English at /en/ — the language is in the URL, so a shared link opens in the
# language it was copied in and public pages can be cached per URL.
urlpatterns += i18n_patterns(
    path("accounts/login/", views.PortalLoginView.as_view(), name="login"),
    path("accounts/logout/", views.PortalLogoutView.as_view(), name="logout"),
    # Wagtail's own front-end sign-in (its address for private pages) is ours too: the same form, the same
    # limits on failed attempts — otherwise a second door past them.
    path("_util/login/", views.PortalLoginView.as_view()),
    path("", include("cases_exchange.urls")),
    path("", include("search.urls")),
    path("", include(wagtail_urls)),
    prefix_default_language=False,
)

handler404 = "portal.views.page_not_found"
handler500 = "portal.views.server_error"
