from django.urls import path

from hall.api import views

urlpatterns = [
    path("hall/device", views.DeviceApi.as_view(), name="api_hall_device"),
    path("hall/device/tickets", views.TicketTakeApi.as_view(), name="api_hall_ticket_take"),
    path("hall/device/tickets/<int:pk>", views.TicketDetailApi.as_view(), name="api_hall_ticket"),
    path("hall/device/board", views.BoardApi.as_view(), name="api_hall_board"),
]
