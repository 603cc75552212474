from django.urls import path

from complaints.api import views

urlpatterns = [
    path("complaints", views.ComplaintCollectionApi.as_view(), name="api_complaints"),
    path("complaints/<str:number>", views.ComplaintDetailApi.as_view(), name="api_complaint_detail"),
    path("complaints/<str:number>/dispatch", views.ComplaintDispatchApi.as_view(), name="api_complaint_dispatch"),
    path("complaints/<str:number>/pass-down", views.ComplaintPassDownApi.as_view(), name="api_complaint_pass_down"),
    path("complaints/<str:number>/return", views.ComplaintReturnApi.as_view(), name="api_complaint_return"),
    path("complaints/<str:number>/reply", views.ComplaintReplyApi.as_view(), name="api_complaint_reply"),
    path("complaints/<str:number>/accept", views.ComplaintAcceptApi.as_view(), name="api_complaint_accept"),
    path("complaints/<str:number>/redispatch", views.ComplaintRedispatchApi.as_view(), name="api_complaint_redispatch"),
    path("complaints/<str:number>/callback", views.ComplaintCallbackApi.as_view(), name="api_complaint_callback"),
    path("kb/articles", views.ArticleSearchApi.as_view(), name="api_kb_articles"),
]
