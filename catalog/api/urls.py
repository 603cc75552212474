from django.urls import path

from catalog.api import views

urlpatterns = [
    path("products", views.ProductListApi.as_view(), name="api_product_list"),
    path("features", views.FeatureListApi.as_view(), name="api_feature_list"),
]
