from django.urls import path

from groups import views, views_sms

app_name = "groups"

urlpatterns = [
    path("vpmn/", views.VpmnListView.as_view(), name="vpmn_list"),
    path("vpmn/new/<int:customer_pk>/", views.vpmn_new, name="vpmn_new"),
    path("vpmn/<int:pk>/", views.vpmn_detail, name="vpmn_detail"),
    path("vpmn/<int:pk>/callout/", views.vpmn_callout_view, name="vpmn_callout"),
    path("vpmn/<int:pk>/sign/", views.vpmn_sign_view, name="vpmn_sign"),
    path("vpmn/<int:pk>/issue/", views.vpmn_issue_view, name="vpmn_issue"),
    path("vpmn/<int:pk>/open/", views.vpmn_open_view, name="vpmn_open"),
    path("vpmn/<int:pk>/agreement.pdf", views.vpmn_agreement_pdf, name="vpmn_agreement_pdf"),
    path("vpmn/<int:pk>/import-file/", views.vpmn_import_file, name="vpmn_import_file"),
    path("vpmn/members/<int:customer_pk>/", views.vpmn_members, name="vpmn_members"),
    path("register/<int:customer_pk>/", views_sms.group_register, name="group_register"),
    path("batches/<int:pk>/sign-for/", views_sms.group_batch_sign_for_view, name="batch_sign_for"),
    path("sms/", views_sms.GroupSmsListView.as_view(), name="sms_list"),
    path("sms/new/<int:customer_pk>/", views_sms.group_sms_new, name="sms_new"),
    path("sms/<int:pk>/", views_sms.group_sms_detail, name="sms_detail"),
    path("sms/<int:pk>/hand-over/", views_sms.group_sms_hand_over_view, name="sms_hand_over"),
    path("sms/<int:pk>/receive/", views_sms.group_sms_receive_view, name="sms_receive"),
    path("sms/<int:pk>/platform/", views_sms.group_sms_platform_view, name="sms_platform"),
    path("sms/<int:pk>/notice/", views_sms.group_sms_notice_view, name="sms_notice"),
    path("sms/<int:pk>/confirm/", views_sms.group_sms_confirm_view, name="sms_confirm"),
    path("sms/<int:pk>/application.pdf", views_sms.group_sms_application_pdf, name="sms_application_pdf"),
    path("sms/<int:pk>/opening-notice.pdf", views_sms.group_sms_notice_pdf, name="sms_notice_pdf"),
]
