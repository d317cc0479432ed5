from .views import portal, workbench

app_name = "cases"
urlpatterns = [*portal.urlpatterns, *workbench.urlpatterns]
