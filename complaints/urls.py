from django.urls import path

from complaints.views import knowledge, queues, statistics, workflow

app_name = "complaints"

urlpatterns = [
    path("", workflow.ComplaintListView.as_view(), name="complaint_list"),
    path("new/", workflow.ComplaintOpenView.as_view(), name="complaint_open"),
    path("<int:pk>/", workflow.complaint_detail, name="complaint_detail"),
    path("<int:pk>/dispatch/", workflow.ComplaintDispatchView.as_view(), name="complaint_dispatch"),
    path("<int:pk>/reply/", workflow.ComplaintReplyView.as_view(), name="complaint_reply"),
    path("<int:pk>/pass-down/", workflow.ComplaintPassDownView.as_view(), name="complaint_pass_down"),
    path("<int:pk>/return/", workflow.ComplaintReturnView.as_view(), name="complaint_return"),
    path("<int:pk>/accept/", workflow.ComplaintAcceptView.as_view(), name="complaint_accept"),
    path("<int:pk>/redispatch/", workflow.ComplaintRedispatchView.as_view(), name="complaint_redispatch"),
    path("<int:pk>/callback/", workflow.ComplaintCallbackView.as_view(), name="complaint_callback"),
    path("queue/review/", queues.ReviewQueueView.as_view(), name="queue_review"),
    path("queue/handle/", queues.HandleQueueView.as_view(), name="queue_handle"),
    path("queue/check/", queues.CheckQueueView.as_view(), name="queue_check"),
    path("queue/callback/", queues.CallbackQueueView.as_view(), name="queue_callback"),
    path("escalations/", queues.EscalationListView.as_view(), name="escalation_list"),
    path("escalations/<int:pk>/acknowledge/", queues.escalation_acknowledge_view, name="escalation_acknowledge"),
    path("statistics/", statistics.statistics_view, name="statistics"),
    path("statistics.csv", statistics.statistics_csv_view, name="statistics_csv"),
    path("statistics.xlsx", statistics.statistics_xlsx_view, name="statistics_xlsx"),
    path("statistics.pdf", statistics.statistics_pdf_view, name="statistics_pdf"),
    path("kb/", knowledge.article_list, name="article_list"),
    path("kb/new/", knowledge.ArticleCreateView.as_view(), name="article_create"),
    path("kb/templates/", knowledge.article_templates, name="article_templates"),
    path("kb/<int:pk>/", knowledge.article_detail, name="article_detail"),
    path("kb/<int:pk>/edit/", knowledge.ArticleUpdateView.as_view(), name="article_edit"),
]
