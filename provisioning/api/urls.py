from django.urls import path

from provisioning.api import views

urlpatterns = [
    path("work-orders", views.WorkOrderListApi.as_view(), name="api_work_order_list"),
    path("work-orders/<int:pk>/retry", views.WorkOrderRetryApi.as_view(), name="api_work_order_retry"),
    path("work-orders/<int:pk>/rollback", views.WorkOrderRollbackApi.as_view(), name="api_work_order_rollback"),
]
