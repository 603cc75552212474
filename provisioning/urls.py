from django.urls import path

from provisioning import views

app_name = "provisioning"

urlpatterns = [
    path("work-orders/", views.WorkOrderListView.as_view(), name="work_order_list"),
    path("work-orders/<int:pk>/retry/", views.work_order_retry_view, name="work_order_retry"),
    path("work-orders/<int:pk>/rollback/", views.work_order_rollback_view, name="work_order_rollback"),
]
