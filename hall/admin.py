from django.contrib import admin

from hall.models import Announcement, HallDevice


@admin.register(HallDevice)
class HallDeviceAdmin(admin.ModelAdmin):
    list_display = ("name", "hall", "kind", "active")
    list_filter = ("kind", "active", "hall")
    readonly_fields = ("token",)


@admin.register(Announcement)
class AnnouncementAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "audience", "valid_from", "valid_until", "mandatory")
    list_filter = ("kind", "audience")
    readonly_fields = ("created_by",)
