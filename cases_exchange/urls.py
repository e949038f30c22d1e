from django.urls import path

from . import views

app_name = "cases_exchange"

urlpatterns = [
    path("leads/", views.lead_list, name="lead_list"),
    path("leads/new/", views.lead_create, name="lead_create"),
    path("leads/export.<str:fmt>", views.lead_export, name="lead_export"),
    path("leads/clusters/", views.cluster_list, name="clusters"),
    path("leads/stats/", views.stats, name="stats"),
    path("leads/audit/", views.audit_log, name="audit_log"),
    path("leads/audit/export.<str:fmt>", views.audit_export, name="audit_export"),
    path("leads/groups/", views.sharing_groups, name="sharing_groups"),
    path("leads/groups/<int:pk>/edit/", views.sharing_group_edit, name="sharing_group_edit"),
    path("leads/groups/<int:pk>/delete/", views.sharing_group_delete, name="sharing_group_delete"),
    path("leads/<int:pk>/", views.lead_detail, name="lead_detail"),
    path("leads/<int:pk>/history/", views.lead_history, name="lead_history"),
    path("leads/<int:pk>/edit/", views.lead_edit, name="lead_edit"),
    path("leads/<int:pk>/send/", views.lead_send, name="lead_send"),
    path("leads/<int:pk>/send-more/", views.lead_send_more, name="lead_send_more"),
    path("leads/<int:pk>/act/<str:action>/", views.recipient_act, name="recipient_act"),
    path("leads/<int:pk>/comments/", views.comment_post, name="comment_post"),
    path("leads/<int:pk>/files/", views.attachment_upload, name="attachment_upload"),
    path("leads/<int:pk>/files/<int:attachment_id>/", views.attachment_download, name="attachment_download"),
    path("leads/<int:pk>/access/", views.access_request_post, name="access_request"),
    path(
        "leads/<int:pk>/access/<int:request_id>/<str:decision>/",
        views.access_request_decide,
        name="access_request_decide",
    ),
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/feed", views.notification_feed, name="notification_feed"),
    path("notifications/read", views.notification_mark_read, name="notification_mark_read"),
    path("notifications/<int:pk>/open", views.notification_open, name="notification_open"),
    path("notifications/preferences/", views.notification_preferences, name="notification_preferences"),
    path("tips/new/", views.tip_new, name="tip_new"),
    path("tips/done/", views.tip_done, name="tip_done"),
    path("tips/status/", views.tip_status, name="tip_status"),
]
