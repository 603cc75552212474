from django.urls import path, re_path

from partners import discount_views, tracing_views, views

app_name = "partners"

urlpatterns = [
    path("", views.PartnerListView.as_view(), name="partner_list"),
    path("new/", views.partner_create_view, name="partner_create"),
    path("<int:pk>/", views.partner_detail, name="partner_detail"),
    path("<int:pk>/edit/", views.partner_edit_view, name="partner_edit"),
    re_path(r"^(?P<pk>[0-9]+)/(?P<action>suspend|resume|delete)/$", views.partner_status_view, name="partner_status"),
    path("<int:pk>/halls/new/", views.partner_hall_view, name="partner_hall"),
    path("<int:pk>/halls/<int:hall_pk>/unlink/", views.partner_hall_unlink_view, name="partner_hall_unlink"),
    path("<int:pk>/keys/new/", views.key_issue_view, name="key_issue"),
    path("<int:pk>/keys/<int:key_pk>/rotate/", views.key_rotate_view, name="key_rotate"),
    path("<int:pk>/keys/<int:key_pk>/revoke/", views.key_revoke_view, name="key_revoke"),
    path("<int:pk>/blacklist/upload/", views.blacklist_upload_view, name="blacklist_upload"),
    path("<int:pk>/blacklist/published.csv", views.blacklist_published_csv, name="blacklist_published"),
    re_path(r"^(?P<pk>[0-9]+)/statement/(?P<month>[0-9]{4}-[0-9]{2})/$", views.statement_view, name="statement"),
    re_path(r"^(?P<pk>[0-9]+)/statement/(?P<month>[0-9]{4}-[0-9]{2})\.pdf$", views.statement_pdf,
            name="statement_pdf"),
    re_path(r"^(?P<pk>[0-9]+)/statement/(?P<month>[0-9]{4}-[0-9]{2})\.xlsx$", views.statement_xlsx_view,
            name="statement_xlsx"),
    re_path(r"^(?P<pk>[0-9]+)/statement/(?P<month>[0-9]{4}-[0-9]{2})/disputes/new/$", views.dispute_open_view,
            name="dispute_open"),
    path("<int:pk>/disputes/<int:dispute_pk>/resolve/", views.dispute_resolve_view, name="dispute_resolve"),
    path("discount-requests/", discount_views.discount_request_list, name="discount_request_list"),
    path("discount-requests/new/", discount_views.discount_request_create_view, name="discount_request_create"),
    path("discount-requests/<int:pk>/", discount_views.discount_request_detail, name="discount_request"),
    path("discount-requests/<int:pk>/apply/", discount_views.discount_request_apply_view,
         name="discount_request_apply"),
    path("blacklist/", views.BlacklistListView.as_view(), name="blacklist_list"),
    path("tracing/", tracing_views.suspect_list, name="suspect_list"),
    path("tracing/<int:pk>/", tracing_views.suspect_review, name="suspect_review"),
    path("tracing/<int:pk>/suspend/", tracing_views.suspect_suspend, name="suspect_suspend"),
    path("tracing/statistics/", tracing_views.tracing_statistics, name="tracing_statistics"),
]
