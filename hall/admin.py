from django.contrib import admin

from hall.models import Announcement, HallDevice


@admin.register(HallDevice)
class HallDeviceAdmin(admin.ModelAdmin):
    list_display = ("name", "hall", "kind", "active")
    list_filter = ("kind", "active", "hall")
    # The secret address is shown once on 取号机和显示屏; only its keyed hash is kept (not editable, not shown).


@admin.register(Announcement)
class AnnouncementAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "audience", "valid_from", "valid_until", "mandatory")
    list_filter = ("kind", "audience")
    readonly_fields = ("created_by",)
