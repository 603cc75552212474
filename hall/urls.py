from django.urls import path

from hall.views import announcements, devices, queue, statistics

app_name = "hall"

urlpatterns = [
    path("queue/", queue.queue, name="queue"),
    path("queue/call/", queue.call_next, name="call_next"),
    path("queue/<int:pk>/recall/", queue.act, {"action": "recall"}, name="recall"),
    path("queue/<int:pk>/skip/", queue.act, {"action": "skip"}, name="skip"),
    path("queue/<int:pk>/finish/", queue.act, {"action": "finish"}, name="finish"),
    path("queue/<int:pk>/transfer/", queue.transfer, name="transfer"),
    path("statistics/", statistics.statistics, name="statistics"),
    path("announcements/", announcements.announcement_list, name="announcement_list"),
    path("announcements/new/", announcements.announcement_create, name="announcement_create"),
    path("announcements/<int:pk>/acknowledge/", announcements.announcement_ack, name="announcement_ack"),
    path("devices/", devices.device_list, name="device_list"),
    path("devices/add/", devices.device_add, name="device_add"),
    path("devices/<int:pk>/revoke/", devices.device_revoke, name="device_revoke"),
    path("devices/<int:pk>/reissue/", devices.device_reissue, name="device_reissue"),
    # The devices themselves (no login: the secret address is the key).
    path("d/<str:token>/", devices.ticket_machine, name="ticket_machine"),
    path("d/<str:token>/ticket/<int:pk>/", devices.ticket_print, name="ticket_print"),
    path("d/<str:token>/display/", devices.display, name="display"),
]
