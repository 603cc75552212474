from django.urls import path

from groups import views

app_name = "groups"

urlpatterns = [
    path("vpmn/", views.VpmnListView.as_view(), name="vpmn_list"),
    path("vpmn/<int:pk>/", views.vpmn_detail, name="vpmn_detail"),
    path("vpmn/<int:pk>/callout/", views.vpmn_callout_view, name="vpmn_callout"),
    path("vpmn/<int:pk>/sign/", views.vpmn_sign_view, name="vpmn_sign"),
    path("vpmn/<int:pk>/issue/", views.vpmn_issue_view, name="vpmn_issue"),
    path("vpmn/<int:pk>/open/", views.vpmn_open_view, name="vpmn_open"),
    path("vpmn/<int:pk>/import-file/", views.vpmn_import_file, name="vpmn_import_file"),
]
