from django.urls import path

from groups.api import views

urlpatterns = [
    path("groups", views.GroupCreateApi.as_view(), name="api_groups"),
    path("groups/<int:pk>", views.GroupDetailApi.as_view(), name="api_group_detail"),
    path("groups/<int:pk>/vpmn-applications", views.VpmnCreateApi.as_view(), name="api_vpmn_create"),
    path("groups/<int:pk>/vpmn-members/<str:msisdn>/departure", views.VpmnMemberDepartureApi.as_view(),
         name="api_vpmn_member_departure"),
    path("vpmn-applications/<int:pk>", views.VpmnDetailApi.as_view(), name="api_vpmn_detail"),
    path("vpmn-applications/<int:pk>/callouts", views.VpmnCalloutApi.as_view(), name="api_vpmn_callout"),
    path("vpmn-applications/<int:pk>/signature", views.VpmnSignatureApi.as_view(), name="api_vpmn_signature"),
    path("vpmn-applications/<int:pk>/issue", views.VpmnIssueApi.as_view(), name="api_vpmn_issue"),
    path("vpmn-applications/<int:pk>/opening", views.VpmnOpeningApi.as_view(), name="api_vpmn_opening"),
    path("group-batches", views.BatchListApi.as_view(), name="api_group_batches"),
    path("group-batches/<int:pk>/sign-for", views.BatchSignForApi.as_view(), name="api_group_batch_sign_for"),
    path("group-sms-applications", views.GroupSmsCreateApi.as_view(), name="api_group_sms_create"),
    path("group-sms-applications/<int:pk>", views.GroupSmsDetailApi.as_view(), name="api_group_sms_detail"),
    path("group-sms-applications/<int:pk>/hand-over", views.GroupSmsHandOverApi.as_view(),
         name="api_group_sms_hand_over"),
    path("group-sms-applications/<int:pk>/receipt", views.GroupSmsReceiptApi.as_view(), name="api_group_sms_receipt"),
    path("group-sms-applications/<int:pk>/platform", views.GroupSmsPlatformApi.as_view(),
         name="api_group_sms_platform"),
    path("group-sms-applications/<int:pk>/notice", views.GroupSmsNoticeApi.as_view(), name="api_group_sms_notice"),
    path("group-sms-applications/<int:pk>/confirmation", views.GroupSmsConfirmationApi.as_view(),
         name="api_group_sms_confirmation"),
]
